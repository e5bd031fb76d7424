using System.Buffers.Binary;

namespace Warden.Linux.Seccomp;

/// <summary>
/// Compiles a <see cref="SeccompPolicy"/> to a classic-BPF seccomp program (an array of
/// struct sock_filter) in the byte layout bubblewrap's <c>--seccomp FD</c> reads.
/// Layout: check the architecture (anything else — i386, x32, AArch32 — kills the process),
/// load the syscall number, then one small block per rule. Every jump is short (0 or 1, or
/// the length of one rule's block), so the program never overflows the 8-bit jump offsets.
/// </summary>
internal static class BpfCompiler
{
    public const ushort LdAbsW = 0x20, JeqK = 0x15, JgeK = 0x35, JsetK = 0x45, RetK = 0x06, AndK = 0x54;
    public const uint RetKillProcess = 0x80000000, RetAllow = 0x7FFF0000, RetErrno = 0x00050000;
    public const uint OffNr = 0, OffArch = 4;

    /// <summary>Offset of the low 32 bits of argument <paramref name="i"/> in struct seccomp_data (little-endian).</summary>
    public static uint OffArgLow(int i) => 16u + (8u * (uint)i);

    public static List<BpfInstruction> Compile(SeccompPolicy policy, SyscallTable table)
    {
        var p = new List<BpfInstruction>
        {
            new(LdAbsW, 0, 0, OffArch),
            new(JeqK, 1, 0, table.AuditArch),
            new(RetK, 0, 0, RetKillProcess),
            new(LdAbsW, 0, 0, OffNr),
        };
        if (table.ForeignAbiBit is { } bit)
        {
            p.Add(new(JgeK, 0, 1, bit));
            p.Add(new(RetK, 0, 0, RetKillProcess));
        }
        foreach (var rule in policy.Rules)
        {
            if (table.Number(rule.Syscall) is not { } nr) continue;
            var deny = new BpfInstruction(RetK, 0, 0, RetErrno | (uint)(rule.Errno & 0xFFFF));
            if (rule.AnyOf.Count == 0)
            {
                p.Add(new(JeqK, 0, 1, (uint)nr));
                p.Add(deny);
                continue;
            }
            var block = new List<BpfInstruction>();
            int? loaded = null;
            foreach (var c in rule.AnyOf)
            {
                if (loaded != c.ArgIndex)
                {
                    block.Add(new(LdAbsW, 0, 0, OffArgLow(c.ArgIndex)));
                    loaded = c.ArgIndex;
                }
                switch (c.Op)
                {
                    case ArgOp.Equals:
                        block.Add(new(JeqK, 0, 1, c.Value));
                        block.Add(deny);
                        break;
                    case ArgOp.AnyBitSet:
                        block.Add(new(JsetK, 0, 1, c.Value));
                        block.Add(deny);
                        break;
                    case ArgOp.NotOneOf:
                        // One JEQ per allowed value, each jumping over the rest and the deny.
                        var allowed = c.Values ?? throw new InvalidOperationException($"seccomp rule for {rule.Syscall}: NotOneOf without values");
                        if (allowed.Count is 0 or > 250) throw new InvalidOperationException($"seccomp rule for {rule.Syscall}: {allowed.Count} values");
                        for (var i = 0; i < allowed.Count; i++)
                            block.Add(new(JeqK, (byte)(allowed.Count - i), 0, allowed[i]));
                        block.Add(deny);
                        break;
                    case ArgOp.MaskedEquals:
                        block.Add(new(AndK, 0, 0, c.Mask));
                        block.Add(new(JeqK, 0, 1, c.Value));
                        block.Add(deny);
                        loaded = null; // the accumulator was masked: reload for the next condition
                        break;
                }
            }
            block.Add(new(RetK, 0, 0, RetAllow));
            if (block.Count > 255) throw new InvalidOperationException($"seccomp rule for {rule.Syscall} is too long");
            p.Add(new(JeqK, 0, (byte)block.Count, (uint)nr));
            p.AddRange(block);
        }
        p.Add(new(RetK, 0, 0, RetAllow));
        if (p.Count > 4096) throw new InvalidOperationException("seccomp program longer than BPF_MAXINSNS");
        return p;
    }

    /// <summary>The program as the kernel's struct sock_filter array (8 bytes per instruction, little-endian).</summary>
    public static byte[] ToBytes(IReadOnlyList<BpfInstruction> program)
    {
        var bytes = new byte[program.Count * 8];
        for (var i = 0; i < program.Count; i++)
        {
            var s = bytes.AsSpan(i * 8, 8);
            BinaryPrimitives.WriteUInt16LittleEndian(s, program[i].Code);
            s[2] = program[i].Jt;
            s[3] = program[i].Jf;
            BinaryPrimitives.WriteUInt32LittleEndian(s[4..], program[i].K);
        }
        return bytes;
    }
}

/// <summary>One classic-BPF instruction (struct sock_filter).</summary>
internal readonly record struct BpfInstruction(ushort Code, byte Jt, byte Jf, uint K);
