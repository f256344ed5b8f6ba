using Kashika.Core.Relate;

namespace Kashika.Tests.Relate;

/// <summary>Period names, their days, and every period between two.</summary>
public sealed class PeriodsTests
{
    [Fact]
    public void Spans_are_whole_years_quarters_and_months()
    {
        Assert.Equal((new DateOnly(2019, 1, 1), new DateOnly(2019, 12, 31)), Periods.Span("2019"));
        Assert.Equal((new DateOnly(2019, 10, 1), new DateOnly(2019, 12, 31)), Periods.Span("2019-Q4"));
        Assert.Equal((new DateOnly(2020, 2, 1), new DateOnly(2020, 2, 29)), Periods.Span("2020-02"));
    }

    [Fact]
    public void Between_lists_every_period_across_year_ends()
    {
        Assert.Equal(["2019-Q4", "2020-Q1", "2020-Q2"], Periods.Between("2019-Q4", "2020-Q2", Period.Quarter));
        Assert.Equal(["2019-12", "2020-01"], Periods.Between("2019-12", "2020-01", Period.Month));
        Assert.Equal(["1999", "2000", "2001"], Periods.Between("1999", "2001", Period.Year));
        Assert.Equal(["2020-03"], Periods.Between("2020-03", "2020-03", Period.Month));
    }
}
