namespace Warden.Server.Auth;

/// <summary>Role names and parsing.</summary>
internal static class Roles
{
    public const string Admin = "admin", User = "user", Reader = "reader";

    public static string Name(Role role) => role switch
    {
        Role.Admin => Admin,
        Role.User => User,
        _ => Reader,
    };

    public static bool TryParse(string? text, out Role role)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case Admin: role = Role.Admin; return true;
            case User: role = Role.User; return true;
            case Reader: role = Role.Reader; return true;
            default: role = Role.Reader; return false;
        }
    }
}
