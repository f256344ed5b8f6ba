using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Kashika.Core.Trace;

namespace Kashika.Adapters.Trace.PerfData;

/// <summary>
/// Reading and counting on two cores: the samples a reader hands over are copied into batches and counted on another
/// thread, a few batches in flight (memory stays bounded). Counting order is the reading order. A failure on either side
/// stops both and is rethrown as it was.
/// </summary>
public static class SamplePipeline
{
    private const int BatchSize = 8192;

    public static void Run(Action<NativeSampleHandler> produce, NativeSampleHandler consume)
    {
        using var full = new BlockingCollection<Batch>(boundedCapacity: 4);
        using var empty = new BlockingCollection<Batch>();
        using var failed = new CancellationTokenSource();
        for (int i = 0; i < 6; i++)
        {
            empty.Add(new Batch());
        }

        var consumer = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    foreach (var batch in full.GetConsumingEnumerable(failed.Token))
                    {
                        batch.Play(consume);
                        empty.Add(batch);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed.Cancel();
                    throw;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        var current = empty.Take();
        try
        {
            produce(sample =>
            {
                current.Add(sample);
                if (current.Count == BatchSize)
                {
                    full.Add(current, failed.Token);
                    current = empty.Take(failed.Token);
                }
            });

            if (current.Count > 0)
            {
                full.Add(current, failed.Token);
            }
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested)
        {
            // The consumer failed: its exception is the one to report, below.
        }
        catch
        {
            failed.Cancel();
            throw;
        }
        finally
        {
            full.CompleteAdding();
            try
            {
                consumer.Wait();
            }
            catch (AggregateException)
            {
                // Rethrown below when the consumer failed on its own.
            }
        }

        if (consumer.IsFaulted && consumer.Exception!.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }
    }

    private sealed class Batch
    {
        private readonly Entry[] entries = new Entry[BatchSize];
        private NativeFrame[] frames = new NativeFrame[BatchSize * 16];
        private int frameCount;

        public int Count { get; private set; }

        public void Add(NativeSample sample)
        {
            if (frameCount + sample.Frames.Length > frames.Length)
            {
                Array.Resize(ref frames, Math.Max(frames.Length * 2, frameCount + sample.Frames.Length));
            }

            sample.Frames.CopyTo(frames.AsSpan(frameCount));
            entries[Count++] = new Entry(sample.Comm, sample.Pid, sample.Tid, sample.Event, sample.Period, sample.Time, frameCount, sample.Frames.Length);
            frameCount += sample.Frames.Length;
        }

        public void Play(NativeSampleHandler consume)
        {
            for (int i = 0; i < Count; i++)
            {
                var e = entries[i];
                consume(new NativeSample(e.Comm, e.Pid, e.Tid, e.Event, e.Period, e.Time, frames.AsSpan(e.FrameStart, e.FrameCount)));
            }

            Array.Clear(entries, 0, Count);
            Array.Clear(frames, 0, frameCount);
            Count = 0;
            frameCount = 0;
        }

        private readonly record struct Entry(string Comm, int Pid, int Tid, string Event, ulong Period, ulong Time, int FrameStart, int FrameCount);
    }
}
