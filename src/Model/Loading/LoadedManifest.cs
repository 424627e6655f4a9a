using HaKube.Model.Api;

namespace HaKube.Model.Loading;

/// <summary>One HaCluster read from a file, with where its fields stand in that file.</summary>
public sealed record LoadedManifest(HaCluster Cluster, SourceMap Source);
