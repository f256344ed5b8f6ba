// The relate page's data transforms: pure functions over the report's matrix and pairs, tested with node --test.
// A pair is {a, b, value, sumMin, shared: [{name, id, commitsA, commitsB}]} with a < b (project indices).
import { grouped } from "../common/format.js";
import { hcl, lab, rgb, type LabColor, type RGBColor, type ChordGroup } from "d3";
import type { MoveSummary, PairSummary, PersonSummary, RelateSettings } from "./data.js";

type Matrix = number[][];
type Dichromacy = number[][];

/** A developer shared by two or more projects: commits per project (index → commits). */
export interface SharedPerson {
  id: string;
  name: string;
  commits: Map<number, number>;
}

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

// Project colours: told apart by everyone. Chosen greedily from a grid of hue, chroma and lightness (light enough on
// white, dark enough for labels), each the farthest from those before it by the smallest ΔE under simulated
// protanopia, deuteranopia and tritanopia (Machado et al. 2009) and under normal vision (weighed 1/1.3, so that it stays
// wider): thirty colours stay ΔE ≥ 14 apart for normal vision and ≥ 10 for each dichromacy. The same every time; past the grid (hundreds of projects), hues a golden angle apart, still distinct strings.
export function palette(count: number): string[] {
  const views = (colour: string): LabColor[] => { const l = lab(colour); return [l, ...Object.values(DICHROMACY).map((m) => lab(simulate(l, m)))]; };
  const apart = (x: LabColor[], y: LabColor[]) => Math.min(deltaE(x[0], y[0]) / 1.3, ...x.slice(1).map((v, i) => deltaE(v, y[i + 1])));
  const candidates: { hex: string; views: LabColor[] }[] = [];
  for (const l of [35, 43, 51, 59, 67, 75]) {
    for (const c of [10, 30, 50, 70]) {
      for (let h = 0; h < 360; h += 5) {
        const colour = hcl(h, c, l);
        if (colour.displayable()) candidates.push({ hex: colour.formatHex(), views: views(colour.formatHex()) });
      }
    }
  }
  const chosen = [{ hex: "#4e79a7", views: views("#4e79a7") }];
  const nearest = candidates.map((c) => apart(c.views, chosen[0].views));
  while (chosen.length < count && candidates.length > 0) {
    let best = 0;
    for (let k = 1; k < candidates.length; k++) if (nearest[k] > nearest[best]) best = k;
    const pick = candidates[best];
    chosen.push(pick);
    candidates.splice(best, 1);
    nearest.splice(best, 1);
    for (let k = 0; k < candidates.length; k++) nearest[k] = Math.min(nearest[k], apart(candidates[k].views, pick.views));
  }
  const hexes = chosen.slice(0, count).map((c) => c.hex);
  const frac = (x: number) => x - Math.floor(x);
  for (let i = hexes.length; i < count; i++) {
    hexes.push(hcl((i * 137.508) % 360, 38 + 30 * frac(i * 0.7548776662), 42 + 28 * frac(i * 0.5698402910)).formatHex());
  }
  return hexes;
}

// Machado, Oliveira and Fernandes (2009), severity 1: linear-RGB matrices of the three dichromacies.
export const DICHROMACY: Record<"protanopia" | "deuteranopia" | "tritanopia", Dichromacy> = {
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
};

// A colour as seen with a dichromacy (one of DICHROMACY's matrices).
export function simulate(colour: string | LabColor | RGBColor, matrix: Dichromacy): RGBColor {
  const c = typeof colour === "string" ? rgb(colour) : rgb(colour);
  const decode = (v: number) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const encode = (v: number) => { v = Math.min(1, Math.max(0, v)); return 255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055); };
  const linear = [decode(c.r), decode(c.g), decode(c.b)];
  const [r, g, b] = matrix.map((row) => row[0] * linear[0] + row[1] * linear[1] + row[2] * linear[2]);
  return rgb(encode(r), encode(g), encode(b));
}

export function deltaE(x: string | LabColor, y: string | LabColor): number {
  const a = typeof x === "string" ? lab(x) : lab(x), b = typeof y === "string" ? lab(y) : lab(y);
  return Math.hypot(a.l - b.l, a.a - b.a, a.b - b.b);
}

