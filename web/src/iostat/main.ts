// kashika iostat --format html: a recording as a grid of charts per device and one for the CPU, with one time axis,
// one hover line, brush zoom, keyboard reach and a summary table of the selected range.
import { axisBottom, brushX, scaleLinear, scaleUtc, schemeTableau10, select, utcFormat } from "d3";
import type { D3BrushEvent, ScaleTime } from "d3";
import { count, grouped } from "../common/format.js";
import { createStore } from "../common/store.js";
import { readData, table, tooltip } from "../common/ui.js";
import type { Cell } from "../common/ui.js";
import { readState, writeState } from "../common/urlstate.js";
import {
  CPU_CHART, DEVICE_CHARTS, bisect, dateAndClock, defaultDevices, discardsThatFlatten, minMaxIndices,
  parentDisk, resolveColumn, scaledUnit, summarize, wallClock, weightsOf, zoneLabel,
} from "./model.js";
import type { ChartSpec, Values } from "./model.js";
import { drawChart, linePath } from "./chart.js";
import type { ChartEntry, ChartPage, Series } from "./chart.js";
import type { DeviceColumns, IoStatChartDocument } from "./data.js";
import { fromParameters, reduce, toParameters } from "./state.js";
import type { Action, Context, IoStatState, Part } from "./state.js";

performance.mark("kashika:script");
const data = readData<IoStatChartDocument>();
performance.mark("kashika:data");
const times = wallClock(data.timeSteps, data.offsets);
const n = times.length;
// Each interval's length in milliseconds (the first one's taken as the next one's): summaries weigh by it.
const steps = Float64Array.from(data.timeSteps, (t, i) => (i > 0 ? t : data.timeSteps[1] ?? 1000));
const help = new Map(data.columns.map((c) => [c.name, c]));
const zone = `${data.timeZone} (${zoneLabel(data.offsets[0]?.minutes ?? 0)}${data.offsets.length > 1 ? ", changes during the recording" : ""})`;
const tip = tooltip();
const deviceOf = new Map(data.devices.map((d) => [d.name, d]));

// Devices: disks with their partitions under them, then groups.
const disks = data.devices.filter((d) => d.kind === "disk").map((d) => d.name);
const ordered: { device: DeviceColumns; depth: number }[] = [];
for (const d of data.devices.filter((x) => x.kind === "disk")) {
  ordered.push({ device: d, depth: 0 });
  for (const p of data.devices.filter((x) => x.kind === "partition" && parentDisk(x.name, disks) === d.name)) ordered.push({ device: p, depth: 1 });
}
for (const d of data.devices.filter((x) => !ordered.some((o) => o.device === x))) ordered.push({ device: d, depth: 0 });

// The page's state, all of it in the URL fragment (state.ts). Unless the link says otherwise, %idle (the rest of the
// CPU chart) and discards that would flatten reads and writes (a weekly fstrim moves hundreds of GB in a second) start
// hidden.
const context: Context = {
  deviceNames: ordered.map((o) => o.device.name), times, defaultDevices: defaultDevices(data.devices),
  defaultHidden: ["cpu:%idle", ...discardsThatFlatten(data.devices, n)],
};
const store = createStore<IoStatState, Action, Part>(fromParameters(readState(), context), (s, a) => reduce(s, a, context));
const state = () => store.get();
let cursor: number | null = null; // the sample under the hover line, or null
const charts: ChartEntry[] = [];

select("#title").text(`iostat of ${data.host || "a machine"}: ${count(data.devices.length, "device")}, ${count(n, "interval")}`);
select("#overview .note").text(`%util of the devices shown, over the whole recording (times in ${zoneLabel(data.offsets[0]?.minutes ?? 0)}): drag here to choose a time range.`);
select("#subtitle").text(`${span(0, n)}, times in ${zone}`
  + `${data.kernel ? ` · Linux ${data.kernel}` : ""} · ${data.generator}`);

const picker = select("#devices").selectAll("label").data(ordered).join("label").attr("class", (o) => `device depth${o.depth}`);
const ticks = picker.append("input").attr("type", "checkbox").attr("value", (o) => o.device.name)
  .on("change", () => store.dispatch({ type: "devices", devices: ticks.filter(function () { return this.checked; }).data().map((o) => o.device.name) }));
