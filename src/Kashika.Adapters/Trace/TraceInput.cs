using System.ComponentModel;
using System.Diagnostics;
using System.IO.Compression;
using Kashika.Core.Common;

namespace Kashika.Adapters.Trace;

/// <summary>perf is needed (to read a perf.data file) and is not installed.</summary>
public sealed class PerfMissingException(string message) : Exception(message);

/// <summary>
/// Opens what a user names as trace input: a text file (perf script or folded output), a .gz of one, standard input
/// ("-"), or a perf.data recording, which is turned into text by <c>perf script</c> as it is read.
/// </summary>
public sealed class TraceInput : IDisposable
{
    private static readonly byte[] GzipMagic = [0x1f, 0x8b];
    private static readonly byte[] PerfDataMagic = "PERFILE2"u8.ToArray();

    private readonly Stream stream;
    private readonly Process? perf;

    // .NET reads a gzip stream that ends early as a shorter one; strict validation makes it an InvalidDataException
    // (a stream cut short, or a failed CRC), which the reader reports as an input error naming the file.
    static TraceInput() => AppContext.SetSwitch("System.IO.Compression.UseStrictValidation", true);

    private readonly Task<string>? perfErrors;

    private TraceInput(string name, Stream stream, Process? perf = null, Task<string>? perfErrors = null)
    {
        Name = name;
        this.stream = stream;
        this.perf = perf;
        this.perfErrors = perfErrors;
    }

    public string Name { get; }

    public Stream Stream => stream;

    /// <summary>The error of a .gz input cut short or corrupt, whether found at its start or later.</summary>
    public static InputException Corrupt(string name, InvalidDataException e) =>
        new($"{name}: the compressed data is cut short or corrupt ({e.Message.TrimEnd('.')}); nothing was written");

    /// <summary>The first bytes of the content (after gzip), also still to be read from <see cref="Stream"/>.</summary>
    public byte[] Head { get; private init; } = [];

    /// <exception cref="InputException">The file is missing or unreadable.</exception>
    /// <exception cref="PerfMissingException">It is a perf.data file and perf is not installed.</exception>
    public static TraceInput Open(string path, Stream standardInput, string currentDirectory)
    {
        if (path == "-")
        {
            var (piped, pipedHead) = Sniff(standardInput, "<stdin>");
            return new TraceInput("<stdin>", piped) { Head = pipedHead };
        }

        string full = Path.GetFullPath(path, currentDirectory);
        if (!File.Exists(full))
        {
            throw new InputException(Directory.Exists(full) ? $"{path}: is a directory" : $"{path}: no such file");
        }

        Stream file;
        try
        {
            file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: {e.Message}");
        }

        Span<byte> head = stackalloc byte[8];
        int read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        file.Position = 0;
        if (head[..read].SequenceEqual(PerfDataMagic))
        {
            file.Dispose();
            return PerfScript(path, full);
        }

        var (content, start) = Sniff(file, path);
        return new TraceInput(path, content) { Head = start };
    }

    // A gzip stream is recognised by its magic bytes rather than its name, so piped input works too. The first bytes of
    // the content are kept (Head), to tell a pprof profile from text.
    private static (Stream Stream, byte[] Head) Sniff(Stream stream, string name)
    {
        var buffered = new BufferedStream(stream, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        int read = buffered.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        var prefixed = new PrefixedStream(magic[..read].ToArray(), buffered);
        Stream content = read == 2 && magic.SequenceEqual(GzipMagic) ? new GZipStream(prefixed, CompressionMode.Decompress) : prefixed;
        var head = new byte[16];
        try
        {
            read = content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(name, e);
        }

        return (new PrefixedStream(head[..read], content), head[..read]);
    }

    private static TraceInput PerfScript(string path, string full)
    {
        var start = new ProcessStartInfo("perf") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // "-F +pid": perf's default fields print the thread id alone; with the process id, threads of one process are
        // seen as one (--pid, --tid and the page's thread list).
        foreach (string argument in new[] { "script", "-F", "+pid", "-i", full })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            var process = Process.Start(start) ?? throw new PerfMissingException("perf: could not be started");
            return new TraceInput(path, process.StandardOutput.BaseStream, process, process.StandardError.ReadToEndAsync());
        }
        catch (Win32Exception)
        {
            throw new PerfMissingException($"{path} is a perf.data recording and perf is not installed; install perf (Debian: linux-perf) or give the output of 'perf script'");
        }
    }

    /// <summary>Waits for perf (when it converted the input) and reports its failure.</summary>
    /// <exception cref="InputException">perf script failed.</exception>
    public void Complete()
    {
        if (perf is null)
        {
            return;
        }

        perf.WaitForExit();
        if (perf.ExitCode != 0)
        {
            string first = perfErrors!.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
            throw new InputException($"{Name}: perf script failed (exit {perf.ExitCode}): {first}");
        }
    }

    public void Dispose()
    {
        stream.Dispose();
        if (perf is not null)
        {
            if (!perf.HasExited)
            {
                perf.Kill(entireProcessTree: true);
            }

            perf.Dispose();
        }
    }

    /// <summary>A stream that first replays bytes already read from it.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream rest) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (position < prefix.Length)
            {
                int n = Math.Min(buffer.Length, prefix.Length - position);
                prefix.AsSpan(position, n).CopyTo(buffer);
                position += n;
                return n;
            }

            return rest.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
