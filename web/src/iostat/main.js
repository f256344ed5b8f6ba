// kashika iostat --format html: a recording as a grid of charts per device and one for the CPU, with one time axis,
// one hover line, brush zoom, keyboard reach and a summary table of the selected range.
import { axisBottom, axisLeft, brushX, scaleLinear, scaleUtc, schemeTableau10, select, utcFormat } from "d3";
import { count, grouped } from "../common/format.js";
import { exportButtons } from "../common/download.js";
import { readData, table, tooltip } from "../common/ui.js";
import { readState, writeState } from "../common/urlstate.js";
import {
  CPU_CHART, DEVICE_CHARTS, allZero, bisect, clock, dateAndClock, defaultDevices, discardsThatFlatten, formatValue, minMaxIndices, nearest,
  parentDisk, peak, resolveColumn, scaledUnit, summarize, wallClock, weightsOf, zoneLabel,
} from "./model.js";

performance.mark("kashika:script");
const data = readData();
performance.mark("kashika:data");
const times = wallClock(data.timeSteps, data.offsets);
const n = times.length;
// Each interval's length in milliseconds (the first one's taken as the next one's): summaries weigh by it.
const steps = Float64Array.from(data.timeSteps, (t, i) => (i > 0 ? t : data.timeSteps[1] ?? 1000));
const help = new Map(data.columns.map((c) => [c.name, c]));
const zone = `${data.timeZone} (${zoneLabel(data.offsets[0]?.minutes ?? 0)}${data.offsets.length > 1 ? ", changes during the recording" : ""})`;
const colours = {
  read: "#3b6fd4", write: "#e8793a", discard: "#8e6cc4", flush: "#3a9d5d", "aqu-sz": "#3b6fd4", "%util": "#3b6fd4",
  "%user": "#3b6fd4", "%nice": "#7fb0e8", "%system": "#e8793a", "%iowait": "#d64545", "%steal": "#8e6cc4", "%idle": "#9aa3b2",
};
const tip = tooltip();
const state = readState();
const deviceNames = data.devices.map((d) => d.name);
let selected = (state.devices ? state.devices.split(",").filter((d) => deviceNames.includes(d)) : []);
if (selected.length === 0) selected = defaultDevices(data.devices);
let range = [0, n]; // samples [i0, i1)
if (state.from && state.to) {
  const i0 = bisect(times, Number(state.from)), i1 = bisect(times, Number(state.to) + 1);
  if (i1 - i0 >= 2) range = [i0, i1];
}
let cursor = null; // the sample under the hover line, or null
// Series hidden by a click on their legend, as "chart:column", for every device alike. Unless the link says otherwise,
// %idle (the rest of the CPU chart) and discards that would flatten reads and writes (a weekly fstrim moves hundreds
// of GB in a second) start hidden.
const hidden = new Set(state.hide !== undefined ? state.hide.split(",").filter((h) => h.includes(":")) : ["cpu:%idle", ...discardsThatFlatten(data.devices, n)]);
const charts = [];

select("#title").text(`iostat of ${data.host || "a machine"}: ${count(data.devices.length, "device")}, ${count(n, "interval")}`);
select("#overview .note").text(`%util of the devices shown, over the whole recording (times in ${zoneLabel(data.offsets[0]?.minutes ?? 0)}): drag here to choose a time range.`);
select("#subtitle").text(`${span(0, n)}, times in ${zone}`
  + `${data.kernel ? ` · Linux ${data.kernel}` : ""} · ${data.generator}`);

