using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HaKube.Reconciler.Telemetry;

/// <summary>
/// Sends HaKube's spans and metrics to an OpenTelemetry collector over OTLP, when an endpoint is
/// given. The standard OTEL_* environment variables (headers, timeouts) apply as usual.
/// </summary>
internal static class OtlpExport
{
    /// <param name="services">The daemon's services.</param>
    /// <param name="endpoint">The collector: http://HOST:4317 for gRPC, http://HOST:4318 for HTTP.</param>
    /// <param name="http">HTTP/protobuf instead of gRPC; the signal paths /v1/traces and /v1/metrics are appended.</param>
    public static void Add(IServiceCollection services, Uri endpoint, bool http)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        void Configure(OtlpExporterOptions options, string signal)
        {
            options.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
            // With an explicit endpoint the HTTP exporter posts to it as given, so the signal's path is added here.
            options.Endpoint = http ? new Uri(endpoint, endpoint.AbsolutePath.TrimEnd('/') + "/v1/" + signal) : endpoint;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("hakube"))
            .WithTracing(tracing => tracing.AddSource(HaKubeTelemetry.Name).AddOtlpExporter(options => Configure(options, "traces")))
            .WithMetrics(metrics => metrics.AddMeter(HaKubeTelemetry.Name).AddOtlpExporter(options => Configure(options, "metrics")));
    }

    /// <summary>The endpoint parsed, or null with <paramref name="error"/> saying what is expected.</summary>
    public static Uri? Parse(string text, out string? error)
    {
        error = null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0)
        {
            return uri;
        }

        error = $"\"{text}\": expected an http:// or https:// URL of an OpenTelemetry collector, such as http://otel-collector:4317";
        return null;
    }
}
