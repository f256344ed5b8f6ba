// kashika trace: the interactive profile page. State (view, zoom, search, transforms, threads, time range, colour,
// chosen function) lives in the URL fragment; every change recomputes from the data island and redraws.
import { interpolateRdBu, scaleSequential, select, type BaseType, type Selection } from "d3";
import { readData, table, tooltip } from "../common/ui.js";
import type { Cell } from "../common/ui.js";
import { count, formatNumber, formatWeight, grouped, percent } from "../common/format.js";
import { colourOf, hash } from "../common/colour.js";
import { readState, writeState } from "../common/urlstate.js";
import { createStore } from "../common/store.js";
import { fromParameters, reduce, toParameters, VIEWS, type Action, type Range, type View } from "./state.js";
import { exportButtons } from "../common/download.js";
import { buildTree, compareLazily, decode, diff, type LaidOutTree, findPath, functionTable, heat, invert, levelOf, matchedWeight, sandwich, select as selectSamples, threadWeights, transform } from "./model.js";
import type { Decoded, Sample, Thread, Transform, TreeNode } from "./model.js";
import type { TracePageDocument } from "./data.js";
import { drawFlame, layout, ROW, type Drawn, type FlameOptions, type FrameEvents, type LaidOut } from "./flame.js";
import { drawSunburst } from "./sunburst.js";
import { drawHeatmap } from "./heatmap.js";

// An element of the page a view draws into.
type Container = Selection<HTMLElement, unknown, BaseType | null, unknown>;
type FunctionEntry = ReturnType<typeof functionTable>[number];
/** A row of the functions table: a function's figures, and in a diff its change of share. */
interface FunctionRow extends FunctionEntry {
  change: number;
}
type SortKey = "name" | "self" | "total" | "change";
type HeatCells = ReturnType<typeof heat>;

/** One profile's figures for the current state (in a diff, one of two). */
interface Result {
  p: Decoded;
  ids: Map<string, number>;
  threads: Set<number> | null;
  transforms: Transform[];
  samples: Sample[];
  tree: LaidOutTree;
  functions?: FunctionEntry[];
}

interface Computed {
  results: Result[];
  last: Result;
  gone: ReturnType<typeof diff>;
  maxDelta: number;
  /** The heat map's cells; none when the profile has no time slices. */
  cells: HeatCells | undefined;
  /** Made when first shown; compared as it is read, on the call tree's colour scale (maxDelta). */
  inverted?: LaidOut;
}

const data = readData<TracePageDocument>();
const profiles = data.profiles.map(decode);
const isDiff = profiles.length === 2;
const main = profiles[profiles.length - 1];
const unit = main.profile.unit;
const fmt = (w: number) => formatWeight(w, unit);
// Which threads a filter means: in one profile each thread; in a diff the process name, the same in both runs.
const filterKey = (t: Thread) => (isDiff ? (t.processByName ? t.processByName.name : "") : t.key);
const number = (w: number) => formatNumber(w * (unit.scale ?? 1));
const tip = tooltip();
const KIND_COLOURS: Record<string, [hue: number, saturation: number]> =
  { user: [28, 82], kernel: [3, 70], jit: [120, 45], inlined: [190, 50], unknown: [0, 0], label: [265, 30] };

// The state: one store (state.ts); every change is a named action, and each part of the page redraws for the parts of
// the state it shows (subscriptions at the end). `state` is the store's current state, read-only here.
const store = createStore(fromParameters(readState()), reduce);
let state = store.get();
const act = (action: Action) => store.dispatch(action);

// A fragment edited by hand, or back and forward: the state is read again.
window.addEventListener("hashchange", () => {
  const fromLink = fromParameters(readState());
  if (JSON.stringify(toParameters(fromLink)) !== JSON.stringify(toParameters(state))) act({ type: "url", state: fromLink });
});

let computed!: Computed; // trees, samples and derived figures of the current state (made by the first action, before any drawing)

function searchRegex() {
  if (!state.search) return null;
  try { return new RegExp(state.search); } catch { return null; }
}