// Devices: disks with their partitions under them, then groups.
const disks = data.devices.filter((d) => d.kind === "disk").map((d) => d.name);
const ordered = [];
for (const d of data.devices.filter((x) => x.kind === "disk")) {
  ordered.push({ device: d, depth: 0 });
  for (const p of data.devices.filter((x) => x.kind === "partition" && parentDisk(x.name, disks) === d.name)) ordered.push({ device: p, depth: 1 });
}
for (const d of data.devices.filter((x) => !ordered.some((o) => o.device === x))) ordered.push({ device: d, depth: 0 });
const picker = select("#devices").selectAll("label").data(ordered).join("label").attr("class", (o) => `device depth${o.depth}`);
picker.append("input").attr("type", "checkbox").attr("value", (o) => o.device.name).property("checked", (o) => selected.includes(o.device.name))
  .on("change", () => {
    selected = ordered.map((o) => o.device.name).filter((name) => select(`#devices input[value="${CSS.escape(name)}"]`).property("checked"));
    drawDevices();
    save();
  });
picker.append("span").text((o) => o.device.name);
picker.append("span").attr("class", "kind").text((o) => (o.device.kind === "disk" ? "" : ` ${o.device.kind}`));

// Finding a column by any name, old ones included.
select("#column-names").selectAll("option").data(data.columns).join("option").attr("value", (c) => c.name);
const found = select("#found");
function find(query) {
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
  const target = select(`figure[data-chart="${hit.chart}"]`);
  if (!target.empty()) {
    target.select("details").property("open", true);
    target.node().scrollIntoView({ block: "start" });
    target.classed("found", true);
    setTimeout(() => target.classed("found", false), 2000);
  }
  save(hit.name);
}
select("#find").on("change", (event) => find(event.target.value)).on("keydown", (event) => { if (event.key === "Enter") find(event.target.value); });

select("#reset").on("click", () => zoom(0, n));
// Escape shows the whole recording wherever the focus is (after a mouse zoom it is on the page, not a chart). A chart
// handles its own Escape, a text field and a list keep theirs.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || event.target.closest?.("input, select, textarea, svg")) return;
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
  let x = null;
  let moving = false;
  const brush = brushX().on("end", (event) => {
    if (moving || !event.sourceEvent) return;
    if (!event.selection) { api.show(); return; } // a stray click keeps the range: reset is a button, Escape or a double-click
    const [a, b] = event.selection.map((p) => x.invert(p).getTime());
    zoom(bisect(times, a), Math.max(bisect(times, b), bisect(times, a) + 2));
  });
  const api = {
    draw() {
      const width = root.node().clientWidth || 800, height = 64, m = { left: 56, right: 28, top: 4, bottom: 18 };
      svg.attr("width", width).attr("height", height).attr("viewBox", [0, 0, width, height]);
      x = scaleUtc().domain([times[0], times[n - 1]]).range([m.left, width - m.right]);
      const y = scaleLinear().domain([0, 100]).range([height - m.bottom, m.top]).clamp(true);
      const shown = data.devices.filter((d) => selected.includes(d.name));
      const buckets = Math.max(1, Math.floor(width - m.left - m.right));
      plot.selectAll("path").data(shown, (d) => d.name).join("path").attr("class", "series").attr("stroke", "#8aa4d6")
        .attr("d", (d) => path(d.values["%util"], minMaxIndices(d.values["%util"], 0, n, buckets), x, y));
      axis.attr("transform", `translate(0,${height - m.bottom})`).call(axisBottom(x).ticks(Math.max(2, width / 120)).tickFormat(utcFormat("%H:%M:%S")));
      brush.extent([[m.left, m.top], [width - m.right, height - m.bottom]]);
      brushG.call(brush);
      this.show();
    },
    show() {
      moving = true;
      brushG.call(brush.move, range[0] === 0 && range[1] === n ? null : [x(times[range[0]]), x(times[range[1] - 1])]);
      moving = false;
    },
  };
  return api;
})();

