// The relate page's state: one typed object, changed only by the named actions below, and its URL fragment (a link
// reopens the same period, selection, filters, search and alluvial). Pure: tested with node --test.

/** What the side panel shows: a project, a pair (a < b) or a person (their id). */
export type Selection =
  | { project: number; pair?: never; person?: never }
  | { pair: [number, number]; project?: never; person?: never }
  | { person: string; project?: never; pair?: never }
  | null;

/** Who moved where: the periods [first, last] shown, what a band's width counts, and moves from and to outside. */
export interface Currents {
  first: number;
  last: number;
  measure: "people" | "commits";
  outside: boolean;
}

export interface RelateState {
  /** 0: the whole history; k > 0: period k − 1 of --by. */
  period: number;
  order: "clustered" | "input";
  /** The smallest metric a chord is drawn for. */
  minimum: number;
  selection: Selection;
  query: string;
  /** One scale for all periods (else each period fills the circle). */
  sameScale: boolean;
  /** Null when the report has no moves (no --by, or one period). */
  currents: Currents | null;
}

/** What a state is checked against: the report's projects, period labels and people, and the alluvial's default range. */
export interface Context {
  names: readonly string[];
  labels: readonly string[];
  /** Everyone the page can show (a person chosen in a link and found nowhere in the report is let go). */
  people: ReadonlySet<string>;
  defaultCurrents: Currents | null;
}

export const initialState = (context: Context): RelateState => ({
  period: 0, order: "clustered", minimum: 0, selection: null, query: "", sameScale: true,
  currents: context.defaultCurrents ? { ...context.defaultCurrents } : null,
});

export type Action =
  | { type: "period"; period: number; /** ms of the morph from the period shown */ morph?: number }
  | { type: "order"; order: "clustered" | "input" }
  | { type: "minimum"; minimum: number }
  | { type: "choose"; selection: Selection }
  | { type: "query"; query: string }
  | { type: "sameScale"; sameScale: boolean }
  | { type: "currents"; currents: Partial<Currents> }
  | { type: "url"; state: RelateState };

/** "period": the data drawn change (every view); "chart": the diagram alone; "scale": the diagram, thumbnails and legend. */
export type Part = "period" | "chart" | "scale" | "selection" | "query" | "currents";

/** The state after an action, and the parts it changed. The state given is never changed. */
export function reduce(state: RelateState, action: Action, context: Context): { state: RelateState; changed: Set<Part> } {
  const next: RelateState = { ...state };
  const changed = new Set<Part>();
  switch (action.type) {
    case "period":
      if (action.period !== state.period) { next.period = action.period; changed.add("period"); }
      break;
    case "order": next.order = action.order; changed.add("chart"); break;
    case "minimum": next.minimum = Math.max(0, action.minimum); changed.add("chart"); break;
    case "choose":
      next.selection = action.selection; changed.add("selection");
      // The alluvial follows a person chosen or let go.
      if (isPerson(state.selection) || isPerson(action.selection)) changed.add("currents");
      break;
    case "query": next.query = action.query; changed.add("query"); break;
    case "sameScale": next.sameScale = action.sameScale; changed.add("scale"); break;
    case "currents":
      if (state.currents) {
        const c = { ...state.currents, ...action.currents };
        // The range keeps two periods at least: moving one end past the other moves the other.
        if (c.first >= c.last) {
          const end = context.labels.length - 1;
          if (action.currents.first !== undefined) { c.first = Math.min(c.first, end - 1); c.last = c.first + 1; } else { c.last = Math.max(c.last, 1); c.first = c.last - 1; }
        }
        next.currents = c;
        changed.add("currents");
      }
      break;
    case "url":
      Object.assign(next, action.state);
      for (const p of ["period", "chart", "scale", "selection", "query", "currents"] as const) changed.add(p);
      break;
  }
  return { state: next, changed };
}

const isPerson = (s: Selection) => s?.person !== undefined;

/** The URL's parameters for a state: only what differs from the defaults, by name (a link survives a reordering). */
export function toParameters(s: RelateState, context: Context): Record<string, string> {
  const p: Record<string, string> = {};
  const { names, labels } = context;
  if (s.period > 0) p.period = labels[s.period - 1];
  if (!s.sameScale) p.scale = "own";
  if (s.order !== "clustered") p.order = s.order;
  if (s.minimum > 0) p.min = String(s.minimum);
  const sel = s.selection;
  if (sel?.project !== undefined) p.project = names[sel.project];
  else if (sel?.pair) { p.a = names[sel.pair[0]]; p.b = names[sel.pair[1]]; }
  else if (sel?.person !== undefined) p.person = sel.person;
  if (s.query) p.q = s.query;
  const c = s.currents, d = context.defaultCurrents;
  if (c && d) {
    if (c.first !== d.first) p.from = labels[c.first];
    if (c.last !== d.last) p.to = labels[c.last];
    if (c.measure !== "people") p.width = c.measure;
    if (c.outside) p.outside = "1";
  }
  return p;
}

/** The state a URL's parameters describe; anything unknown or malformed is the default. */
export function fromParameters(p: Record<string, string>, context: Context): RelateState {
  const s = initialState(context);
  const { names, labels } = context;
  const project = (name: string | undefined) => (name === undefined ? -1 : names.indexOf(name));
  const period = p.period === undefined ? -1 : labels.indexOf(p.period);
  if (period >= 0) s.period = period + 1;
  if (p.order === "input") s.order = "input";
  if (p.scale === "own") s.sameScale = false;
  const min = Number(p.min);
  if (Number.isFinite(min) && min > 0) s.minimum = min;
  if (project(p.project) >= 0) s.selection = { project: project(p.project) };
  else if (project(p.a) >= 0 && project(p.b) >= 0 && p.a !== p.b) {
    const [a, b] = [project(p.a), project(p.b)].sort((x, y) => x - y);
    s.selection = { pair: [a, b] };
  } else if (p.person && context.people.has(p.person)) s.selection = { person: p.person };
  if (p.q) s.query = p.q;
  if (s.currents) {
    const at = (label: string | undefined, fallback: number) => { const i = label === undefined ? -1 : labels.indexOf(label); return i < 0 ? fallback : i; };
    const first = at(p.from, s.currents.first), last = at(p.to, s.currents.last);
    if (first < last) Object.assign(s.currents, { first, last });
    if (p.width === "commits") s.currents.measure = "commits";
    if (p.outside === "1") s.currents.outside = true;
  }
  return s;
}
