#!/usr/bin/env bash
# Reaction benchmark (DESIGN.md section 5: a manifest change to the first action started in under
# 1 s). In one run, CHANGES (default 20) spec changes per source, each timed from the change to the
# reconciler being called (a recording stub: no SSH, no lab, no root):
#   directory:       the daemon's DirectorySource, WorkQueue and ReconcileLoop (default 200 ms
#                    debounce) on a temporary folder; timed from the manifest file being written.
#   custom_resource: HaClusterInformer and CustomResourceLoop against the test-only stand-in API
#                    server on 127.0.0.1; timed from the merge PATCH of the HaCluster's spec.
# Prints "name value unit" lines (median, p90 and max in ms). Usage: bash bench/reaction.sh [CHANGES]
set -euo pipefail
cd "$(dirname "$0")/.."
changes=${1:-20}
[[ $changes =~ ^[0-9]+$ ]] && [ "$changes" -ge 1 ] && [ "$changes" -le 1000 ] || { echo "CHANGES must be 1..1000: $changes" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet build bench/ReactionBench -c Release --nologo -v quiet -o "$work/build" >/dev/null
timeout 300 "$work/build/ReactionBench" "$changes"