function path(values, indices, x, y) {
  let d = "", pen = false;
  for (const i of indices) {
    const v = values[i];
    if (v === null || v === undefined) { pen = false; continue; }
    d += `${pen ? "L" : "M"}${x(times[i]).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  }
  return d || null;
}

// One chart: a figure with a title, a legend that reads the values at the hover line, the plot and the --explain
// text of its columns as caption. series: [{column, label, values}], or to compare devices [{id, name, colour, column,
// values}] (id and name: the device).
function chart(parent, spec, series, name) {
  const figure = parent.append("figure").attr("class", "chart").attr("data-chart", spec.id).attr("data-device", name);
  const head = figure.append("div").attr("class", "chart-head");
  head.append("span").attr("class", "chart-title").text(spec.title);
  const unitNote = head.append("span").attr("class", "unit");
  // This chart as SVG or PNG (with its title and legend), its values over the range shown as CSV.
  const exporter = exportButtons(head.node(), () => {
    const [i0, i1] = range;
    const shown = series.filter((s, k) => !zero[k] && !hidden.has(key(s)));
    const csv = () => {
      const rows = [];
      for (let i = i0; i < i1; i++) rows.push([new Date(times[i]).toISOString(), ...series.map((s) => s.values[i] ?? "")]);
      return { headers: ["time", ...series.map((s) => (s.name ? `${s.name} ${s.column}` : s.column))], rows };
    };
    return {
      svg: onScreen ? svg.node() : null,
      caption: { title: `${name} · ${spec.title}${unit ? ` (${unit.label})` : ""}`, legend: shown.map((s) => [s.name ?? s.column, colourOf(s)]) },
      csv,
      name: `${name}-${spec.id}`,
    };
  });
  const legend = figure.append("div").attr("class", "legend");
  const key = (s) => `${spec.id}:${s.id ?? s.column}`;
  const items = legend.selectAll("span.item").data(series).join("span").attr("class", "item").attr("data-column", (s) => s.column).attr("data-series", (s) => s.id ?? s.column)
    .attr("role", "button").attr("tabindex", (_, k) => (k === 0 ? 0 : -1)).attr("title", "Click to hide or show this series")
    .on("click", (_, s) => toggle(key(s)))
    .on("keydown", (event, s) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(key(s)); }
      // One Tab stop a legend: the arrow keys move along it.
      const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (step) {
        event.preventDefault();
        const all = items.nodes(), at = all.indexOf(event.currentTarget), to = all[(at + step + all.length) % all.length];
        all.forEach((node) => node.setAttribute("tabindex", node === to ? 0 : -1));
        to.focus();
      }
    });
  const colourOf = (s) => s.colour ?? colours[s.label] ?? "#3b6fd4";
  items.append("span").attr("class", "swatch").style("background", colourOf);
  items.append("span").attr("class", "label").text((s) => s.name ?? s.column);
  const readout = items.append("span").attr("class", "value");
  // Sized before it is drawn, so charts drawn later as the page scrolls do not move the page.
  const svg = figure.append("svg").attr("viewBox", [0, 0, 400, 170]).attr("tabindex", 0).attr("role", "img")
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
    .text((c) => help.get(c).text);

  const height = 170, m = { left: 56, right: 28, top: 10, bottom: 22 };
  let x, y, unit;
  const brush = brushX().on("end", (event) => {
    if (!event.sourceEvent || !event.selection) return;
    const [a, b] = event.selection.map((p) => x.invert(p).getTime());
    brushG.call(brush.move, null);
    const i0 = bisect(times, a), i1 = bisect(times, b);
    if (i1 - i0 >= 2) zoom(i0, i1);
  });
  brushG.on("pointermove", (event) => {
    const [px] = pointerIn(event);
    setCursor(nearest(times, x.invert(px).getTime()), event);
  }).on("pointerleave", () => { setCursor(null); tip.hide(); })
    .on("dblclick", () => zoom(0, n));

  function pointerIn(event) {
    const box = svg.node().getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }

  // A chart far below the window is drawn when it comes near (29 charts of a day each cost a few ms).
  let onScreen = false;
  let zero = [], peaks = [];
  function draw(near) {
    if (!near) {
      onScreen = false;
      return;
    }
    onScreen = true;
    const width = Math.max(240, figure.node().clientWidth || 320);
    const [i0, i1] = range;
    svg.attr("width", width).attr("height", height).attr("viewBox", [0, 0, width, height]);
    x = scaleUtc().domain([times[i0], times[Math.max(i0, i1 - 1)]]).range([m.left, width - m.right]);
    // Each series' zero flag and peak over the range, once a draw: a cursor move only reads them.
    zero = series.map((s) => allZero(s.values, i0, i1));
    peaks = series.map((s) => peak(s.values, i0, i1));
    const shown = series.map((s, k) => !zero[k] && !hidden.has(key(s)));
    const top = Math.max(0, ...peaks.filter((_, k) => shown[k]));
    unit = scaledUnit(spec.unit, top);
    // The peak is inside the axis: the domain ends on a round tick at or above it.
    y = scaleLinear().domain([0, Math.max(spec.max ?? 0, top / unit.divisor) || 1]).nice(4).range([height - m.bottom, m.top]);
    const yv = (v) => y(v / unit.divisor);
    unitNote.text(unit.label);
    xAxis.attr("transform", `translate(0,${height - m.bottom})`).call(axisBottom(x).ticks(Math.max(2, Math.floor(width / 110))).tickFormat(utcFormat("%H:%M:%S")));
    yAxis.attr("transform", `translate(${m.left},0)`).call(axisLeft(y).ticks(4).tickFormat((v) => grouped(v)));
    grid.selectAll("line").data(y.ticks(4)).join("line").attr("x1", m.left).attr("x2", width - m.right).attr("y1", y).attr("y2", y);
    const buckets = Math.max(1, Math.floor(width - m.left - m.right));
    const drawn = series.filter((_, k) => shown[k]);
    plot.selectAll("path").data(drawn, (s) => s.id ?? s.column).join("path").attr("class", "series").attr("data-column", (s) => s.column).attr("data-series", (s) => s.id ?? s.column)
      .attr("stroke", colourOf)
      .attr("d", (s) => path(s.values, minMaxIndices(s.values, i0, i1, buckets), x, yv));
    // Few samples in view: each one marked.
    const few = i1 - i0 <= (width - m.left - m.right) / 8;
    const marks = few ? drawn.flatMap((s) => {
      const out = [];
      for (let i = i0; i < i1; i++) if (s.values[i] !== null) out.push({ s, i });
      return out;
    }) : [];
    plot.selectAll("circle").data(marks).join("circle").attr("r", 2.2).attr("fill", (d) => colourOf(d.s))
      .attr("cx", (d) => x(times[d.i])).attr("cy", (d) => yv(d.s.values[d.i]));
    note.attr("x", m.left + 8).attr("y", m.top + 14).text(zero.every(Boolean) ? "all zero in this range" : drawn.length === 0 ? "every series hidden" : "");
    items.classed("zero", (_, k) => zero[k]).classed("hidden", (s) => hidden.has(key(s))).attr("aria-pressed", (s) => String(!hidden.has(key(s))));
    brush.extent([[m.left, m.top], [width - m.right, height - m.bottom]]);
    brushG.call(brush);
    showCursor();
    exporter.update();
  }

  function showCursor() {
    if (!onScreen) return;
    const [i0, i1] = range;
    if (cursor === null || cursor < i0 || cursor >= i1) {
      rule.style("display", "none");
      readout.text((s, k) => (zero[k] ? "0 throughout" : `${hidden.has(key(s)) ? "hidden, " : ""}peak ${formatValue(peaks[k], spec.unit)}`));
      return;
    }
    const px = x(times[cursor]);
    rule.style("display", null).attr("x1", px).attr("x2", px).attr("y1", m.top).attr("y2", height - m.bottom);
    // %util over 100: the kernel counted more busy time than passed (an accounting artefact, see --explain %util).
    readout.text((s) => `${formatValue(s.values[cursor], spec.unit)}${s.column === "%util" && s.values[cursor] > 100 ? " (over 100: a counter artefact)" : ""}`);
  }

  svg.on("keydown", (event) => {
    const [i0, i1] = range;
    const step = event.shiftKey ? Math.max(1, Math.floor((i1 - i0) / 10)) : 1;
    const at = cursor === null || cursor < i0 || cursor >= i1 ? i0 : cursor;
    const keys = {
      ArrowRight: () => setCursor(Math.min(i1 - 1, cursor === null ? i0 : at + step)),
      ArrowLeft: () => setCursor(Math.max(i0, at - step)),
      Home: () => setCursor(i0),
      End: () => setCursor(i1 - 1),
      "+": () => zoomAround(at, 0.5),
      "=": () => zoomAround(at, 0.5),
      "-": () => zoomAround(at, 2),
      Escape: () => { tip.hide(); setCursor(null); zoom(0, n); },
    };
    if (keys[event.key]) {
      event.preventDefault();
      keys[event.key]();
      const box = svg.node().getBoundingClientRect();
      if (cursor !== null && event.key !== "Escape") tip.show({ clientX: box.left + x(times[cursor]), clientY: box.top + m.top }, lines());
    }
  }).on("blur", () => tip.hide());

  function lines() {
    return [`${name} · ${spec.title} · ${clock(times[cursor])}`, ...series.map((s) => `${s.name ?? s.column}: ${formatValue(s.values[cursor], spec.unit)}`)];
  }

  const entry = { draw, showCursor, tipLines: lines, svg, figure: figure.node(), isDrawn: () => onScreen };
  charts.push(entry);
  nearWindow.observe(figure.node());
  brushG.on("pointermove.tip", (event) => { if (cursor !== null) tip.show(event, lines()); });
  return entry;
}

function toggle(key) {
  if (hidden.has(key)) hidden.delete(key); else hidden.add(key);
  drawCharts();
  save();
}

// Draws the charts that come near the window as the page scrolls.
const nearWindow = new IntersectionObserver((entries) => {
  for (const e of entries) {
    const c = charts.find((x) => x.figure === e.target);
    if (e.isIntersecting && c && !c.isDrawn()) c.draw(true);
  }
}, { rootMargin: "800px 0px" });

// The charts not drawn yet, drawn a few at a time when the browser is idle, so the page is whole soon after it is
// ready (printing, a full-page screenshot) without making the first view wait for them.
let idleDrawing = null;
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

function setCursor(i) {
  cursor = i;
  for (const c of charts) c.showCursor();
}

function zoomAround(i, factor) {
  const [i0, i1] = range;
  const half = Math.max(2, Math.round(((i1 - i0) * factor) / 2));
  const a = Math.max(0, i - half), b = Math.min(n, i + half);
  zoom(a, Math.max(b, Math.min(n, a + 2)));
}

function zoom(i0, i1, fromHistory = false) {
  const before = range;
  range = [Math.max(0, i0), Math.min(n, i1)];
  // Each zoom is a step browser Back undoes.
  if (!fromHistory && (before[0] !== range[0] || before[1] !== range[1])) window.history.pushState(null, "", window.location.href);
  drawCharts();
  overview.show();
  drawRange();
  drawSummary();
  save();
}

function save(column) {
  const whole = range[0] === 0 && range[1] === n;
  writeState({
    devices: selected.join(","),
    from: whole ? "" : Math.round(times[range[0]]),
    to: whole ? "" : Math.round(times[range[1] - 1]),
    column: column ?? readState().column ?? "",
    hide: [...hidden].join(",") || "-",
    layout: layout === "compare" ? "compare" : "",
  });
}

// "2026-11-26 09:40:01 – 10:12:00", with the end's date too when the range crosses midnight.
function span(i0, i1) {
  const a = dateAndClock(times[i0]), b = dateAndClock(times[i1 - 1]);
  return `${a} – ${a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b}`;
}

function drawRange() {
  const [i0, i1] = range;
  select("#range").text(`${span(i0, i1)}: ${grouped(i1 - i0)} of ${count(n, "sample")}`);
  select("#reset").property("disabled", i0 === 0 && i1 === n);
}

// The CPU chart, then a section of charts per selected device.
charts.length = 0;
const cpuChart = chart(select("#cpu"), CPU_CHART, CPU_CHART.columns.map((c, k) => ({ column: c, label: CPU_CHART.labels[k], values: data.cpu[c] })), "CPU");
// The columns compared across devices, and a colour a device (in the order they are shown).
const COMPARED = ["rkB/s", "wkB/s", "r/s", "w/s", "r_await", "w_await", "rareq-sz", "wareq-sz", "aqu-sz", "%util"];
const deviceColour = (k) => schemeTableau10[k % 10];
let layout = state.layout === "compare" ? "compare" : "device";
select("#layout").property("value", layout).on("change", (event) => { layout = event.target.value; drawDevices(); save(); });

function drawDevices() {
  charts.length = 0;
  charts.push(cpuChart);
  const root = select("#device-charts");
  root.selectAll("*").remove();
  if (selected.length === 0) root.append("p").attr("class", "note").text("No device selected: tick one above.");
  if (layout === "compare") {
    // One chart a column, a line a device: the devices side by side.
    const section = root.append("section").attr("class", "device compare");
    section.append("h2").text(`${selected.join(", ")} side by side`);
    const grid = section.append("div").attr("class", "grid");
    const devices = selected.map((name) => data.devices.find((d) => d.name === name));
    for (const column of COMPARED) {
      const spec = DEVICE_CHARTS.find((c) => c.columns.includes(column));
      const one = { id: `compare-${column}`, title: column, columns: [column], unit: spec.unit, max: spec.max };
      chart(grid, one, devices.map((d, k) => ({ id: d.name, name: d.name, column, colour: deviceColour(k), values: d.values[column] })), "every device");
    }
  }
  for (const name of layout === "compare" ? [] : selected) {
    const device = data.devices.find((d) => d.name === name);
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
  const [i0, i1] = range;
  const root = select("#summary-table");
  root.selectAll("*").remove();
  select("#summary-range").text(`${span(i0, i1)} (${count(i1 - i0, "sample")})`);
  const rows = [];
  const unitOf = (column) => [...DEVICE_CHARTS, CPU_CHART].find((c) => c.columns.includes(column))?.unit
    ?? (column.startsWith("%") ? "%" : help.get(column)?.unit ?? "");
  // One unit a row, in its own column, so the numbers read (and sort) as numbers.
  const add = (name, column, values, weights) => {
    const s = summarize(values, i0, i1, steps, weights);
    const { divisor, label } = scaledUnit(unitOf(column), s ? s.max : 0);
    const cell = (v) => ({ text: grouped(v / divisor, 0, 2), value: v / divisor });
    rows.push(s ? [name, column, label, cell(s.min), cell(s.mean), cell(s.p95), cell(s.max)] : [name, column, label, "–", "–", "–", "–"]);
  };
  for (const c of CPU_CHART.columns) add("CPU", c, data.cpu[c], null);
  for (const name of selected) {
    const device = data.devices.find((d) => d.name === name);
    for (const column of Object.keys(device.values)) add(name, column, device.values[column], weightsOf(column, device, n));
  }
  table(root, ["device", "column", "unit", "min", "mean", "p95", "max"], rows, "summary", { sortable: true });
}

window.addEventListener("popstate", () => {
  const s = readState();
  const i0 = s.from ? bisect(times, Number(s.from)) : 0, i1 = s.to ? bisect(times, Number(s.to) + 1) : n;
  zoom(i0, i1 - i0 >= 2 ? i1 : n, true);
});

new ResizeObserver(() => requestAnimationFrame(() => { drawCharts(); overview.draw(); })).observe(select("#device-charts").node());
drawDevices();
drawRange();
if (state.column) { select("#find").property("value", state.column); find(state.column); }
document.body.dataset.ready = String(Math.round(performance.now()));
