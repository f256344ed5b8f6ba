namespace Kashika.Reports.Relate;

/// <summary>
/// The footer of a Parquet file checked as Thrift's compact protocol before Parquet.Net reads it: every field, list,
/// map and string inside the footer's bytes, every varint ending, nesting at most 64 deep. Parquet.Net's reader spins
/// for seconds on some damaged footers (found by fuzzing: varints read past the footer's end); a footer that is whole
/// Thrift is read by it at once. One pass over the footer's bytes, whatever they claim.
/// </summary>
internal static class ParquetFooter
{
    private const int MaxDepth = 64;

    /// <summary>Why the file's footer is not whole, or null when it is.</summary>
    public static string? Problem(Stream file)
    {
        long length = file.Length;
        if (length < 12)
        {
            return "shorter than a Parquet file's header and footer";
        }

        Span<byte> tail = stackalloc byte[8];
        file.Seek(length - 8, SeekOrigin.Begin);
        file.ReadExactly(tail);
        uint footerLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(tail);
        if (!tail[4..].SequenceEqual("PAR1"u8))
        {
            return "it does not end as a Parquet file does (PAR1)";
        }

        if (footerLength > length - 12)
        {
            return $"its footer claims {footerLength:N0} bytes, more than the file holds";
        }

        byte[] footer = new byte[footerLength];
        file.Seek(length - 8 - footerLength, SeekOrigin.Begin);
        file.ReadExactly(footer);
        file.Seek(0, SeekOrigin.Begin);
        var reader = new Reader(footer);
        return reader.Struct(0) && reader.At == footer.Length ? null : $"its footer (metadata) is damaged at byte {reader.At:N0} of {footer.Length:N0}";
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> bytes = bytes;

        public int At { get; private set; }

        private int Left => bytes.Length - At;

        // A struct: fields until STOP; each field's header, then its value.
        public bool Struct(int depth)
        {
            if (depth > MaxDepth)
            {
                return false;
            }

            while (Left > 0)
            {
                byte header = bytes[At++];
                if (header == 0)
                {
                    return true;
                }

                if (header >> 4 == 0 && !Varint(3))
                {
                    return false; // a field id of its own (zigzag i16)
                }

                if (!Value(header & 0x0F, depth, inList: false))
                {
                    return false;
                }
            }

            return false;
        }

        private bool Value(int type, int depth, bool inList) => type switch
        {
            1 or 2 => !inList || Bytes(1), // a boolean is in the field header, or a byte of its own in a list
            3 => Bytes(1),
            4 => Varint(3),
            5 => Varint(5),
            6 => Varint(10),
            7 => Bytes(8),
            8 => Varint(5, out long size) && Bytes(size),
            9 or 10 => List(depth),
            11 => Map(depth),
            12 => Struct(depth + 1),
            _ => false,
        };

        private bool List(int depth)
        {
            if (Left < 1)
            {
                return false;
            }

            byte header = bytes[At++];
            long size = header >> 4;
            if (size == 15 && !Varint(5, out size))
            {
                return false;
            }

            // Every element takes a byte at least: a list longer than what is left is damaged, not a loop to run.
            if (size > Left)
            {
                return false;
            }

            for (long i = 0; i < size; i++)
            {
                if (!Value(header & 0x0F, depth + 1, inList: true))
                {
                    return false;
                }
            }

            return true;
        }

        private bool Map(int depth)
        {
            if (!Varint(5, out long size) || size > Left)
            {
                return false;
            }

            if (size == 0)
            {
                return true;
            }

            if (Left < 1)
            {
                return false;
            }

            byte types = bytes[At++];
            for (long i = 0; i < size; i++)
            {
                if (!Value(types >> 4, depth + 1, inList: true) || !Value(types & 0x0F, depth + 1, inList: true))
                {
                    return false;
                }
            }

            return true;
        }

        private bool Bytes(long count)
        {
            if (count < 0 || count > Left)
            {
                return false;
            }

            At += (int)count;
            return true;
        }

        private bool Varint(int maxBytes) => Varint(maxBytes, out _);

        // An unsigned LEB128 varint of at most maxBytes bytes, ending inside the footer.
        private bool Varint(int maxBytes, out long value)
        {
            value = 0;
            for (int i = 0; i < maxBytes && Left > 0; i++)
            {
                byte b = bytes[At++];
                value |= (long)(b & 0x7F) << (7 * i);
                if ((b & 0x80) == 0)
                {
                    return value >= 0;
                }
            }

            return false;
        }
    }
}
