using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Telemetry;

/// <summary>Log lines of the telemetry endpoints.</summary>
internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Information, "Serving /metrics, /healthz and /readyz on {Address}")]
    public static partial void MetricsListening(ILogger logger, string address);

    [LoggerMessage(3002, LogLevel.Debug, "Answering a metrics request failed: {Reason}")]
    public static partial void MetricsAnswerFailed(ILogger logger, string reason);

    [LoggerMessage(3003, LogLevel.Information, "Exporting traces and metrics over OTLP to {Endpoint}")]
    public static partial void OtlpExporting(ILogger logger, string endpoint);
}