picker.append("span").text((o) => o.device.name);
picker.append("span").attr("class", "kind").text((o) => (o.device.kind === "disk" ? "" : ` ${o.device.kind}`));

// Finding a column by any name, old ones included.
select("#column-names").selectAll("option").data(data.columns).join("option").attr("value", (c) => c.name);
const found = select("#found");
function find(query: string) {
  const hit = resolveColumn(query, data.columns.map((c) => c.name));
  found.selectAll("*").remove();
  if (!hit) {
    found.append("p").text(query ? `No iostat column "${query}".` : "");
    return;
  }
  const text = help.get(hit.name)?.text ?? "";
  found.append("p").text(hit.old ? `${hit.name} is an older sysstat's name; the page shows ${hit.current}.`
    : hit.other ? `${hit.name} is a column of another iostat report; the page shows ${hit.current} and its kin.` : `${hit.name}: ${help.get(hit.name)?.unit ?? ""}`);
  found.append("pre").text(text);
  // The chart, with its caption open at the column's explanation (the answer at the top is out of view then).
  const target = select<HTMLElement, unknown>(`figure[data-chart="${CSS.escape(hit.chart ?? "")}"]`);
  if (!target.empty()) {
    target.select("details").property("open", true);
    target.node()!.scrollIntoView({ block: "start" });
    target.classed("found", true);
    setTimeout(() => target.classed("found", false), 2000);
  }
  store.dispatch({ type: "find", column: hit.name });
}
select("#find").on("change", (event: Event) => find((event.target as HTMLInputElement).value))
  .on("keydown", (event: KeyboardEvent) => { if (event.key === "Enter") find((event.target as HTMLInputElement).value); });

select("#reset").on("click", () => zoom(0, n));
// Escape shows the whole recording wherever the focus is (after a mouse zoom it is on the page, not a chart). A chart
// handles its own Escape, a text field and a list keep theirs.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || (event.target instanceof Element && event.target.closest("input, select, textarea, svg"))) return;
  tip.hide();
  zoom(0, n);
});

// The overview: every selected device's %util over the whole recording, with a brush for the range.
const overview = (() => {
  const root = select("#overview");
  const svg = root.append("svg").attr("class", "overview").attr("aria-label", "The whole recording: drag to choose a time range");
  const plot = svg.append("g");
  const axis = svg.append("g").attr("class", "axis");
  const brushG = svg.append("g").attr("class", "brush");
  let x: ScaleTime<number, number> = scaleUtc();
  let moving = false;
  const brush = brushX<unknown>().on("end", (event: D3BrushEvent<unknown>) => {
    if (moving || !event.sourceEvent) return;
    if (!event.selection) { api.show(); return; } // a stray click keeps the range: reset is a button, Escape or a double-click
    const [a, b] = (event.selection as [number, number]).map((p) => x.invert(p).getTime());
    zoom(bisect(times, a), Math.max(bisect(times, b), bisect(times, a) + 2));
  });
  const api = {
    draw() {
      const width = (root.node() as HTMLElement).clientWidth || 800, height = 64, m = { left: 56, right: 28, top: 4, bottom: 18 };
      svg.attr("width", width).attr("height", height).attr("viewBox", `0 0 ${width} ${height}`);
      x = scaleUtc().domain([times[0], times[n - 1]]).range([m.left, width - m.right]);
      const y = scaleLinear().domain([0, 100]).range([height - m.bottom, m.top]).clamp(true);
      const shown = data.devices.filter((d) => state().devices.includes(d.name));
      const buckets = Math.max(1, Math.floor(width - m.left - m.right));
      plot.selectAll<SVGPathElement, DeviceColumns>("path").data(shown, (d) => d.name).join("path").attr("class", "series").attr("stroke", "#8aa4d6")
        .attr("d", (d) => linePath(d.values["%util"], minMaxIndices(d.values["%util"], 0, n, buckets), times, x, y));
      axis.attr("transform", `translate(0,${height - m.bottom})`)
        .call(axisBottom<Date>(x).ticks(Math.max(2, width / 120)).tickFormat(utcFormat("%H:%M:%S")));
      brush.extent([[m.left, m.top], [width - m.right, height - m.bottom]]);
      brushG.call(brush);
      this.show();
    },
    show() {
      const range = state().range;
      moving = true;
      brushG.call(brush.move, range[0] === 0 && range[1] === n ? null : [x(times[range[0]]), x(times[range[1] - 1])]);
      moving = false;
    },
  };
  return api;
})();


