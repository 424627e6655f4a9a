using HaKube.Model.Api;

namespace HaKube.Model.Loading;

public sealed record LoadedManifest(HaCluster Cluster, SourceMap Source);
