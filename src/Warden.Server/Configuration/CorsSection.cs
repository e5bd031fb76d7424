namespace Warden.Server.Configuration;

/// <summary>Cross-origin requests. Closed (no CORS headers at all) unless origins are listed.</summary>
public sealed class CorsSection
{
    /// <summary>Origins allowed to call the API from a browser, such as <c>https://app.example.com</c>. Never <c>*</c>. Default none.</summary>
    public string[] Origins { get; set; } = [];
}
