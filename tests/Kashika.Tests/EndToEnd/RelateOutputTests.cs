using System.Text;
using Kashika.Testing;

namespace Kashika.Tests.EndToEnd;

/// <summary>Whole outputs against approved files: help, JSON and CSV of a fixed ranking input, in several cultures.</summary>
public sealed class RelateOutputTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public RelateOutputTests()
    {
        string ranking = dir.Combine("ranking");
        Directory.CreateDirectory(ranking);
        File.WriteAllText(Path.Combine(ranking, "alpha"), "      5 Ann Lee\n      3 Bob\n      1 Cid\n");
        File.WriteAllText(Path.Combine(ranking, "beta"), "      2 Ann Lee\n      7 Bob\n");
        File.WriteAllText(Path.Combine(ranking, "gamma, \"quoted\""), "      4 Bob\n      1 Dee\n");
    }

    public void Dispose() => dir.Dispose();

    public static TheoryData<string> Cultures => ["C", "en_US.UTF-8", "de_DE.UTF-8", "ru_RU.UTF-8"];

    private string Run(string culture, params string[] arguments)
    {
        var result = KashikaProcess.Run(dir.Path, new Dictionary<string, string> { ["LANG"] = culture, ["LC_ALL"] = culture }, arguments);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.StandardOutput;
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void Json(string culture) => Approved.Verify(Run(culture, "relate", "--from-ranking", "ranking", "--format", "json"), "relate.json");

    [Theory]
    [MemberData(nameof(Cultures))]
    public void Csv(string culture) => Approved.Verify(Run(culture, "relate", "--from-ranking", "ranking", "--format", "csv", "--metric", "jaccard"), "relate.csv");

    [Fact]
    public void Help() => Approved.Verify(Run("C", "relate", "--help"), "relate-help.txt");

    [Fact]
    public void Trace_collapse_help() => Approved.Verify(Run("C", "trace", "collapse", "--help"), "trace-collapse-help.txt");

    [Fact]
    public void Html_is_deterministic()
    {
        Run("C", "relate", "--from-ranking", "ranking", "-o", "a.html");
        Run("de_DE.UTF-8", "relate", "--from-ranking", "ranking", "-o", "b.html");
        Assert.Equal(File.ReadAllBytes(dir.Combine("a.html")), File.ReadAllBytes(dir.Combine("b.html")));
        Assert.Contains("\"schema\":\"kashika.relate/2\"", Encoding.UTF8.GetString(File.ReadAllBytes(dir.Combine("a.html"))), StringComparison.Ordinal);
    }
}
