namespace Kashika.Core.IoStat;

/// <summary>Parsers of the /proc and /sys texts iostat reads, with sscanf's leniency: values are read until one fails.</summary>
public static class ProcParsers
{
    /// <summary>Unsigned decimal values separated by whitespace, stopping at the first token that is not one.</summary>
    public static int ReadValues(ReadOnlySpan<char> text, Span<ulong> values)
    {
        int count = 0;
        foreach (var range in text.SplitAny(" \t\n\r"))
        {
            var token = text[range];
            if (token.Length == 0)
            {
                continue;
            }

            if (count == values.Length || !ulong.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out values[count]))
            {
                break;
            }

            count++;
        }

        return count;
    }

    /// <summary>A /proc/diskstats line: "major minor name" and 4, 11, 15 or 17 values.</summary>
    public static bool TryDiskstatsLine(string line, bool extendedOnly, out uint major, out uint minor, out string name, out DiskCounters counters)
    {
        major = minor = 0;
        name = "";
        counters = default;
        var tokens = line.Split((char[]?)null, 4, StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length < 4 || !uint.TryParse(tokens[0], out major) || !uint.TryParse(tokens[1], out minor))
        {
            return false;
        }

        name = tokens[2];
        Span<ulong> values = stackalloc ulong[17];
        int n = ReadValues(tokens[3], values);
        return DiskCounters.TryFrom(values[..n], extendedOnly, out counters);
    }

    /// <summary>/proc/uptime: "12345.67 …" in hundredths of a second (sysstat reads "%lu.%lu").</summary>
    public static ulong? Uptime(string text)
    {
        var first = text.AsSpan().TrimStart();
        int dot = first.IndexOf('.');
        if (dot <= 0)
        {
            return null;
        }

        int end = dot + 1;
        while (end < first.Length && char.IsAsciiDigit(first[end]))
        {
            end++;
        }

        return ulong.TryParse(first[..dot], out ulong seconds) && ulong.TryParse(first[(dot + 1)..end], out ulong hundredths)
            ? unchecked((seconds * 100) + hundredths) // C's unsigned arithmetic, as sysstat's: a huge uptime wraps
            : null;
    }

    /// <summary>The "cpu " line of /proc/stat; fields a kernel does not have are 0.</summary>
    public static CpuCounters Cpu(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                Span<ulong> v = stackalloc ulong[10];
                ReadValues(line.AsSpan(4), v);
                return new CpuCounters(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
            }
        }

        return default;
    }

    /// <summary>The major number /proc/devices gives device-mapper, or null.</summary>
    public static uint? DeviceMapperMajor(string devices)
    {
        foreach (string line in devices.Split('\n'))
        {
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1] == "device-mapper" && uint.TryParse(parts[0], out uint major))
            {
                return major;
            }
        }

        return null;
    }
}
