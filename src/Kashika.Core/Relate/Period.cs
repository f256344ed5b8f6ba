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
    /// <summary>1980-01-01 UTC: an author date before it is a clock that was not set (1970-01-01), not history (the
    /// oldest histories imported into git, Perl's from 1987, start after it).</summary>
    public const long FirstPlausible = 315532800;

    /// <summary>
    /// The period a commit time (seconds since the epoch, author date) falls in, in UTC, as a number that sorts as the
    /// periods do (2019, 20193 for 2019-Q3, 201907): cheap to compute once per commit.
    /// </summary>
    public static int Key(long unixSeconds, Period period)
    {
        var date = DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime;
        return period switch
        {
            Period.Year => date.Year,
            Period.Quarter => (date.Year * 10) + ((date.Month - 1) / 3) + 1,
            Period.Month => (date.Year * 100) + date.Month,
            _ => 0,
        };
    }

    /// <summary>The name of a period key: "2019", "2019-Q3", "2019-07".</summary>
    public static string Label(int key, Period period) => period switch
    {
        Period.Year => key.ToString("D4", System.Globalization.CultureInfo.InvariantCulture),
        Period.Quarter => $"{key / 10:D4}-Q{key % 10}",
        Period.Month => $"{key / 100:D4}-{key % 100:D2}",
        _ => "",
    };

    /// <summary>The kind of period a label names ("2019" a year, "2019-Q3" a quarter, "2019-07" a month).</summary>
    /// <summary>Whether <paramref name="label"/> names a period as <see cref="Label"/> writes it ("2019", "2019-Q3", "2019-07").</summary>
    public static bool IsLabel(string label) =>
        label.Length >= 4 && label.AsSpan(0, 4).IndexOfAnyExceptInRange('0', '9') < 0 && (label.Length == 4
            || (label.Length == 7 && label[4] == '-' && label[5] == 'Q' && label[6] is >= '1' and <= '4')
            || (label.Length == 7 && label[4] == '-' && label.AsSpan(5) is var m && m.IndexOfAnyExceptInRange('0', '9') < 0 && m is not "00" && string.CompareOrdinal(m.ToString(), "12") <= 0));

    public static Period KindOf(string label) => label.Length == 4 ? Period.Year : label[5] == 'Q' ? Period.Quarter : Period.Month;

    /// <summary>The first and last day of a period named as <see cref="Label"/> names it ("2019", "2019-Q3", "2019-07").</summary>
    public static (DateOnly Start, DateOnly End) Span(string label)
    {
        int year = int.Parse(label.AsSpan(0, 4), System.Globalization.CultureInfo.InvariantCulture);
        if (label.Length == 4)
        {
            return (new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
        }

        if (label[5] == 'Q')
        {
            int first = ((label[6] - '1') * 3) + 1;
            var start = new DateOnly(year, first, 1);
            return (start, start.AddMonths(3).AddDays(-1));
        }

        var month = new DateOnly(year, int.Parse(label.AsSpan(5, 2), System.Globalization.CultureInfo.InvariantCulture), 1);
        return (month, month.AddMonths(1).AddDays(-1));
    }

    /// <summary>Every period from <paramref name="first"/> to <paramref name="last"/> (labels), those without a commit too,
    /// so time advances evenly on the page.</summary>
    public static IReadOnlyList<string> Between(string first, string last, Period period)
    {
        var labels = new List<string>();
        for (var day = Span(first).Start; string.CompareOrdinal(Label(KeyOf(day, period), period), last) <= 0; day = Next(day, period))
        {
            labels.Add(Label(KeyOf(day, period), period));
        }

        return labels;
    }

    private static int KeyOf(DateOnly day, Period period) =>
        Key(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds(), period);

    private static DateOnly Next(DateOnly day, Period period) => period switch
    {
        Period.Year => day.AddYears(1),
        Period.Quarter => day.AddMonths(3),
        _ => day.AddMonths(1),
    };
}
