// The relate page's data transforms: pure functions over the report's matrix and pairs, tested with node --test.
// A pair is {a, b, value, sumMin, shared: [{name, id, commitsA, commitsB}]} with a < b (project indices).
import { grouped } from "../common/format.js";
import type { MoveSummary, PairSummary, PersonSummary, RelateSettings } from "./data.js";

/** A developer shared by two or more projects: commits per project (index → commits). */
export interface SharedPerson {
  id: string;
  name: string;
  commits: Map<number, number>;
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
