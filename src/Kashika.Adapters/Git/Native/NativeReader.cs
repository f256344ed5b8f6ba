using System.Text;
using Kashika.Core.Relate;

namespace Kashika.Adapters.Git.Native;

/// <summary>
/// Reads what relate needs of a repository's history from git's own files, as <c>git log</c> would show it: the walk
/// from a revision (with git's --since/--until pruning), each commit's author, author time, parents, encoding; the
/// mailmap. With a commit-graph the walk needs no inflating and commit headers are inflated on all cores.
/// Throws <see cref="UnsupportedRepositoryException"/> for anything it does not read as git would.
/// </summary>
internal sealed class NativeReader : IDisposable
{
    private const int ProgressEvery = 8192;
    private readonly RepositoryFiles files;
    private readonly ObjectDatabase objects;
    private readonly CommitGraph? graph;
    private readonly Refs refs;

    static NativeReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private NativeReader(RepositoryFiles files, ObjectDatabase objects, CommitGraph? graph)
    {
        this.files = files;
        this.objects = objects;
        this.graph = graph;
        refs = new Refs(files, objects);
    }

    public static NativeReader Open(string path)
    {
        try
        {
            var files = RepositoryFiles.Open(path);
            // git refuses a repository another user owns unless safe.directory allows it (CVE-2022-24765): git decides.
            if (FileSystem.FileStatus.Of(files.GitFolder) is { Kind: FileSystem.FileKind.Directory } folder && folder.Owner != FileSystem.FileStatus.CurrentUser)
            {
                throw new UnsupportedRepositoryException("owned by another user: git decides whether it is safe (safe.directory)");
            }

            var objects = new ObjectDatabase(files.ObjectFolders);
            CommitGraph? graph = null;
            try
            {
                graph = CommitGraph.Open(files.ObjectFolders[0]);
                var reader = new NativeReader(files, objects, graph);
                if (Environment.GetEnvironmentVariable("GIT_NO_REPLACE_OBJECTS") is not { Length: > 0 } && reader.refs.HasReplaceRefs())
                {
                    throw new UnsupportedRepositoryException("replace refs (refs/replace)");
                }

                return reader;
            }
            catch
            {
                graph?.Dispose();
                objects.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or OverflowException)
        {
            throw new UnsupportedRepositoryException(e.Message);
        }
    }

    /// <summary>The repository in the cache: its git folder (each worktree its own, since each has its own HEAD), the
    /// link (if the path is one) resolved.</summary>
    public string RepositoryKey
    {
        get
        {
            var folder = new DirectoryInfo(files.GitFolder);
            return folder.LinkTarget is null ? folder.FullName : (folder.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? folder.FullName);
        }
    }

    /// <summary>The commit a revision names, or null when git must resolve it.</summary>
    public ObjectId? Resolve(string revision, string projectName, string source) => refs.Commit(revision, projectName, source);

    /// <summary>Whether the object exists and is a commit.</summary>
    public bool IsCommit(ObjectId id) => objects.Read(id, headerOnly: true)?.Type == ObjectType.Commit;

    /// <summary>
    /// The mailmap git applies for %aN/%aE: the work tree's .mailmap file (not followed if a link), or in a bare repository
    /// the blob HEAD:.mailmap (none for a git folder given as itself, not bare by its config), then the aliases file. A blob that is not there (a partial clone) is no mailmap and a warning.
    /// </summary>
    public Mailmap Mailmap(string? aliases, Action<string> warn)
    {
        var mailmap = new Mailmap();
        if (files.WorkTree is { } tree)
        {
            var file = new FileInfo(Path.Combine(tree, ".mailmap"));
            if (file.Exists && file.LinkTarget is null)
            {
                // A repository's .mailmap of more than a mailmap's size is git's to read (and to be slow on).
                mailmap.AddFile(file.Length <= Relate.ProjectReading.Mailmaps ? File.ReadAllBytes(file.FullName)
                    : throw new UnsupportedRepositoryException($".mailmap of {file.Length:N0} bytes"));
            }
        }
        else if (files.Bare && refs.Commit("HEAD", "", "") is { } head && MailmapBlob(head) is { } blob)
        {
            var data = objects.Read(blob, headerOnly: false);
            bool promisor = files.Config.Get("extensions.partialclone") is not null
                || files.Config.Keys.Any(k => k.StartsWith("remote.", StringComparison.Ordinal) && k.EndsWith(".promisor", StringComparison.Ordinal));
            if (data is null && promisor)
            {
                // git would fetch it from the promisor remote (or fail when it cannot): that is git's to do.
                throw new UnsupportedRepositoryException("HEAD:.mailmap is not in this partial clone; git fetches it from the promisor remote");
            }

            if (data is null)
            {
                warn("HEAD:.mailmap is not in this partial clone and there is no remote to fetch it from: no mailmap applied, as git does");
            }
            else
            {
                mailmap.AddBlob(data.Value.Span);
            }
        }

        if (aliases is not null)
        {
            mailmap.AddFile(File.ReadAllBytes(aliases));
        }

        return mailmap;
    }

    private ObjectId? MailmapBlob(ObjectId head)
    {
        var commit = objects.Read(head, headerOnly: true) ?? throw new InvalidDataException($"commit {head} is missing");
        if (!ObjectId.TryParse(commit.Span.Slice(5, 40), out var treeId))
        {
            throw new InvalidDataException($"commit {head} has no tree");
        }

        var tree = objects.Read(treeId, headerOnly: false) ?? throw new UnsupportedRepositoryException($"HEAD's tree {treeId} is not in this clone");
        var entries = tree.Span;
        while (!entries.IsEmpty)
        {
            int nul = entries.IndexOf((byte)0);
            if (nul < 0 || nul + 21 > entries.Length)
            {
                throw new InvalidDataException($"tree {treeId} is corrupt");
            }

            var entry = entries[..nul];
            int space = entry.IndexOf((byte)' ');
            if (space >= 0 && entry[(space + 1)..].SequenceEqual(".mailmap"u8))
            {
                return ObjectId.Read(entries.Slice(nul + 1, ObjectId.Size));
            }

            entries = entries[(nul + 21)..];
        }

        return null;
    }

    /// <summary>The commits reachable from <paramref name="tip"/>, added to <paramref name="log"/>.</summary>
    /// <param name="since">git's --since as seconds (max_age), or null: older commits are not shown and the walk stops there.</param>
    /// <param name="until">git's --until (min_age), or null: newer commits are not shown, their parents are.</param>
    /// <param name="known">Commits already counted: neither they nor their ancestors are read again.</param>
    /// <returns>The commits read, and whether the walk met <paramref name="knownTip"/>.</returns>
    /// <param name="scanPacks">Without a commit-graph, inflate every commit of the packs on all cores before walking.</param>
    public (List<ObjectId> Read, bool MetKnownTip) Walk(
        ObjectId tip, long? since, long? until, Func<ObjectId, bool>? known, ObjectId? knownTip, bool scanPacks, CommitLog log, Action<long> progress, CancellationToken cancel)
    {
        try
        {
            return WalkCommits(tip, since, until, known, knownTip, scanPacks, log, progress, cancel);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0 && e.InnerExceptions.All(x => x is not OperationCanceledException))
        {
            // From the commits inflated on all cores: the first problem met, as if read one after another.
            var first = e.InnerExceptions[0];
            throw first as UnsupportedRepositoryException ?? new UnsupportedRepositoryException(first.Message);
        }
        catch (AggregateException e) when (e.InnerExceptions.Any(x => x is OperationCanceledException))
        {
            throw new OperationCanceledException(cancel);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OverflowException or IndexOutOfRangeException or ArgumentException)
        {
            throw new UnsupportedRepositoryException(e.Message);
        }
    }

    // A commit as the walk needs it: parents, the date --since/--until compare, and what relate counts of it (or why git
    // must show it instead, kept until the walk reaches it: an unreachable odd commit changes nothing).
    private sealed record Parsed(ObjectId[] Parents, long WalkDate, Fact Fact, string? Problem);

    private readonly record struct Fact(string Record, long AuthorTime, bool Dated, ulong Print);

    private (List<ObjectId> Read, bool MetKnownTip) WalkCommits(
        ObjectId tip, long? since, long? until, Func<ObjectId, bool>? known, ObjectId? knownTip, bool scanPacks, CommitLog log, Action<long> progress, CancellationToken cancel)
    {
        // Without a commit-graph the walk needs each commit inflated to know its parents, one after another. When the
        // cores have nothing else to do (one repository), every commit of the packs is inflated first, on all cores:
        // unreachable ones too, a fifth more in perl5's clone with its 5,000 branches but three times more in redis's,
        // which is why it is not done while other repositories could use the cores. An incremental or --since walk
        // reads only what it reaches.
        var scanned = graph is null && known is null && since is null && scanPacks ? Scan(progress, cancel) : null;
        var read = new List<ObjectId>();
        var inGraph = new List<(ObjectId Id, bool Merge)>(); // commits the graph walked, inflated after the walk
        var seen = new HashSet<ObjectId>();
        var seenInGraph = graph is null ? null : new bool[graph.Count];
        var stack = new Stack<(ObjectId Id, int Position)>();
        bool metKnownTip = false;
        var parents = new List<ObjectId>();
        var parentPositions = new List<int>();
        byte[]? buffer = null;

        void Push(ObjectId id, int position)
        {
            if (position >= 0 ? !seenInGraph![position] : seen.Add(id))
            {
                if (position >= 0)
                {
                    seenInGraph![position] = true;
                }

                stack.Push((id, position));
            }
        }

        Push(tip, graph?.Find(tip) ?? -1);
        while (stack.Count > 0)
        {
            var (id, position) = stack.Pop();
            if (known is not null && known(id))
            {
                metKnownTip |= id == knownTip;
                continue;
            }

            if ((read.Count & 1023) == 0)
            {
                cancel.ThrowIfCancellationRequested();
            }

            if (position >= 0)
            {
                long date = graph!.CommitTime(position);
                if (since is { } cut && date < cut)
                {
                    continue;
                }

                parentPositions.Clear();
                graph.Parents(position, parentPositions);
                foreach (int parent in parentPositions)
                {
                    Push(graph.IdAt(parent), parent);
                }

                if (until is not { } last || date <= last)
                {
                    inGraph.Add((id, parentPositions.Count > 1));
                }

                continue;
            }

            if (scanned is not null && scanned.TryGetValue(id, out var parsed))
            {
                if (since is { } cut && parsed.WalkDate < cut)
                {
                    continue;
                }

                foreach (var parent in parsed.Parents)
                {
                    Push(parent, -1);
                }

                if (until is not { } last || parsed.WalkDate <= last)
                {
                    var fact = parsed.Problem is null ? parsed.Fact : throw new UnsupportedRepositoryException(parsed.Problem);
                    log.Commits.Add(new LoggedCommit(log.Author(fact.Record), fact.AuthorTime, fact.Dated, parsed.Parents.Length > 1, fact.Print));
                    read.Add(id);
                }

                continue;
            }

            // Read here, one commit after another: inflated into one buffer, counted at once, nothing kept per commit.
            var data = objects.Read(id, headerOnly: true, reuse: buffer) ?? throw new InvalidDataException($"commit {id} is missing");
            buffer = data.Bytes;
            parents.Clear();
            if (data.Type != ObjectType.Commit || !CommitHeader.Parse(data.Span, parents, out var header))
            {
                throw new InvalidDataException($"{id} is not a commit git can parse");
            }

            if (since is { } before && header.WalkDate < before)
            {
                continue;
            }

            foreach (var parent in parents)
            {
                Push(parent, graph?.Find(parent) ?? -1);
            }

            if (until is not { } end || header.WalkDate <= end)
            {
                Log(id, header, parents.Count > 1, log);
                read.Add(id);
                if (read.Count % ProgressEvery == 0)
                {
                    progress(read.Count);
                }
            }
        }

        // Commits the graph walked without inflating are inflated now, on all cores; each one is independent.
        var facts = new Fact[inGraph.Count];
        const int Chunk = 1024;
        Parallel.For(0, (inGraph.Count + Chunk - 1) / Chunk, new ParallelOptions { CancellationToken = cancel }, c =>
        {
            byte[]? mine = null;
            for (int i = c * Chunk; i < Math.Min(inGraph.Count, (c + 1) * Chunk); i++)
            {
                var data = objects.Read(inGraph[i].Id, headerOnly: true, reuse: mine) ?? throw new InvalidDataException($"commit {inGraph[i].Id} is missing");
                mine = data.Bytes;
                if (data.Type != ObjectType.Commit || !CommitHeader.Parse(data.Span, null, out var header))
                {
                    throw new InvalidDataException($"{inGraph[i].Id} is not a commit git can parse");
                }

                facts[i] = Facts(inGraph[i].Id, header);
            }
        });

        for (int i = 0; i < inGraph.Count; i++)
        {
            log.Commits.Add(new LoggedCommit(log.Author(facts[i].Record), facts[i].AuthorTime, facts[i].Dated, inGraph[i].Merge, facts[i].Print));
            read.Add(inGraph[i].Id);
        }

        progress(read.Count);
        return (read, metKnownTip);
    }

    // Counts one commit straight from its header: the author record is found in the log by its bytes, not made a string.
    private void Log(ObjectId id, CommitHeader header, bool merge, CommitLog log)
    {
        if (!header.Encoding.IsEmpty && !RepositoryFiles.IsUtf8(Encoding.Latin1.GetString(header.Encoding)))
        {
            var fact = Facts(id, header);
            log.Commits.Add(new LoggedCommit(log.Author(fact.Record), fact.AuthorTime, fact.Dated, merge, fact.Print));
            return;
        }

        Split(header, id, out var author, out long committerTime);
        int length = author.Name.Length + 1 + author.Email.Length;
        byte[]? rented = null;
        Span<byte> record = length <= 512 ? stackalloc byte[512] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(length));
        author.Name.CopyTo(record);
        record[author.Name.Length] = 0;
        author.Email.CopyTo(record[(author.Name.Length + 1)..]);
        int index = log.Author(record[..length]);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }

