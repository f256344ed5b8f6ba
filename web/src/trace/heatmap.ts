// FlameScope's heat map: a column per second, a row per slice of a second, colour = weight in it. Drag from one cell
// to another to choose the time between them (in time order); every view then shows only that range.
import { max, scaleSequentialSqrt, interpolateOrRd, type Selection, type BaseType } from "d3";
import type { TraceTimeData } from "./data.js";
import type { Range } from "./state.js";
import { setAttr } from "../common/ui.js";

export interface HeatOptions {
  /** The range shown (range B of a comparison). */
  selected: Range | null;
  /** Range A of a comparison, outlined apart from the range chosen. */
  compare?: Range | null;
  onSelect(range: Range): void;
  format(weight: number): string;
}

interface Cell { slice: number; weight: number; col: number; row: number }

// The window's mouseup listener of each map, replaced at each redraw (a drag may end outside the map).
const releases = new WeakMap<Element, () => void>();
// The cells each map drew last.
const drawnCells = new WeakMap<Element, { slices: number[]; weights: number[] }>();

// `cellsShown`: {slices, weights} of the samples shown (thread filters and transforms applied).
export function drawHeatmap(container: Selection<HTMLElement, unknown, BaseType | null, unknown>, time: TraceTimeData,
  cellsShown: { slices: number[]; weights: number[] }, { selected, compare = null, onSelect, format }: HeatOptions) {
  const rows = time.slicesPerSecond, columns = time.seconds;
  const cell = Math.max(3, Math.min(40, Math.floor(1100 / Math.max(1, columns))));
  const h = Math.max(2, Math.floor(300 / rows));
  const width = columns * cell + 50, height = rows * h + 24;
  const colour = scaleSequentialSqrt(interpolateOrRd).domain([0, max(cellsShown.weights) || 1]);
  const cells: Cell[] = cellsShown.slices.map((s, i) => ({ slice: s, weight: cellsShown.weights[i], col: Math.floor(s / rows), row: s % rows }));
  const svg = container.selectAll<SVGSVGElement, null>("svg").data([null]).join("svg").attr("class", "heatmap").attr("width", width).attr("height", height);
  svg.selectAll("rect.bg").data([null]).join("rect").attr("class", "bg").attr("x", 40).attr("width", columns * cell).attr("height", rows * h).attr("fill", "#f6f6f6");
  const at = (slice: number) => ({ x: 40 + Math.floor(slice / rows) * cell, y: (slice % rows) * h });
  let start: number | null = null;
  const sliceAt = (event: MouseEvent): number | null => {
    const box = svg.node()!.getBoundingClientRect();
    const col = Math.floor((event.clientX - box.left - 40) / cell), row = Math.floor((event.clientY - box.top) / h);
    return col < 0 || row < 0 || col >= columns || row >= rows ? null : col * rows + row;
  };
  // Each cell's title made once with it (appending one at every redraw piled them up). The same cells as last time
  // (a range chosen, threads split: the map does not change) are left as they are.
  // A cell whose colour and figure are what they were is not written again (unticking a thread changes a few).
  const node = container.node()!;
  const same = drawnCells.get(node) === cellsShown;
  drawnCells.set(node, cellsShown);
  if (!same) {
    const title = (c: Cell) => `${((c.slice) / rows).toFixed(2)} s from the start (perf time ${time.startSecond + c.col}.${String(Math.round((c.row * 1000) / rows)).padStart(3, "0")} s): ${format(c.weight)}`;
    svg.selectAll<SVGRectElement, Cell>("rect.cell").data(cells, (c) => c.slice)
      // A cell's place is its slice's, the same in every redraw of one profile.
      .join((enter) => enter.append("rect").attr("class", "cell").attr("data-slice", (c) => c.slice)
        .attr("x", (c) => at(c.slice).x).attr("y", (c) => at(c.slice).y).attr("width", cell - 0.5).attr("height", h - 0.2)
        .call((r) => r.append("title")))
      .each(function (c) {
        setAttr(this, "fill", colour(c.weight));
        const text = title(c), t = this.firstChild as SVGTitleElement;
        if (t.textContent !== text) t.textContent = text;
      });
  }
  // The range being dragged, then the one chosen: outlined slice by slice, in one path (a range of thousands of slices
  // as thousands of elements made each redraw slow).
  const outline = (range: Range | null, kind = "chosen") => {
    let d = "";
    if (range) for (let s = range[0]; s < range[1]; s++) { const p = at(s); d += `M${p.x},${p.y}h${cell}v${h}h${-cell}Z`; }
    svg.selectAll(`path.${kind}`).data(range ? [range] : []).join("path").attr("class", kind).attr("pointer-events", "none")
      .attr("data-from", (r) => r[0]).attr("data-to", (r) => r[1]).attr("d", d);
  };
  let last: number | null = null;
  svg.on("mousedown", (event: MouseEvent) => { start = last = sliceAt(event); event.preventDefault(); outline(start === null ? null : [start, start + 1]); })
    .on("mousemove", (event: MouseEvent) => {
      const here = sliceAt(event);
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
