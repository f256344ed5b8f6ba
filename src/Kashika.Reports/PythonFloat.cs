using System.Globalization;
using System.Text;

namespace Kashika.Reports;

/// <summary>Python's <c>repr(float)</c> (2.7 and 3): the shortest round-trip digits, ".0" on whole numbers, exponent form
/// below 1e-4 and from 1e16.</summary>
public static class PythonFloat
{
    public static string Repr(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        string sign = double.IsNegative(value) ? "-" : "";
        // .NET's "R" gives the same shortest round-trip digits as Python; only their layout differs.
        var (digits, exponent) = Decompose(Math.Abs(value).ToString("R", CultureInfo.InvariantCulture));
        if (exponent < -4 || exponent >= 16)
        {
            string mantissa = digits.Length == 1 ? digits : $"{digits[0]}.{digits[1..]}";
            return $"{sign}{mantissa}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
        }

        var text = new StringBuilder(sign);
        if (exponent < 0)
        {
            text.Append("0.").Append('0', -exponent - 1).Append(digits);
        }
        else if (digits.Length <= exponent + 1)
        {
            text.Append(digits).Append('0', exponent + 1 - digits.Length).Append(".0");
        }
        else
        {
            text.Append(digits, 0, exponent + 1).Append('.').Append(digits, exponent + 1, digits.Length - exponent - 1);
        }

        return text.ToString();
    }

    // "33.27" -> ("3327", 1); "1E-05" -> ("1", -5); "0.0001" -> ("1", -4); "0" -> ("0", 0): significant digits and the
    // power of ten of the first one.
    private static (string Digits, int Exponent) Decompose(string roundTrip)
    {
        int e = roundTrip.IndexOfAny(['E', 'e']);
        int exponent = e < 0 ? 0 : int.Parse(roundTrip.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        string mantissa = e < 0 ? roundTrip : roundTrip[..e];
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string integerPart = dot < 0 ? mantissa : mantissa[..dot];
        string all = integerPart + (dot < 0 ? "" : mantissa[(dot + 1)..]);
        exponent += integerPart.Length - 1;
        int leadingZeros = all.Length - all.TrimStart('0').Length;
        if (leadingZeros == all.Length)
        {
            return ("0", 0);
        }

        string digits = all[leadingZeros..].TrimEnd('0');
        return (digits.Length == 0 ? "0" : digits, exponent - leadingZeros);
    }
}
