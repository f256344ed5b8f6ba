using Kashika.Core.Relate;

namespace Kashika.Tests.Relate;

public sealed class BotRulesTests
{
    private readonly BotRules rules = new();

    [Theory]
    [InlineData("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")]
    [InlineData("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")]
    [InlineData("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com")]
    [InlineData("Jenkins", "jenkins@review.openstack.org")]
    [InlineData("Zuul", "zuul@review.opendev.org")]
    [InlineData("OpenStack Proposal Bot", "openstack-infra@lists.openstack.org")]
    [InlineData("OpenStack Release Bot", "infra-root@openstack.org")]
    [InlineData("Translation Bot", "l10n@example.org")]
    [InlineData("k8s-merge-robot", "k8s-merge-robot@users.noreply.github.com")]
    [InlineData("Renovate Bot", "bot@renovateapp.com")]
    [InlineData("dependabot-preview", "support@dependabot.com")]
    [InlineData("Whoever", "zuul@example.org")]
    public void Automated_accounts_are_bots(string name, string email) => Assert.True(rules.IsBot(name, email));

    [Theory]
    [InlineData("Salvatore Sanfilippo", "antirez@gmail.com")]
    [InlineData("Jane Talbot", "jane@example.org")]
    [InlineData("Abbot Robotham", "abbot@example.org")]
    [InlineData("Bott", "bott@example.org")]
    [InlineData("Jenkins Smith", "js@example.org")]
    public void People_are_not_bots(string name, string email) => Assert.False(rules.IsBot(name, email));

    [Fact]
    public void A_user_pattern_adds_accounts()
    {
        var custom = new BotRules("^Build Daemon <");
        Assert.True(custom.IsBot("Build Daemon", "bd@example.org"));
        Assert.False(custom.IsBot("Build Engineer", "be@example.org"));
        Assert.False(rules.IsBot("Build Daemon", "bd@example.org"));
    }

    [Fact]
    public void A_bad_pattern_is_an_argument_error() => Assert.ThrowsAny<ArgumentException>(() => new BotRules("(unclosed"));
}