// Everything derived from the state, per profile; the last profile (AFTER in a diff) is the one drawn. Two ranges of
// one recording compared are two profiles too: range A (before) and range B (after).
// The last two states' figures, by what decides them: undo, ticking a thread again or the whole profile again are
// answered from here instead of rebuilding the trees (two, for memory: each holds its trees).
const computedFor = new Map<string, Computed>();
const heatCells = new Map<string, HeatCells>();
function compute(): Computed {
  const key = JSON.stringify([state.transforms, [...state.hidden].sort(), state.split, state.range, state.compare]);
  let result = computedFor.get(key);
  if (result) computedFor.delete(key);
  else result = computeNow();
  computedFor.set(key, result); // the most recent last
  if (computedFor.size > 2) computedFor.delete(computedFor.keys().next().value!);
  // The state left keeps its call trees; its inverted tree, made again if it comes back and is shown, is let go.
  for (const other of computedFor.values()) if (other !== result) other.inverted = undefined;
  return result;
}

function computeNow(): Computed {
  const ranges = !isDiff && state.compare && state.range ? [state.compare, state.range] : null;
  const parts: [Decoded, Range | null][] = ranges ? ranges.map((range) => [main, range]) : profiles.map((p) => [p, state.range]);
  const results = parts.map(([p, range]): Result => {
    const ids = new Map(p.names.map((n, i) => [n, i]));
    const transforms = state.transforms.filter((t) => ids.has(t.name)).map((t) => ({ type: t.type, frame: ids.get(t.name)! }));
    const threads = state.hidden.size ? new Set(p.threads.filter((t) => !state.hidden.has(filterKey(t))).map((t) => t.index)) : null;
    const samples = transform(selectSamples(p, { threads, range }), transforms);
    const focused = transforms.some((t) => t.type === "focus");
    // Compared (two recordings, or two ranges of one), processes are matched by name: a process of range B is seldom the
    // same pid as range A's.
    const tree = buildTree(p, samples, { split: state.split, focused, byName: isDiff || ranges !== null }); // laid out as it is built
    return { p, ids, threads, transforms, samples, tree };
  });
  const last = results[results.length - 1];
  const gone = results.length === 2 ? diff(last.tree, results[0].tree) : [];
  const maxDelta = results.length === 2 ? maxAbsDelta(last.tree) : 0;
  // The heat map's cells: the same filters and transforms over every time slice, whatever the range or split (the map
  // shows when what is shown ran), so kept by those alone: choosing a range or splitting threads does not redo them,
  // nor does a merge or a recursion collapsed after the last focus or drop (they keep every sample and its weight).
  let lastFilter = -1;
  state.transforms.forEach((t, i) => { if (t.type === "focus" || t.type === "drop") lastFilter = i; });
  const kept = state.transforms.slice(0, lastFilter + 1);
  const heatKey = JSON.stringify([kept, [...state.hidden].sort()]);
  let cells = heatCells.get(heatKey);
  if (!cells && last.p.profile.time) {
    cells = heat(state.range || state.compare ? transform(selectSamples(last.p, { threads: last.threads }), last.transforms) : last.samples);
    heatCells.clear(); // one set: the map's own figures are cheap to keep, the samples behind them are not
    heatCells.set(heatKey, cells);
  }
  return { results, last, gone, maxDelta, cells };
}

// The inverted (bottom-up) tree of the current state, made when first shown (in a diff, AFTER's against BEFORE's).
function inverted() {
  if (!computed.inverted) {
    const trees = computed.results.map((r) =>
      invert(r.p, r.samples, { split: state.split, focused: r.transforms.some((t) => t.type === "focus"), byName: diffing() }));
    // Compared as it is read (made whole, a large inverted tree took seconds).
    if (diffing()) compareLazily(trees[1], trees[0]);
    computed.inverted = trees[trees.length - 1];
  }
  return computed.inverted;
}

// The tree the view draws, zooms and describes: the call tree, or the inverted one.
function shownTree(): LaidOut {
  return state.view === "inverted" ? inverted() : computed.last.tree;
}

// Two profiles shown as a diff: two recordings, or two ranges of one.
const diffing = () => computed.results.length === 2;
const before = () => (isDiff ? "before" : "range A"), after = () => (isDiff ? "after" : "range B");

function maxAbsDelta(root: TreeNode): number {
  let m = 0;
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    m = Math.max(m, Math.abs(n.delta || 0));
    for (const c of n.children || []) stack.push(c);
  }
  return m || 1;
}

// Colour: by frame kind (hue per kind, lightness per name so neighbours differ), by module (hue per module name), or
// in a diff by the change of share (red grew, blue shrank).
const changeColour = scaleSequential(interpolateRdBu).domain([0, 1]); // one scale, not one a frame drawn
function colour(node: LaidOut): string {
  if (diffing()) {
    const t = 0.5 - (0.5 * (node.delta || 0)) / computed.maxDelta;
    return changeColour(Math.min(0.95, Math.max(0.05, t)));
  }
  if (node.frame < 0) return "#d9d9d9";
  const p = main.profile;
  if (state.colour === "module") return colourOf(p.modules[p.frameModules[node.frame]] || "?");
  const kind = p.kindNames[p.frameKinds[node.frame]];
  const [hue, sat] = KIND_COLOURS[kind] || [0, 0];
  return `hsl(${hue}, ${sat}%, ${52 + (hash(node.name) % 22)}%)`;
}

