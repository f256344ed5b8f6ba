using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace Kashika.Reports.Relate;

[JsonSerializable(typeof(RelateDocument))]
internal sealed partial class RelateJsonContext : JsonSerializerContext
{
    // All scripts stay readable; the HTML-significant characters (< > & ' ") are still escaped, which keeps the
    // same JSON safe inside an HTML page.
    private static JsonSerializerOptions CreateOptions(bool indented) => new()
    {
        Encoder = Json.Encoder,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = indented,
    };

    public static RelateJsonContext Indented { get; } = new(CreateOptions(indented: true));

    public static RelateJsonContext Compact { get; } = new(CreateOptions(indented: false));
}
