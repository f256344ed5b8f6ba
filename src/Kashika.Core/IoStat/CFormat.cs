using System.Numerics;

namespace Kashika.Core.IoStat;

/// <summary>
/// C's printf "%.Nf": the exact binary value rounded half to even. .NET's "F" rounds exact ties away from zero (0.125
/// becomes "0.13" where C prints "0.12"), which would make columns differ from sysstat's.
/// </summary>
public static class CFormat
{
    public static string Fixed(double value, int decimals)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        bool negative = double.IsNegative(value);
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(value));
        int exponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0)
        {
            exponent = 1; // subnormal
        }
        else
        {
            mantissa |= 1L << 52;
        }

        exponent -= 1075; // value = mantissa * 2^exponent
        BigInteger scaled = mantissa * BigInteger.Pow(10, decimals);
        BigInteger units;
        if (exponent >= 0)
        {
            units = scaled << exponent;
        }
        else
        {
            int shift = -exponent;
            units = scaled >> shift;
            BigInteger remainder = scaled - (units << shift);
            BigInteger half = BigInteger.One << (shift - 1);
            int compare = remainder.CompareTo(half);
            if (compare > 0 || (compare == 0 && !units.IsEven))
            {
                units += 1;
            }
        }

        string digits = units.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(decimals + 1, '0');
        string text = decimals == 0 ? digits : $"{digits[..^decimals]}.{digits[^decimals..]}";
        return negative ? "-" + text : text;
    }

    /// <summary>The value "%.2f" prints, as a number: the double nearest to it, so JSON shows the same digits.</summary>
    public static double Hundredths(double value)
    {
        double scaled = value * 100;
        double floor = Math.Floor(scaled);
        // Far from a tie, rounding the scaled value is exact; near one, the exact binary value decides.
        return Math.Abs(scaled - floor - 0.5) > 1e-6 * Math.Max(1, Math.Abs(scaled)) || !double.IsFinite(scaled)
            ? Math.Round(scaled) / 100
            : double.Parse(Fixed(value, 2), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>" %*.*f": a space, then the value right-aligned in <paramref name="width"/>.</summary>
    public static string Column(double value, int width, int decimals) => " " + Fixed(value, decimals).PadLeft(width);

    /// <summary>" %*llu".</summary>
    public static string Column(ulong value, int width) => " " + value.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width);
}
