using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Kashika.Core.Relate;

/// <summary>One person's addresses, joined automatically: the key kept (<see cref="Person"/>), all keys, and why.</summary>
public sealed record IdentityJoin(string Person, string Name, IReadOnlyList<string> Keys, string Reason);

/// <summary>
/// <c>--identity person</c>: addresses of one person joined across all projects. Two addresses join only when they
/// carry the same distinctive full name (two or more words of letters, not a placeholder such as "root" or "Your Name")
/// and something else agrees: both were used in one project, their user names (before the @) are the same, or the
/// projects they were used in are related through other developers (<see cref="RelatedProjectsShare"/>). A
/// namesake in an unrelated project is not joined, and a generic name never joins anything, so joins cannot chain
/// through one. Every join is reported with its reason (docs/relate.md).
/// </summary>
public static class PersonJoins
{
    /// <summary>Other developers two projects must share before a name alone joins addresses across them: at least
    /// this many, and at least <see cref="RelatedProjectsFraction"/> of the smaller project's developers (six people
    /// shared by nova and git, of 1,600 and 2,000, do not make "Adam Johnson" in one the Adam Johnson of the other).</summary>
    public const int RelatedProjectsShare = 2;

    /// <inheritdoc cref="RelatedProjectsShare"/>
    public const double RelatedProjectsFraction = 0.01;

    /// <summary>Developers a project may have for "both used in it" to say two addresses under a common name
    /// (<see cref="IsCommon"/>) are one person: in a larger project two people called Li Wei are no coincidence. A name
    /// that is not common is evidence in a project of any size (measured: limiting it to 1,000 developers cost half the
    /// recall on perl5, git and nova, for no join the mailmaps dispute).</summary>
    public const int SharedProjectLimit = 1000;

    /// <summary>When one name has middle initials the other lacks ("Richard W.M. Jones", "Richard Jones"), only the same
    /// user name or a project of at most this many developers says they are one person.</summary>
    public const int InitialsProjectLimit = 100;

    private static readonly HashSet<string> Placeholders = new(StringComparer.Ordinal)
    {
        "root", "admin", "administrator", "ubuntu", "debian", "unknown", "user", "your name", "you", "me", "nobody",
        "test", "tester", "test user", "jenkins", "travis", "travis ci", "github", "gerrit", "buildbot", "build user",
        "system administrator", "local user", "default user", "anonymous", "no name", "none", "name", "your full name",
        "openstack infra", "openstack proposal bot", "zuul", "git", "dev", "developer", "developers", "the author",
        "cloud user", "ec2 user", "vagrant", "stack", "centos", "fedora", "localhost", "your name here", "unknown user",
    };

    /// <summary>Whether a name is specific enough to say two addresses are one person.</summary>
    public static bool IsDistinctive(string name)
    {
        string normal = Normalize(name);
        if (Placeholders.Contains(normal) || BotRules.LooksAutomated(name) || normal.Contains('@', StringComparison.Ordinal))
        {
            return false;
        }

        var words = normal.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length >= 2 && words.Count(w => w.Count(char.IsLetter) >= 2) >= 2 && !normal.Any(char.IsAsciiDigit);
    }

    /// <summary>
    /// A one-word name that is also the address's user name ("antirez" &lt;antirez@…&gt;), five letters or more and not a
    /// placeholder: a handle, as specific as a full name. Two addresses under one handle join only when both were used in
    /// one project or in related projects.
    /// </summary>
    public static bool IsHandle(string name, string address)
    {
        // Most names are two words or more: no handle, and no need to normalize them to know it.
        var trimmed = name.AsSpan().Trim();
        if (trimmed.IndexOfAny(" .\t") >= 0)
        {
            return false;
        }

        string normal = Normalize(name);
        return normal.Length >= 5 && normal.All(char.IsLetter) && !Placeholders.Contains(normal)
            && !BotRules.LooksAutomated(name) && normal == UserName(address);
    }

