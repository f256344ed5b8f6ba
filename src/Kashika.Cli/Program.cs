using Kashika.Cli;

return KashikaCommand.Run(args, CliContext.FromProcess());
