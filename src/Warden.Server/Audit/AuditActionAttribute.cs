namespace Warden.Server.Audit;

/// <summary>The audit log's name for what an endpoint does, such as <c>runs.create</c>.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
internal sealed class AuditActionAttribute(string action) : Attribute
{
    public string Action { get; } = action;
}
