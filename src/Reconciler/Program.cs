using System.CommandLine;
using HaKube.Reconciler.Cli;

// The daemon needs its host's 30 s graceful shutdown on SIGTERM (a reconcile in flight records where
// it stopped); System.CommandLine would otherwise return 2 s after the signal.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(35) };
return await HakubeCommand.Create().Parse(args).InvokeAsync(invocation);
