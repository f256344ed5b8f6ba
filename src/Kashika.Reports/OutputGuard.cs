namespace Kashika.Reports;

/// <summary>The reader of a pipe went away (EPIPE, as when piped to <c>head</c>): nothing more can be said to it.</summary>
public sealed class BrokenPipeException(Exception inner) : Exception("broken pipe", inner);

/// <summary>
/// A stream kashika writes its output to (standard output, a recording): a write fault is an
/// <see cref="OutputException"/> naming the output (a full disk, a closed descriptor), or a
/// <see cref="BrokenPipeException"/> when the reader left, so no fault of the output is ever taken for one of the input.
/// </summary>
public sealed class OutputGuard(Stream inner, string name) : Stream
{
    private const int BrokenPipe = 32; // EPIPE: .NET gives an IOException the errno as HResult

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => true;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override void Flush() => Guard(inner.Flush);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void SetLength(long value) => Guard(() => inner.SetLength(value));

    public override void Write(byte[] buffer, int offset, int count) => Guard(() => inner.Write(buffer, offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            inner.Write(buffer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            throw Translate(e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Guard(inner.Dispose);
        }

        base.Dispose(disposing);
    }

    private void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            throw Translate(e);
        }
    }

    private Exception Translate(Exception e) =>
        e.HResult == BrokenPipe || e.Message.Contains("Broken pipe", StringComparison.OrdinalIgnoreCase)
            ? new BrokenPipeException(e)
            : new OutputException($"cannot write {name}: {(e.InnerException ?? e).Message.TrimEnd('.')}", e);
}
