// Fixtures run side by side (scripts/test.sh sets how many with NUnit.NumberOfTestWorkers); the tests
// of one fixture run one after another, in their Order. Lab fixtures each have their own addresses and
// folders, so they can share the machine; a fixture that cannot ([NonParallelizable]) runs alone:
// the bastion topology's machine-wide network namespaces, and the tests that time a process's own
// threads, timers or file watcher. Long lab fixtures carry an Order by their length, longest first
// (NUnit starts a suite's ordered fixtures first, in that order), so the last ones to start are short.
[assembly: Parallelizable(ParallelScope.Fixtures)]