// Draws the charts that come near the window as the page scrolls.
const nearWindow = new IntersectionObserver((entries) => {
  for (const e of entries) {
    const c = charts.find((x) => x.figure === e.target);
    if (e.isIntersecting && c && !c.isDrawn()) c.draw(true);
  }
}, { rootMargin: "800px 0px" });

// The charts not drawn yet, drawn a few at a time when the browser is idle, so the page is whole soon after it is
// ready (printing, a full-page screenshot) without making the first view wait for them.
let idleDrawing: ReturnType<typeof setTimeout> | null = null;
function drawTheRest() {
  if (idleDrawing !== null) return;
  const next = () => {
    const waiting = charts.filter((c) => !c.isDrawn());
    waiting.slice(0, 4).forEach((c) => c.draw(true));
    idleDrawing = waiting.length > 4 ? setTimeout(next, 30) : null;
  };
  idleDrawing = setTimeout(next, 100);
}
window.addEventListener("beforeprint", () => { for (const c of charts) if (!c.isDrawn()) c.draw(true); });

// Every chart near the window drawn: positions read first, all at once, so drawing one chart does not make the browser
// lay the page out again before the next.
function drawCharts() {
  const near = charts.map((c) => {
    const box = c.figure.getBoundingClientRect();
    return box.top < window.innerHeight + 800 && box.bottom > -800;
  });
  charts.forEach((c, i) => c.draw(near[i]));
  drawTheRest();
}

function setCursor(i: number | null) {
  cursor = i;
  for (const c of charts) c.showCursor();
}

const zoom = (i0: number, i1: number) => store.dispatch({ type: "range", range: [i0, i1] });
function zoomAround(i: number, factor: number) {
  const [i0, i1] = state().range;
  const half = Math.max(2, Math.round(((i1 - i0) * factor) / 2));
  const a = Math.max(0, i - half), b = Math.min(n, i + half);
  zoom(a, Math.max(b, Math.min(n, a + 2)));
}

// What a chart reads of the page and asks of it.
const chartPage: ChartPage = {
  times, help, tip, range: () => state().range, hidden: () => state().hidden, cursor: () => cursor,
  toggle: (key) => store.dispatch({ type: "toggle", key }), zoom, zoomAround, setCursor,
};
function chart(parent: Parameters<typeof drawChart>[0], spec: ChartSpec, series: Series[], name: string) {
  const entry = drawChart(parent, spec, series, name, chartPage);
  charts.push(entry);
  nearWindow.observe(entry.figure);
  return entry;
}

const save = () => writeState(toParameters(state(), context));

// "2026-11-26 09:40:01 – 10:12:00", with the end's date too when the range crosses midnight.
function span(i0: number, i1: number) {
  const a = dateAndClock(times[i0]), b = dateAndClock(times[i1 - 1]);
  return `${a} – ${a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b}`;
}

function drawRange() {
  const [i0, i1] = state().range;
  select("#range").text(`${span(i0, i1)}: ${grouped(i1 - i0)} of ${count(n, "sample")}`);
  select("#reset").property("disabled", i0 === 0 && i1 === n);
}

// The CPU chart, then a section of charts per selected device.
charts.length = 0;
const cpuChart = chart(select("#cpu"), CPU_CHART, CPU_CHART.columns.map((c, k) => ({ column: c, label: CPU_CHART.labels[k], values: data.cpu[c] as Values })), "CPU");
// The columns compared across devices, and a colour a device (in the order they are shown).
const COMPARED = ["rkB/s", "wkB/s", "r/s", "w/s", "r_await", "w_await", "rareq-sz", "wareq-sz", "aqu-sz", "%util"];
const deviceColour = (k: number) => schemeTableau10[k % 10];
select("#layout").on("change", (event: Event) => store.dispatch({ type: "layout", layout: (event.target as HTMLSelectElement).value === "compare" ? "compare" : "device" }));

