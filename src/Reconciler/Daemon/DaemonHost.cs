using HaKube.Actions.Ssh;
using HaKube.Reconciler.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HaKube.Reconciler.Daemon;

/// <summary>The daemon's composition: the hosted services and what they share.</summary>
internal static class DaemonHost
{
    /// <summary>Passes get this long to notice cancellation and record where they stopped.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The host; <paramref name="customResources"/>, when given (custom-resource mode), registers its loop in place of the directory loop.</summary>
    public static IHost Build(DaemonOptions options, MetricsAddress metrics, Uri? otlpEndpoint, bool otlpHttp, bool jsonLogs, Action<IServiceCollection>? customResources = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ApplicationName = "hakube" });
        builder.Logging.ClearProviders();
        if (jsonLogs)
        {
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        }
        else
        {
            // One line per event, control characters escaped (see EscapingTextFormatter).
            builder.Logging.AddConsole(o => o.FormatterName = EscapingTextFormatter.FormatterName)
                .AddConsoleFormatter<EscapingTextFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton<HealthState>();
        builder.Services.AddSingleton(_ => new PrometheusCollector());
        builder.Services.AddSingleton(sp => new SshConnectionPool(null, sp.GetRequiredService<ILogger<SshConnectionPool>>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IClusterReconciler, ClusterReconciler>();
        builder.Services.AddHostedService<MetricsServer>();
        if (customResources is null)
        {
            builder.Services.AddHostedService<ReconcileLoop>();
        }
        else
        {
            customResources(builder.Services);
        }
        if (otlpEndpoint is not null)
        {
            OtlpExport.Add(builder.Services, otlpEndpoint, otlpHttp);
        }

        return builder.Build();
    }
}
