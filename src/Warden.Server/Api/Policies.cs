using Microsoft.AspNetCore.Authorization;
using Warden.Server.Auth;

namespace Warden.Server.Api;

/// <summary>Authorization policies by role. Everything not marked otherwise needs an authenticated key (the fallback policy).</summary>
internal static class Policies
{
    public const string Admin = "admin";
    public const string Runner = "runner";

    public static void Add(AuthorizationOptions o)
    {
        o.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        o.AddPolicy(Runner, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin, Roles.User));
        o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }
}
