// Small pictures of time on the relate page: a period's thumbnail diagram, a pair's series over the periods, a person's
// timeline. Drawing only: main.ts gives them their data and words.
import { arc as d3arc, axisBottom, axisLeft, chord as d3chord, line, max, ribbon as d3ribbon, scaleLinear, scalePoint } from "d3";
import type { Chord, ChordGroup, ChordSubgroup } from "d3";
import type { Parent } from "../common/ui.js";
import { laidOut } from "../common/chord-model.js";
import { timelineOf } from "./model.js";

// A chord diagram `size` px wide without labels into `parent`; `matrix` null draws an empty ring (no sharing).
export function drawThumbnail(parent: Parent, matrix: number[][] | null, order: number[], colour: (project: number) => string, size: number,
  scaleTotal: number | null = null) {
  const r = size / 2 - 2;
  const svg = parent.insert("svg", ":first-child").attr("viewBox", [-size / 2, -size / 2, size, size]).attr("width", size).attr("height", size);
  svg.append("circle").attr("r", r - 2).attr("fill", "none").attr("stroke", "#d9dde5");
  if (!matrix) return;
  // With one scale for all periods, the rest (see withRest) is laid out and left undrawn.
  const laid = laidOut(matrix, order, scaleTotal);
  const layout = d3chord().padAngle(0.03)(laid.square);
  const isRest = (index: number) => laid.order[index] === laid.rest;
  svg.append("g").selectAll("path").data(layout.groups.filter((g) => !isRest(g.index))).join("path").attr("d", d3arc<ChordGroup>().innerRadius(r - 4).outerRadius(r)).attr("fill", (g) => colour(order[g.index]));
  svg.append("g").attr("fill-opacity", 0.6).selectAll("path").data(layout.filter((c) => !isRest(c.source.index))).join("path").attr("d", d3ribbon<Chord, ChordSubgroup>().radius(r - 5) as unknown as (c: Chord) => string).attr("fill", (c) => colour(order[c.source.index]));
}

// Two lines over the periods: `value` (solid, left axis) and `people` (dashed, right axis); the current period's point
// larger.
export interface SeriesPoint { label: string; value: number; people: number; current: boolean }
export function drawSeries(parent: Parent, points: SeriesPoint[], { name, title }: { name: string; title: (d: SeriesPoint) => string }) {
  const width = 420, height = 150, m = { top: 10, right: 40, bottom: 22, left: 40 };
  const x = scalePoint().domain(points.map((d) => d.label)).range([m.left, width - m.right]);
  const y = scaleLinear().domain([0, max(points, (d) => d.value) || 1]).nice().range([height - m.bottom, m.top]);
  const y2 = scaleLinear().domain([0, max(points, (d) => d.people) || 1]).nice().range([height - m.bottom, m.top]);
  const svg = parent.append("svg").attr("class", "over-time").attr("viewBox", [0, 0, width, height]).attr("width", "100%").attr("role", "img").attr("aria-label", name);
  const every = Math.ceil(points.length / 8);
  svg.append("g").attr("transform", `translate(0,${height - m.bottom})`).call(axisBottom(x).tickValues(points.filter((_, i) => i % every === 0).map((d) => d.label)));
  svg.append("g").attr("transform", `translate(${m.left},0)`).call(axisLeft(y).ticks(4));
  svg.append("g").attr("transform", `translate(${width - m.right},0)`).call((g) => g.call(axisLeft(y2).ticks(4).tickSize(-4)).selectAll("text").attr("x", 6).attr("text-anchor", "start"));
  svg.append("path").attr("class", "line-value").attr("fill", "none").attr("stroke", "#3b6fd4").attr("stroke-width", 2)
    .attr("d", line<SeriesPoint>().x((d) => x(d.label)!).y((d) => y(d.value))(points));
  svg.append("path").attr("class", "line-people").attr("fill", "none").attr("stroke", "#e0a800").attr("stroke-width", 1.5).attr("stroke-dasharray", "4 3")
    .attr("d", line<SeriesPoint>().x((d) => x(d.label)!).y((d) => y2(d.people))(points));
  svg.append("g").selectAll("circle").data(points).join("circle").attr("class", "point").attr("r", (d) => (d.current ? 4.5 : 2.5))
    .attr("cx", (d) => x(d.label)!).attr("cy", (d) => y(d.value)).attr("fill", "#3b6fd4")
    .append("title").text(title);
}

// One row per project, a dot per period with area by commits.
// `current`: the period shown on the page (a line), if it is in the person's span.
type Cell = { period: number; commits: number; project: number };
export function drawTimeline(parent: Parent, rows: ReturnType<typeof timelineOf>, { labels, colour, name, title, label, current = -1 }: {
  labels: readonly string[]; colour: (project: number) => string; name: (project: number) => string; title: (c: Cell) => string; label: string; current?: number;
}) {
  const cells = rows.flatMap((r) => r.cells);
  const first = Math.min(...cells.map((c) => c.period)), last = Math.max(...cells.map((c) => c.period));
  const width = 440, rowHeight = 18, left = 120, right = 10;
  const step = (width - left - right) / (last - first + 1);
  const biggest = Math.max(...cells.map((c) => c.commits));
  const height = rows.length * rowHeight + 24;
  const svg = parent.append("svg").attr("class", "timeline").attr("viewBox", [0, 0, width, height]).attr("width", "100%").attr("role", "img").attr("aria-label", label);
  const row = svg.selectAll("g.row").data(rows).join("g").attr("class", "row").attr("transform", (_, i) => `translate(0,${i * rowHeight + 10})`);
  const short = (text: string) => (text.length > 17 ? `${text.slice(0, 16)}…` : text);
  row.append("text").attr("x", left - 6).attr("dy", "0.35em").attr("text-anchor", "end").text((r) => short(name(r.project)))
    .append("title").text((r) => name(r.project));
  if (current >= first && current <= last) {
    const cx = left + (current - first + 0.5) * step;
    svg.insert("line", ":first-child").attr("class", "current").attr("x1", cx).attr("x2", cx).attr("y1", 0).attr("y2", height - 14)
      .attr("stroke", "#3b6fd4").attr("stroke-opacity", 0.5);
  }
  row.selectAll("circle").data((r) => r.cells.map((c) => ({ ...c, project: r.project }))).join("circle")
    .attr("cx", (c: Cell) => left + (c.period - first + 0.5) * step).attr("r", (c) => 1.5 + 6 * Math.sqrt(c.commits / biggest))
    .attr("fill", (c) => colour(c.project))
    .append("title").text(title);
  // A label every few periods, at most six.
  const every = Math.max(1, Math.ceil((last - first + 1) / 6));
  svg.selectAll("text.axis-label").data(Array.from({ length: last - first + 1 }, (_, k) => first + k).filter((t) => (t - first) % every === 0)).join("text")
    .attr("class", "axis-label").attr("x", (t) => left + (t - first + 0.5) * step).attr("y", height - 2).attr("text-anchor", "middle").text((t) => labels[t]);
}
