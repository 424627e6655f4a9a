using HaKube.Model.Api;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HaKube.Model.Loading;

/// <summary>Reads HaCluster documents from YAML text; pure, and binding errors are collected, never thrown.</summary>
internal static class ManifestParser
{
    // The status stanza is written by HaKube, never read from a manifest, as with a status subresource.
    private static readonly HashSet<string> IgnoredTopLevelFields = new(StringComparer.Ordinal) { "status" };

    public static ParseResult Parse(string yaml, string file)
    {
        var errors = new List<ManifestError>();
        var manifests = new List<LoadedManifest>();
        if (YamlBudget.Check(yaml, file) is { } overBudget)
        {
            errors.Add(overBudget);
            return new ParseResult(manifests, errors);
        }

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
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some malformed input (an unclosed flow
            // sequence at the end of a file) without a position: find the last token it could read.
            var position = LastReadablePosition(yaml);
            errors.Add(new ManifestError(file, position.Line, position.Column, "", "invalid YAML: cannot read past this point; expected a closing ']' or '}', or consistent indentation"));
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

    private static SourcePosition LastReadablePosition(string yaml)
    {
        var scanner = new Scanner(new StringReader(yaml));
        var last = SourcePosition.Start;
        const int MaxTokens = 1_000_000;
        try
        {
            for (var i = 0; i < MaxTokens && scanner.MoveNext(); i++)
            {
                last = new SourcePosition((int)scanner.Current!.Start.Line, (int)scanner.Current.Start.Column);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or YamlException)
        {
            // The position of the last token read is the answer.
        }

        return last;
    }

    // YamlDotNet prefixes its messages with "(Line: 3, Col: 5, Idx: ...) - (Line: ...):"; we print our own position.
    private static string TrimMarks(string message)
    {
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith('(') && cut > 0 ? message[(cut + 3)..] : message;
    }
}
