namespace Warden.Server.Api;

/// <summary>The stable error codes of the HTTP API (docs/api.md lists them with their statuses).</summary>
internal static class ErrorCodes
{
    public const string InvalidRequest = "invalid-request";
    public const string InvalidJson = "invalid-json";
    public const string PayloadTooLarge = "payload-too-large";
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string NotAcceptable = "not-acceptable";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not-found";
    public const string MethodNotAllowed = "method-not-allowed";
    public const string RateLimited = "rate-limited";
    public const string TooManyRuns = "too-many-runs";
    public const string TooManySessions = "too-many-sessions";
    public const string QuotaExceeded = "quota-exceeded";
    public const string LanguageUnavailable = "language-unavailable";
    public const string LanguageAmbiguous = "language-ambiguous";
    public const string CodeCheckBlocked = "code-check-blocked";
    public const string IsolationUnavailable = "isolation-unavailable";
    public const string SandboxError = "sandbox-error";
    public const string ShuttingDown = "shutting-down";
    public const string Conflict = "conflict";
    public const string BadRequest = "bad-request";
    public const string HeadersTooLarge = "headers-too-large";
    public const string RequestTimeout = "request-timeout";
    public const string Internal = "internal-error";

    /// <summary>The code for a status nobody gave a code to.</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => BadRequest,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        406 => NotAcceptable,
        408 => RequestTimeout,
        409 => Conflict,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        422 => InvalidRequest,
        429 => RateLimited,
        431 => HeadersTooLarge,
        503 => ShuttingDown,
        _ => status >= 500 ? Internal : BadRequest,
    };

    /// <summary>A plain sentence for a status nobody gave a message to.</summary>
    public static string MessageForStatus(int status) => status switch
    {
        400 => "The request is malformed.",
        401 => "An API key is required.",
        403 => "This key's role may not do this.",
        404 => "Not found.",
        405 => "This method is not allowed here.",
        406 => "None of the accepted media types can be produced here.",
        408 => "The request took too long to arrive.",
        413 => "The request body is too large.",
        415 => "Send the body as application/json.",
        429 => "Too many requests; retry later.",
        431 => "The request headers are too large.",
        _ => status >= 500 ? "The server failed." : "The request failed.",
    };
}
