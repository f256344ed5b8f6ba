using Kashika.Adapters.Git.Native;
using Kashika.Core.Relate;
using Microsoft.Data.Sqlite;

namespace Kashika.Adapters.Git;

/// <summary>
/// What relate read of each repository, kept in one SQLite file so that a rerun reads only the commits new since: per
/// repository and revision, the commit the log was taken at, the log (authors as committed, before any mailmap, and
/// per commit its author, author date, merge flag and fingerprint) and the sorted names of its commits. Everything else
/// relate offers (identity, bots, merges, mailmap, aliases, periods) is applied to the log when it is read, so changing
/// it needs no rescan. Each repository's row is replaced in one transaction (WAL mode): a run killed at any moment, or
/// two runs at once, leave either the old row or the new one.
/// </summary>
public sealed class HistoryCache
{
    private const int Format = 1;
    private readonly string connection;

    private HistoryCache(string file)
    {
        File = file;
        connection = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadWriteCreate, DefaultTimeout = 30, Pooling = true }.ToString();
    }

    /// <summary>The SQLite file.</summary>
    public string File { get; }

    /// <summary>The default folder: $XDG_CACHE_HOME/kashika, else ~/.cache/kashika.</summary>
    public static string DefaultFolder()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = xdg is { Length: > 0 } && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "kashika");
    }

    /// <summary>Opens (creating it if needed) the cache in <paramref name="folder"/>.</summary>
    /// <exception cref="HistoryCacheException">The folder or file cannot be used; the message says why.</exception>
    public static HistoryCache Open(string folder)
    {
        string file = Path.Combine(folder, "relate.sqlite");
        try
        {
            Directory.CreateDirectory(folder);
            var cache = new HistoryCache(file);
            using var db = cache.Connect();
            using var command = db.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS history (
                    repository TEXT NOT NULL,
                    revision TEXT NOT NULL,
                    format INTEGER NOT NULL,
                    tip BLOB NOT NULL,
                    log BLOB NOT NULL,
                    ids BLOB NOT NULL,
                    PRIMARY KEY (repository, revision));
                """;
            command.ExecuteNonQuery();
            return cache;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new HistoryCacheException($"{file}: cannot be used as a cache ({Reason(e)}); reading without it");
        }
    }

    /// <summary>Drops the rows of repositories no longer on disk (test repositories, clones deleted), so the file does
    /// not grow without end.</summary>
    public void Prune()
    {
        try
        {
            using var db = Connect();
            var gone = new List<string>();
            using (var select = db.CreateCommand())
            {
                select.CommandText = "SELECT DISTINCT repository FROM history";
                using var reader = select.ExecuteReader();
                while (reader.Read())
                {
                    string repository = reader.GetString(0);
                    if (!Directory.Exists(repository))
                    {
                        gone.Add(repository);
                    }
                }
            }

            foreach (string repository in gone)
            {
                using var delete = db.CreateCommand();
                delete.CommandText = "DELETE FROM history WHERE repository = $repository";
                delete.Parameters.AddWithValue("$repository", repository);
                delete.ExecuteNonQuery();
            }
        }
        catch (SqliteException)
        {
            // Busy or read-only: pruning waits for another run.
        }
    }

    private SqliteConnection Connect()
    {
        var db = new SqliteConnection(connection);
        db.Open();

        // In WAL mode NORMAL still never leaves a torn row (a killed process loses nothing committed); only a power cut
        // may take back the last runs' rows, which a cache can afford. FULL waited for the disk once per repository.
        using var pragma = db.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = NORMAL";
        pragma.ExecuteNonQuery();
        return db;
    }

    private static string Reason(Exception e) => e is SqliteException s ? s.Message.Replace("SQLite Error ", "", StringComparison.Ordinal) : e.Message;

    /// <summary>A repository's cached log, or null when there is none (or it cannot be read: then it is read again).</summary>
    internal Entry? Load(string repository, string revision)
    {
        try
        {
            using var db = Connect();
            using var command = db.CreateCommand();
            command.CommandText = "SELECT format, tip, log, ids FROM history WHERE repository = $repository AND revision = $revision";
            command.Parameters.AddWithValue("$repository", repository);
            command.Parameters.AddWithValue("$revision", revision);
            using var reader = command.ExecuteReader();
            if (!reader.Read() || reader.GetInt32(0) != Format)
            {
                return null;
            }

            var tip = (byte[])reader[1];
            var log = (byte[])reader[2];
            var ids = (byte[])reader[3];
            if (tip.Length != ObjectId.Size || ids.Length % ObjectId.Size != 0)
            {
                return null;
            }

            var decoded = CommitLogCodec.Decode(log);
            return decoded.Commits.Count == ids.Length / ObjectId.Size ? new Entry(ObjectId.Read(tip), decoded, ids) : null;
        }
        catch (Exception e) when (e is SqliteException or InvalidDataException or InvalidCastException)
        {
            return null;
        }
    }

    /// <summary>Replaces a repository's row; false when the cache could not be written (the run goes on without it).</summary>
    internal bool Store(string repository, string revision, ObjectId tip, CommitLog log, byte[] sortedIds)
    {
        try
        {
            var tipBytes = new byte[ObjectId.Size];
            tip.Write(tipBytes);
            using var db = Connect();
            using var transaction = db.BeginTransaction();
            using var command = db.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT OR REPLACE INTO history (repository, revision, format, tip, log, ids) VALUES ($repository, $revision, $format, $tip, $log, $ids)";
            command.Parameters.AddWithValue("$repository", repository);
            command.Parameters.AddWithValue("$revision", revision);
            command.Parameters.AddWithValue("$format", Format);
            command.Parameters.AddWithValue("$tip", tipBytes);
            command.Parameters.AddWithValue("$log", CommitLogCodec.Encode(log));
            command.Parameters.AddWithValue("$ids", sortedIds);
            command.ExecuteNonQuery();
            transaction.Commit();
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>A cached log: the commit it was taken at, the log, and its commits' names sorted.</summary>
    internal sealed record Entry(ObjectId Tip, CommitLog Log, byte[] SortedIds)
    {
        /// <summary>Whether the log holds the commit <paramref name="id"/> (a binary search in the sorted names).</summary>
        public bool Holds(ObjectId id) => ObjectId.Search(SortedIds, id) >= 0;

        public IEnumerable<ObjectId> Ids() =>
            Enumerable.Range(0, SortedIds.Length / ObjectId.Size).Select(i => ObjectId.Read(SortedIds.AsSpan(i * ObjectId.Size, ObjectId.Size)));
    }

    /// <summary>The names of <paramref name="ids"/> sorted, 20 bytes each.</summary>
    internal static byte[] Sorted(IEnumerable<ObjectId> ids)
    {
        var array = ids.ToArray();
        Array.Sort(array);
        var bytes = new byte[array.Length * ObjectId.Size];
        for (int i = 0; i < array.Length; i++)
        {
            array[i].Write(bytes.AsSpan(i * ObjectId.Size));
        }

        return bytes;
    }
}

/// <summary>The cache cannot be opened or created; the run reads without it.</summary>
public sealed class HistoryCacheException(string message) : Exception(message);
