namespace HaKube.Tests.Actions.Kubeadm.Schema;

/// <summary>One thing kubeadm's decoder would refuse (or, for unknown fields, warn about), where it is.</summary>
internal sealed record KubeadmSchemaProblem(string File, int Line, int Column, string Document, string Path, string Message)
{
    public override string ToString() =>
        $"{File}:{Line}:{Column}: {(Document.Length == 0 ? "" : Document + ": ")}{(Path.Length == 0 ? "" : Path + ": ")}{Message}";
}

/// <summary>What a check found: how many documents it decoded and every problem in them.</summary>
internal sealed record KubeadmSchemaReport(int Documents, IReadOnlyList<KubeadmSchemaProblem> Problems)
{
    public override string ToString() =>
        string.Join('\n', Problems.Select(p => p.ToString()).Append($"kubeadm-schema: {Documents} documents, {Problems.Count} problems"));
}