function highlighter(): (node: LaidOut) => boolean {
  const regex = searchRegex();
  return regex ? (node: LaidOut) => node.frame >= 0 && regex.test(node.name) : () => false;
}

// What a frame is: for the tooltip and the details panel.
function describe(node: Drawn): string[] {
  const root = shownTree(), zoom = zoomNode();
  if (node.stub) {
    return [`${count(node.count, "frame")} too narrow to draw, merged here`,
      `total ${fmt(node.value)} · ${percent(node.value, root.value)} of all${zoom === root ? "" : ` · ${percent(node.value, zoom.value)} of ${zoom.name}`}`];
  }
  const p = main.profile;
  const lines = [node.name];
  if (node.frame >= 0) {
    const module = p.modules[p.frameModules[node.frame]];
    lines.push(`${module ? `module ${module} · ` : ""}${p.kindNames[p.frameKinds[node.frame]]} frame`);
  } else if (node !== root) {
    lines.push(state.split ? "thread" : "process (all its threads)");
  }
  if (state.view === "inverted") {
    // Bottom-up: a root is a function while it ran; below it, the calls that led there.
    const top = invertedRoot(node);
    lines.push(node === top ? `running (self) ${fmt(node.value)} · ${percent(node.value, root.value)} of all`
      : `${top.name} running, called along this path: ${fmt(node.value)} · ${percent(node.value, root.value)} of all · ${percent(node.value, top.value)} of ${top.name}`);
  } else {
    lines.push(`total ${fmt(node.value)} · ${percent(node.value, root.value)} of all${zoom === root ? "" : ` · ${percent(node.value, zoom.value)} of ${zoom.name}`}`);
    lines.push(`self ${fmt(node.self)} · ${percent(node.self, root.value)} of all`);
  }
  if (diffing()) {
    lines.push(`${before()} ${formatWeight(node.before!, profiles[0].profile.unit)} (${percent(node.before!, computed.results[0].tree.value)}) → ${after()} ${fmt(node.value)} (${percent(node.value, root.value)})`);
    lines.push(node.only === "after" ? `only in ${after().toUpperCase()} (new)` : `share ${node.delta! >= 0 ? "+" : ""}${(100 * node.delta!).toFixed(2)} points`);
  }
  return lines;
}

// The function at the top of an inverted path: the one that was running.
function invertedRoot(node: LaidOut): LaidOut {
  let n = node;
  while (n.parent && n.parent.parent) n = n.parent;
  return n;
}

function pathOf(node: Drawn): string[] {
  const names: string[] = [];
  for (let n: Drawn | null = node; n && n.parent; n = n.parent) names.unshift(n.name);
  return names;
}

function zoomNode(): LaidOut {
  return findPath(shownTree(), state.zoom) as LaidOut; // a node of the tree shown, laid out with it
}

const events: FrameEvents = {
  hover(node, event) {
    tip.show(event, describe(node));
    if (state.view === "sunburst") {
      select("#view text.centre").text(percent(node.value, shownTree().value));
      breadcrumb(node, true);
    }
  },
  leave() {
    tip.hide();
    if (state.view === "sunburst") { select("#view text.centre").text(""); breadcrumb(zoomNode(), false); }
  },
  click(node) {
    tip.hide();
    act({ type: "zoom", path: pathOf(node), selected: node.parent ? node.name : null });
  },
};

// ---- layout of the page -------------------------------------------------------------------------------------------

select("#title").text(isDiff ? `Kashika trace diff: ${data.title}` : `Kashika trace: ${data.title}`);
const viewButtons = select("#views").selectAll<HTMLButtonElement, View>("button").data(VIEWS).join("button")
  .attr("type", "button").attr("data-view", (v) => v)
  .text((v) => ({ flame: "Flame graph", icicle: "Icicle", inverted: "Inverted", sunburst: "Sunburst", table: "Functions", sandwich: "Callers / callees" }[v]))
  .attr("title", (v) => (v === "inverted" ? "Bottom-up: each function that was running at the top (its self time), its callers below" : null))
  .on("click", (_, v) => act({ type: "view", view: v }));
