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
