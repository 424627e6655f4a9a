using HaKube.Model.Api;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HaKube.Model.Loading;

/// <summary>
/// Reads HaCluster documents from YAML text (several documents in one text are allowed). Pure:
/// the caller reads the file. Binding errors are collected, never thrown.
/// </summary>
public static class ManifestParser
{
    // The status stanza is written by HaKube, never read from a manifest, as with a status subresource.
    private static readonly HashSet<string> IgnoredTopLevelFields = new(StringComparer.Ordinal) { "status" };

    /// <summary>Parses every document of <paramref name="yaml"/>, naming <paramref name="file"/> in errors.</summary>
    public static ParseResult Parse(string yaml, string file)
    {
        var errors = new List<ManifestError>();
        var manifests = new List<LoadedManifest>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            var message = e.InnerException is null ? e.Message : $"{e.Message} {e.InnerException.Message}";
            errors.Add(new ManifestError(file, (int)e.Start.Line, (int)e.Start.Column, "", $"invalid YAML: {TrimMarks(message)}"));
            return new ParseResult(manifests, errors);
        }

        foreach (var document in stream.Documents)
        {
            var root = document.RootNode;
            var start = new SourcePosition((int)root.Start.Line, (int)root.Start.Column);
            if (root is YamlScalarNode { Value: null or "" })
            {
                continue; // an empty document, as between two "---" lines
            }

            if (root is not YamlMappingNode mapping)
            {
                errors.Add(new ManifestError(file, start.Line, start.Column, "", "expected a HaCluster object (a YAML map)"));
                continue;
            }

            var documentErrors = new List<ManifestError>();
            var binder = new YamlBinder(file, documentErrors);
            var cluster = binder.BindRecord<HaCluster>(mapping, "", IgnoredTopLevelFields);
            errors.AddRange(documentErrors);
            if (cluster is not null && documentErrors.Count == 0)
            {
                manifests.Add(new LoadedManifest(cluster, new SourceMap(file, binder.Positions, start)));
            }
        }

        return new ParseResult(manifests, errors);
    }

    // YamlDotNet prefixes its messages with "(Line: 3, Col: 5, Idx: ...) - (Line: ...):"; we print our own position.
    private static string TrimMarks(string message)
    {
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith('(') && cut > 0 ? message[(cut + 3)..] : message;
    }
}
