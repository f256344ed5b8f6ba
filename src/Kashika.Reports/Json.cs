using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Kashika.Reports;

/// <summary>
/// The one way text becomes JSON in every report: System.Text.Json's escaping, with an encoder that keeps any letter
/// as itself but escapes what HTML treats specially (&lt;, &gt;, &amp;, quotes), so the same JSON is safe inside a page.
/// </summary>
public static class Json
{
    public static JavaScriptEncoder Encoder { get; } = JavaScriptEncoder.Create(UnicodeRanges.All);

    /// <summary>A JSON string: <paramref name="text"/> quoted and escaped.</summary>
    public static string Quoted(string text) => $"\"{JsonEncodedText.Encode(text, Encoder)}\"";
}
