namespace Kashika.Core.Relate;

/// <summary>What makes two commits the same developer.</summary>
public enum IdentityMode
{
    /// <summary>The lower-cased (mailmapped) e-mail address; the name when the address is empty.</summary>
    Email,

    /// <summary>The (mailmapped) name, compared without regard to case.</summary>
    Name,

    /// <summary>Name and e-mail together, both without regard to case.</summary>
    NameEmail,

    /// <summary>The e-mail, and one person's addresses joined across projects by <see cref="PersonJoins"/>.</summary>
    Person,

    /// <summary>ossrel 2013: the raw <c>%an</c> bytes with runs of ASCII whitespace collapsed, nothing else.</summary>
    OssrelName,
}

public static class IdentityModes
{
    /// <summary>The mode's name on the command line and in reports.</summary>
    public static string CliName(this IdentityMode mode) => mode switch
    {
        IdentityMode.Email => "email",
        IdentityMode.Name => "name",
        IdentityMode.NameEmail => "name+email",
        IdentityMode.Person => "person",
        IdentityMode.OssrelName => "ossrel-name",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };
}
