using Kashika.Cli;

Interrupts.Install();
return KashikaCommand.Run(args, CliContext.FromProcess());