// Every shared developer of a view: id → {id, name, commits: Map(project → commits)}. A person shared by several
// projects appears in the pair of each two of them, so their commits in every project they share are all here.
export function peopleOf(pairs: PairSummary[]): Map<string, SharedPerson> {
  const people = new Map<string, SharedPerson>();
  for (const p of pairs) {
    for (const s of p.shared) {
      let person = people.get(s.id);
      if (!person) people.set(s.id, (person = { id: s.id, name: s.name, commits: new Map() }));
      person.commits.set(p.a, s.commitsA);
      person.commits.set(p.b, s.commitsB);
    }
  }
  return people;
}

// The people a project shares: its commits, and every other project with theirs there, most commits here first.
export function sharedPeopleOf(pairs: PairSummary[], project: number) {
  const people = new Map<string, { id: string; name: string; here: number; elsewhere: { project: number; commits: number }[] }>();
  for (const p of pairs) {
    if (p.a !== project && p.b !== project) continue;
    const other = p.a === project ? p.b : p.a;
    for (const s of p.shared) {
      const here = p.a === project ? s.commitsA : s.commitsB;
      const there = p.a === project ? s.commitsB : s.commitsA;
      let person = people.get(s.id);
      if (!person) people.set(s.id, (person = { id: s.id, name: s.name, here, elsewhere: [] }));
      person.elsewhere.push({ project: other, commits: there });
    }
  }
  for (const person of people.values()) person.elsewhere.sort((x, y) => y.commits - x.commits || x.project - y.project);
  return [...people.values()].sort((x, y) => y.here - x.here || compareText(x.name, y.name));
}

// Case- and accent-insensitive text for matching: "jose" finds "José Müller", "aevar" "Ævar", "bjorn" "Bjørn".
const letters: Record<string, string> = { æ: "ae", ø: "o", œ: "oe", ß: "ss", ł: "l", đ: "d", ð: "d", þ: "th", ı: "i", ħ: "h" };
export function fold(text: string): string {
  return String(text).toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/[æøœßłđðþıħ]/g, (c) => letters[c]);
}

// German's spelt-out umlauts: "guenther" finds "Günther" and "günther" "Guenther" (fold alone: "gunther" finds both).
export function foldSpelt(text: string): string {
  const spelt: Record<string, string> = { ä: "ae", ö: "oe", ü: "ue", ß: "ss" };
  return fold(String(text).toLowerCase().replace(/[äöüß]/g, (c) => spelt[c]));
}

const compareText = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

// What a search finds: projects whose name contains the query, and people whose name or one of whose addresses does
// (addresses: id → [addresses]). Whole-word and prefix matches first, then by size; at most `limit` of each.
export function search(query: string, projects: string[], people: Map<string, SharedPerson>, addresses: Map<string, string[]>, limit = 12) {
  const q = fold(query.trim()), spelt = foldSpelt(query.trim());
  if (!q) return { projects: [], moreProjects: 0, people: [], morePeople: 0 };
  const rankIn = (t: string, query: string) => {
    const at = t.indexOf(query);
    if (at < 0) return -1;
    return at === 0 ? 0 : /[\s._@<-]/.test(t[at - 1]) ? 1 : 2;
  };
  const rank = (text: string) => {
    const a = rankIn(fold(text), q), b = rankIn(foldSpelt(text), spelt);
    return a < 0 ? b : b < 0 ? a : Math.min(a, b);
  };
  const foundProjects = projects.map((name, index) => ({ index, rank: rank(name) })).filter((m) => m.rank >= 0)
    .sort((x, y) => x.rank - y.rank || x.index - y.index);
  const foundPeople: { person: SharedPerson; rank: number; total: number }[] = [];
  for (const person of people.values()) {
    const ranks = [rank(person.name), ...(addresses.get(person.id) || [person.id]).map(rank)].filter((r) => r >= 0);
    if (ranks.length > 0) foundPeople.push({ person, rank: Math.min(...ranks), total: total(person) });
  }
  foundPeople.sort((x, y) => x.rank - y.rank || y.total - x.total || compareText(x.person.name, y.person.name) || compareText(x.person.id, y.person.id));
  return {
    projects: foundProjects.slice(0, limit).map((m) => m.index), moreProjects: Math.max(0, foundProjects.length - limit),
    people: foundPeople.slice(0, limit).map((m) => m.person), morePeople: Math.max(0, foundPeople.length - limit),
  };
}

