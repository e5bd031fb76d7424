namespace Warden.Linux.Isolation;

/// <summary>
/// Hands each live sandbox its own unprivileged host uid from a range, so RLIMIT_NPROC is a
/// per-sandbox limit and no two sandboxes ever share an identity on the host. The start is
/// random per process so that two Warden processes on one host rarely pick the same uid (and
/// if they did, the sandboxes would still be in separate pid namespaces).
/// </summary>
internal sealed class UidAllocator
{
    private readonly int _base;
    private readonly int _count;
    private readonly HashSet<int> _inUse = [];
    private int _next;

    public UidAllocator(int baseUid, int count)
    {
        _base = baseUid;
        _count = count;
        _next = Random.Shared.Next(count);
    }

    public int Rent()
    {
        lock (_inUse)
        {
            for (var i = 0; i < _count; i++)
            {
                var uid = _base + ((_next + i) % _count);
                if (_inUse.Add(uid))
                {
                    _next = (_next + i + 1) % _count;
                    return uid;
                }
            }
        }
        throw new SandboxException("Every sandbox uid is in use; raise Warden:Engine:SandboxUidCount.");
    }

    public void Return(int uid)
    {
        lock (_inUse) _inUse.Remove(uid);
    }
}
