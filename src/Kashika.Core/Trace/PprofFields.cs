namespace Kashika.Core.Trace;

/// <summary>
/// The field numbers of pprof's profile.proto (perftools.profiles, github.com/google/pprof proto/profile.proto), for its
/// one reader (Adapters) and its one writer (Reports); no generated code or copy of the .proto is kept.
/// </summary>
public static class PprofFields
{
    // Profile
    public const int SampleType = 1, Sample = 2, Mapping = 3, Location = 4, Function = 5, StringTable = 6, DefaultSampleType = 14;

    // ValueType
    public const int VtType = 1, VtUnit = 2;

    // Sample
    public const int SLocation = 1, SValue = 2, SLabel = 3;

    // Label
    public const int LKey = 1, LStr = 2, LNum = 3;

    // Mapping
    public const int MId = 1, MFilename = 5, MHasFunctions = 7;

    // Location
    public const int LocId = 1, LocMapping = 2, LocAddress = 3, LocLine = 4;

    // Line
    public const int LineFunction = 1;

    // Function
    public const int FId = 1, FName = 2, FSystemName = 3;
}
