using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Warden.Server.Api;

/// <summary>The OpenAPI document's title, version and security scheme (bearer API keys).</summary>
internal static class OpenApiDocument
{
    public static void Configure(OpenApiOptions o)
    {
        RunContractSchema.Configure(o);
        o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info = new OpenApiInfo
            {
                Title = "Warden",
                Version = "v1",
                Description = "Run untrusted code in strong Linux isolation. Every error is {\"error\": {\"code\", \"message\"}}.",
            };
            doc.Components ??= new OpenApiComponents();
            doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            doc.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key: wdn_<id>_<secret>",
            };
            return Task.CompletedTask;
        });
    }
}
