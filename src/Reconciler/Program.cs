using HaKube.Reconciler.Cli;

return await HakubeCommand.Create().Parse(args).InvokeAsync();
