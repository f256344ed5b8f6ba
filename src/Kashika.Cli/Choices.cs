using System.CommandLine;

namespace Kashika.Cli;

/// <summary>
/// An option whose value is one of a fixed set of names, parsed once into the type the program works with (a name
/// outside the set is a usage error listing them). The default is named in the help as it is typed, not as the enum
/// member is spelt.
/// </summary>
internal sealed class Choice<T>
    where T : struct
{
    public Choice(string name, string description, T defaultValue, Func<T, string> nameOf, params T[] values)
    {
        Default = defaultValue;
        Option = new Option<T?>(name)
        {
            Description = values.Contains(defaultValue) ? $"{description} [default: {nameOf(defaultValue)}]" : description,
            CustomParser = result =>
            {
                string token = result.Tokens.Count == 0 ? "" : result.Tokens[^1].Value;
                return values.Where(v => nameOf(v) == token).Select(v => (T?)v).FirstOrDefault();
            },
        };
        Option.AcceptOnlyFromAmong([.. values.Select(nameOf)]);
    }

    public Option<T?> Option { get; }

    public T Default { get; }

    public T ValueIn(ParseResult parse) => parse.GetValue(Option) ?? Default;
}