const searchBox = select<HTMLInputElement, unknown>("#search")
  .on("input", (event: Event) => act({ type: "search", text: (event.target as HTMLInputElement).value }));
select("#colour")
  .on("change", (event: Event) => act({ type: "colour", colour: (event.target as HTMLSelectElement).value === "module" ? "module" : "kind" }));
select("#colour-choice").style("display", () => (isDiff ? "none" : null));
select("#reset").on("click", () => act({ type: "zoom", path: [] }));
select("#undo").on("click", () => act({ type: "untransform" }));
select("#split").on("change", (event: Event) => act({ type: "split", split: (event.target as HTMLInputElement).checked }));
select("#clear-range").on("click", () => act({ type: "wholeProfile" }));
// Two ranges of one recording: the range chosen becomes A, the next one dragged is B, shown as a diff of B against A.
select("#compare-range").on("click", () => act({ type: "compare" }));
// The graph shown as SVG or PNG; the functions (as the table sorts them) as CSV. Callers/callees are two graphs: none.
const exporter = exportButtons(document.getElementById("views")!.parentElement!, () => {
  const graph = state.view !== "table" && state.view !== "sandwich";
  return {
    svg: graph ? document.querySelector<SVGSVGElement>("#view svg") : null,
    caption: { title: `${isDiff ? "Kashika trace diff" : "Kashika trace"}: ${data.title} · ${viewButtons.filter((v) => v === state.view).text()} · ${unit.label}`, legend: legendItems },
    csv: state.view === "sandwich" ? null : functionsCsv,
    name: `${data.title}-${state.view}`,
  };
});

document.addEventListener("keydown", (event) => {
  if (event.key === "/" && document.activeElement !== searchBox.node()) {
    event.preventDefault();
    searchBox.node()!.focus();
  } else if (event.key === "Escape") {
    if (document.activeElement === searchBox.node() && state.search) {
      act({ type: "search", text: "" });
    } else if (state.zoom.length) {
      act({ type: "zoom", path: state.zoom.slice(0, -1) });
    } else {
      act({ type: "select", name: null });
    }
  }
});

function drawSummary() {
  const root = computed.last.tree;
  const all = main.stacks.reduce((s, x) => s + x.weight, 0);
  const parts = [`${fmt(root.value)} shown${root.value !== all ? ` of ${fmt(all)}` : ""}`,
    `${grouped(main.stacks.length)} stacks`, `unit: ${unit.label}`, data.generator];
  if (diffing()) parts[0] = `${before()}: ${formatWeight(computed.results[0].tree.value, profiles[0].profile.unit)} · ${after()}: ${parts[0]}`;
  select("#summary").text(parts.filter(Boolean).join(" · "));
}

function breadcrumb(node: Drawn, hovering: boolean) {
  const trail: Drawn[] = [];
  for (let n: Drawn | null = node; n; n = n.parent) trail.unshift(n);
  const root = shownTree();
  const items = select("#breadcrumb").selectAll("button").data(trail).join("button").attr("type", "button")
    .text((n) => (n === root ? "all" : n.name))
    .attr("title", (n) => `${percent(n.value, root.value)} of all`)
    .on("click", (_, n) => act({ type: "zoom", path: pathOf(n) }));
  items.classed("hovered", hovering);
  select("#zoom-share").text(node === root ? "" : `${node.name}: ${percent(node.value, root.value)} of all`);
}

function viewWidth() {
  return Math.max(600, Math.min(1600, document.getElementById("view")!.clientWidth || 1200));
}

