using System.Globalization;
using System.Text;

namespace HaKube.Reconciler.Telemetry;

/// <summary>The Prometheus text exposition format, version 0.0.4: names, escaping, numbers.</summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Render(IEnumerable<MetricFamily> families)
    {
        var text = new StringBuilder();
        foreach (var family in families)
        {
            var type = family.Kind switch
            {
                MetricKind.Sum or MetricKind.ObservedTotal => "counter",
                MetricKind.Histogram => "histogram",
                _ => "gauge",
            };
            text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(type).Append('\n');
            foreach (var series in family.Series.Values)
            {
                if (family.Kind != MetricKind.Histogram)
                {
                    Sample(text, family.Name, series.Labels, null, series.Value);
                    continue;
                }

                long cumulative = 0;
                for (var i = 0; i < family.Bounds.Count; i++)
                {
                    cumulative += series.Buckets[i];
                    Sample(text, family.Name + "_bucket", series.Labels, Number(family.Bounds[i]), cumulative);
                }

                Sample(text, family.Name + "_bucket", series.Labels, "+Inf", series.Count);
                Sample(text, family.Name + "_sum", series.Labels, null, series.Value);
                Sample(text, family.Name + "_count", series.Labels, null, series.Count);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// "hakube.reconcile.duration" with unit "s" is hakube_reconcile_duration_seconds; counters end in
    /// _total, as Prometheus and OpenTelemetry's own exporter name them.
    /// </summary>
    public static string MetricName(string instrument, string? unit, MetricKind kind)
    {
        var name = Sanitize(instrument);
        var suffix = unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => "",
        };
        if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            name += suffix;
        }

        if (kind is MetricKind.Sum or MetricKind.ObservedTotal && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return name;
    }

    /// <summary>"hakube.cluster" becomes hakube_cluster: label names allow only [a-zA-Z0-9_].</summary>
    public static string LabelName(string tag) => Sanitize(tag);

    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void Sample(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, labelValue) in labels)
            {
                text.Append(first ? "" : ",").Append(key).Append("=\"").Append(EscapeLabelValue(labelValue)).Append('"');
                first = false;
            }

            if (le is not null)
            {
                text.Append(first ? "" : ",").Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(Number(value)).Append('\n');
    }

    private static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        return chars.Length > 0 && char.IsAsciiDigit(chars[0]) ? "_" + new string(chars) : new string(chars);
    }
}
