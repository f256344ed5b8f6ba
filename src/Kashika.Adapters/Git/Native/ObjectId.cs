using System.Buffers.Binary;

namespace Kashika.Adapters.Git.Native;

/// <summary>A SHA-1 object name, held as three integers so that comparing and hashing cost a few instructions.</summary>
internal readonly record struct ObjectId(ulong A, ulong B, uint C) : IComparable<ObjectId>
{
    public const int Size = 20;

    public static ObjectId Read(ReadOnlySpan<byte> raw) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(raw), BinaryPrimitives.ReadUInt64BigEndian(raw[8..]), BinaryPrimitives.ReadUInt32BigEndian(raw[16..]));

    /// <summary>Parses exactly 40 hexadecimal digits (either case, as git accepts).</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out ObjectId id)
    {
        Span<byte> raw = stackalloc byte[Size];
        if (hex.Length != 2 * Size || Convert.FromHexString(hex, raw, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            id = default;
            return false;
        }

        id = Read(raw);
        return true;
    }

    public static ObjectId Parse(string hex) => TryParse(hex, out var id) ? id : throw new FormatException($"not an object name: {hex}");

    public static bool TryParse(ReadOnlySpan<byte> hexAscii, out ObjectId id)
    {
        Span<char> chars = stackalloc char[2 * Size];
        if (hexAscii.Length != 2 * Size)
        {
            id = default;
            return false;
        }

        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)hexAscii[i];
        }

        return TryParse(chars, out id);
    }

    public void Write(Span<byte> raw)
    {
        BinaryPrimitives.WriteUInt64BigEndian(raw, A);
        BinaryPrimitives.WriteUInt64BigEndian(raw[8..], B);
        BinaryPrimitives.WriteUInt32BigEndian(raw[16..], C);
    }

    public byte FirstByte => (byte)(A >> 56);

    /// <summary>The position of <paramref name="id"/> among names stored back to back in sorted order (a pack index's or
    /// commit-graph's name table, the cache's list of commits), or -1.</summary>
    public static int Search(ReadOnlySpan<byte> sorted, ObjectId id)
    {
        int low = 0, high = (sorted.Length / Size) - 1;
        while (low <= high)
        {
            int middle = (int)(((uint)low + (uint)high) >> 1);
            int compared = Read(sorted.Slice(middle * Size, Size)).CompareTo(id);
            if (compared == 0)
            {
                return middle;
            }

            if (compared < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }

    /// <summary>The positions git's 256-entry fan-out table gives to names starting with <paramref name="id"/>'s first byte.</summary>
    public static (int First, int Count) FanoutRange(ReadOnlySpan<byte> fanout, ObjectId id)
    {
        int first = id.FirstByte == 0 ? 0 : (int)BinaryPrimitives.ReadUInt32BigEndian(fanout[((id.FirstByte - 1) * 4)..]);
        int end = (int)BinaryPrimitives.ReadUInt32BigEndian(fanout[(id.FirstByte * 4)..]);
        return end >= first ? (first, end - first) : throw new InvalidDataException("a fan-out table that decreases");
    }

    /// <summary>Whether a 256-entry fan-out table never decreases, as git checks when it opens an index or a commit-graph.</summary>
    public static bool FanoutInOrder(ReadOnlySpan<byte> fanout)
    {
        for (int i = 1; i < 256; i++)
        {
            if (BinaryPrimitives.ReadUInt32BigEndian(fanout[(i * 4)..]) < BinaryPrimitives.ReadUInt32BigEndian(fanout[((i - 1) * 4)..]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>git's whitespace (its own isspace): a vertical tab or a form feed is a character of a ref or config line.</summary>
    public static readonly char[] GitSpace = [' ', '\t', '\n', '\r'];

    public int CompareTo(ObjectId other) =>
        A != other.A ? A.CompareTo(other.A) : B != other.B ? B.CompareTo(other.B) : C.CompareTo(other.C);

    public override string ToString()
    {
        Span<byte> raw = stackalloc byte[Size];
        Write(raw);
        return Convert.ToHexStringLower(raw);
    }
}

/// <summary>What git's files hold that this reader does not read: the repository is read by the git command instead.</summary>
internal sealed class UnsupportedRepositoryException(string reason) : Exception(reason);
