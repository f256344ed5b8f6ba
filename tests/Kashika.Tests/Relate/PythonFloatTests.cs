using Kashika.Reports;

namespace Kashika.Tests.Relate;

public sealed class PythonFloatTests
{
    // Expected values are what Python 2.7 and 3 print for repr(x).
    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(3.0, "3.0")]
    [InlineData(25.0, "25.0")]
    [InlineData(33.27160951922825, "33.27160951922825")]
    [InlineData(1.7320508075688772, "1.7320508075688772")]
    [InlineData(2.23606797749979, "2.23606797749979")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(0.000123, "0.000123")]
    [InlineData(0.0000123, "1.23e-05")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1234567890123456.7, "1234567890123456.8")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e22, "1.5e+22")]
    [InlineData(1e100, "1e+100")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NaN, "nan")]
    public void Repr_matches_python(double value, string expected) => Assert.Equal(expected, PythonFloat.Repr(value));

    [Fact]
    public void Repr_round_trips_square_roots()
    {
        for (int n = 0; n < 5000; n++)
        {
            double root = Math.Sqrt(n);
            Assert.Equal(root, double.Parse(PythonFloat.Repr(root), System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
