namespace Kashika.Core.Relate;

/// <summary>
/// Groups of projects more related among themselves than to the rest: Louvain's method (Blondel et al. 2008) on the
/// weighted graph of related pairs, maximising modularity: nodes move, one at a time, to the neighbouring community
/// that gains most; communities then become the nodes of the next level, until nothing moves. Deterministic: nodes are
/// visited in an order drawn from <c>seed</c>, ties go to the lower community number, and communities are numbered
/// by size (most projects first, then the first project's input order): the same input and seed give the same groups.
/// </summary>
public static class Communities
{
    public const int DefaultSeed = 28;

    /// <summary>Each node's community (0 the largest); a node without edges is a community of its own.</summary>
    /// <param name="edges">Undirected edges with their weight (&gt; 0); several between two nodes add up.</param>
    public static int[] Louvain(int nodes, IEnumerable<(int A, int B, double Weight)> edges, int seed = DefaultSeed)
    {
        if (nodes == 0)
        {
            return [];
        }

        var graph = Graph.Of(nodes, edges);
        var membership = Enumerable.Range(0, nodes).ToArray(); // each original node's community at the current level
        var random = new Random(seed);
        while (true)
        {
            var level = graph.MoveNodes(random);
            int count = level.Max() + 1;
            if (count == graph.Count)
            {
                break; // nothing moved: the last level's communities are final
            }

            for (int i = 0; i < nodes; i++)
            {
                membership[i] = level[membership[i]];
            }

            graph = graph.Aggregate(level, count);
        }

        return Numbered(membership);
    }

    // Communities numbered by size, then by their first node.
    private static int[] Numbered(int[] membership)
    {
        var order = membership.Select((c, node) => (c, node)).GroupBy(x => x.c)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Min(x => x.node)).Select(g => g.Key).ToList();
        var number = new Dictionary<int, int>();
        for (int i = 0; i < order.Count; i++)
        {
            number[order[i]] = i;
        }

        return [.. membership.Select(c => number[c])];
    }

    private sealed class Graph
    {
        private readonly List<(int Node, double Weight)>[] neighbours;
        private readonly double[] loops; // a node's edges to itself (communities of the level below)
        private readonly double total; // twice the sum of all weights (m2)

        private Graph(List<(int Node, double Weight)>[] neighbours, double[] loops)
        {
            this.neighbours = neighbours;
            this.loops = loops;
            total = Enumerable.Range(0, neighbours.Length).Sum(Degree);
        }

        public int Count => neighbours.Length;

        public static Graph Of(int nodes, IEnumerable<(int A, int B, double Weight)> edges)
        {
            var weights = new Dictionary<(int, int), double>();
            var loops = new double[nodes];
            foreach (var (a, b, w) in edges)
            {
                if (w <= 0 || double.IsNaN(w))
                {
                    continue;
                }

                if (a == b)
                {
                    loops[a] += 2 * w;
                    continue;
                }

                var key = (Math.Min(a, b), Math.Max(a, b));
                weights[key] = weights.GetValueOrDefault(key) + w;
            }

            var neighbours = Enumerable.Range(0, nodes).Select(_ => new List<(int, double)>()).ToArray();
            foreach (var ((a, b), w) in weights.OrderBy(x => x.Key))
            {
                neighbours[a].Add((b, w));
                neighbours[b].Add((a, w));
            }

            return new Graph(neighbours, loops);
        }

        private double Degree(int node) => loops[node] + neighbours[node].Sum(e => e.Weight);

        // One level: every node moved to the neighbouring community that gains most modularity, until no move gains.
        public int[] MoveNodes(Random random)
        {
            int n = Count;
            var community = Enumerable.Range(0, n).ToArray();
            var degree = Enumerable.Range(0, n).Select(Degree).ToArray();
            var communityTotal = (double[])degree.Clone();
            var order = Enumerable.Range(0, n).ToArray();
            random.Shuffle(order);
            var toCommunity = new Dictionary<int, double>();
            bool moved = true;
            for (int pass = 0; moved && pass < 100 && total > 0; pass++)
            {
                moved = false;
                foreach (int node in order)
                {
                    int own = community[node];
                    toCommunity.Clear();
                    foreach (var (other, weight) in neighbours[node])
                    {
                        toCommunity[community[other]] = toCommunity.GetValueOrDefault(community[other]) + weight;
                    }

                    communityTotal[own] -= degree[node];
                    // Gain of joining c (up to a common factor): weight to c − total(c) · degree / m2.
                    int best = own;
                    double bestGain = toCommunity.GetValueOrDefault(own) - (communityTotal[own] * degree[node] / total);
                    foreach (var (c, weight) in toCommunity.OrderBy(x => x.Key))
                    {
                        double gain = weight - (communityTotal[c] * degree[node] / total);
                        if (gain > bestGain + 1e-12)
                        {
                            (best, bestGain) = (c, gain);
                        }
                    }

                    communityTotal[best] += degree[node];
                    if (best != own)
                    {
                        community[node] = best;
                        moved = true;
                    }
                }
            }

            // Communities numbered 0.. in the order of their lowest node.
            var renumber = new Dictionary<int, int>();
            for (int i = 0; i < n; i++)
            {
                if (!renumber.ContainsKey(community[i]))
                {
                    renumber[community[i]] = renumber.Count;
                }
            }

            return [.. community.Select(c => renumber[c])];
        }

        // The next level: a node per community, its edges the sums of its members' edges (inside ones as loops).
        public Graph Aggregate(int[] community, int count)
        {
            var edges = new List<(int, int, double)>();
            var loops = new double[count];
            for (int node = 0; node < Count; node++)
            {
                loops[community[node]] += this.loops[node];
                foreach (var (other, weight) in neighbours[node])
                {
                    if (community[other] == community[node])
                    {
                        loops[community[node]] += weight; // each inside edge is met from both ends: twice, as a loop counts
                    }
                    else if (node < other)
                    {
                        edges.Add((community[node], community[other], weight));
                    }
                }
            }

            var next = Of(count, edges);
            for (int c = 0; c < count; c++)
            {
                next.loops[c] += loops[c];
            }

            return new Graph(next.neighbours, next.loops);
        }
    }
}
