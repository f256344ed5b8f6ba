// The iostat page's state: one typed object, changed only by the named actions below, and its URL fragment (a link
// reopens the same devices, time range, hidden series, layout and column). Pure: tested with node --test.
import { bisect } from "./model.js";

/** Samples [from, to), to − from ≥ 2. */
export type Range = [number, number];

export interface IoStatState {
  /** The devices charted, in the picker's order. */
  devices: string[];
  range: Range;
  /** Series hidden by a click on their legend, as "chart:column", for every device alike. */
  hidden: Set<string>;
  layout: "device" | "compare";
  /** The column last looked up (its explanation shown). */
  column: string | null;
}

/** What a state is checked against: the recording's devices in the picker's order, its sample times (ms), and the
 * defaults that depend on the data. */
export interface Context {
  deviceNames: readonly string[];
  times: ArrayLike<number>;
  defaultDevices: readonly string[];
  defaultHidden: readonly string[];
}

export const initialState = (context: Context): IoStatState => ({
  devices: context.deviceNames.filter((d) => context.defaultDevices.includes(d)), range: [0, context.times.length], hidden: new Set(context.defaultHidden), layout: "device", column: null,
});

export type Action =
  | { type: "devices"; devices: string[] }
  /** fromHistory: a Back or Forward (no new history entry). */
  | { type: "range"; range: Range; fromHistory?: boolean }
  | { type: "toggle"; key: string }
  | { type: "layout"; layout: "device" | "compare" }
  | { type: "find"; column: string }
  | { type: "url"; state: IoStatState };

/** "devices": the charts are made again; "range": every chart, the overview and the summary redrawn; "series": the
 * charts redrawn; "column": the column's explanation shown. */
export type Part = "devices" | "range" | "series" | "column";

export function reduce(state: IoStatState, action: Action, context: Context): { state: IoStatState; changed: Set<Part> } {
  const next: IoStatState = { ...state, hidden: new Set(state.hidden) };
  const changed = new Set<Part>();
  const n = context.times.length;
  switch (action.type) {
    case "devices": next.devices = context.deviceNames.filter((d) => action.devices.includes(d)); changed.add("devices"); break;
    case "range": {
      const from = Math.max(0, Math.min(action.range[0], n)), to = Math.min(n, Math.max(action.range[1], from));
      const range: Range = to - from >= 2 ? [from, to] : [0, n];
      if (range[0] !== state.range[0] || range[1] !== state.range[1]) { next.range = range; changed.add("range"); }
      break;
    }
    case "toggle":
      if (next.hidden.has(action.key)) next.hidden.delete(action.key); else next.hidden.add(action.key);
      changed.add("series");
      break;
    case "layout": next.layout = action.layout; changed.add("devices"); break;
    case "find": next.column = action.column; changed.add("column"); break;
    case "url":
      Object.assign(next, { ...action.state, hidden: new Set(action.state.hidden), devices: [...action.state.devices] });
      for (const p of ["devices", "range", "series", "column"] as const) changed.add(p);
      break;
  }
  return { state: next, changed };
}

// A list in one parameter: names joined by commas, a comma or a percent sign inside a name escaped (device names are
// the kernel's, and a recording can come from anywhere).
const joinNames = (names: Iterable<string>) => [...names].map((s) => s.replaceAll("%", "%25").replaceAll(",", "%2C")).join(",");
const splitNames = (text: string) => text.split(",").map((s) => {
  try { return decodeURIComponent(s); } catch { return s; }
});

/** The URL's parameters: the devices and hidden series always (their defaults depend on the data, and "-" says none
 * is hidden), the rest when it is not the default. Times in ms, so a link survives the recording read again. */
export function toParameters(s: IoStatState, context: Context): Record<string, string> {
  const p: Record<string, string> = { devices: joinNames(s.devices) };
  const n = context.times.length;
  if (s.range[0] !== 0 || s.range[1] !== n) {
    // Floored: the sample's own millisecond, so bisect finds this sample again.
    p.from = String(Math.floor(context.times[s.range[0]]));
    p.to = String(Math.floor(context.times[s.range[1] - 1]));
  }
  if (s.column) p.column = s.column;
  p.hide = s.hidden.size ? joinNames([...s.hidden]) : "-";
  if (s.layout === "compare") p.layout = "compare";
  return p;
}

/** The state a URL's parameters describe; anything unknown or malformed is the default. */
export function fromParameters(p: Record<string, string>, context: Context): IoStatState {
  const s = initialState(context);
  if (p.devices) {
    const wanted = new Set(splitNames(p.devices));
    const devices = context.deviceNames.filter((d) => wanted.has(d));
    if (devices.length) s.devices = devices;
  }
  const from = Number(p.from), to = Number(p.to);
  if (p.from && p.to && Number.isFinite(from) && Number.isFinite(to)) {
    const i0 = bisect(context.times, from), i1 = bisect(context.times, to + 1);
    if (i1 - i0 >= 2) s.range = [i0, i1];
  }
  if (p.hide !== undefined) s.hidden = new Set(p.hide === "-" ? [] : splitNames(p.hide).filter((h) => h.includes(":")));
  if (p.layout === "compare") s.layout = "compare";
  if (p.column) s.column = p.column;
  return s;
}