function drawDevices() {
  const { devices: selected, layout } = state();
  charts.length = 0;
  charts.push(cpuChart);
  ticks.property("checked", (o) => selected.includes(o.device.name));
  select("#layout").property("value", layout);
  const root = select("#device-charts");
  root.selectAll("*").remove();
  if (selected.length === 0) root.append("p").attr("class", "note").text("No device selected: tick one above.");
  if (layout === "compare") {
    // One chart a column, a line a device: the devices side by side.
    const section = root.append("section").attr("class", "device compare");
    section.append("h2").text(`${selected.join(", ")} side by side`);
    const grid = section.append("div").attr("class", "grid");
    const devices = selected.map((name) => deviceOf.get(name)!);
    for (const column of COMPARED) {
      const spec = DEVICE_CHARTS.find((c) => c.columns.includes(column))!;
      const one: ChartSpec = { id: `compare-${column}`, title: column, columns: [column], labels: [column], unit: spec.unit, max: spec.max };
      chart(grid, one, devices.map((d, k) => ({ id: d.name, name: d.name, column, colour: deviceColour(k), values: d.values[column] })), "every device");
    }
  }
  for (const name of layout === "compare" ? [] : selected) {
    const device = deviceOf.get(name)!;
    const section = root.append("section").attr("class", "device").attr("data-device", name);
    section.append("h2").text(`${name}${device.kind === "disk" ? "" : ` (${device.kind})`}`);
    const grid = section.append("div").attr("class", "grid");
    for (const spec of DEVICE_CHARTS) {
      chart(grid, spec, spec.columns.map((c, k) => ({ column: c, label: spec.labels[k], values: device.values[c] })), name);
    }
  }
  drawCharts();
  overview.draw();
  drawSummary();
}

// min, mean, p95 and max of every column of the selected devices (and the CPU) over the range.
function drawSummary() {
  const [i0, i1] = state().range;
  const root = select("#summary-table");
  root.selectAll("*").remove();
  select("#summary-range").text(`${span(i0, i1)} (${count(i1 - i0, "sample")})`);
  const rows: Cell[][] = [];
  const unitOf = (column: string) => [...DEVICE_CHARTS, CPU_CHART].find((c) => c.columns.includes(column))?.unit
    ?? (column.startsWith("%") ? "%" : help.get(column)?.unit ?? "");
  // One unit a row, in its own column, so the numbers read (and sort) as numbers.
  const add = (name: string, column: string, values: Values, weights: Float64Array | null) => {
    const s = summarize(values, i0, i1, steps, weights);
    const { divisor, label } = scaledUnit(unitOf(column), s ? s.max : 0);
    const cell = (v: number) => ({ text: grouped(v / divisor, 0, 2), value: v / divisor });
    rows.push(s ? [name, column, label, cell(s.min), cell(s.mean), cell(s.p95), cell(s.max)] : [name, column, label, "–", "–", "–", "–"]);
  };
  for (const c of CPU_CHART.columns) add("CPU", c, data.cpu[c], null);
  for (const name of state().devices) {
    const device = deviceOf.get(name)!;
    for (const column of Object.keys(device.values)) add(name, column, device.values[column], weightsOf(column, device, n));
  }
  table(root, ["device", "column", "unit", "min", "mean", "p95", "max"], rows, "summary", { sortable: true });
}

// Back and Forward go through the ranges zoomed into.
window.addEventListener("popstate", () => {
  const s = readState();
  const i0 = s.from ? bisect(times, Number(s.from)) : 0, i1 = s.to ? bisect(times, Number(s.to) + 1) : n;
  store.dispatch({ type: "range", range: [i0, i1 - i0 >= 2 ? i1 : n], fromHistory: true });
});

// --- the views of the state -----------------------------------------------------------------------------------------
store.subscribe(["devices"], () => drawDevices());
store.subscribe(["range"], (_, changed, action) => {
  // Each zoom is a step browser Back undoes: the URL before it is kept as an entry of its own.
  if (action.type === "range" && !action.fromHistory) window.history.pushState(null, "", window.location.href);
  if (!changed.has("devices")) { drawCharts(); overview.show(); drawSummary(); }
  drawRange();
});
store.subscribe(["series"], (_, changed) => { if (!changed.has("devices")) drawCharts(); });
store.subscribe(["devices", "range", "series", "column"], () => save());

new ResizeObserver(() => requestAnimationFrame(() => { drawCharts(); overview.draw(); })).observe(select("#device-charts").node() as HTMLElement);
drawDevices();
drawRange();
save();
const column = state().column;
if (column) { select("#find").property("value", column); find(column); }
document.body.dataset.ready = String(Math.round(performance.now()));
