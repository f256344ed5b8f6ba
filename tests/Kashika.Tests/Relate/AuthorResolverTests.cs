using System.Text;
using Kashika.Core.Relate;

namespace Kashika.Tests.Relate;

public sealed class AuthorResolverTests
{
    private static AuthorTally Tally(params (string Name, string Email, bool Merge)[] commits)
    {
        var tally = new AuthorTally();
        foreach (var (name, email, merge) in commits)
        {
            tally.Add(Raw(Encoding.UTF8.GetBytes($"{name}\0{email}")), merge);
        }

        return tally;
    }

    // An author record as the readers hold it: each byte one Latin-1 char.
    private static string Raw(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static readonly IdentityRules Default = new(IdentityMode.Email, new BotRules(), CountMerges: false);

    [Fact]
    public void Email_identity_is_case_insensitive_and_keeps_the_most_used_name()
    {
        var project = AuthorResolver.Resolve("p", Tally(
            ("Ann Lee", "Ann@Example.org", false), ("ann", "ann@example.org", false), ("Ann Lee", "ann@example.ORG", false)), Default);
        Assert.Equal(3, project.CommitsByPerson["ann@example.org"]);
        Assert.Equal("Ann Lee", project.DisplayNames["ann@example.org"]);
        Assert.Equal(1, project.Developers);
    }

    [Theory]
    [InlineData("12345+ann@users.noreply.github.com", "ann@users.noreply.github.com")]
    [InlineData("Ann@Users.NoReply.GitHub.com", "ann@users.noreply.github.com")]
    [InlineData("ann+lists@example.org", "ann+lists@example.org")] // a plus elsewhere is part of the address
    [InlineData("x12+ann@users.noreply.github.com", "x12+ann@users.noreply.github.com")]
    public void GitHubs_two_no_reply_forms_are_one_person(string email, string key) =>
        Assert.Equal(key, AuthorResolver.Key(IdentityMode.Email, "Ann", email));

    [Fact]
    public void Name_and_name_plus_email_identities()
    {
        var tally = Tally(("Ann Lee", "a@x", false), ("ann lee", "b@x", false));
        Assert.Equal(1, AuthorResolver.Resolve("p", tally, Default with { Mode = IdentityMode.Name }).Developers);
        Assert.Equal(2, AuthorResolver.Resolve("p", tally, Default with { Mode = IdentityMode.NameEmail }).Developers);
        Assert.Equal(2, AuthorResolver.Resolve("p", tally, Default).Developers);
    }

    [Fact]
    public void Bots_and_merges_are_excluded_and_counted()
    {
        var project = AuthorResolver.Resolve("p", Tally(
            ("Ann", "a@x", false), ("Ann", "a@x", true), ("dependabot[bot]", "d@x", false), ("Jenkins", "jenkins@x", true)), Default);
        Assert.Equal(1, project.Commits);
        Assert.Equal(2, project.ExcludedBotCommits);
        Assert.Equal(1, project.ExcludedMergeCommits);
        Assert.Equal(["Jenkins", "dependabot[bot]"], project.ExcludedBots.Select(b => b.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Counting_merges_and_bots_when_asked()
    {
        var project = AuthorResolver.Resolve("p", Tally(("Ann", "a@x", true), ("Jenkins", "j@x", false)), new IdentityRules(IdentityMode.Email, null, true));
        Assert.Equal(2, project.Commits);
        Assert.Equal(0, project.ExcludedBotCommits + project.ExcludedMergeCommits);
    }

    [Fact]
    public void Ossrel_names_collapse_whitespace_and_keep_the_larger_count_of_a_collision()
    {
        var tally = new AuthorTally();
        foreach (string name in new[] { "Ann  Lee", "Ann Lee", "Ann Lee", " Ann Lee" })
        {
            tally.Add(Raw(Encoding.UTF8.GetBytes(name)), isMerge: true);
        }

        var project = AuthorResolver.Resolve("p", tally, IdentityRules.Ossrel);
        // uniq -c lines "1 Ann  Lee", "2 Ann Lee", "1  Ann Lee"; sorted, the count 2 line comes last and wins.
        Assert.Equal(2, project.CommitsByPerson["Ann Lee"]);
        Assert.Equal(1, project.Developers);
    }

    [Fact]
    public void Ossrel_names_are_bytes_not_text()
    {
        var tally = new AuthorTally();
        tally.Add(Raw([.. "Ren"u8, 0xE9]), false);
        tally.Add(Raw("René"u8), false);
        Assert.Equal(2, AuthorResolver.Resolve("p", tally, IdentityRules.Ossrel).Developers);
    }
}
