// The trace page's state: one typed object, changed only by the named actions below, and its URL fragment (a link
// reopens the same view). Pure: tested with node --test.
import type { TransformType } from "./model.js";

export const VIEWS = ["flame", "icicle", "inverted", "sunburst", "table", "sandwich"] as const;
export type View = (typeof VIEWS)[number];
export const TRANSFORM_TYPES: readonly TransformType[] = ["focus", "merge", "drop", "recursion"];

/** A time range in slices: [from, to), from < to. */
export type Range = [number, number];

export interface TraceState {
  view: View;
  /** The zoomed node: names from the root of the tree shown. */
  zoom: string[];
  /** A regular expression (as typed; an invalid one highlights nothing). */
  search: string;
  /** Applied in order; a function is named, so a transform applies to both profiles of a diff. */
  transforms: { type: TransformType; name: string }[];
  /** Unticked threads (thread keys; in a diff, process names). */
  hidden: Set<string>;
  split: boolean;
  /** The range shown; range B when comparing. */
  range: Range | null;
  /** Range A of a comparison of two ranges. */
  compare: Range | null;
  colour: "kind" | "module";
  /** The function of the callers/callees view. */
  fn: string | null;
  /** The frame whose details are open (not kept in the URL: a link opens without the panel). */
  selected: string | null;
}

export const initialState = (): TraceState => ({
  view: "flame", zoom: [], search: "", transforms: [], hidden: new Set(), split: false,
  range: null, compare: null, colour: "kind", fn: null, selected: null,
});

/** What changed the state, by name: every change of the page is one of these. */
export type Action =
  | { type: "view"; view: View }
  | { type: "zoom"; path: string[]; selected?: string | null }
  | { type: "search"; text: string }
  | { type: "transform"; transform: { type: TransformType; name: string } }
  | { type: "untransform"; index?: number } // the last when no index
  | { type: "thread"; key: string; shown: boolean }
  | { type: "threads"; keys: string[]; shown: boolean }
  | { type: "allThreads" }
  | { type: "split"; split: boolean }
  | { type: "range"; range: Range | null }
  | { type: "compare" } // the range shown becomes range A
  | { type: "wholeProfile" }
  | { type: "colour"; colour: "kind" | "module" }
  | { type: "function"; name: string; view?: View }
  | { type: "select"; name: string | null }
  | { type: "url"; state: TraceState };

/** The parts of the state a change touches: views redraw for the parts they show. "data": the samples shown change
 * (filters, transforms, ranges, split), so trees are rebuilt. */
export type Part = "data" | "view" | "zoom" | "search" | "colour" | "function" | "selected";

/** The state after an action, and the parts it changed. The state given is never changed. */
export function reduce(state: TraceState, action: Action): { state: TraceState; changed: Set<Part> } {
  const next: TraceState = { ...state, hidden: new Set(state.hidden), transforms: [...state.transforms] };
  const changed = new Set<Part>();
  const data = () => { changed.add("data"); next.zoom = []; changed.add("zoom"); };
  switch (action.type) {
    case "view":
      // A zoom is a path in one tree: the inverted tree's paths are others.
      if ((action.view === "inverted") !== (state.view === "inverted")) { next.zoom = []; changed.add("zoom"); }
      next.view = action.view; changed.add("view");
      break;
    case "zoom":
      next.zoom = [...action.path]; changed.add("zoom");
      if (action.selected !== undefined) { next.selected = action.selected; changed.add("selected"); }
      break;
    case "search": next.search = action.text; changed.add("search"); break;
    case "transform": next.transforms.push({ ...action.transform }); data(); break;
    case "untransform":
      if (action.index === undefined) next.transforms.pop(); else next.transforms.splice(action.index, 1);
      data();
      break;
    case "thread":
      if (action.shown) next.hidden.delete(action.key); else next.hidden.add(action.key);
      data();
      break;
    case "threads":
      for (const key of action.keys) if (action.shown) next.hidden.delete(key); else next.hidden.add(key);
      next.selected = null; changed.add("selected");
      data();
      break;
    case "allThreads": next.hidden = new Set(); data(); break;
    case "split": next.split = action.split; data(); break;
    case "range": next.range = action.range; data(); break;
    case "compare": next.compare = state.range; next.range = null; data(); break;
    case "wholeProfile": next.range = null; next.compare = null; data(); break;
    case "colour": next.colour = action.colour; changed.add("colour"); break;
    case "function":
      next.fn = action.name; changed.add("function");
      if (action.view) { next.view = action.view; changed.add("view"); }
      break;
    case "select": next.selected = action.name; changed.add("selected"); break;
    case "url": {
      const s = action.state;
      Object.assign(next, { ...s, hidden: new Set(s.hidden), transforms: s.transforms.map((t) => ({ ...t })), zoom: [...s.zoom] });
      for (const part of ["data", "view", "zoom", "search", "colour", "function", "selected"] as Part[]) changed.add(part);
      break;
    }
  }
  return { state: next, changed };
}

// ---- the URL fragment ------------------------------------------------------------------------------------------

const parse = (text: string | undefined): unknown => {
  try { return text ? JSON.parse(text) : undefined; } catch { return undefined; }
};
const strings = (text: string | undefined): string[] => {
  const v = parse(text);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
};

/** "from-to" in slices, or null for anything else (a link is input too). */
export function rangeOf(text: string | undefined): Range | null {
  const m = /^(\d{1,15})-(\d{1,15})$/.exec(text ?? "");
  return m && Number(m[1]) < Number(m[2]) ? [Number(m[1]), Number(m[2])] : null;
}

/** The state a fragment's parameters say; anything not of the expected shape is ignored, never an error. */
export function fromParameters(url: Record<string, string>): TraceState {
  const transforms = parse(url.t);
  return {
    view: (VIEWS as readonly string[]).includes(url.v ?? "") ? (url.v as View) : "flame",
    zoom: strings(url.z),
    search: url.q ?? "",
    transforms: (Array.isArray(transforms) ? transforms : [])
      .filter((t): t is { type: TransformType; name: string } =>
        t !== null && typeof t === "object" && typeof t.name === "string" && TRANSFORM_TYPES.includes(t.type))
      .map((t) => ({ type: t.type, name: t.name })),
    hidden: new Set(strings(url.th)),
    split: url.sp === "1",
    range: rangeOf(url.r),
    compare: rangeOf(url.ca),
    colour: url.c === "module" ? "module" : "kind",
    fn: url.f ? url.f : null,
    selected: null,
  };
}

/** The fragment's parameters for a state: only what differs from the defaults, so a plain page has a plain URL. */
export function toParameters(state: TraceState): Record<string, string> {
  const out: Record<string, string> = {};
  if (state.view !== "flame") out.v = state.view;
  if (state.zoom.length) out.z = JSON.stringify(state.zoom);
  if (state.search) out.q = state.search;
  if (state.transforms.length) out.t = JSON.stringify(state.transforms);
  if (state.hidden.size) out.th = JSON.stringify([...state.hidden].sort());
  if (state.split) out.sp = "1";
  if (state.range) out.r = state.range.join("-");
  if (state.compare) out.ca = state.compare.join("-");
  if (state.colour === "module") out.c = "module";
  if (state.fn) out.f = state.fn;
  return out;
}
