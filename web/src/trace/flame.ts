// Flame graph (root at the bottom) and icicle (root at the top) on SVG. Only frames at least a pixel wide are drawn;
// each run of narrower neighbours is gathered into one "…" stub whose tooltip says how many it stands for, so
// 100,000 stacks draw as fast as the screen is wide, and nothing is silently dropped.
import { select, type Selection, type BaseType } from "d3";
import type { TreeNode } from "./model.js";
import { setAttr } from "../common/ui.js";

/** A node of a laid-out tree: its place in [0, 1] of the root's width and its depth. */
export interface LaidOut extends TreeNode {
  x0: number;
  x1: number;
  depth: number;
  parent: LaidOut | null;
  children: LaidOut[] | null;
  maxDepth?: number;
  stub?: false;
}

/** A run of neighbours too narrow to draw, drawn as one "…" in their place. */
export interface Stub {
  stub: true;
  count: number;
  value: number;
  x0: number;
  depth: number;
  parent: LaidOut;
  name: string;
  only?: undefined;
}

export type Drawn = LaidOut | Stub;

/** What a view tells the page: hover, leave, click. */
export interface FrameEvents {
  hover(node: Drawn, event: MouseEvent): void;
  leave(): void;
  click(node: LaidOut): void;
}

export interface FlameOptions {
  width: number;
  icicle?: boolean;
  colour(node: LaidOut): string;
  highlight(node: LaidOut): boolean;
  on: FrameEvents;
}

type Item = { node: Drawn; x: number; w: number; ancestor?: boolean };

/** A frame row's height in px. */
export const ROW = 18;

// Lays out the tree once (x0/x1 in [0, 1] of the root's value, depth); zooming only rescales.
export function layout(tree: TreeNode): LaidOut {
  const root = tree as LaidOut;
  const total = root.value || 1;
  root.x0 = 0; root.depth = 0; root.parent = null;
  const stack = [root];
  let maxDepth = 0;
  while (stack.length) {
    const n = stack.pop()!;
    n.x1 = n.x0 + n.value / total;
    maxDepth = Math.max(maxDepth, n.depth);
    let x = n.x0;
    for (const c of n.children || []) {
      c.parent = n; c.x0 = x; c.depth = n.depth + 1;
      x += c.value / total;
      stack.push(c);
    }
  }
  root.maxDepth = maxDepth;
  return root;
}

// The frames to draw for a zoom: the zoomed node's ancestors (full width) and its descendants, culled.
export function visible(root: LaidOut, zoom: LaidOut, width: number): Item[] {
  const out: Item[] = [];
  for (let a = zoom.parent; a; a = a.parent) out.push({ node: a, x: 0, w: width, ancestor: true });
  const scale = width / ((zoom.x1 - zoom.x0) || 1);
  const stack = [zoom];
  while (stack.length) {
    const n = stack.pop()!;
    const x = (n.x0 - zoom.x0) * scale, w = (n.x1 - n.x0) * scale;
    out.push({ node: n, x, w });
    for (const part of drawable(n, (c) => (c.x1 - c.x0) * scale >= 1)) {
      if (part.stub) out.push({ node: part, x: (part.x0 - zoom.x0) * scale, w: Math.max(1, part.value / (root.value || 1) * scale) });
      else stack.push(part);
    }
  }
  return out;
}

// A node's children as they are drawn: each one wide enough, and each run of neighbours too narrow to draw as one
// "…" stub in their own place (so a stub never covers a frame), with how many it stands for.
export function drawable(node: LaidOut, wide: (child: LaidOut) => boolean): Drawn[] {
  const out: Drawn[] = [];
  let run: Stub | null = null;
  for (const c of node.children || []) {
    if (wide(c)) {
      if (run) out.push(run);
      run = null;
      out.push(c);
    } else {
      run ??= { stub: true, count: 0, value: 0, x0: c.x0, depth: c.depth, parent: node, name: "…" };
      run.count++;
      run.value += c.value;
    }
  }
  if (run) out.push(run);
  return out;
}

// Draws into `container` (a d3 selection); events: hover(node, event), leave(), click(node).
export function drawFlame(container: Selection<HTMLElement, unknown, BaseType | null, unknown>, root: LaidOut, zoom: LaidOut,
  { width, icicle = false, colour, highlight, on }: FlameOptions) {
  const items = visible(root, zoom, width);
  const depth = Math.max(...items.map((i) => i.node.depth)) + 1;
  const height = depth * ROW + 4;
  const y = (d: number) => (icicle ? d * ROW : height - (d + 1) * ROW);
  const svg = container.selectAll<SVGSVGElement, null>("svg").data([null]).join("svg")
    .attr("class", "flame").attr("width", width).attr("height", height).attr("viewBox", `0 0 ${width} ${height}`);
  const frames = svg.selectAll<SVGGElement, Item>("g.frame").data(items).join((enter) => {
    const g = enter.append("g");
    g.append("rect").attr("height", ROW - 1).attr("rx", 1.5);
    g.append("text").attr("dy", "1.15em").attr("dx", 3);
    return g;
  });
  // Written only where it changed: after a change of filter most frames of the view are where they were, and writing
  // thousands of attributes again made the browser restyle the whole picture.
  frames.each(function (d) {
    const n = d.node, rect = this.firstChild as SVGRectElement, text = this.lastChild as SVGTextElement;
    setAttr(this, "class", `frame${n.stub ? " stub" : ""}${d.ancestor ? " ancestor" : ""}${n === zoom ? " zoomed" : ""}${!n.stub && highlight(n) ? " match" : ""}${n.only === "after" ? " new" : ""}`);
    setAttr(this, "transform", `translate(${d.x},${y(n.depth)})`);
    setAttr(this, "data-name", n.name);
    setAttr(this, "data-depth", String(n.depth));
    setAttr(rect, "width", String(Math.max(0.5, d.w - 0.5)));
    setAttr(rect, "fill", n.stub ? "#bbb" : colour(n));
    const l = label(n.name, d.w);
    if (text.textContent !== l) text.textContent = l;
  });
  // One set of listeners on the picture, not five on each of thousands of frames.
  const datum = (event: Event): Item | undefined =>
    ((event.target as Element | null)?.closest?.("g.frame") as (SVGGElement & { __data__?: Item }) | null)?.__data__;
  svg.on("mouseover mousemove", (event: MouseEvent) => { const d = datum(event); if (d) on.hover(d.node, event); else on.leave(); })
    .on("mouseleave", () => on.leave())
    .on("click", (event: MouseEvent) => { const d = datum(event); if (d && !d.node.stub) on.click(d.node); });
  return svg;
}

// As much of the name as fits at ~7 px a character.
function label(name: string, width: number): string {
  const fit = Math.floor((width - 6) / 7);
  if (fit < 3) return "";
  return name.length <= fit ? name : `${name.slice(0, fit - 1)}…`;
}

export function clear(container: Selection<HTMLElement, unknown, BaseType | null, unknown>): void {
  select(container.node()).selectAll("*").remove();
}
