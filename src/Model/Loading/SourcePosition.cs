namespace HaKube.Model.Loading;

/// <summary>1-based.</summary>
public readonly record struct SourcePosition(int Line, int Column)
{
    public static readonly SourcePosition Start = new(1, 1);
}
