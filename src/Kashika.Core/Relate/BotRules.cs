using System.Text.RegularExpressions;

namespace Kashika.Core.Relate;

/// <summary>
/// Decides whether an author is an automated account (CI gatekeepers, dependency updaters, translation and release bots),
/// whose commits say nothing about which people two projects share.
/// </summary>
public sealed partial class BotRules
{
    private readonly Regex? extra;

    /// <param name="extraPattern">A user's regular expression, matched against "Name &lt;email&gt;", case-insensitively.</param>
    public BotRules(string? extraPattern = null)
    {
        if (!string.IsNullOrEmpty(extraPattern))
        {
            // Linear time in the text, whatever the pattern ("(a+)+$" cannot backtrack for ever on an author's name).
            // Validated here: a bad pattern is an ArgumentException, one needing backtracking (backreferences,
            // lookarounds) a NotSupportedException, both for the CLI to name.
            extra = new Regex(extraPattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
    }

    public string? ExtraPattern => extra?.ToString();

    public bool IsBot(string name, string email)
    {
        if (BracketBot().IsMatch(name) || BracketBot().IsMatch(email))
        {
            return true;
        }

        string trimmedName = name.Trim();
        int at = email.IndexOf('@', StringComparison.Ordinal);
        string localPart = at < 0 ? email : email[..at];
        if (KnownName().IsMatch(trimmedName) || KnownName().IsMatch(localPart) || BotSuffix().IsMatch(trimmedName))
        {
            return true;
        }

        return extra is not null && extra.IsMatch($"{name} <{email}>");
    }

    // GitHub App accounts: "dependabot[bot]", "github-actions[bot]", "renovate[bot]@users.noreply.github.com".
    [GeneratedRegex(@"\[bot\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BracketBot();

    // Whole names (or e-mail local parts) of well-known automation accounts.
    [GeneratedRegex(
        @"^(jenkins|openstack jenkins|zuul|hudson|buildbot|bors|bors-ng|homu|gerrit code review|travis[ -]?ci|"
        + @"dependabot(-preview)?|renovate(-bot)?|greenkeeper(io)?|github[ -]actions|snyk[ -]bot|mergify|pre-commit-ci|"
        + @"imgbot|pyup-bot|codecov|allcontributors|weblate|transifex|k8s-ci-robot|openstack-infra|infra-root)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KnownName();

    // "OpenStack Proposal Bot", "OpenStack Release Bot", "Translation Bot", "k8s-merge-robot": a last word of (ro)bot.
    // A separator is required so that names like "Talbot" or "Abbot" stay people.
    [GeneratedRegex(@"(^|[\s_.-])(ro)?bot$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BotSuffix();
}
