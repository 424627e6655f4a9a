namespace HaKube.Tests.Support;

/// <summary>Values an attacker with commit rights would try: quotes, line breaks, document markers, comments, specifiers, shell.</summary>
public static class HostileValues
{
    public static readonly IReadOnlyList<string> All =
    [
        "plain", "with space", "quote\"double", "quote'single", "new\nline", "cr\rlf", "---", "---\nkind: ClusterRoleBinding",
        "# comment", "a #b", "100%", "%n%%", "$(reboot)", "${HOME}", "$HOME", "`id`", "back\\slash", "trailing\\", ": colon",
        "- dash", "{a: b}", "[x]", "&anchor *alias", "!!python/object:os.system", "| >", "\ttab", "nel\u0085", "ls\u2028ps\u2029",
        "bom\ufeff", "emoji \U0001F600", "", " leading", "trailing ", "yes", "null", "0x1F", "1e3", "~", "=", "a=b,c=d", ";", "a;b",
        "fd00::%0a---\napiVersion: v1/64", "10.0.0.1:6443 #", "\"'", "\\\"", "'; reboot; '",
    ];
}
