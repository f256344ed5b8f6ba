using Kashika.Adapters.Relate;
using Spectre.Console;

namespace Kashika.Cli;

/// <summary>Progress of work items (repositories, files) on stderr: a live table on a terminal, plain lines otherwise.</summary>
internal sealed class Progress(CliContext context)
{
    /// <summary>Runs <paramref name="work"/> with a reporter; it is called from several threads at once.</summary>
    public void Run(Action<Reporter> work)
    {
        if (!context.ErrorIsTerminal)
        {
            work(new Reporter(context, null));
            return;
        }

        context.Error.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ElapsedTimeColumn())
            .Start(live => work(new Reporter(context, live)));
    }

    internal sealed class Reporter(CliContext context, ProgressContext? live) : IReadProgress
    {
        private readonly Lock gate = new();

        IReadProgressItem IReadProgress.Start(string name) => Start(name);

        public Item Start(string name)
        {
            lock (gate)
            {
                var task = live?.AddTask(Markup.Escape(CliContext.Printable(name)), maxValue: 1);
                task?.IsIndeterminate(true);
                return new Item(this, name, task, context.Clock.GetTimestamp());
            }
        }

        internal void Failed(Item item)
        {
            lock (gate)
            {
                if (item.Task is { } task)
                {
                    task.Description = Markup.Escape(CliContext.Printable($"{item.Name}: failed"));
                    task.IsIndeterminate(false);
                    task.StopTask();
                }
            }
        }

        internal void Update(Item item, long count, bool done, long read = -1)
        {
            var elapsed = context.Clock.GetElapsedTime(item.Started);
            double rate = elapsed.TotalSeconds > 0 ? count / elapsed.TotalSeconds : 0;
            string commits = $"{item.Name}: {count:N0} commit{(count == 1 ? "" : "s")}";

            // Commits served by the cache were not read: a rate over them would only say how fast the cache is.
            string text = read >= 0 && read < count
                ? $"{commits} ({read:N0} read, the rest from the cache), {elapsed.TotalSeconds:0.00} s"
                : $"{commits}, {elapsed.TotalSeconds:0.00} s, {rate:N0} commits/s";
            lock (gate)
            {
                if (item.Task is { } task)
                {
                    task.Description = Markup.Escape(CliContext.Printable(text));
                    if (done)
                    {
                        task.IsIndeterminate(false);
                        task.Value = task.MaxValue;
                        task.StopTask();
                    }
                }
                else if (done)
                {
                    context.Say(text);
                }
            }
        }
    }

    internal sealed record Item(Reporter Owner, string Name, ProgressTask? Task, long Started) : IReadProgressItem
    {
        public void Update(long count) => Owner.Update(this, count, done: false);

        /// <param name="read">Of <paramref name="count"/>, how many were read from the repository (the rest from a cache).</param>
        public void Done(long count, long read = -1) => Owner.Update(this, count, done: true, read);

        public void Failed() => Owner.Failed(this);
    }
}
