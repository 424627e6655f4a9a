using HaKube.Actions.Rendering;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;

namespace HaKube.Actions.Steps;

/// <summary>Shell functions the step scripts share. Every value interpolated here is quoted.</summary>
internal static class ShellSnippets
{
    /// <summary>Strict mode, a fail function whose message ends up in the step error, a clean locale and PATH.</summary>
    public const string Prelude = """
        set -eu
        export LC_ALL=C DEBIAN_FRONTEND=noninteractive PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
        fail() { echo "hakube: $*" >&2; exit 1; }

        """;

    /// <summary>
    /// Appends to <c>need</c> each of <paramref name="names"/> (space-separated package names) not installed at
    /// version <c>$v</c>, as <c>NAME=$v-*</c>, from one dpkg-query run for all of them: each run reads dpkg's
    /// whole status database.
    /// </summary>
    public static string PackagesNotAtVersion(string names) => $$"""
        installed=" $(dpkg-query -W -f='${Package}=${Version} ' {{names}} 2>/dev/null || true)"
        for p in {{names}}; do
          case "$installed" in *" $p=$v-"*) ;; *) need="$need $p=$v-*" ;; esac
        done

        """;

    /// <summary>Lower case, which both curl and kubectl read; empty without a proxy.</summary>
    public static string ProxyExports(HaClusterSpec spec) =>
        string.Concat(ProxyRenderer.ShellVariables(spec).Select(v => $"export {v.Key}={ShellQuote.Quote(v.Value)}\n"));

    /// <summary>Writes only where the content differs (a trailing newline aside), then runs <paramref name="onChange"/>.</summary>
    public static string WriteFileIfChanged(string path, string content, string mode, string onChange = "") =>
        $"if [ \"$(cat {ShellQuote.Quote(path)} 2>/dev/null)\" != {ShellQuote.Quote(content.TrimEnd('\n'))} ]; then\n{WriteFile(path, content, mode)}{onChange}fi\n";

    /// <summary>Never for secrets: scripts are visible in ps.</summary>
    public static string WriteFile(string path, string content, string mode) =>
        $"mkdir -p {ShellQuote.Quote(Path.GetDirectoryName(path)!)}\nprintf '%s' {ShellQuote.Quote(content)} > {ShellQuote.Quote(path)}\nchmod {mode} {ShellQuote.Quote(path)}\n";
}
