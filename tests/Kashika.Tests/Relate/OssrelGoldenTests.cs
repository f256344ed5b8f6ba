using Kashika.Testing;

namespace Kashika.Tests.Relate;

/// <summary>The original ossrel's own 2013 ranking files must give its matrix.js byte for byte.</summary>
public sealed class OssrelGoldenTests
{
    [Fact]
    public void From_ranking_reproduces_the_2013_matrix_js()
    {
        string corpus = Paths.RequireCorpus("relate/ossrel-2013");
        var result = KashikaProcess.Run(corpus, "relate", "--from-ranking", "ranking", "--order", "order.txt", "--format", "ossrel-js");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(File.ReadAllBytes(Path.Combine(corpus, "matrix.js")), result.OutputBytes);
    }
}
