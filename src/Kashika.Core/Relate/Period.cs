namespace Kashika.Core.Relate;

/// <summary>How a history is cut into periods, to see relatedness change over time.</summary>
public enum Period
{
    None,
    Year,
    Quarter,
    Month,
}

public static class Periods
{
    /// <summary>The period a commit time (seconds since the epoch, author date) falls in, in UTC: "2019", "2019-Q3", "2019-07".</summary>
    public static string Label(long unixSeconds, Period period)
    {
        var date = DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime;
        return period switch
        {
            Period.Year => date.Year.ToString("D4", System.Globalization.CultureInfo.InvariantCulture),
            Period.Quarter => $"{date.Year:D4}-Q{((date.Month - 1) / 3) + 1}",
            Period.Month => $"{date.Year:D4}-{date.Month:D2}",
            _ => "",
        };
    }
}