function drawView() {
  const container = select<HTMLElement, unknown>("#view");
  // The same flame or icicle is updated in place (a zoom moves frames); another view starts afresh.
  const kind = state.view === "icicle" || state.view === "inverted" ? "flame" : state.view;
  if (container.attr("data-view") !== kind || !(kind === "flame")) container.selectAll("*").remove();
  container.attr("data-view", kind);
  const root = shownTree(), zoom = zoomNode();
  const options: FlameOptions = { width: viewWidth(), colour, highlight: highlighter(), on: events };
  if (root.value === 0) {
    container.selectAll("*").remove();
    container.attr("data-view", null).append("p").attr("class", "empty").text("No samples with these filters.");
    return;
  }
  if (state.view === "flame" || state.view === "icicle" || state.view === "inverted") {
    drawFlame(container, root, zoom, { ...options, icicle: state.view !== "flame" });
    // A deep stack makes a tall picture: the flame graph's root is at the bottom, so that is where it opens. After the
    // frame is laid out (reading its height now would lay the page out once more, in the middle of the redraw).
    // The box ends at the window's bottom edge, so the root row is on screen without scrolling the page (at 1366×768
    // a 78vh box reached below the fold). Zoomed, the zoomed frame is at that edge (its parent and grandparent under
    // it), its callees above: the full-width ancestors of a deep zoom filled the box and hid what was zoomed into.
    const box = container.node()!, flame = state.view === "flame", below = Math.max(0, zoom.depth - 2) * ROW;
    requestAnimationFrame(() => {
      if (!box.style.maxHeight) fitViewToWindow();
      box.scrollTop = flame ? box.scrollHeight - box.clientHeight - below : below;
    });
  } else if (state.view === "sunburst") {
    drawSunburst(container, root, zoom, { ...options, size: Math.min(760, options.width) });
  } else if (state.view === "table") {
    drawTable(container);
  } else {
    drawSandwich(container, options);
  }
}

// The functions table's order and length, kept across redraws (the shared table is drawn anew with the samples).
const TABLE_KEYS = ["name", "self", "selfShare", "total", "totalShare", "change"];
const SORT_KEYS: SortKey[] = ["name", "self", "self", "total", "total", "change"];
let tableOrder = { column: 3, descending: true }, tableLimit = 250;

// A profile's function table, made once for the samples shown (sorts and the legend read it again and again).
const functionsOf = (result: Result): FunctionEntry[] => (result.functions ??= functionTable(result.p, result.samples));

// The functions table's rows: every function, with the diff's change of share.
function functionRows(): FunctionRow[] {
  const rows: FunctionRow[] = functionsOf(computed.last).map((r) => ({ ...r, change: 0 }));
  const first = computed.results[0];
  const before = diffing() ? new Map(functionsOf(first).map((r) => [r.name, r.total])) : null;
  const total = computed.last.tree.value, beforeTotal = diffing() ? first.tree.value : 0;
  if (before) {
    // Functions only in BEFORE are rows too (0 after), so what disappeared can be sorted to the top.
    const names = new Set(rows.map((r) => r.name));
    for (const [name] of before) if (!names.has(name)) rows.push({ frame: -1, name, self: 0, total: 0, change: 0 });
  }
  rows.forEach((r) => { r.change = before ? r.total / (total || 1) - (before.get(r.name) || 0) / (beforeTotal || 1) : 0; });
  return rows;
}

