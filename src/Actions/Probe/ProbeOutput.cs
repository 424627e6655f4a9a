using HaKube.Model.Facts;

namespace HaKube.Actions.Probe;

/// <summary>Facts parsed from one probe's output, and the binary versions learnt on the way.</summary>
public sealed record ProbeOutput(HostFacts Facts, IReadOnlyDictionary<string, KnownBinary> Binaries);

/// <summary>The probe printed something the parser cannot read (or stopped before its end).</summary>
public sealed class ProbeFormatException(string message) : FormatException(message);
