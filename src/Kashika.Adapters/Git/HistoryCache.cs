using Kashika.Adapters.Git.Native;
using Kashika.Core.Relate;
using Microsoft.Data.Sqlite;

namespace Kashika.Adapters.Git;

/// <summary>
/// What relate read of each repository, kept in one SQLite file so that a rerun reads only the commits new since: per
/// repository and revision, the commit the log was taken at, the log (authors as committed, before any mailmap, and
/// per commit its author, author date, merge flag and fingerprint) and the sorted names of its commits. Everything else
/// relate offers (identity, bots, merges, mailmap, aliases, periods) is applied to the log when it is read, so changing
/// it needs no rescan. Each row carries a checksum of all it holds: a damaged row is read again, never trusted. Each repository's row is replaced in one transaction (WAL mode): a run killed at any moment, or
/// two runs at once, leave either the old row or the new one.
/// </summary>
public sealed class HistoryCache
{
    // The version of the file's layout (PRAGMA user_version): 2 added each row's checksum. A row's format is that of
    // its log.
    private const int Version = 2;
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
    public static string DefaultFolder(Func<string, string?> variable)
    {
        string? xdg = variable("XDG_CACHE_HOME");
        string root = xdg is { Length: > 0 } && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(variable("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "kashika");
    }

    /// <summary>Opens (creating it if needed) the cache in <paramref name="folder"/>.</summary>
    /// <exception cref="HistoryCacheException">The folder or file cannot be used, is not a kashika cache, or is a newer
    /// kashika's; the message says which.</exception>
    public static HistoryCache Open(string folder)
    {
        string file = Path.Combine(folder, "relate.sqlite");
        try
        {
            Directory.CreateDirectory(folder);
            var cache = new HistoryCache(file);
            using var db = cache.Connect();
            long version = Scalar(db, "PRAGMA user_version");
            var columns = Columns(db);
            if (version > Version)
            {
                throw new HistoryCacheException($"{file}: written by a newer kashika (cache version {version}, this one reads {Version}); reading without it");
            }

            string[] ours = ["repository", "revision", "format", "tip", "log", "ids", "checksum"];
            bool foreign = Scalar(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name <> 'history'") > 0
                || (columns.Count > 0 && !columns.SequenceEqual(ours) && !columns.SequenceEqual(ours[..^1]));
            if (foreign)
            {
                throw new HistoryCacheException($"{file}: not a kashika cache (it holds other tables or columns); reading without it");
            }

            using var command = db.CreateCommand();
            command.CommandText = $"""
                PRAGMA journal_mode = WAL;
                {(columns.Count > 0 && !columns.SequenceEqual(ours) ? "DROP TABLE history;" : "")}
                CREATE TABLE IF NOT EXISTS history (
                    repository TEXT NOT NULL,
                    revision TEXT NOT NULL,
                    format INTEGER NOT NULL,
                    tip BLOB NOT NULL,
                    log BLOB NOT NULL,
                    ids BLOB NOT NULL,
                    checksum BLOB NOT NULL,
                    PRIMARY KEY (repository, revision));
                PRAGMA user_version = {Version};
                """;
            command.ExecuteNonQuery();
            return cache;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new HistoryCacheException($"{file}: cannot be used as a cache ({Reason(e)}); reading without it");
        }
    }

    private static long Scalar(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    // The columns of the history table, in order (none when there is no such table).
    private static List<string> Columns(SqliteConnection db)
    {
        using var command = db.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info('history') ORDER BY cid";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    // What a row's checksum covers: everything it says, its key included (a row moved to another repository is damaged).
    private static byte[] Checksum(string repository, string revision, int format, byte[] tip, byte[] log, byte[] ids)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (byte[] part in (byte[][])[System.Text.Encoding.UTF8.GetBytes(repository), System.Text.Encoding.UTF8.GetBytes(revision), BitConverter.GetBytes(format), tip, log, ids])
        {
            hash.AppendData(BitConverter.GetBytes(part.Length));
            hash.AppendData(part);
        }

        return hash.GetHashAndReset();
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

    /// <summary>A repository's cached log; null when there is none or it cannot be read, <paramref name="damaged"/> when
    /// its row does not match its checksum (then it is read again, and the caller says so).</summary>
    internal Entry? Load(string repository, string revision, out bool damaged)
    {
        damaged = false;
        try
        {
            using var db = Connect();
            using var command = db.CreateCommand();
            command.CommandText = "SELECT format, tip, log, ids, checksum FROM history WHERE repository = $repository AND revision = $revision";
            command.Parameters.AddWithValue("$repository", repository);
            command.Parameters.AddWithValue("$revision", revision);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            int format = reader.GetInt32(0);
            var tip = (byte[])reader[1];
            var log = (byte[])reader[2];
            var ids = (byte[])reader[3];
            var checksum = (byte[])reader[4];
            if (!checksum.AsSpan().SequenceEqual(Checksum(repository, revision, format, tip, log, ids)))
            {
                damaged = true;
                return null;
            }

            if (format != Format || tip.Length != ObjectId.Size || ids.Length % ObjectId.Size != 0)
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
            command.CommandText = "INSERT OR REPLACE INTO history (repository, revision, format, tip, log, ids, checksum) VALUES ($repository, $revision, $format, $tip, $log, $ids, $checksum)";
            byte[] logBytes = CommitLogCodec.Encode(log);
            command.Parameters.AddWithValue("$repository", repository);
            command.Parameters.AddWithValue("$revision", revision);
            command.Parameters.AddWithValue("$format", Format);
            command.Parameters.AddWithValue("$tip", tipBytes);
            command.Parameters.AddWithValue("$log", logBytes);
            command.Parameters.AddWithValue("$ids", sortedIds);
            command.Parameters.AddWithValue("$checksum", Checksum(repository, revision, Format, tipBytes, logBytes, sortedIds));
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
