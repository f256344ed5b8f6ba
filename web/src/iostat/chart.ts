// One iostat chart (a figure: title, legend with the values at the hover line, plot, the columns' --explain text), and
// the line path of a series. Drawing only: what the range, cursor and hidden series are, and what a click, brush or key
// means, come from the page (ChartPage).
import { axisBottom, axisLeft, brushX, scaleLinear, scaleUtc, utcFormat } from "d3";
import type { D3BrushEvent, ScaleLinear, ScaleTime } from "d3";
import { grouped } from "../common/format.js";
import { exportButtons } from "../common/download.js";
import type { Parent, Tooltip } from "../common/ui.js";
import { allZero, bisect, clock, formatValue, minMaxIndices, nearest, peak, scaledUnit } from "./model.js";
import type { ChartSpec, Values } from "./model.js";
import type { ColumnHelp } from "./data.js";
import type { Range } from "./state.js";

// Colours of series by their label (a device's read, write…) or CPU column.
const COLOURS: Record<string, string> = {
  read: "#3b6fd4", write: "#e8793a", discard: "#8e6cc4", flush: "#3a9d5d", "aqu-sz": "#3b6fd4", "%util": "#3b6fd4",
  "%user": "#3b6fd4", "%nice": "#7fb0e8", "%system": "#e8793a", "%iowait": "#d64545", "%steal": "#8e6cc4", "%idle": "#9aa3b2",
};

/** A line of a chart: a column of one device (label: read, write…), or when comparing devices, one device's column
 * (id and name: the device; its colour given). */
export interface Series {
  column: string;
  values: Values;
  label?: string;
  id?: string;
  name?: string;
  colour?: string;
}

/** What a chart needs of the page. */
export interface ChartPage {
  times: Float64Array;
  help: ReadonlyMap<string, ColumnHelp>;
  tip: Tooltip;
  range(): Range;
  hidden(): ReadonlySet<string>;
  cursor(): number | null;
  toggle(key: string): void;
  zoom(i0: number, i1: number): void;
  zoomAround(i: number, factor: number): void;
  setCursor(i: number | null): void;
}

export interface ChartEntry {
  /** Draws the chart if `near` the window, else marks it to be drawn when it comes near. */
  draw(near: boolean): void;
  showCursor(): void;
  figure: HTMLElement;
  isDrawn(): boolean;
}

