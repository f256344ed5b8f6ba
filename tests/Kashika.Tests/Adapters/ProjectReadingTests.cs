using Kashika.Adapters.Git;
using Kashika.Adapters.Relate;
using Kashika.Core.Common;
using Kashika.Core.Relate;
using Kashika.Testing;

namespace Kashika.Tests.Adapters;

/// <summary>Reading relate's inputs returns what was read and each problem as a value, in input order.</summary>
public sealed class ProjectReadingTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private sealed class Silent : IReadProgress, IReadProgressItem
    {
        public List<string> Started { get; } = [];

        public IReadProgressItem Start(string name)
        {
            lock (Started)
            {
                Started.Add(name);
            }

            return this;
        }

        public void Update(long commits)
        {
        }

        public void Done(long commits, long read)
        {
        }

        public void Failed()
        {
        }
    }

    private RepositoryRequest Request(params string[] paths) => new(
        paths, dir.Path, new IdentityRules(IdentityMode.Person, new BotRules(null), CountMerges: false), "HEAD", null, null, null, Period.None, Mailmap: true, GitReader.Native, Cache: null, NoCache: true, TimeProvider.System, _ => null);

    [Fact]
    public void A_repository_that_cannot_be_read_is_a_problem_beside_the_others_read()
    {
        dir.Repo("alpha").Commits("Ann", "ann@example.org", 3);
        dir.Repo("beta").Commits("Bob", "bob@example.org", 2);
        Directory.CreateDirectory(dir.Combine("plain"));
        var progress = new Silent();

        var read = ProjectReading.Repositories(Request("alpha", "plain", "beta"), progress, CancellationToken.None);

        Assert.Equal(["alpha", "beta"], read.Projects.Select(p => p.History.Authors.Name));
        Assert.Equal(3, read.Projects[0].History.Authors.Commits);
        var problem = Assert.Single(read.Problems);
        Assert.Equal(ProblemKind.Failed, problem.Kind);
        Assert.StartsWith("plain: not a git repository", problem.Message, StringComparison.Ordinal);
        Assert.Equal(["alpha", "beta"], progress.Started.Order(StringComparer.Ordinal));
        Assert.Contains(read.Notes, n => n.StartsWith("read 2 repositories (5 commits", StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_repository_is_left_out_not_failed()
    {
        dir.Repo("alpha").Commits("Ann", "ann@example.org", 1);
        dir.Repo("empty");

        var read = ProjectReading.Repositories(Request("alpha", "empty"), new Silent(), CancellationToken.None);

        var problem = Assert.Single(read.Problems);
        Assert.Equal(ProblemKind.LeftOut, problem.Kind);
        Assert.EndsWith("; left out", problem.Said, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_named_by_an_option_stops_the_run()
    {
        dir.Repo("alpha").Commits("Ann", "ann@example.org", 1);
        var e = Assert.Throws<InputException>(() => ProjectReading.Repositories(Request("alpha") with { Aliases = "people.mailmap" }, new Silent(), CancellationToken.None));
        Assert.Equal("people.mailmap: no such file", e.Message);
        Assert.Equal("vetoes.txt: no such file", Assert.Throws<InputException>(() => ProjectReading.Vetoes("vetoes.txt", dir.Path)).Message);
        Assert.Equal("ranking: no such directory", Assert.Throws<InputException>(() => ProjectReading.Rankings("ranking", null, dir.Path)).Message);
    }
}
