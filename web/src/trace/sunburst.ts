// The sunburst of the 2013 d3js_trace page: rings outward from the zoomed frame, the original's centre percentage
// and breadcrumb trail on hover. Arcs narrower than a pixel on their outer edge are gathered into one "…" arc.
import { arc, type Selection, type BaseType } from "d3";
import { drawable, type Drawn, type FrameEvents, type LaidOut } from "./flame.js";

const RINGS = 14;

interface Item { node: Drawn; a0: number; a1: number; d: number }

export interface SunburstOptions {
  size: number;
  colour(node: LaidOut): string;
  highlight(node: LaidOut): boolean;
  on: FrameEvents;
}

export function drawSunburst(container: Selection<HTMLElement, unknown, BaseType | null, unknown>, root: LaidOut, zoom: LaidOut,
  { size, colour, highlight, on }: SunburstOptions) {
  const radius = size / 2 - 4;
  const ring = radius / (RINGS + 1);
  const scale = (2 * Math.PI) / ((zoom.x1 - zoom.x0) || 1);
  const items: Item[] = [];
  const stack = [zoom];
  while (stack.length) {
    const n = stack.pop()!;
    const d = n.depth - zoom.depth;
    items.push({ node: n, a0: (n.x0 - zoom.x0) * scale, a1: (n.x1 - zoom.x0) * scale, d });
    if (d >= RINGS) continue;
    for (const part of drawable(n, (c) => (c.x1 - c.x0) * scale * ring * (d + 2) >= 1)) {
      if (!part.stub) {
        stack.push(part);
        continue;
      }
      const a0 = (part.x0 - zoom.x0) * scale;
      items.push({ node: part, a0, a1: a0 + Math.max(1 / (ring * (d + 2)), (part.value / (root.value || 1)) * scale), d: d + 1 });
    }
  }
  const shape = arc<Item>().startAngle((i) => i.a0).endAngle((i) => i.a1).innerRadius((i) => i.d * ring).outerRadius((i) => (i.d + 1) * ring - 1);
  const svg = container.selectAll<SVGSVGElement, null>("svg").data([null]).join("svg").attr("class", "sunburst")
    .attr("width", size).attr("height", size).attr("viewBox", `${-size / 2} ${-size / 2} ${size} ${size}`);
  svg.selectAll<SVGPathElement, Item>("path.frame").data(items).join("path").attr("class", "frame")
    .attr("d", (i) => (i.d === 0 ? shape({ ...i, a0: 0, a1: 2 * Math.PI }) : shape(i)))
    .attr("data-name", (i) => i.node.name)
    .attr("data-depth", (i) => i.d)
    .attr("data-cx", (i) => (i.d === 0 ? 0 : shape.centroid(i)[0]))
    .attr("data-cy", (i) => (i.d === 0 ? 0 : shape.centroid(i)[1]))
    .attr("fill", (i) => (i.node.stub ? "#bbb" : i.d === 0 ? "#fff" : colour(i.node)))
    .attr("stroke", (i) => (i.d === 0 ? "#ccc" : "#fff")).attr("stroke-width", 0.5)
    .classed("stub", (i) => !!i.node.stub)
    .classed("match", (i) => !i.node.stub && highlight(i.node))
    .on("mouseenter", (event: MouseEvent, i) => on.hover(i.node, event)).on("mousemove", (event: MouseEvent, i) => on.hover(i.node, event))
    .on("mouseleave", () => on.leave())
    .on("click", (_, i) => { if (!i.node.stub) on.click(i.d === 0 && i.node.parent ? i.node.parent : i.node); });
  svg.selectAll("text.centre").data([null]).join("text").attr("class", "centre").attr("text-anchor", "middle").attr("dy", "0.35em");
  return svg;
}
