// A chord diagram's pure geometry, shared by the relate page and the ecosystem page's neighbourhoods: the order of
// projects around the circle, the matrix as the layout takes it, labels that fit, hover targets. Tested with node --test.
import type { ChordGroup } from "d3";

type Matrix = number[][];

// Projects around the circle so related ones sit side by side: average-linkage agglomerative clustering of the matrix
// (similarity = the metric), joining at each step the two clusters with the highest mean similarity, and the ends of
// their leaf orders that are most related, so neighbours across a join are related too. Ties go to the lower index,
// so the order is the same every time.
export function clusterOrder(matrix: Matrix): number[] {
  const n = matrix.length;
  const input = Array.from({ length: n }, (_, i) => i);
  if (n < 3) return input;
  let clusters = input.map((i) => ({ members: [i], leaves: [i] }));
  type Cluster = { members: number[]; leaves: number[] };
  const similarity = (a: Cluster, b: Cluster) => {
    let sum = 0;
    for (const i of a.members) for (const j of b.members) sum += matrix[i][j];
    return sum / (a.members.length * b.members.length);
  };
  while (clusters.length > 1) {
    let best: { x: number; y: number; s: number } | null = null;
    for (let x = 0; x < clusters.length; x++) {
      for (let y = x + 1; y < clusters.length; y++) {
        const s = similarity(clusters[x], clusters[y]);
        if (!best || s > best.s) best = { x, y, s };
      }
    }
    const { x: bx, y: by } = best!;
    const a = clusters[bx], b = clusters[by];
    const reversed = (leaves: number[]) => [...leaves].reverse();
    const ends: [number[], number[]][] = [[a.leaves, b.leaves], [a.leaves, reversed(b.leaves)], [reversed(a.leaves), b.leaves], [reversed(a.leaves), reversed(b.leaves)]];
    const tie = (e: [number[], number[]]) => matrix[e[0][e[0].length - 1]][e[1][0]];
    const joined = ends.reduce((keep, e) => (tie(e) > tie(keep) ? e : keep));
    clusters = clusters.filter((_, k) => k !== bx && k !== by);
    clusters.push({ members: [...a.members, ...b.members], leaves: [...joined[0], ...joined[1]] });
  }
  return clusters[0].leaves;
}

// Labels around the ring: biggest arcs first, each kept only if its middle is at least minGap radians from every kept
// label's, so no two overlap; returned in project order.
export function labelsToKeep(groups: ChordGroup[], minGap: number): ChordGroup[] {
  const mid = (g: ChordGroup) => (g.startAngle + g.endAngle) / 2;
  const kept: ChordGroup[] = [];
  for (const g of [...groups].filter((g) => g.value > 0).sort((a, b) => b.value - a.value || a.index - b.index)) {
    const a = mid(g);
    const clear = kept.every((k) => {
      const delta = Math.abs(mid(k) - a) % (2 * Math.PI);
      return Math.min(delta, 2 * Math.PI - delta) >= minGap;
    });
    if (clear) kept.push(g);
  }
  return kept.sort((a, b) => a.index - b.index);
}

// An arc's hover target: at least minAngle wide, centred on the arc, so a project of 0.2° can still be pointed at.
export function hitAngles(group: { startAngle: number; endAngle: number }, minAngle: number) {
  const width = group.endAngle - group.startAngle;
  if (width >= minAngle) return { startAngle: group.startAngle, endAngle: group.endAngle };
  const mid = (group.startAngle + group.endAngle) / 2;
  return { startAngle: mid - minAngle / 2, endAngle: mid + minAngle / 2 };
}

// The total a chord layout spreads around the circle: every cell of the matrix (each pair counted from both ends).
export function matrixTotal(matrix: Matrix): number {
  let total = 0;
  for (const row of matrix) for (const x of row) total += x;
  return total;
}

// One scale for every period: the matrix with one more project, a rest whose only chord is to itself, worth what this
// period lacks of `total` (the busiest period's). Laid out with it, every period spreads the same total around the
// circle, so an arc's length means the same in each; the rest is left undrawn. Returns the matrix and the rest's index.
export function withRest(matrix: Matrix, total: number): { matrix: Matrix; rest: number } {
  const n = matrix.length;
  const rest = Math.max(0, total - matrixTotal(matrix));
  return { matrix: [...matrix.map((row) => [...row, 0]), [...new Array<number>(n).fill(0), rest]], rest: n };
}

// The matrix as a chord layout takes it: rows and columns in `order` (project numbers), and with `scaleTotal` the rest
// of withRest laid out last. `order` maps the layout's indices back to project numbers; `rest` is the rest's number
// (null without one), which the caller leaves undrawn.
export function laidOut(matrix: Matrix, order: number[], scaleTotal: number | null = null) {
  const padded = scaleTotal === null ? null : withRest(matrix, scaleTotal);
  const laid = padded ? [...order, padded.rest] : order;
  const m = padded ? padded.matrix : matrix;
  return { square: laid.map((i) => laid.map((j) => m[i][j])), order: laid, rest: padded ? padded.rest : null };
}
