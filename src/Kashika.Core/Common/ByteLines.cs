using System.Buffers;

namespace Kashika.Core.Common;

/// <summary>Receives one line without its '\n'.</summary>
public delegate void LineHandler(ReadOnlySpan<byte> line);

/// <summary>
/// Splits a byte stream on '\n' only (no decoding, no '\r' handling) in bounded memory: tools' output is bytes, and
/// treating it as text would merge or split names that the original pipelines kept apart.
/// </summary>
public static class ByteLines
{
    /// <returns>The number of lines; a last line without '\n' counts, an empty tail does not.</returns>
    public static long Read(Stream stream, LineHandler onLine)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            int start = 0, end = 0;
            long lines = 0;
            while (true)
            {
                if (end == buffer.Length)
                {
                    if (start == 0)
                    {
                        // One line longer than the buffer: grow, keeping memory proportional to the longest line.
                        byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, end).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    else
                    {
                        buffer.AsSpan(start, end - start).CopyTo(buffer);
                        end -= start;
                        start = 0;
                    }
                }

                int read = stream.Read(buffer, end, buffer.Length - end);
                if (read == 0)
                {
                    if (end > start)
                    {
                        onLine(buffer.AsSpan(start, end - start));
                        lines++;
                    }

                    return lines;
                }

                int scanFrom = end;
                end += read;
                while (true)
                {
                    int newline = buffer.AsSpan(scanFrom, end - scanFrom).IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        break;
                    }

                    onLine(buffer.AsSpan(start, scanFrom + newline - start));
                    lines++;
                    start = scanFrom + newline + 1;
                    scanFrom = start;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