        log.Commits.Add(new LoggedCommit(index, author.Time, author.HasTime && CommitLog.IsDated(author.Time), merge, CommitPrint.Of(author.Email, author.Time, committerTime)));
    }

    // The commit objects stored whole in the packs, inflated and parsed on all cores: a guess at what the walk will
    // need, so it may miss some (deltified and loose commits, and commits far from the others), which the walk reads
    // when it reaches them. A pack git writes itself holds its commits first: a sample of every 64th object finds where
    // they end, and objects past that are not looked at (a type check touches the pack's page). Packs written by some
    // servers spread commits over the whole file (perl5's clone: half in the first 15 MB, the last at 364 MB of 364),
    // and then every object is looked at.
    private Dictionary<ObjectId, Parsed> Scan(Action<long> progress, CancellationToken cancel)
    {
        var all = new Dictionary<ObjectId, Parsed>();
        const int Chunk = 4096, Sample = 64;
        const long Margin = 1 << 20;
        foreach (var pack in objects.Packs)
        {
            long end = 0;
            for (int i = 0; i < pack.Count; i += Sample)
            {
                long offset = pack.OffsetAt(i);
                if (offset > end && pack.TypeAt(offset) == ObjectType.Commit)
                {
                    end = offset;
                }
            }

            end += Margin;
            var found = new List<(ObjectId, Parsed)>?[(pack.Count + Chunk - 1) / Chunk];
            long done = 0;
            Parallel.For(0, found.Length, new ParallelOptions { CancellationToken = cancel }, c =>
            {
                var mine = new List<(ObjectId, Parsed)>();
                var parents = new List<ObjectId>(2);
                byte[]? buffer = null;
                for (int i = c * Chunk; i < Math.Min(pack.Count, (c + 1) * Chunk); i++)
                {
                    long offset = pack.OffsetAt(i);
                    if (offset <= end && pack.TypeAt(offset) == ObjectType.Commit)
                    {
                        var id = pack.IdAt(i);
                        var data = pack.Read(offset, headerOnly: true, reuse: buffer);
                        buffer = data.Bytes;
                        if (Parse(id, data.Span, parents) is { } parsed)
                        {
                            mine.Add((id, parsed));
                        }
                    }
                }

                found[c] = mine;
                progress(Interlocked.Add(ref done, mine.Count));
            });
            foreach (var list in found)
            {
                foreach (var (id, parsed) in list!)
                {
                    all.TryAdd(id, parsed);
                }
            }
        }

        return all;
    }

    // A commit's parents and walk date, and its facts (or why it cannot be read as git shows it); null when it is no
    // commit git would parse.
    private Parsed? Parse(ObjectId id, ReadOnlySpan<byte> header, List<ObjectId> parents)
    {
        parents.Clear();
        if (!CommitHeader.Parse(header, parents, out var parsed))
        {
            return null;
        }

        try
        {
            return new Parsed([.. parents], parsed.WalkDate, Facts(id, parsed), null);
        }
        catch (UnsupportedRepositoryException e)
        {
            return new Parsed([.. parents], parsed.WalkDate, default, e.Message);
        }
    }

    private Fact Facts(ObjectId id, CommitHeader parsed)
    {
        if (!parsed.Encoding.IsEmpty && !RepositoryFiles.IsUtf8(Encoding.Latin1.GetString(parsed.Encoding)))
        {
            // git log shows a commit re-encoded to UTF-8 from the encoding it names, whole, or unchanged when that fails.
            byte[]? converted = Reencode(id, Encoding.Latin1.GetString(parsed.Encoding));
            if (converted is not null && !CommitHeader.Parse(converted, null, out parsed))
            {
                throw new UnsupportedRepositoryException($"commit {id} no longer parses once re-encoded");
            }
        }

        Split(parsed, id, out var author, out long committerTime);
        string record = string.Concat(Encoding.Latin1.GetString(author.Name), "\0", Encoding.Latin1.GetString(author.Email));
        bool dated = author.HasTime && CommitLog.IsDated(author.Time);
        return new Fact(record, author.Time, dated, CommitPrint.Of(author.Email, author.Time, committerTime));
    }

    // The author and the committer's time as git splits their lines; a line git cannot split is git's to show.
    private static void Split(CommitHeader header, ObjectId id, out Ident author, out long committerTime)
    {
        if (!Ident.TrySplit(header.Author, out author) || !Ident.TrySplit(header.Committer, out var committer))
        {
            throw new UnsupportedRepositoryException($"commit {id} has an author or committer line git shows in its own way");
        }

        committerTime = committer.Time;
    }

    private byte[]? Reencode(ObjectId id, string encodingName)
    {
        Encoding encoding;
        try
        {
            encoding = Encoding.GetEncoding(encodingName, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException)
        {
            throw new UnsupportedRepositoryException($"commit {id} is in encoding '{encodingName}', unknown here");
        }

        var whole = objects.Read(id, headerOnly: false) ?? throw new InvalidDataException($"commit {id} is missing");
        try
        {
            return Encoding.UTF8.GetBytes(encoding.GetString(whole.Span));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        graph?.Dispose();
        objects.Dispose();
    }
}
