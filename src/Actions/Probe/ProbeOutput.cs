using HaKube.Model.Facts;

namespace HaKube.Actions.Probe;

internal sealed record ProbeOutput(HostFacts Facts, IReadOnlyDictionary<string, KnownBinary> Binaries);

/// <summary>Unreadable probe output, or output that stopped before its end.</summary>
internal sealed class ProbeFormatException(string message) : FormatException(message);