    /// <summary>Finds the joins among the projects' identity keys (lower-cased addresses, as <see cref="IdentityMode.Email"/>),
    /// none of which puts together what a veto (<paramref name="notSame"/>) keeps apart.</summary>
    public static IReadOnlyList<IdentityJoin> Find(IReadOnlyList<ProjectAuthors> projects, IReadOnlyList<NotSame>? notSame = null)
    {
        var keysOf = projects.Select(p => p.CommitsByPerson.Keys.Where(k => k.Contains('@', StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal)).ToList();
        var byName = new Dictionary<string, List<(string Key, int Project)>>(StringComparer.Ordinal);
        var commits = new Dictionary<string, long>(StringComparer.Ordinal);
        var displayName = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int p = 0; p < projects.Count; p++)
        {
            foreach (string key in keysOf[p])
            {
                string name = projects[p].DisplayNames.GetValueOrDefault(key) ?? "";
                commits[key] = commits.GetValueOrDefault(key) + projects[p].CommitsByPerson[key];
                displayName.TryAdd(key, name);
                if (IsHandle(name, key))
                {
                    (byName.TryGetValue("@" + Normalize(name), out var list) ? list : byName["@" + Normalize(name)] = []).Add((key, p));
                }
                else if (IsDistinctive(name))
                {
                    foreach (string form in NameForms(name))
                    {
                        (byName.TryGetValue(form, out var list) ? list : byName[form] = []).Add((key, p));
                    }
                }
            }
        }

        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        var members = new Dictionary<string, List<string>>(StringComparer.Ordinal); // each root's keys
        List<string> Members(string root) => members.TryGetValue(root, out var list) ? list : members[root] = [root];

        // A veto holds across whole persons: a join is refused when any address of one side is vetoed against an address
        // (or the name) of any address of the other, so no chain of joins can bring the two together.
        var vetoes = notSame ?? [];
        bool Vetoed(List<string> x, List<string> y) => vetoes.Count > 0 && vetoes.Any(v =>
            (x.Contains(v.Address) && y.Any(k => Against(v, k))) || (y.Contains(v.Address) && x.Any(k => Against(v, k))));
        bool Against(NotSame v, string key) => v.OtherIsAddress
            ? key == v.Other
            : Normalize(displayName.GetValueOrDefault(key) ?? "") == Normalize(v.Other);
        string Root(string k)
        {
            while (parent.TryGetValue(k, out string? up) && up != k)
            {
                k = up;
            }

            return k;
        }

        // Only names used by two or more addresses can join anything; sorted for an order of joins that never varies.
        foreach (var (name, uses) in byName.Where(n => n.Value.Count > 1).OrderBy(n => n.Key, StringComparer.Ordinal))
        {
            var keys = uses.Select(u => u.Key).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            for (int i = 0; i < keys.Count; i++)
            {
                for (int j = i + 1; j < keys.Count; j++)
                {
                    bool handle = name.StartsWith('@');
                    string x0 = displayName[keys[i]], y0 = displayName[keys[j]];
                    if (!InitialsAgree(x0, y0) || Evidence(keys[i], keys[j], uses, keysOf, projects, handle, !SameInitials(x0, y0), IsCommon(x0) || IsCommon(y0)) is not { } why)
                    {
                        continue;
                    }

                    string a = Root(keys[i]), b = Root(keys[j]);
                    if (a != b && !Vetoed(Members(a), Members(b)))
                    {
                        parent[b] = a;
                        parent.TryAdd(a, a);
                        Members(a).AddRange(Members(b));
                        members.Remove(b);
                        string x = displayName[keys[i]], y = displayName[keys[j]];
                        reasons[a] = reasons.TryGetValue(a, out string? before) ? before
                            : x == y ? $"same name \"{x}\"; {why}" : $"names \"{x}\" and \"{y}\"; {why}";
                    }
                }
            }
        }

        return parent.Keys.GroupBy(Root, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g =>
            {
                var keys = g.Order(StringComparer.Ordinal).ToList();
                string person = keys.OrderByDescending(k => commits[k]).ThenBy(k => k, StringComparer.Ordinal).First();
                return new IdentityJoin(person, displayName[person], keys, reasons[g.Key]);
            })
            .OrderBy(j => j.Name, StringComparer.Ordinal).ThenBy(j => j.Person, StringComparer.Ordinal)
            .ToList();
    }

