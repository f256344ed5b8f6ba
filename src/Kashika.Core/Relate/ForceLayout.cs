namespace Kashika.Core.Relate;

/// <summary>
/// Positions for a network of related projects, so the page opens laid out: ForceAtlas2 (Jacomy et al. 2014), as
/// Gephi and graphology run it — nodes repel by (degree + 1) products, edges attract by distance × weight, a gravity
/// pulls every node to the centre (strong gravity, scaling 10, gravity 0.05, slow-down 1 + ln n: the settings
/// graphology infers), and each node's speed adapts to how much it swings, as graphology's — with Barnes–Hut repulsion
/// (a quadtree, θ = 0.5) so a step costs n log n, not n². Deterministic: nodes start on a golden-angle spiral in input
/// order, and the arithmetic is done in one order.
/// </summary>
public static class ForceLayout
{
    /// <summary>Each node's (x, y), centred on 0.</summary>
    /// <param name="edges">Undirected edges and their weights (&gt; 0).</param>
    public static (double X, double Y)[] ForceAtlas2(int nodes, IReadOnlyList<(int A, int B, double Weight)> edges, int iterations = 500)
    {
        var x = new double[nodes];
        var y = new double[nodes];
        double golden = Math.PI * (3 - Math.Sqrt(5));
        for (int i = 0; i < nodes; i++)
        {
            double r = 10 * Math.Sqrt(i + 0.5);
            x[i] = r * Math.Cos(i * golden);
            y[i] = r * Math.Sin(i * golden);
        }

        var mass = new double[nodes];
        Array.Fill(mass, 1);
        foreach (var (a, b, _) in edges)
        {
            mass[a]++;
            mass[b]++;
        }

        // Weights scaled to a mean of 1, so the metric's unit (√commits, a Jaccard fraction) does not set the layout.
        double mean = edges.Count == 0 ? 1 : edges.Average(e => e.Weight);
        double scaling = 10, gravity = 0.05, slowDown = 1 + Math.Log(Math.Max(nodes, 1)), theta = 0.5;
        var dx = new double[nodes];
        var dy = new double[nodes];
        var oldDx = new double[nodes];
        var oldDy = new double[nodes];
        var convergence = new double[nodes];
        Array.Fill(convergence, 1);
        for (int step = 0; step < iterations; step++)
        {
            (oldDx, dx) = (dx, oldDx);
            (oldDy, dy) = (dy, oldDy);
            Array.Clear(dx);
            Array.Clear(dy);

            // Each node's repulsion and gravity depend on the positions alone: computed on every core, the same sums.
            var tree = QuadTree.Build(x, y, mass);
            var (forceX, forceY) = (dx, dy);
            Parallel.For(0, nodes, i =>
            {
                tree.Repel(i, x, y, mass, scaling, theta * theta, ref forceX[i], ref forceY[i]);

                // Strong gravity: towards the centre, in proportion to the distance.
                forceX[i] -= scaling * gravity * mass[i] * x[i];
                forceY[i] -= scaling * gravity * mass[i] * y[i];
            });

            foreach (var (a, b, weight) in edges)
            {
                double w = weight / mean;
                double fx = (x[a] - x[b]) * w, fy = (y[a] - y[b]) * w;
                dx[a] -= fx;
                dy[a] -= fy;
                dx[b] += fx;
                dy[b] += fy;
            }

            // Each node's speed adapts to how much it swings (changes direction) against how far it travels.
            for (int i = 0; i < nodes; i++)
            {
                double sx = oldDx[i] - dx[i], sy = oldDy[i] - dy[i], tx = oldDx[i] + dx[i], ty = oldDy[i] + dy[i];
                double swinging = mass[i] * Math.Sqrt((sx * sx) + (sy * sy));
                double traction = Math.Sqrt((tx * tx) + (ty * ty)) / 2;
                double speed = convergence[i] * Math.Log(1 + traction) / (1 + Math.Sqrt(swinging));
                convergence[i] = Math.Min(1, Math.Sqrt(speed * ((dx[i] * dx[i]) + (dy[i] * dy[i])) / (1 + Math.Sqrt(swinging))));
                x[i] += dx[i] * speed / slowDown;
                y[i] += dy[i] * speed / slowDown;
            }
        }

        double cx = nodes == 0 ? 0 : x.Average(), cy = nodes == 0 ? 0 : y.Average();
        return [.. Enumerable.Range(0, nodes).Select(i => (x[i] - cx, y[i] - cy))];
    }

