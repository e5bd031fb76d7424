using Microsoft.Extensions.Configuration;

namespace Warden.Server.Configuration;

/// <summary>
/// Loads the one options schema from its three sources, later ones winning: a JSON file
/// (<c>--config</c>, else <c>appsettings.json</c> in the working directory when present),
/// environment variables <c>WARDEN__SECTION__KEY</c>, and command-line flags. Unknown keys and
/// invalid values are errors.
/// </summary>
public static class ServerConfiguration
{
    /// <summary>Prefix of environment variables: <c>WARDEN__LIMITS__MEMORYMB=256</c>.</summary>
    public const string EnvironmentPrefix = "WARDEN__";

    /// <summary>Builds the configuration tree.</summary>
    /// <param name="configFile">A JSON file that must exist; null to use ./appsettings.json when present.</param>
    /// <param name="overrides">Flags, as configuration keys (<c>Server:Urls</c>).</param>
    /// <param name="useEnvironment">Whether to read <c>WARDEN__</c> environment variables.</param>
    public static IConfigurationRoot Build(string? configFile, IReadOnlyDictionary<string, string?>? overrides = null, bool useEnvironment = true)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            if (!File.Exists(configFile)) throw new ConfigurationException($"The configuration file {configFile} does not exist.");
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }
        else if (File.Exists("appsettings.json"))
        {
            builder.AddJsonFile(Path.GetFullPath("appsettings.json"), optional: true, reloadOnChange: false);
        }
        if (useEnvironment) builder.AddEnvironmentVariables(EnvironmentPrefix);
        if (overrides is not null) builder.AddInMemoryCollection(overrides);
        try
        {
            return builder.Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            throw new ConfigurationException("The configuration file cannot be read: " + ex.Message);
        }
    }

    /// <summary>Binds and validates; throws <see cref="ConfigurationException"/> listing every problem.</summary>
    public static WardenServerOptions Bind(IConfiguration configuration)
    {
        var problems = ConfigurationSchema.Problems(configuration, typeof(WardenServerOptions));
        if (problems.Count > 0) throw new ConfigurationException("Invalid configuration: " + string.Join("; ", problems) + ".");
        var options = new WardenServerOptions();
        try
        {
            configuration.Bind(options, b => b.ErrorOnUnknownConfiguration = false);
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigurationException("Invalid configuration: " + ex.Message);
        }
        return options;
    }
}