    // What, besides the name, says two addresses are one person; null when nothing does.
    // A handle (see IsHandle) already is the user name, so for it the same user name is no further evidence; nor is it for
    // a common name ("yangyu" for Yang Yu). Middle initials on one side only need evidence specific to the two addresses.
    private static string? Evidence(
        string a, string b, List<(string Key, int Project)> uses, List<HashSet<string>> keysOf, IReadOnlyList<ProjectAuthors> projects, bool handle, bool initialsDiffer, bool common)
    {
        var inA = uses.Where(u => u.Key == a).Select(u => u.Project).ToList();
        var inB = uses.Where(u => u.Key == b).Select(u => u.Project).ToList();
        int limit = initialsDiffer ? InitialsProjectLimit : common ? SharedProjectLimit : int.MaxValue;
        if (inA.Intersect(inB).Where(p => projects[p].CommitsByPerson.Count <= limit).OrderBy(p => projects[p].CommitsByPerson.Count).FirstOrDefault(-1) is var both && both >= 0)
        {
            return $"both used in {projects[both].Name} ({projects[both].CommitsByPerson.Count} developers)";
        }

        if (!handle && !common && UserName(a) == UserName(b) && UserName(a).Length >= 3)
        {
            return $"same user name \"{UserName(a)}\"";
        }

        if (initialsDiffer)
        {
            return null;
        }

        foreach (int pa in inA)
        {
            foreach (int pb in inB)
            {
                if (pa == pb)
                {
                    continue; // one project is not two related ones (its size was weighed above)
                }

                int shared = keysOf[pa].Count(k => k != a && k != b && keysOf[pb].Contains(k));
                int needed = Math.Max(RelatedProjectsShare, (int)Math.Ceiling(RelatedProjectsFraction * Math.Min(keysOf[pa].Count, keysOf[pb].Count)));
                // Two related projects are one community: for a common name it counts only while that community is no
                // larger than a project "both used in" may be (two Ray Chens in cinder and glance are no coincidence).
                if (shared >= needed && (!common || keysOf[pa].Count + keysOf[pb].Count - shared <= SharedProjectLimit))
                {
                    return $"{projects[pa].Name} and {projects[pb].Name} share {shared} other developers";
                }
            }
        }

        return null;
    }

    private static string UserName(string address) =>
        address[..Math.Max(0, address.IndexOf('@', StringComparison.Ordinal))].Replace(".", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);

    /// <summary>
    /// The forms a distinctive name is matched by: <see cref="Normalize"/>d; with German umlauts spelt out ("Röpke" and
    /// "Roepke", while "Müller" still meets "Muller"); and without middle initials ("Jos I. Boumans" meets "Jos
    /// Boumans"; first and last words stay, so "A. Smith" is not "Smith").
    /// </summary>
    public static IReadOnlyList<string> NameForms(string name)
    {
        var forms = new List<string> { Normalize(name) };
        if (name.AsSpan().IndexOfAny("äöüÄÖÜß") >= 0)
        {
            forms.Add(Normalize(name.Replace("ä", "ae", StringComparison.Ordinal).Replace("ö", "oe", StringComparison.Ordinal)
                .Replace("ü", "ue", StringComparison.Ordinal).Replace("Ä", "Ae", StringComparison.Ordinal).Replace("Ö", "Oe", StringComparison.Ordinal)
                .Replace("Ü", "Ue", StringComparison.Ordinal).Replace("ß", "ss", StringComparison.Ordinal)));
        }

        foreach (string form in forms.ToList())
        {
            var words = form.Split(' ');
            var kept = words.Where((w, i) => i == 0 || i == words.Length - 1 || w.Length > 1).ToList();
            if (kept.Count < words.Length && kept.Count >= 2)
            {
                forms.Add(string.Join(' ', kept));
            }
        }

        return forms.Distinct(StringComparer.Ordinal).ToList();
    }

    // "John A. Smith" meets "John Smith", never "John B. Smith": one name's middle initials are all in the other's.
    private static bool InitialsAgree(string x, string y)
    {
        var a = Initials(x);
        var b = Initials(y);
        return a.IsSubsetOf(b) || b.IsSubsetOf(a);
    }

    private static bool SameInitials(string x, string y) => Initials(x).SetEquals(Initials(y));

