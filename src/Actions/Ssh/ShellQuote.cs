namespace HaKube.Actions.Ssh;

/// <summary>Single quotes, so only the quote itself needs care; NUL cannot pass through a shell and is rejected.</summary>
internal static class ShellQuote
{
    /// <summary>One sh word that expands to exactly <paramref name="value"/>.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("a NUL character cannot reach a remote shell", nameof(value));
        }

        if (value.Length > 0 && IsSafe(value))
        {
            return value;
        }

        // One copy of a long script, not one string per character: the probe's runs every pass.
        return string.Concat("'", value.Replace("'", "'\\''", StringComparison.Ordinal), "'");
    }

    public static string Join(params IEnumerable<string> words) => string.Join(' ', words.Select(Quote));

    // Words made only of these characters mean the same quoted or not, in any position ('=' is
    // left out: a bare first word with '=' is an assignment); leaving them bare keeps commands readable.
    private static bool IsSafe(string value) =>
        value.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.' or '/' or ':' or ',' or '@' or '+');
}