/** A series' line through the samples `indices` (a gap where a value is missing); null when nothing is drawn. */
export function linePath(values: Values, indices: readonly number[], times: ArrayLike<number>, x: (t: number) => number, y: (v: number) => number): string | null {
  let d = "", pen = false;
  for (const i of indices) {
    const v = values[i];
    if (v === null || v === undefined) { pen = false; continue; }
    d += `${pen ? "L" : "M"}${x(times[i]).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  }
  return d || null;
}

// One chart of `series` named `name` (a device, "CPU", "every device"), appended to `parent`.
export function drawChart(parent: Parent, spec: ChartSpec, series: Series[], name: string, page: ChartPage): ChartEntry {
  const { times, help, tip } = page;
  const n = times.length;
  const figure = parent.append("figure").attr("class", "chart").attr("data-chart", spec.id).attr("data-device", name);
  const head = figure.append("div").attr("class", "chart-head");
  head.append("span").attr("class", "chart-title").text(spec.title);
  const unitNote = head.append("span").attr("class", "unit");
  const key = (s: Series) => `${spec.id}:${s.id ?? s.column}`;
  const colourOf = (s: Series) => s.colour ?? COLOURS[s.label ?? s.column] ?? "#3b6fd4";
  // This chart as SVG or PNG (with its title and legend), its values over the range shown as CSV.
  const exporter = exportButtons(head.node() as HTMLElement, () => {
    const [i0, i1] = page.range();
    const hidden = page.hidden();
    const shown = series.filter((s, k) => !zero[k] && !hidden.has(key(s)));
    const csv = () => {
      const rows: (string | number)[][] = [];
      for (let i = i0; i < i1; i++) rows.push([new Date(times[i]).toISOString(), ...series.map((s) => s.values[i] ?? "")]);
      return { headers: ["time", ...series.map((s) => (s.name ? `${s.name} ${s.column}` : s.column))], rows };
    };
    return {
      svg: onScreen ? svg.node() : null,
      caption: { title: `${name} · ${spec.title}${unit ? ` (${unit.label})` : ""}`, legend: shown.map((s): [string, string] => [s.name ?? s.column, colourOf(s)]) },
      csv,
      name: `${name}-${spec.id}`,
    };
  });
  const legend = figure.append("div").attr("class", "legend");
  const items = legend.selectAll<HTMLSpanElement, Series>("span.item").data(series).join("span").attr("class", "item")
    .attr("data-column", (s) => s.column).attr("data-series", (s) => s.id ?? s.column)
    .attr("role", "button").attr("tabindex", (_, k) => (k === 0 ? 0 : -1)).attr("title", "Click to hide or show this series")
    .on("click", (_, s) => page.toggle(key(s)))
    .on("keydown", function (event: KeyboardEvent, s) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); page.toggle(key(s)); }
      // One Tab stop a legend: the arrow keys move along it.
      const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (step) {
        event.preventDefault();
        const all = items.nodes(), at = all.indexOf(this), to = all[(at + step + all.length) % all.length];
        all.forEach((node) => node.setAttribute("tabindex", node === to ? "0" : "-1"));
        to.focus();
      }
    });
  items.append("span").attr("class", "swatch").style("background", colourOf);
  items.append("span").attr("class", "label").text((s) => s.name ?? s.column);
  const readout = items.append("span").attr("class", "value");
  // Sized before it is drawn, so charts drawn later as the page scrolls do not move the page.
  const svg = figure.append("svg").attr("viewBox", "0 0 400 170").attr("tabindex", 0).attr("role", "img")
    .attr("aria-label", `${spec.title} of ${name}: ${spec.columns.join(", ")}. Arrow keys move the cursor, + and - zoom, Escape shows everything.`);
  const grid = svg.append("g").attr("class", "grid");
  const plot = svg.append("g");
  const xAxis = svg.append("g").attr("class", "axis");
  const yAxis = svg.append("g").attr("class", "axis");
  const note = svg.append("text").attr("class", "empty");
  const rule = svg.append("line").attr("class", "rule").style("display", "none");
  const brushG = svg.append("g").attr("class", "brush");
  const caption = figure.append("figcaption").append("details");
  caption.append("summary").text(`What ${spec.columns.length === 1 ? "this column measures" : "these columns measure"} (kashika iostat --explain)`);
  caption.selectAll("pre").data(spec.columns.filter((c) => help.has(c))).join("pre").attr("class", "explain").attr("data-column", (c) => c)
    .text((c) => help.get(c)!.text);

  const height = 170, m = { left: 56, right: 28, top: 10, bottom: 22 };
  let x: ScaleTime<number, number> = scaleUtc();
  let y: ScaleLinear<number, number> = scaleLinear();
  let unit: { divisor: number; label: string } | null = null;
  const brush = brushX<unknown>().on("end", (event: D3BrushEvent<unknown>) => {
    if (!event.sourceEvent || !event.selection) return;
    const [a, b] = (event.selection as [number, number]).map((p) => x.invert(p).getTime());
    brushG.call(brush.move, null);
    const i0 = bisect(times, a), i1 = bisect(times, b);
    if (i1 - i0 >= 2) page.zoom(i0, i1);
  });
  brushG.on("pointermove", (event: PointerEvent) => {
    const [px] = pointerIn(event);
    page.setCursor(nearest(times, x.invert(px).getTime()));
  }).on("pointerleave", () => { page.setCursor(null); tip.hide(); })
    .on("dblclick", () => page.zoom(0, n));

  function pointerIn(event: PointerEvent) {
    const box = svg.node()!.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }

  // A chart far below the window is drawn when it comes near (29 charts of a day each cost a few ms).
  let onScreen = false;
  let zero: boolean[] = [], peaks: number[] = [];
  function draw(near: boolean) {
    if (!near) {
      onScreen = false;
      return;
    }
    onScreen = true;
    const width = Math.max(240, (figure.node() as HTMLElement).clientWidth || 320);
    const [i0, i1] = page.range();
    const hidden = page.hidden();
    svg.attr("width", width).attr("height", height).attr("viewBox", `0 0 ${width} ${height}`);
    x = scaleUtc().domain([times[i0], times[Math.max(i0, i1 - 1)]]).range([m.left, width - m.right]);
    // Each series' zero flag and peak over the range, once a draw: a cursor move only reads them.
    zero = series.map((s) => allZero(s.values, i0, i1));
    peaks = series.map((s) => peak(s.values, i0, i1));
    const shown = series.map((s, k) => !zero[k] && !hidden.has(key(s)));
    const top = Math.max(0, ...peaks.filter((_, k) => shown[k]));
    const u = scaledUnit(spec.unit, top);
    unit = u;
    // The peak is inside the axis: the domain ends on a round tick at or above it.
    y = scaleLinear().domain([0, Math.max(spec.max ?? 0, top / u.divisor) || 1]).nice(4).range([height - m.bottom, m.top]);
    const yv = (v: number) => y(v / u.divisor);
    unitNote.text(u.label);
    xAxis.attr("transform", `translate(0,${height - m.bottom})`)
      .call(axisBottom<Date>(x).ticks(Math.max(2, Math.floor(width / 110))).tickFormat(utcFormat("%H:%M:%S")));
    // Ticks with the decimals their step needs (a queue of 0.5 steps read "2, 2, 1, 1, 0" with none).
    const ticks = y.ticks(4), step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
    const decimals = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
    yAxis.attr("transform", `translate(${m.left},0)`).call(axisLeft(y).ticks(4).tickFormat((v) => grouped(+v, decimals, decimals)));
    grid.selectAll("line").data(y.ticks(4)).join("line").attr("x1", m.left).attr("x2", width - m.right).attr("y1", (t) => y(t)).attr("y2", (t) => y(t));
    const buckets = Math.max(1, Math.floor(width - m.left - m.right));
    const drawn = series.filter((_, k) => shown[k]);
    plot.selectAll<SVGPathElement, Series>("path").data(drawn, (s) => s.id ?? s.column).join("path").attr("class", "series")
      .attr("data-column", (s) => s.column).attr("data-series", (s) => s.id ?? s.column)
      .attr("stroke", colourOf)
      .attr("d", (s) => linePath(s.values, minMaxIndices(s.values, i0, i1, buckets), times, x, yv));
    // Few samples in view: each one marked.
    const few = i1 - i0 <= (width - m.left - m.right) / 8;
    const marks = few ? drawn.flatMap((s) => {
      const out: { s: Series; i: number; v: number }[] = [];
      for (let i = i0; i < i1; i++) { const v = s.values[i]; if (v !== null && v !== undefined) out.push({ s, i, v }); }
      return out;
    }) : [];
    plot.selectAll("circle").data(marks).join("circle").attr("r", 2.2).attr("fill", (d) => colourOf(d.s))
      .attr("cx", (d) => x(times[d.i])).attr("cy", (d) => yv(d.v));
    note.attr("x", m.left + 8).attr("y", m.top + 14).text(zero.every(Boolean) ? "all zero in this range" : drawn.length === 0 ? "every series hidden" : "");
    items.classed("zero", (_, k) => zero[k]).classed("hidden", (s) => hidden.has(key(s))).attr("aria-pressed", (s) => String(!hidden.has(key(s))));
    brush.extent([[m.left, m.top], [width - m.right, height - m.bottom]]);
    brushG.call(brush);
    showCursor();
    exporter.update();
  }

  function showCursor() {
    if (!onScreen) return;
    const [i0, i1] = page.range();
    const cursor = page.cursor();
    if (cursor === null || cursor < i0 || cursor >= i1) {
      const hidden = page.hidden();
      rule.style("display", "none");
      readout.text((s, k) => (zero[k] ? "0 throughout" : `${hidden.has(key(s)) ? "hidden, " : ""}peak ${formatValue(peaks[k], spec.unit)}`));
      return;
    }
    const px = x(times[cursor]);
    rule.style("display", null).attr("x1", px).attr("x2", px).attr("y1", m.top).attr("y2", height - m.bottom);
    // %util over 100: the kernel counted more busy time than passed (an accounting artefact, see --explain %util).
    readout.text((s) => {
      const v = s.values[cursor];
      return `${formatValue(v, spec.unit)}${s.column === "%util" && v !== null && v !== undefined && v > 100 ? " (over 100: a counter artefact)" : ""}`;
    });
  }

  svg.on("keydown", (event: KeyboardEvent) => {
    const [i0, i1] = page.range();
    const cursor = page.cursor();
    const step = event.shiftKey ? Math.max(1, Math.floor((i1 - i0) / 10)) : 1;
    const at = cursor === null || cursor < i0 || cursor >= i1 ? i0 : cursor;
    const keys: Record<string, () => void> = {
      ArrowRight: () => page.setCursor(Math.min(i1 - 1, cursor === null ? i0 : at + step)),
      ArrowLeft: () => page.setCursor(Math.max(i0, at - step)),
      Home: () => page.setCursor(i0),
      End: () => page.setCursor(i1 - 1),
      "+": () => page.zoomAround(at, 0.5),
      "=": () => page.zoomAround(at, 0.5),
      "-": () => page.zoomAround(at, 2),
      Escape: () => { tip.hide(); page.setCursor(null); page.zoom(0, n); },
    };
    const act = keys[event.key];
    if (act) {
      event.preventDefault();
      act();
      const box = svg.node()!.getBoundingClientRect();
      const now = page.cursor();
      if (now !== null && event.key !== "Escape") tip.show({ clientX: box.left + x(times[now]), clientY: box.top + m.top }, lines(now));
    }
  }).on("blur", () => tip.hide());

  function lines(cursor: number) {
    return [`${name} · ${spec.title} · ${clock(times[cursor])}`, ...series.map((s) => `${s.name ?? s.column}: ${formatValue(s.values[cursor], spec.unit)}`)];
  }

  brushG.on("pointermove.tip", (event: PointerEvent) => { const cursor = page.cursor(); if (cursor !== null) tip.show(event, lines(cursor)); });
  return { draw, showCursor, figure: figure.node() as HTMLElement, isDrawn: () => onScreen };
}
