using HaKube.Model.Facts;

namespace HaKube.Actions.Probe;

public sealed record ProbeOutput(HostFacts Facts, IReadOnlyDictionary<string, KnownBinary> Binaries);

/// <summary>Unreadable probe output, or output that stopped before its end.</summary>
public sealed class ProbeFormatException(string message) : FormatException(message);
