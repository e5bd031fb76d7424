using Warden.Policy;

namespace Warden.Server.Configuration;

/// <summary>A role's quota, resolved: every ceiling set.</summary>
internal sealed record RoleQuota(int RequestsPerMinute, int ConcurrentRuns, int LiveSessions, Limits MaxLimits);
