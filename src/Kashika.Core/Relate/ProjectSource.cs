namespace Kashika.Core.Relate;

/// <summary>What is known of a project beyond its authors: where it came from and whether its history is whole.</summary>
public sealed record ProjectSource(string Source, bool Shallow);
