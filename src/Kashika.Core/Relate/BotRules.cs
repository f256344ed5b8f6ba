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

    public bool IsBot(string name, string email) => Reason(name, email) is not null;

    /// <summary>Why an author is an automated account ("automated account", "translation platform", "matches
    /// --bot-pattern"), or null for a person.</summary>
    public string? Reason(string name, string email)
    {
        string trimmedName = name.Trim();
        if (TranslationPlatform().IsMatch(trimmedName) || TranslationAddress().IsMatch(email.Trim()))
        {
            return "translation platform";
        }

        if (LooksAutomated(trimmedName) || BracketBot().IsMatch(email))
        {
            return "automated account";
        }

        int at = email.IndexOf('@', StringComparison.Ordinal);
        string localPart = at < 0 ? email : email[..at];
        if (KnownName().IsMatch(localPart))
        {
            return "automated account";
        }

        return extra is not null && extra.IsMatch($"{name} <{email}>") ? "matches --bot-pattern" : null;
    }

    /// <summary>Whether a name is an automated account's: "[bot]", a known automation name, or "bot"/"robot" as a word or
    /// after a separator ("OpenStack Proposal Bot", "k8s-merge-robot") — never letters inside a surname (Harbott,
    /// Rabotyagov, Bobot, Bottomley).</summary>
    public static bool LooksAutomated(string name)
    {
        string trimmed = name.Trim();
        return BracketBot().IsMatch(trimmed) || KnownName().IsMatch(trimmed) || BotSuffix().IsMatch(trimmed) || BotWord().IsMatch(trimmed)
            || TranslationPlatform().IsMatch(trimmed);
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

    // Translation platforms commit in the name of their users or of themselves: Weblate ("Hosted Weblate", "Weblate
    // Translation Memory", "Languages add-on", "Weblate (bot)"), Transifex, Pontoon, Zanata, Crowdin, Launchpad's.
    [GeneratedRegex(
        @"^(hosted weblate|weblate( translation memory| admin| \(bot\))?|languages add-on|transifex( bot)?|pontoon|zanata( bot)?|"
        + @"crowdin( bot)?|launchpad translations on behalf of .*|translatewiki\.net|fedora weblate translation)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TranslationPlatform();

    // Their addresses: noreply@weblate.org, hosted@weblate.org, …@transifex.com, …@pontoon.mozilla.org, …@zanata.org.
    [GeneratedRegex(@"@((hosted\.)?weblate\.org|transifex\.com|pontoon\.mozilla\.org|zanata\.org|crowdin\.com|translatewiki\.net)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TranslationAddress();

    // "bot" or "robot" as a word of its own ("Translation Bot Account", "bot account").
    [GeneratedRegex(@"(^|\s)(ro)?bot(\s|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BotWord();

    // "OpenStack Proposal Bot", "OpenStack Release Bot", "Translation Bot", "k8s-merge-robot": a last word of (ro)bot.
    // A separator is required so that names like "Talbot" or "Abbot" stay people.
    [GeneratedRegex(@"(^|[\s_.-])(ro)?bot$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BotSuffix();
}