const total = (person: SharedPerson) => [...person.commits.values()].reduce((s, c) => s + c, 0);

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

// What the page can describe of its metric and identity rule, for the legend.
export const metrics: Record<string, { name: string; formula: string }> = {
  ossrel: { name: "relatedness", formula: "√ Σ min(commits in A, commits in B), over the developers of both" },
  "sum-min": { name: "Σ min commits", formula: "Σ min(commits in A, commits in B), over the developers of both" },
  jaccard: { name: "Jaccard index", formula: "developers of both ÷ developers of either" },
  shared: { name: "shared developers", formula: "the number of developers who committed to both" },
};

export function identityRule(options: RelateSettings, joins: number): string {
  const mailmap = options.mailmap ? "after each repository's .mailmap" : ".mailmap not applied";
  const aliases = options.aliases ? `, and the aliases in ${options.aliases}` : "";
  switch (options.identity) {
    case "person":
      return `one e-mail address (${mailmap}${aliases}); one person's addresses joined when they carry the same distinctive name `
        + `and share a project, a user name or related projects (${grouped(joins)} join${joins === 1 ? "" : "s"}, listed below)`;
    case "email":
      return `one e-mail address (${mailmap}${aliases})`;
    case "name":
      return `one name, without regard to case (${mailmap}${aliases})`;
    case "name+email":
      return `one name and e-mail address together (${mailmap}${aliases})`;
    case "ossrel-name":
      return "one author name as committed, runs of spaces collapsed (ossrel 2013)";
    default:
      return `${options.identity}${aliases}`;
  }
}

// Who moved where: the alluvial between periods `first` and `last` (indices into the report's periods) from the JSON's
// `moves` (people whose main project was `from` in period − 1 and `to` in period; −1 is outside). Nodes are (period,
// project) — outside too when `outside` — and links carry the people; a link's value is its people, or with
// measure "commits" their commits in the period they arrive in (in the project they left, for people leaving).
export interface Flow {
  source: string;
  target: string;
  value: number;
  people: string[];
  from: number;
  to: number;
  period: number;
  kind: string;
}

export function currentsFlows(people: PersonSummary[], moves: MoveSummary[], first: number, last: number,
  { outside = false, measure = "people" }: { outside?: boolean; measure?: string } = {}) {
  const commits = new Map(people.map((p) => [p.id, new Map(p.activity.map(([project, period, c]) => [`${project},${period}`, c]))]));
  const nodes = new Map<string, { id: string; period: number; project: number }>();
  const node = (period: number, project: number) => {
    const id = `${period}:${project}`;
    if (!nodes.has(id)) nodes.set(id, { id, period, project });
    return id;
  };
  const links: Flow[] = [];
  for (const m of moves) {
    if (m.period <= first || m.period > last) continue;
    if (!outside && (m.from < 0 || m.to < 0)) continue;
    const [project, period] = m.to >= 0 ? [m.to, m.period] : [m.from, m.period - 1];
    const value = measure === "commits"
      ? m.people.reduce((sum, id) => sum + (commits.get(id)?.get(`${project},${period}`) || 0), 0)
      : m.people.length;
    if (value > 0) links.push({ source: node(m.period - 1, m.from), target: node(m.period, m.to), value, people: m.people, from: m.from, to: m.to, period: m.period, kind: m.kind });
  }
  return { nodes: [...nodes.values()], links };
}

// A person's commits per project per period, for their timeline: [{project, cells: [{period, commits}]}], most commits first.
export function timelineOf(person: PersonSummary) {
  const rows = new Map<number, { project: number; total: number; cells: { period: number; commits: number }[] }>();
  for (const [project, period, commits] of person.activity) {
    if (!rows.has(project)) rows.set(project, { project, total: 0, cells: [] });
    const row = rows.get(project)!;
    row.cells.push({ period, commits });
    row.total += commits;
  }
  return [...rows.values()].sort((x, y) => y.total - x.total || x.project - y.project);
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
