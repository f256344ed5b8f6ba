// The ecosystem page's pure transforms: communities named by their biggest projects, node sizes, the metric shown on
// edges, a project's neighbourhood and search. No DOM here: unit-tested with node --test (web/test).
import type { PairSummary } from "./data.js";

/** The measures the page switches between, each computed from a kept pair's own figures. */
export type Measure = "relatedness" | "jaccard" | "shared";

/** Each measure's name, what it is, and the decimals its values are shown with. */
export const measures: Record<Measure, { name: string; explain: string; digits: number }> = {
  relatedness: { name: "relatedness", explain: "√(Σ min commits) over the developers they share", digits: 2 },
  jaccard: { name: "Jaccard", explain: "shared developers ÷ developers of either project", digits: 3 },
  shared: { name: "shared people", explain: "developers who committed to both", digits: 0 },
};

/** A pair's value under a measure from its figures (developers: each project's developer count). */
export function valueOf(a: number, b: number, sumMin: number, shared: number, measure: Measure, developers: number[]): number {
  if (measure === "shared") return shared;
  if (measure === "jaccard") {
    const union = developers[a] + developers[b] - shared;
    return union > 0 ? shared / union : 0;
  }
  return Math.sqrt(sumMin);
}

/** A kept pair's value under a measure. */
export function measureOf(pair: PairSummary, measure: Measure, developers: number[]): number {
  return valueOf(pair.a, pair.b, pair.sumMin, pair.shared.length, measure, developers);
}

/** A pair of a chord diagram: its figures, and the kept pair (with its people) when it was kept. */
export interface ChordPair { a: number; b: number; sumMin: number; shared: number; kept: PairSummary | null }

/** Every pair a view knows, kept or counted for the chord diagrams ([a, b, Σ min, shared]), by a < b: a·n + b. */
export function pairIndex(pairs: PairSummary[], chordPairs: number[][], n: number): Map<number, ChordPair> {
  const index = new Map<number, ChordPair>();
  for (const [a, b, sumMin, shared] of chordPairs) index.set(a * n + b, { a, b, sumMin, shared, kept: null });
  for (const p of pairs) index.set(p.a * n + p.b, { a: p.a, b: p.b, sumMin: p.sumMin, shared: p.shared.length, kept: p });
  return index;
}

/** The chord diagram of some projects: the matrix of the measure among them (rows in their order), 0 for a pair that
 * shares nobody. */
export function chordMatrix(projects: number[], index: Map<number, ChordPair>, n: number, measure: Measure, developers: number[]): number[][] {
  return projects.map((x) => projects.map((y) => {
    if (x === y) return 0;
    const pair = index.get(Math.min(x, y) * n + Math.max(x, y));
    return pair ? valueOf(pair.a, pair.b, pair.sumMin, pair.shared, measure, developers) : 0;
  }));
}

/** The projects of a chord diagram: a project and its first neighbours (strongest first), `size` in all. */
export function neighbourhoodChord(project: number, neighbours: number[][], size: number): number[] {
  return [project, ...neighbours[project].slice(0, size - 1)];
}

export interface Community { id: number; members: number[]; label: string }

/** Communities with their members (most developers first) and a label of their biggest projects' names. */
export function communitiesOf(communities: number[], names: string[], developers: number[], namesInLabel = 2): Community[] {
  const members = new Map<number, number[]>();
  communities.forEach((c, i) => { const list = members.get(c); if (list) list.push(i); else members.set(c, [i]); });
  return [...members.entries()].sort((x, y) => x[0] - y[0]).map(([id, list]) => {
    list.sort((a, b) => developers[b] - developers[a] || a - b);
    const shown = list.slice(0, namesInLabel).map((i) => names[i]);
    const label = shown.join(" · ") + (list.length > namesInLabel ? ` +${list.length - namesInLabel}` : "");
    return { id, members: list, label };
  });
}

/** A node's radius in pixels at the first zoom: its area grows with its developers, up to 16 for a few projects and
 * less for thousands (which would cover each other), never under 1.5. */
export function nodeSize(developers: number, most: number, projects: number): number {
  const biggest = Math.max(4, Math.min(16, 16 * Math.sqrt(150 / Math.max(1, projects))));
  return most <= 0 ? 1.5 : 1.5 + (biggest - 1.5) * Math.sqrt(Math.max(0, developers) / most);
}

/** A project's kept pairs, strongest first under the measure (ties: the other project's input order). */
export function neighbourhood(project: number, pairs: PairSummary[], measure: Measure, developers: number[]): { other: number; value: number; pair: PairSummary }[] {
  return pairs.filter((p) => p.a === project || p.b === project)
    .map((pair) => ({ other: pair.a === project ? pair.b : pair.a, value: measureOf(pair, measure, developers), pair }))
    .sort((x, y) => y.value - x.value || x.other - y.other);
}

/** Projects whose name holds the query (case-insensitive): names starting with it first, then the biggest. */
export function findProjects(query: string, names: string[], developers: number[], limit = 20): number[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const hits: { i: number; starts: boolean }[] = [];
  names.forEach((name, i) => {
    const at = name.toLowerCase().indexOf(q);
    if (at >= 0) hits.push({ i, starts: at === 0 });
  });
  hits.sort((x, y) => Number(y.starts) - Number(x.starts) || developers[y.i] - developers[x.i] || x.i - y.i);
  return hits.slice(0, limit).map((h) => h.i);
}

/** Edge widths in pixels for the values shown: 0.3 for the weakest to 3 for the strongest (to 1.5 among thousands of
 * lines, which would cover the nodes). */
export function edgeWidths(values: number[]): number[] {
  const widest = values.length > 5000 ? 1.5 : 3;
  let most = 0;
  for (const v of values) if (v > most) most = v; // a loop: spreading 200,000 values would overflow the stack
  return values.map((v) => (most > 0 ? 0.3 + (widest - 0.3) * (v / most) : 0.3));
}

/** Colours (indices into a palette of `size`) for the projects of a chord diagram: a project that was in the diagram
 * before keeps its colour, the others take the free ones in order, so moving from one neighbourhood to the next changes
 * only the colours of the projects that came in. */
export function chordColours(projects: number[], before: ReadonlyMap<number, number>, size: number): Map<number, number> {
  const colours = new Map<number, number>();
  const taken = new Set<number>();
  for (const p of projects) {
    const kept = before.get(p);
    if (kept !== undefined && !taken.has(kept)) { colours.set(p, kept); taken.add(kept); }
  }
  let free = 0;
  for (const p of projects) {
    if (colours.has(p)) continue;
    while (taken.has(free % size) && taken.size < size) free++;
    colours.set(p, free % size);
    taken.add(free % size);
    free++;
  }
  return colours;
}
