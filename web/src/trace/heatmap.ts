// FlameScope's heat map: a column per second, a row per slice of a second, colour = weight in it. Drag from one cell
// to another to choose the time between them (in time order); every view then shows only that range.
// The cells are drawn as one path a shade (64 shades of the colour scale), not one element a cell: a recording of a few
// minutes has thousands of cells, and restyling thousands of elements at each change of filter made every change slow.
// Which cell the pointer is on is worked out from its position.
import { max, interpolateOrRd, type Selection, type BaseType } from "d3";
import type { TraceTimeData } from "./data.js";
import type { Range } from "./state.js";

export interface HeatOptions {
  /** The range shown (range B of a comparison). */
  selected: Range | null;
  /** Range A of a comparison, outlined apart from the range chosen. */
  compare?: Range | null;
  onSelect(range: Range): void;
  format(weight: number): string;
  /** The pointer over a cell (its description), or off the cells. */
  hover(event: MouseEvent, lines: string[]): void;
  leave(): void;
}

const SHADES = 64;

// The window's mouseup listener of each map, replaced at each redraw (a drag may end outside the map).
const releases = new WeakMap<Element, () => void>();
// The cells each map drew last.
const drawnCells = new WeakMap<Element, { slices: number[]; weights: number[] }>();

// `cellsShown`: {slices, weights} of the samples shown (thread filters and transforms applied).
export function drawHeatmap(container: Selection<HTMLElement, unknown, BaseType | null, unknown>, time: TraceTimeData,
  cellsShown: { slices: number[]; weights: number[] }, { selected, compare = null, onSelect, format, hover, leave }: HeatOptions) {
  const rows = time.slicesPerSecond, columns = time.seconds;
  const cell = Math.max(3, Math.min(40, Math.floor(1100 / Math.max(1, columns))));
  const h = Math.max(2, Math.floor(300 / rows));
  const width = columns * cell + 50, height = rows * h + 24;
  const heaviest = max(cellsShown.weights) || 1;
  // The shade of a weight: the square-root scale of the map, in SHADES steps.
  const shade = (weight: number) => Math.round(Math.sqrt(Math.max(0, weight) / heaviest) * (SHADES - 1));
  // Where the cells are, for whoever needs to point at one (tests, benchmarks): left edge, cell width and height, rows.
  const svg = container.selectAll<SVGSVGElement, null>("svg").data([null]).join("svg").attr("class", "heatmap").attr("width", width).attr("height", height)
    .attr("data-left", 40).attr("data-cell", cell).attr("data-row", h).attr("data-rows", rows);
  svg.selectAll("rect.bg").data([null]).join("rect").attr("class", "bg").attr("x", 40).attr("width", columns * cell).attr("height", rows * h).attr("fill", "#f6f6f6");
  const at = (slice: number) => ({ x: 40 + Math.floor(slice / rows) * cell, y: (slice % rows) * h });
  let start: number | null = null;
  const sliceAt = (event: MouseEvent): number | null => {
    const box = svg.node()!.getBoundingClientRect();
    const col = Math.floor((event.clientX - box.left - 40) / cell), row = Math.floor((event.clientY - box.top) / h);
    return col < 0 || row < 0 || col >= columns || row >= rows ? null : col * rows + row;
  };
  // The same cells as last time (a range chosen, threads split: the map does not change) are left as they are.
  const node = container.node()!;
  if (drawnCells.get(node) !== cellsShown) {
    const paths = Array.from({ length: SHADES }, () => ({ d: "", slices: [] as number[] }));
    cellsShown.slices.forEach((slice, i) => {
      const p = at(slice), s = paths[shade(cellsShown.weights[i])];
      s.d += `M${p.x},${p.y}h${cell - 0.5}v${h - 0.2}h${0.5 - cell}Z`;
      s.slices.push(slice);
    });
    const drawn = paths.map((p, k) => ({ ...p, fill: interpolateOrRd(k / (SHADES - 1)) })).filter((p) => p.slices.length > 0);
    svg.selectAll("g.cells").data([null]).join("g").attr("class", "cells")
      .selectAll("path.cells").data(drawn).join("path").attr("class", "cells")
      .attr("fill", (p) => p.fill).attr("d", (p) => p.d).attr("data-slices", (p) => p.slices.join(" "));
  }
  drawnCells.set(node, cellsShown);
  const weightOf = new Map(cellsShown.slices.map((slice, i) => [slice, cellsShown.weights[i]]));
  const describe = (slice: number) => {
    const col = Math.floor(slice / rows), row = slice % rows;
    return `${(slice / rows).toFixed(2)} s from the start (perf time ${time.startSecond + col}.${String(Math.round((row * 1000) / rows)).padStart(3, "0")} s): ${format(weightOf.get(slice)!)}`;
  };
  // The range being dragged, then the one chosen: outlined slice by slice, in one path (a range of thousands of slices
  // as thousands of elements made each redraw slow).
  const outline = (range: Range | null, kind = "chosen") => {
    let d = "";
    if (range) for (let s = range[0]; s < range[1]; s++) { const p = at(s); d += `M${p.x},${p.y}h${cell}v${h}h${-cell}Z`; }
    svg.selectAll(`path.${kind}`).data(range ? [range] : []).join("path").attr("class", kind).attr("pointer-events", "none")
      .attr("data-from", (r) => r[0]).attr("data-to", (r) => r[1]).attr("d", d);
  };
  let last: number | null = null;
  svg.on("mouseleave", () => leave()).on("mousedown", (event: MouseEvent) => { start = last = sliceAt(event); event.preventDefault(); outline(start === null ? null : [start, start + 1]); })
    .on("mousemove", (event: MouseEvent) => {
      const here = sliceAt(event);
      if (here !== null && weightOf.has(here)) hover(event, [describe(here)]); else leave();
      if (start === null || here === null) return;
      last = here;
      outline([Math.min(start, here), Math.max(start, here) + 1]);
    });
  // Released anywhere (even outside the map): the range ends at the last slice the pointer was over.
  const release = () => {
    if (start !== null && last !== null) onSelect([Math.min(start, last), Math.max(start, last) + 1]);
    start = null;
  };
  const previous = releases.get(node);
  if (previous) window.removeEventListener("mouseup", previous);
  releases.set(node, release);
  window.addEventListener("mouseup", release);
  outline(selected);
  outline(compare, "compared");
  svg.selectAll("text.axis").data(Array.from({ length: columns }, (_, i) => i).filter((i) => i % Math.ceil(40 / cell) === 0))
    .join("text").attr("class", "axis").attr("x", (i) => 40 + i * cell).attr("y", rows * h + 14).text((i) => `${i}s`);
  return svg;
}
