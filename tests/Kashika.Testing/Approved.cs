using System.Runtime.CompilerServices;

namespace Kashika.Testing;

/// <summary>
/// Approved-output checks: the text must equal tests/…/Approved/NAME exactly. On a difference NAME.received is written
/// beside it (kept for review; copy it over the approved file to accept the change).
/// </summary>
public static class Approved
{
    public static void Verify(string actual, string name, [CallerFilePath] string caller = "")
    {
        string folder = Path.Combine(Path.GetDirectoryName(caller)!, "Approved");
        string approved = Path.Combine(folder, name);
        string received = approved + ".received";
        string expected = File.Exists(approved) ? File.ReadAllText(approved) : "";
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(received, actual);
        Assert.Fail($"{name} differs from the approved output; see {received}");
    }
}
