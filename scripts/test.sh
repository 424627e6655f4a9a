#!/usr/bin/env bash
# The README's test command: installs what the tests need, builds with warnings as errors (code
# style and formatting included), runs every test (unit, lab, end to end) and ends with "N passed, N failed" and
# its wall time. Test fixtures run side by side, HAKUBE_TEST_WORKERS at a time (default 4; lab
# fixtures each have their own addresses and folders).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "test.sh: the lab needs root (namespaces, sshd on 127.0.x.y); run as root" >&2
  exit 1
fi
started=$(date +%s)
bash scripts/install-test-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Formatting and code style: the build enforces them (IDE0055 and every style rule .editorconfig sets
# at warning, with EnforceCodeStyleInBuild; warnings are errors), so a `dotnet format --verify-no-changes`
# pass would compile the solution again for nothing (about a minute on two cores);
# check-source-files.py checks the few rules the compiler cannot (file encoding, line ends, "this.").
echo "== source files (what the build's style check cannot see)"
python3 scripts/check-source-files.py
echo "== build"
dotnet build HaKube.sln -c Release --nologo -v quiet
# HAKUBE_TEST_RESULTS=DIR keeps the test results (trx) there; by default they go with the run.
if [ -n "${HAKUBE_TEST_RESULTS:-}" ]; then
  results=$HAKUBE_TEST_RESULTS
  mkdir -p "$results"
else
  results=$(mktemp -d)
  trap 'rm -rf "$results"' EXIT
fi
echo "== test"
# The test process's own CPU (the lab keeps both cores busy): no W^X double mapping of JIT output,
# which the tests do not need (no TieredPGO and no thread pool spinning are in every project's
# runtimeconfig, Directory.Build.props); together about a quarter less JIT and runtime CPU in a lab fixture (process accounting).
export DOTNET_EnableWriteXorExecute=0
set +e
dotnet test HaKube.sln -c Release --no-build --nologo \
  --logger "trx;LogFileName=results.trx" --results-directory "$results" -- NUnit.NumberOfTestWorkers="${HAKUBE_TEST_WORKERS:-4}"
status=$?
set -e
python3 - "$results" <<'PY'
import collections, datetime, glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
spans = collections.defaultdict(list)
for trx in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    root = ET.parse(trx).getroot()
    classes = {d.get("id"): d.find("t:TestMethod", ns).get("className") for d in root.iterfind("t:TestDefinitions/t:UnitTest", ns)}
    for r in root.iterfind("t:Results/t:UnitTestResult", ns):
        if r.get("startTime") and r.get("endTime"):
            spans[classes.get(r.get("testId"), "?")].append((datetime.datetime.fromisoformat(r.get("startTime")), datetime.datetime.fromisoformat(r.get("endTime"))))
    counters = root.find("t:ResultSummary/t:Counters", ns)
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
    skipped += int(counters.get("notExecuted", 0))
# The fixtures whose tests spanned the longest (first start to last end; their one-time set-up
# comes before): where the suite's wall time goes.
slowest = sorted(((max(e for _, e in v) - min(s for s, _ in v)).total_seconds(), c) for c, v in spans.items())[-8:]
for seconds, name in reversed(slowest):
    print(f"  {seconds:6.0f} s  {name.rsplit('.', 1)[-1]}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
elapsed=$(($(date +%s) - started))
printf 'test.sh: %d min %02d s wall (install, build, tests; %s test workers)\n' \
  $((elapsed / 60)) $((elapsed % 60)) "${HAKUBE_TEST_WORKERS:-4}"
exit $status