    private static HashSet<string> Initials(string name)
    {
        var words = Normalize(name).Split(' ');
        return words.Where((w, i) => i > 0 && i < words.Length - 1 && w.Length == 1).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>A common name: two words of eight letters or fewer in all ("Yang Yu", "Li Wei", "John Li"), which many
    /// people share, and whose user name ("yangyu") many of them choose.</summary>
    public static bool IsCommon(string name)
    {
        var words = Normalize(name).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 2 && words.Sum(w => w.Length) <= 8;
    }

    /// <summary>Lower case, accents off, runs of spaces and dots as one space: "José  A. García" → "jose a garcia".</summary>
    public static string Normalize(string name)
    {
        // Each name is normalized many times (distinctive? a handle? its forms, its initials for every pair it meets):
        // remembered, and forgotten wholesale should a process meet more names than it is worth keeping.
        if (NormalCache.TryGetValue(name, out string? known))
        {
            return known;
        }

        if (Interlocked.Increment(ref normalCount) > 1_000_000)
        {
            NormalCache.Clear();
            Interlocked.Exchange(ref normalCount, 0);
        }

        return NormalCache[name] = NormalizeUncached(name);
    }

    private static int normalCount;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> NormalCache = new(StringComparer.Ordinal);

    private static string NormalizeUncached(string name)
    {
        // A handle that spells a name ("armando-migliaccio", "first_last"): its separators are spaces.
        if (name.Trim().AsSpan().IndexOfAny(" \t.") < 0 && name.AsSpan().IndexOfAny("-_") > 0)
        {
            name = name.Replace('-', ' ').Replace('_', ' ');
        }

        var text = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            if (c is >= '\u0300' and <= '\u036f')
            {
                continue; // a combining accent of a decomposed letter
            }

            if (Unaccented.TryGetValue(c, out string? plain))
            {
                text.Append(plain);
            }
            else
            {
                text.Append(char.IsWhiteSpace(c) || c == '.' ? ' ' : char.ToLowerInvariant(c));
            }
        }

        return string.Join(' ', text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    // Latin letters with accents and their plain lower-case letters. A table, because the build is culture-invariant
    // (InvariantGlobalization), where string.Normalize has no Unicode data to take accents off with.
    private static readonly FrozenDictionary<char, string> Unaccented = Zip(
        "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĴĵĶķĸĹĺĻļĽľĿŀŁłŃńŅņŇňŉŊŋŌōŎŏŐőŒœŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſƒƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳ",
        "a|a|a|a|a|a|ae|c|e|e|e|e|i|i|i|i|d|n|o|o|o|o|o|o|u|u|u|u|y|th|ss|a|a|a|a|a|a|ae|c|e|e|e|e|i|i|i|i|d|n|o|o|o|o|o|o|u|u|u|u|y|th|y|a|a|a|a|a|a|c|c|c|c|c|c|c|c|d|d|d|d|e|e|e|e|e|e|e|e|e|e|g|g|g|g|g|g|g|g|h|h|h|h|i|i|i|i|i|i|i|i|i|i|j|j|k|k|k|l|l|l|l|l|l|l|l|l|l|n|n|n|n|n|n|n|n|n|o|o|o|o|o|o|oe|oe|r|r|r|r|r|r|s|s|s|s|s|s|s|s|t|t|t|t|t|t|u|u|u|u|u|u|u|u|u|u|u|u|w|w|y|y|y|z|z|z|z|z|z|s|f|o|o|u|u|a|a|i|i|o|o|u|u|u|u|u|u|u|u|u|u|a|a|a|a|g|g|k|k|o|o|o|o|j|g|g|n|n|a|a|a|a|a|a|e|e|e|e|i|i|i|i|o|o|o|o|r|r|r|r|u|u|u|u|s|s|t|t|h|h|a|a|e|e|o|o|o|o|o|o|o|o|y|y");

    private static FrozenDictionary<char, string> Zip(string letters, string plain) =>
        letters.Zip(plain.Split('|')).ToFrozenDictionary(p => p.First, p => p.Second);

    /// <summary>The project with each joined address counted as its person.</summary>
    public static ProjectAuthors Apply(ProjectAuthors project, IReadOnlyList<IdentityJoin> joins) => Applier(joins)(project);

    /// <summary><see cref="Apply"/> with the joins' lookups made once, for the many projects and periods of one report.</summary>
    public static Func<ProjectAuthors, ProjectAuthors> Applier(IReadOnlyList<IdentityJoin> joins)
    {
        var personOf = joins.SelectMany(j => j.Keys.Select(k => (k, j.Person))).ToDictionary(x => x.k, x => x.Person, StringComparer.Ordinal);
        var names = joins.ToDictionary(j => j.Person, j => j.Name, StringComparer.Ordinal);
        return project => Apply(project, personOf, names);
    }

    private static ProjectAuthors Apply(ProjectAuthors project, Dictionary<string, string> personOf, Dictionary<string, string> names)
    {
        var commits = new Dictionary<string, int>(StringComparer.Ordinal);
        var display = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, count) in project.CommitsByPerson)
        {
            string person = personOf.GetValueOrDefault(key) ?? key;
            commits[person] = checked(commits.GetValueOrDefault(person) + count);
            display[person] = names.GetValueOrDefault(person) ?? project.DisplayNames.GetValueOrDefault(key) ?? key;
        }

        return project with { CommitsByPerson = commits, DisplayNames = display };
    }

    /// <summary>The joins as a .mailmap (one line per joined address: "Name &lt;kept&gt; &lt;joined&gt;"), to review and pass to --aliases.</summary>
    public static string Mailmap(IReadOnlyList<IdentityJoin> joins)
    {
        var text = new StringBuilder("# kashika relate --suggest-aliases: addresses it would count as one person; review, then pass with --aliases\n");
        foreach (var join in joins)
        {
            text.Append(CultureInfo.InvariantCulture, $"# {join.Reason}\n");
            foreach (string key in join.Keys.Where(k => k != join.Person))
            {
                text.Append(CultureInfo.InvariantCulture, $"{join.Name} <{join.Person}> <{key}>\n");
            }
        }

        return text.ToString();
    }
}
