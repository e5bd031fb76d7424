using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Warden.Server.Configuration;

/// <summary>
/// Walks a configuration tree against the options types and lists every key the code does not
/// read. A misspelt key is an error at start, never a silently ignored setting (another
/// sandbox's limits were never applied because its keys did not match the code).
/// </summary>
internal static class ConfigurationSchema
{
    /// <summary>Root sections read by something other than Warden's options (ASP.NET Core's logging).</summary>
    public static readonly IReadOnlySet<string> ForeignRoots = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Logging" };

    /// <summary>Every problem of shape: unknown keys, sections given as values and values given as sections.</summary>
    public static List<string> Problems(IConfiguration root, Type optionsType)
    {
        var problems = new List<string>();
        var props = Properties(optionsType);
        foreach (var child in root.GetChildren())
        {
            if (ForeignRoots.Contains(child.Key)) continue;
            if (!props.TryGetValue(child.Key, out var prop)) Unknown(child, problems);
            else Walk(child, prop.PropertyType, problems);
        }
        return problems;
    }

    private static void Walk(IConfigurationSection section, Type type, List<string> problems)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var children = section.GetChildren().ToList();
        if (IsScalar(type))
        {
            if (children.Count > 0) problems.Add($"'{section.Path}' is a single value, not a section");
            return;
        }
        if (children.Count == 0)
        {
            // An empty value clears a section or list ("" from an environment variable); anything else is a type error.
            if (!string.IsNullOrEmpty(section.Value)) problems.Add($"'{section.Path}' is a section, not a single value");
            return;
        }
        if (ElementType(type) is { } element)
        {
            foreach (var c in children)
            {
                if (!int.TryParse(c.Key, out var i) || i < 0) problems.Add($"unknown configuration key '{c.Path}' ('{section.Path}' is a list: use {section.Path}:0, :1, ...)");
                else Walk(c, element, problems);
            }
            return;
        }
        var props = Properties(type);
        foreach (var c in children)
        {
            if (!props.TryGetValue(c.Key, out var prop)) Unknown(c, problems);
            else Walk(c, prop.PropertyType, problems);
        }
    }

    // Names every key given under an unknown section, as it was written.
    private static void Unknown(IConfigurationSection section, List<string> problems)
    {
        var leaves = section.AsEnumerable().Where(kv => kv.Value is not null).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        if (leaves.Count == 0) leaves.Add(section.Path);
        foreach (var key in leaves) problems.Add($"unknown configuration key '{key}'");
    }

    private static Dictionary<string, PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetSetMethod() is not null)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    private static bool IsScalar(Type t) =>
        t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri);

    private static Type? ElementType(Type t)
    {
        if (t.IsArray) return t.GetElementType();
        if (t.IsGenericType && typeof(IEnumerable).IsAssignableFrom(t) && t.GetGenericArguments() is [var e]) return e;
        return null;
    }
}