function functionsCsv() {
  const scale = unit.scale ?? 1, p = main.profile;
  const headers = ["function", "module", "kind", `self (${unit.label})`, `total (${unit.label})`];
  if (diffing()) headers.push("change of share (points)");
  // In the table's order.
  const by = SORT_KEYS[tableOrder.column], sign = tableOrder.descending ? -1 : 1;
  const sorted = functionRows().sort(by === "name" ? (a, b) => sign * (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : (a, b) => sign * (a[by] - b[by]));
  const rows = sorted.map((r) => {
    const row = [r.name, r.frame >= 0 ? p.modules[p.frameModules[r.frame]] || "" : "", r.frame >= 0 ? p.kindNames[p.frameKinds[r.frame]] : "", r.self * scale, r.total * scale];
    if (diffing()) row.push(Number((100 * r.change).toFixed(4)));
    return row;
  });
  return { headers, rows };
}

function drawTable(container: Container) {
  const rows = functionRows();
  const total = computed.last.tree.value;
  const headers = ["function", `self (${unit.label})`, "self %", `total (${unit.label})`, "total %"];
  if (diffing()) headers.push("Δ share");
  const regex = searchRegex();
  // The unit is in the header; cells hold the numbers.
  const cells = rows.map((r) => {
    const row: Cell[] = [r.name, { text: number(r.self), value: r.self }, { text: percent(r.self, total), value: r.self },
      { text: number(r.total), value: r.total }, { text: percent(r.total, total), value: r.total }];
    if (diffing()) row.push({ text: `${r.change >= 0 ? "+" : ""}${(100 * r.change).toFixed(2)}`, value: r.change });
    return row;
  });
  // The heaviest rows first (in the order chosen): a table of thousands of rows takes the browser long to lay out.
  table(container, headers, cells, "functions", {
    sortable: true, sort: tableOrder, keys: TABLE_KEYS, limit: tableLimit, noun: "functions",
    onSort: (order) => { tableOrder = order; }, onShowAll: () => { tableLimit = Infinity; },
    onRow: (i) => act({ type: "function", name: rows[i].name, view: "sandwich" }),
    rowClass: regex ? { name: "match", test: (i) => regex.test(rows[i].name) } : null,
  });
}

function drawSandwich(container: Container, options: FlameOptions) {
  const name = state.fn || state.selected;
  const frame = name === null ? undefined : computed.last.ids.get(name);
  if (frame === undefined) {
    container.append("p").attr("class", "empty").text("Choose a function: click a frame in a graph, or a row of the functions table.");
    return;
  }
  const { callers, callees } = sandwich(main, computed.last.samples, frame);
  const total = computed.last.tree.value;
  container.append("h3").attr("class", "sandwich-title").text(`${name}: ${fmt(callers.value)} (${percent(callers.value, total)} of all)`);
  const sides = container.append("div").attr("class", "sandwich");
  for (const [title, tree, id] of [["Callers (who calls it, merged)", callers, "callers"], ["Callees (what it calls, merged)", callees, "callees"]] as const) {
    const side = sides.append<HTMLElement>("div").attr("id", id);
    side.append("h4").text(title);
    const root = layout(tree);
    const local: FrameEvents = { hover: (n, e) => tip.show(e, [n.name, `${fmt(n.value)} · ${percent(n.value, tree.value)} of ${name}`]), leave: () => tip.hide(), click: (n) => { if (n.frame >= 0) act({ type: "function", name: n.name }); } };
    drawFlame(side, root, root, { ...options, width: Math.floor(options.width / 2) - 12, icicle: true, on: local });
  }
}

function drawSearch() {
  const regex = searchRegex();
  select("#search").classed("invalid", !!state.search && !regex);
  if (!regex) { select("#matched").text(state.search ? "not a regular expression" : ""); return; }
  const matched = matchedWeight(main, computed.last.samples, regex);
  select("#matched").text(`matched ${fmt(matched)} · ${percent(matched, computed.last.tree.value)} of shown`);
}

// The frame kinds the profile has, in the order of its kind names (once: a profile's frames do not change).
const kindsUsed = (() => {
  const p = main.profile, used = new Set<number>();
  for (const f of p.nodeFrames) if (f >= 0) used.add(p.frameKinds[f]);
  return p.kindNames.filter((_, k) => used.has(k));
})();
let legendItems: [label: string, colour: string][] = []; // [label, colour] as the legend shows them, for a saved picture too
function drawLegend() {
  const legend = select("#legend");
  let items: [label: string, colour: string][];
  if (diffing()) {
    items = [["grew", "#d6604d"], ["shrank", "#4393c3"], ["no change", "#f7f7f7"]];
  } else if (state.colour === "kind") {
    const kinds = kindsUsed.filter((k) => KIND_COLOURS[k]);
    items = kinds.map((k) => [k, `hsl(${KIND_COLOURS[k][0]}, ${KIND_COLOURS[k][1]}%, 60%)`]);
  } else {
    const weights = new Map<string, number>();
    for (const r of functionsOf(computed.last)) {
      const m = main.profile.modules[main.profile.frameModules[r.frame]] || "?";
      weights.set(m, (weights.get(m) || 0) + r.self);
    }
    items = [...weights.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([m]) => [m, colourOf(m)]);
  }
  legendItems = items;
  const entries = legend.selectAll("span.entry").data(items).join("span").attr("class", "entry");
  entries.selectAll("i").data((d) => [d]).join("i").style("background", (d) => d[1]);
  entries.selectAll("b").data((d) => [d]).join("b").text((d) => d[0]);
}

function drawChips() {
  const chips = select("#chips").selectAll("span.chip").data(state.transforms).join("span").attr("class", "chip");
  chips.selectAll("b").data((t) => [t]).join("b").text((t) => `${{ focus: "focus on", merge: "merge into caller:", drop: "drop", recursion: "collapse recursion of" }[t.type]} ${t.name}`);
  chips.selectAll("button").data((_, i) => [i]).join("button").attr("type", "button").attr("aria-label", "remove").text("×")
    .on("click", (_, i) => act({ type: "untransform", index: i }));
  select("#undo").property("disabled", state.transforms.length === 0);
}

function drawPanel() {
  const panel = select("#panel");
  const node = zoomNode();
  const shown = state.selected && node.parent && node.name === state.selected;
  panel.style("display", () => (shown ? null : "none"));
  if (!shown) return;
  panel.selectAll("*").remove();
  const lines = describe(node);
  panel.append("h2").text(lines[0]);
  panel.selectAll("p.line").data(lines.slice(1)).join("p").attr("class", "line").text((d) => d);
  const actions = panel.append("div").attr("class", "actions");
  if (node.frame < 0) {
    // A process (or a thread, split): leaving it out is a thread filter, listed and undone in the thread list.
    const keys = main.threads.filter((t) => levelOf(t, { split: state.split, byName: isDiff })?.key === node.key).map(filterKey);
    actions.append("button").attr("type", "button").attr("data-action", "hide").text(state.split ? "Hide this thread" : "Hide this process")
      .on("click", () => act({ type: "threads", keys, shown: false }));
    return;
  }
  for (const [type, text] of [["focus", "Focus on it"], ["merge", "Merge into caller"], ["drop", "Drop its stacks"], ["recursion", "Collapse recursion"]] as const) {
    actions.append("button").attr("type", "button").attr("data-transform", type).text(text)
      .on("click", () => act({ type: "transform", transform: { type, name: node.name } }));
  }
  actions.append("button").attr("type", "button").attr("data-action", "sandwich").text("Callers / callees")
    .on("click", () => act({ type: "function", name: node.name, view: "sandwich" }));
}

let threadWeightsIn: { range: string | undefined; weights: Float64Array } | undefined; // the last range's
function drawThreads() {
  // One row per thread (per process name in a diff), grouped by process, heaviest process first.
  const totals = new Map<string, number>(), label = new Map<string, string>(), processOf = new Map<string, string>();
  // Each thread's weight (in the range shown), summed per thread first: a few thousand threads, not 170,000 stacks, go
  // through the maps.
  threadWeightsIn ??= { range: undefined, weights: new Float64Array(0) };
  if (threadWeightsIn.range !== JSON.stringify(state.range)) threadWeightsIn = { range: JSON.stringify(state.range), weights: threadWeights(main, state.range) };
  threadWeightsIn.weights.forEach((weight, thread) => {
    if (weight === 0) return;
    const t = main.threads[thread], key = filterKey(t);
    totals.set(key, (totals.get(key) || 0) + weight);
    const level = isDiff ? t.processByName : t.process;
    label.set(key, isDiff ? (level ? level.name : "(no thread)") : t.label || "(no thread)");
    processOf.set(key, level ? level.key : "");
  });
  const process = (key: string) => processOf.get(key)!;
  const byProcess = new Map<string, number>();
  for (const [key, w] of totals) byProcess.set(process(key), (byProcess.get(process(key)) || 0) + w);
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  const rows = [...totals.keys()].sort((a, b) => byProcess.get(process(b))! - byProcess.get(process(a))! || process(a).localeCompare(process(b)) || totals.get(b)! - totals.get(a)!);
  const list = select("#threads").selectAll<HTMLLabelElement, string>("label").data(rows, (k) => k).join((enter) => {
    const l = enter.append("label").attr("class", "thread");
    l.append("input").attr("type", "checkbox");
    l.append("span").attr("class", "name");
    l.append("span").attr("class", "share");
    return l;
  });
  list.order();
  // What has changed only (a thousand threads: writing every row again made each change lay the list out again).
  list.each(function (k) {
    const [input, name, share] = this.children as unknown as [HTMLInputElement, HTMLElement, HTMLElement];
    if (this.dataset.thread !== k) this.dataset.thread = k;
    input.checked = !state.hidden.has(k);
    const text = label.get(k)!, part = percent(totals.get(k)!, all);
    if (name.textContent !== text) name.textContent = text;
    if (share.textContent !== part) share.textContent = part;
  });
  list.select("input").on("change", (event: Event, k) => act({ type: "thread", key: k, shown: (event.target as HTMLInputElement).checked }));
  select("#threads-note").text(isDiff ? "by process name (thread ids differ between runs)" : "thread name pid/tid, grouped by process (pid)");
  select("#all-threads").on("click", () => act({ type: "allThreads" }));
}

function drawTime() {
  const time = main.profile.time;
  select("#time-section").style("display", () => (time ? null : "none"));
  if (!time) return;
  const seconds = (r: Range) => `${(r[0] / time.slicesPerSecond).toFixed(2)} s – ${(r[1] / time.slicesPerSecond).toFixed(2)} s`;
  select("#range").text(state.compare
    ? (state.range ? `comparing range B (${seconds(state.range)}) against range A (${seconds(state.compare)}): red grew, blue shrank`
      : `range A: ${seconds(state.compare)}; drag range B across the map to compare it against A`)
    : state.range ? `showing ${seconds(state.range)} from the start`
      : `${time.seconds} s; drag across the map to show a time range`);
  select("#clear-range").style("display", () => (state.range || state.compare ? null : "none"));
  select("#compare-range").style("display", () => (!isDiff && state.range && !state.compare ? null : "none"));
  // The map follows the thread filter and transforms (not the range it chooses): it shows when what is shown ran.
  const cells = computed.cells!; // made for every profile with time slices
  select("#heat-scale").text(`colour: ${unit.label} per 1/${time.slicesPerSecond} s (square-root scale; darkest ${fmt(Math.max(0, ...cells.weights))})`);
  drawHeatmap(select<HTMLElement, unknown>("#heatmap"), time, cells, {
    selected: state.range, compare: state.compare, format: fmt, onSelect: (range) => act({ type: "range", range }),
    hover: (event, lines) => tip.show(event, lines), leave: () => tip.hide(),
  });
}

function drawGone() {
  select("#gone-section").style("display", () => (diffing() ? null : "none"));
  if (!diffing()) return;
  const b = before().toUpperCase();
  select("#gone-section h2").text(`Only in ${b}`);
  const rows = computed.gone.slice(0, 30);
  select("#gone").selectAll("li").data(rows).join("li").text((g) => `${g.path.join(" → ")}: ${percent(g.share, 1)} of ${b}`);
  const more = computed.gone.length - rows.length;
  select("#gone-count").text(computed.gone.length
    ? `${computed.gone.length} paths only in ${b} (gone), heaviest first${more > 0 ? ` (the ${rows.length} heaviest shown; the Functions table has every function of both)` : ""}`
    : "none");
}

// What was dropped, skipped or assumed reading the input: at the top, before any figure is read.
if (data.warnings.length > 0) {
  select("#warnings").append("ul").selectAll("li").data(data.warnings).join("li").text((w) => w);
} else {
  select("#warnings").remove();
}
// Inlined frames: perf report --no-children puts their self time on the function they were inlined into.
if (!main.profile.frameKinds.some((k) => main.profile.kindNames[k] === "inlined")) select("#inlined-note").remove();
// Stacks without threads or labels (folded stacks, a Go profile): no thread list, nothing to split.
if (profiles.every((p) => p.threads.every((t) => !t.comm && !t.tid && !t.labels))) {
  select(select<HTMLElement, unknown>("#threads").node()!.closest("section")).remove();
  select(select<HTMLElement, unknown>("#split").node()!.closest("label")).remove();
}

// Each part of the page redraws for the parts of the state it shows, in this order: the trees first when the samples
// change, the details panel before the graph (the graph takes the width the panel leaves).
store.subscribe(["data", "view", "zoom", "search", "colour", "function", "selected"], (s, changed) => {
  state = s;
  if (changed.has("data")) computed = compute();
  writeState(toParameters(s));
});
store.subscribe(["view"], () => viewButtons.classed("active", (v) => v === state.view).attr("aria-pressed", (v) => v === state.view));
store.subscribe(["data"], drawSummary);
store.subscribe(["data", "view", "zoom"], () => breadcrumb(zoomNode(), false));
store.subscribe(["data", "view", "zoom", "selected"], drawPanel);
store.subscribe(["data", "view", "zoom", "search", "colour", "function"], drawView);
store.subscribe(["data", "search"], drawSearch);
store.subscribe(["data", "colour"], drawLegend);
store.subscribe(["data"], () => { drawChips(); drawThreads(); drawTime(); drawGone(); });
store.subscribe(["data", "view"], () => exporter.update());
// The controls that show the state (a link, Back or Escape changes it without them).
store.subscribe(["data", "search", "colour"], () => {
  if (searchBox.property("value") !== state.search) searchBox.property("value", state.search);
  select("#colour").property("value", state.colour);
  select("#split").property("checked", state.split);
});
act({ type: "url", state });
document.body.dataset.ready = String(Math.round(performance.now()));
// The per-slice index of thread weights, made while the page waits for its first range rather than on it.
if (main.profile.time) setTimeout(() => threadWeights(main, [0, 1]), 0);
window.addEventListener("resize", () => { fitViewToWindow(); drawView(); });

// The graph's box ends at the window's bottom edge (measured once, and again when the window changes: measuring at each
// redraw laid the page out twice).
function fitViewToWindow() {
  const box = document.getElementById("view")!;
  box.style.maxHeight = "";
  box.style.maxHeight = `${Math.max(320, window.innerHeight - (box.getBoundingClientRect().top + window.scrollY) - 12)}px`;
}
