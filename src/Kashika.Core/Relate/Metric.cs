namespace Kashika.Core.Relate;

/// <summary>How the strength of the link between two projects is measured.</summary>
public enum Metric
{
    /// <summary>sqrt(Σ min(commits in A, commits in B)) over shared developers: the 2013 ossrel measure.</summary>
    Ossrel,

    /// <summary>Σ min(commits in A, commits in B) over shared developers, without the square root.</summary>
    SumMin,

    /// <summary>Shared developers divided by the developers of either project.</summary>
    Jaccard,

    /// <summary>The number of shared developers.</summary>
    Shared,
}

public static class MetricExtensions
{
    public static string CliName(this Metric metric) => metric switch
    {
        Metric.Ossrel => "ossrel",
        Metric.SumMin => "sum-min",
        Metric.Jaccard => "jaccard",
        Metric.Shared => "shared",
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    public static double Compute(this Metric metric, long sumMin, int shared, int union) => metric switch
    {
        Metric.Ossrel => Math.Sqrt(sumMin),
        Metric.SumMin => sumMin,
        Metric.Jaccard => union == 0 ? 0 : (double)shared / union,
        Metric.Shared => shared,
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    /// <summary>Whether the metric's values are whole numbers (printed without a fraction).</summary>
    public static bool IsIntegral(this Metric metric) => metric is Metric.SumMin or Metric.Shared;
}
