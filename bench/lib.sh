# bench/lib.sh: what the lab benchmarks (fleet.sh, steady.sh) share, sourced from the repository
# root once BENCH names the bench and BENCH_METRICS_PORT its daemon's default metrics port: the
# lab (its folder /tmp/hakube-bench-BENCH unless HAKUBE_LAB_DIR says another), a work folder, the
# clean-up at exit, and the builds they run. The clean-up stops the daemon ($daemon, once a bench
# sets it), closes the OpenSSH masters under the work folder, takes the lab down and removes the
# work folder, however the bench ends.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export HAKUBE_LAB_DIR=${HAKUBE_LAB_DIR:-/tmp/hakube-bench-$BENCH}
metrics=127.0.0.1:${HAKUBE_BENCH_METRICS_PORT:-$BENCH_METRICS_PORT}
hakube=src/Reconciler/bin/Release/net10.0/hakube
probebench=bench/ProbeBench/bin/Release/net10.0/ProbeBench
lab() { bash tests/lab/lab.sh "$@"; }
work=$(mktemp -d)
daemon=
cleanup() {
  if [ -n "$daemon" ]; then kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; fi
  local ctl
  while IFS= read -r ctl; do ssh -S "$ctl" -O exit x >/dev/null 2>&1 || true; done < <(find "$work" -type s 2>/dev/null)
  lab down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# build_bench: hakube and ProbeBench (the OpenSSH floor's probe scripts), Release.
build_bench() {
  dotnet build src/Reconciler -c Release --nologo -v quiet
  dotnet build bench/ProbeBench -c Release --nologo -v quiet
}

# fresh_lab ARGS: takes down whatever an earlier run left in the lab folder, then `lab.sh up ARGS`.
fresh_lab() {
  lab down >/dev/null 2>&1 || true
  lab up "$@"
}

# lab_keys FOLDER: the lab's client key and known_hosts in FOLDER/keys, where a manifest names them.
lab_keys() {
  mkdir -p "$1/keys"
  cp "$HAKUBE_LAB_DIR/client/id_ed25519" "$HAKUBE_LAB_DIR/known_hosts" "$1/keys/"
}