    // Barnes–Hut: a cell far enough away repels as one body of its mass at its centre of mass.
    private sealed class QuadTree
    {
        [ThreadStatic]
        private static Stack<int>? Pending;

        private readonly List<Cell> cells = [];

        public static QuadTree Build(double[] x, double[] y, double[] mass)
        {
            var tree = new QuadTree();
            if (x.Length == 0)
            {
                return tree;
            }

            double minX = x.Min(), maxX = x.Max(), minY = y.Min(), maxY = y.Max();
            double size = Math.Max(Math.Max(maxX - minX, maxY - minY), 1e-9) * 1.0001;
            tree.cells.Add(new Cell(minX, minY, size));
            for (int i = 0; i < x.Length; i++)
            {
                tree.Insert(0, i, x, y, mass, 0);
            }

            return tree;
        }

        public void Repel(int node, double[] x, double[] y, double[] mass, double scaling, double theta2, ref double fx, ref double fy)
        {
            if (cells.Count == 0)
            {
                return;
            }

            var stack = Pending ??= new Stack<int>();
            stack.Clear();
            stack.Push(0);
            while (stack.Count > 0)
            {
                var cell = cells[stack.Pop()];
                if (cell.Mass == 0 || (cell.Body == node && cell.Children < 0))
                {
                    continue;
                }

                double ddx = x[node] - cell.CenterX, ddy = y[node] - cell.CenterY;
                double d2 = (ddx * ddx) + (ddy * ddy);
                bool leaf = cell.Children < 0;
                if (leaf || cell.Size * cell.Size < theta2 * d2)
                {
                    if (d2 < 1e-12)
                    {
                        continue; // two nodes at one point: no direction to push in (the next step separates them)
                    }

                    // F = k · m_i · m_cell / d, along the unit vector: ddx / d · F = ddx · k m m / d².
                    double factor = scaling * mass[node] * cell.Mass / d2;
                    fx += ddx * factor;
                    fy += ddy * factor;
                }
                else
                {
                    for (int c = 0; c < 4; c++)
                    {
                        stack.Push(cell.Children + c);
                    }
                }
            }
        }

        private void Insert(int at, int node, double[] x, double[] y, double[] mass, int depth)
        {
            while (true)
            {
                var cell = cells[at];
                double total = cell.Mass + mass[node];
                cell.CenterX = ((cell.CenterX * cell.Mass) + (x[node] * mass[node])) / total;
                cell.CenterY = ((cell.CenterY * cell.Mass) + (y[node] * mass[node])) / total;
                if (cell.Children < 0 && cell.Body < 0 && cell.Mass == 0)
                {
                    cell.Mass = total;
                    cell.Body = node;
                    return;
                }

                if (cell.Children < 0)
                {
                    if (depth > 40)
                    {
                        cell.Mass = total; // nodes at (nearly) one point: one body of their summed mass
                        return;
                    }

                    // Split: the body already here moves down into its quarter.
                    int body = cell.Body;
                    cell.Children = cells.Count;
                    double half = cell.Size / 2;
                    for (int q = 0; q < 4; q++)
                    {
                        cells.Add(new Cell(cell.X + ((q & 1) * half), cell.Y + ((q >> 1) * half), half));
                    }

                    cell.Body = -1;
                    var child = cells[Quarter(cell, body, x, y)];
                    child.Mass = mass[body];
                    child.Body = body;
                    child.CenterX = x[body];
                    child.CenterY = y[body];
                }

                cell.Mass = total;
                at = Quarter(cell, node, x, y);
                depth++;
            }
        }

        private static int Quarter(Cell cell, int node, double[] x, double[] y)
        {
            double half = cell.Size / 2;
            int q = (x[node] >= cell.X + half ? 1 : 0) + (y[node] >= cell.Y + half ? 2 : 0);
            return cell.Children + q;
        }

        private sealed class Cell(double x, double y, double size)
        {
            public double X { get; } = x;

            public double Y { get; } = y;

            public double Size { get; } = size;

            public double Mass { get; set; }

            public double CenterX { get; set; }

            public double CenterY { get; set; }

            public int Body { get; set; } = -1;

            public int Children { get; set; } = -1;
        }
    }
}
