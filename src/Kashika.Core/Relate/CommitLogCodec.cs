using System.Buffers.Binary;
using System.Text;

namespace Kashika.Core.Relate;

/// <summary>
/// A <see cref="CommitLog"/> as bytes, for the cache: authors (length-prefixed Latin-1 bytes), then per commit its author
/// index, author time, flags and fingerprint, integers as LEB128 varints. Decoding checks every length and index: a
/// damaged blob is an <see cref="InvalidDataException"/>, never a smaller log.
/// </summary>
public static class CommitLogCodec
{
    private const byte Dated = 1, Merge = 2;

    public static byte[] Encode(CommitLog log)
    {
        using var stream = new MemoryStream();
        var scratch = new byte[10];
        void Varint(ulong value)
        {
            int n = 0;
            while (value >= 0x80)
            {
                scratch[n++] = unchecked((byte)(value | 0x80));
                value >>= 7;
            }

            scratch[n++] = (byte)value;
            stream.Write(scratch, 0, n);
        }

        Varint((ulong)log.Authors.Count);
        foreach (string author in log.Authors)
        {
            var bytes = Encoding.Latin1.GetBytes(author);
            Varint((ulong)bytes.Length);
            stream.Write(bytes);
        }

        Varint((ulong)log.Commits.Count);
        Span<byte> print = stackalloc byte[8];
        foreach (var commit in log.Commits)
        {
            Varint((ulong)commit.Author);
            Varint(unchecked((ulong)((commit.AuthorTime << 1) ^ (commit.AuthorTime >> 63)))); // zigzag: small negatives stay small
            stream.WriteByte((byte)((commit.Dated ? Dated : 0) | (commit.Merge ? Merge : 0)));
            BinaryPrimitives.WriteUInt64LittleEndian(print, commit.Print);
            stream.Write(print);
        }

        return stream.ToArray();
    }

    public static CommitLog Decode(ReadOnlySpan<byte> data)
    {
        int at = 0;
        var log = new CommitLog();
        ulong authors = Varint(data, ref at);
        for (ulong a = 0; a < authors; a++)
        {
            int length = Length(Varint(data, ref at), data.Length - at);
            string record = Encoding.Latin1.GetString(data.Slice(at, length));
            at += length;
            if (log.Author(record.AsSpan()) != log.Authors.Count - 1)
            {
                throw new InvalidDataException("cached log: an author record twice");
            }
        }

        ulong commits = Varint(data, ref at);
        if (commits > (ulong)(data.Length - at) / 10)
        {
            throw new InvalidDataException("cached log: more commits than bytes");
        }

        log.Commits.Capacity = (int)commits;
        for (ulong c = 0; c < commits; c++)
        {
            ulong author = Varint(data, ref at);
            if (author >= (ulong)log.Authors.Count)
            {
                throw new InvalidDataException("cached log: an author index out of range");
            }

            ulong zigzag = Varint(data, ref at);
            long time = unchecked((long)(zigzag >> 1) ^ -(long)(zigzag & 1));
            if (at + 9 > data.Length)
            {
                throw new InvalidDataException("cached log: cut short");
            }

            byte flags = data[at++];
            ulong print = BinaryPrimitives.ReadUInt64LittleEndian(data[at..]);
            at += 8;
            if ((flags & ~(Dated | Merge)) != 0 || ((flags & Dated) != 0 && !CommitLog.IsDated(time)))
            {
                throw new InvalidDataException("cached log: bad flags");
            }

            log.Commits.Add(new LoggedCommit((int)author, time, (flags & Dated) != 0, (flags & Merge) != 0, print));
        }

        return at == data.Length ? log : throw new InvalidDataException("cached log: bytes after the end");
    }

    private static int Length(ulong length, int left) =>
        length <= (ulong)left ? (int)length : throw new InvalidDataException("cached log: a length past the end");

    private static ulong Varint(ReadOnlySpan<byte> data, ref int at)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (at >= data.Length)
            {
                throw new InvalidDataException("cached log: cut short");
            }

            byte b = data[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("cached log: a number too long");
    }
}
