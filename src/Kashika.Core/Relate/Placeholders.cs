namespace Kashika.Core.Relate;

/// <summary>
/// Addresses that identify nobody: what git writes when a user set none on a shared account ("root@localhost",
/// "root@box.(none)", "bob@host.localdomain"), placeholders typed by hand ("unknown", "none@none", "you@example.com") and the shared no-reply
/// addresses of platforms. An author behind one is a person of their project, keyed by name there alone
/// (<see cref="Key"/>): never joined to another identity, never a developer two projects share (docs/relate.md).
/// </summary>
public static class Placeholders
{
    private static readonly HashSet<string> Addresses = new(StringComparer.Ordinal)
    {
        "none@none", "unknown@unknown", "nobody@nowhere", "none@example.com", "you@example.com", "your@email.com",
        "your.email@example.com", "user@example.com", "email@example.com", "me@example.com", "name@example.com",
        "noreply@github.com", "noreply@gitlab.com", "no-reply@github.com", "noreply@bitbucket.org", "nobody@localhost",
        "root@localhost", "invalid@invalid", "unknown@example.com", "anonymous@anonymous",
    };

    private static readonly string[] Domains = ["localhost", "localdomain", "none", "invalid", "unknown"];

    /// <summary>The marker every placeholder key carries; such keys hold no '@', so no rule of addresses applies to them.</summary>
    public const string Marker = " (placeholder address ";

    /// <summary>Whether a lower-cased address identifies nobody.</summary>
    public static bool IsPlaceholderAddress(string lowerEmail)
    {
        int at = lowerEmail.LastIndexOf('@');
        if (at <= 0 || at == lowerEmail.Length - 1)
        {
            return true; // "unknown", "", "@x", "root@": no address at all
        }

        if (Addresses.Contains(lowerEmail))
        {
            return true;
        }

        string domain = lowerEmail[(at + 1)..];
        if (Domains.Any(d => domain == d || domain.EndsWith("." + d, StringComparison.Ordinal)) || domain.StartsWith("localhost", StringComparison.Ordinal))
        {
            return true;
        }

        // git's default address when none is set, "login@host.(none)" or "login@host.local": a person's own login on
        // their own machine ("antirez@metal.(none)"), unless the login is a machine's shared account.
        return (domain.EndsWith("(none)", StringComparison.Ordinal) || domain.EndsWith(".local", StringComparison.Ordinal))
            && SharedLogins.Contains(lowerEmail[..at]);
    }

    private static readonly HashSet<string> SharedLogins = new(StringComparer.Ordinal)
    {
        "root", "admin", "administrator", "user", "ubuntu", "debian", "pi", "vagrant", "ec2-user", "centos", "fedora", "git", "build", "builder", "jenkins", "test",
        "stack", "cloud-user", "opc", "dev", "devel", "developer", // stack: the account DevStack runs as
    };

    /// <summary>The key of an author behind a placeholder address: the name, the address and the project, without '@'.</summary>
    public static string Key(string lowerName, string lowerEmail, string project) =>
        $"{(lowerName.Length > 0 ? lowerName : "?")}{Marker}{lowerEmail.Replace('@', '\u2218')} in {project})";

    /// <summary>The address a placeholder key was made from.</summary>
    public static string AddressOf(string key)
    {
        int start = key.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length;
        int end = key.IndexOf(" in ", start, StringComparison.Ordinal);
        return start < Marker.Length || end < start ? "" : key[start..end].Replace('\u2218', '@');
    }

    /// <summary>Whether an identity key is a placeholder's (<see cref="Key"/>).</summary>
    public static bool IsPlaceholderKey(string key) => key.Contains(Marker, StringComparison.Ordinal);
}
