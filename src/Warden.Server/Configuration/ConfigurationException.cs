namespace Warden.Server.Configuration;

/// <summary>The configuration is invalid; the message lists every problem. The server does not start.</summary>
public sealed class ConfigurationException(string message) : WardenException("invalid-configuration", message);
