using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Kashika.Reports;

/// <summary>
/// Builds a self-contained HTML report: a template from web/, the view's script bundle and the report's data as one JSON
/// island. Data never enters the page as HTML: the script reads the island and sets text through the DOM.
/// </summary>
public static class HtmlPage
{
    private const string StyleMarker = "<!-- kashika:style -->";
    private const string DataMarker = "<!-- kashika:data -->";
    private const string ScriptMarker = "<!-- kashika:script -->";

    public static void Write<T>(Stream output, string view, T data, JsonTypeInfo<T> typeInfo)
    {
        // The look every view shares (web/common.css) goes where the template asks for it.
        string template = Resource($"web/{view}.html").Replace(StyleMarker, $"<style>\n{Resource("web/common.css")}</style>", StringComparison.Ordinal);
        string script = Resource($"web/{view}.js");
        int dataAt = template.IndexOf(DataMarker, StringComparison.Ordinal);
        int scriptAt = template.IndexOf(ScriptMarker, StringComparison.Ordinal);
        if (dataAt < 0 || scriptAt < dataAt)
        {
            throw new InvalidOperationException($"web/{view}.html lacks its data and script markers");
        }

        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        writer.Write(template.AsSpan(0, dataAt));
        writer.Write("<script id=\"kashika-data\" type=\"application/json\">");
        writer.Flush();
        // The serializer's encoder escapes <, >, & and quotes as \uXXXX, so no string can close the script element.
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = typeInfo.Options.Encoder }))
        {
            JsonSerializer.Serialize(json, data, typeInfo);
        }

        writer.Write("</script>");
        writer.Write(template.AsSpan(dataAt + DataMarker.Length, scriptAt - dataAt - DataMarker.Length));
        writer.Write("<script>");
        writer.Write(EscapeScript(script));
        writer.Write("</script>");
        writer.Write(template.AsSpan(scriptAt + ScriptMarker.Length));
    }

    // A bundle may contain "</script" inside a string literal; "<\/script" means the same to JavaScript.
    private static string EscapeScript(string script) => script.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"missing embedded resource {name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
