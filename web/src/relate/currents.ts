// Who moved where: an alluvial (d3-sankey) with one column of projects per period; bands are people staying in or
// moving between projects (their main project per period, docs/relate.md). Drawing only; main.ts decides what.
import { sankey, sankeyLinkHorizontal } from "d3-sankey";
import type { SankeyLink, SankeyNode } from "d3-sankey";
import type { Parent, PointerPosition } from "../common/ui.js";
import type { Flow, currentsFlows } from "./model.js";

type NodeData = ReturnType<typeof currentsFlows>["nodes"][number];
type Node = SankeyNode<NodeData, Flow>;
type Link = SankeyLink<NodeData, Flow>;

export interface CurrentsOptions {
  flows: ReturnType<typeof currentsFlows>;
  labels: readonly string[];
  names: readonly string[];
  colour: (project: number) => string;
  rank: (project: number) => number;
  width: number;
  describeNode: (node: NodeData, people: number) => string;
  people?: ReadonlySet<string> | null;
  on: { hover: (event: PointerPosition, link: Flow) => void; move: (event: PointerPosition) => void; leave: () => void; click: (link: Flow) => void };
}

// Draws `flows` (model.js currentsFlows) into `container`. `rank(project)` orders a column top to bottom (outside last);
// `on.hover(event, link)`, `on.leave()`, `on.click(link)`; `people` (a Set) highlights the bands they are in.
export function drawCurrents(container: Parent, { flows, labels, names, colour, rank, width, on, describeNode, people = null }: CurrentsOptions) {
  container.selectAll("*").remove();
  if (flows.links.length === 0) {
    container.append("p").attr("class", "note").text("Nobody active in two or more of these projects moved or stayed between these periods.");
    return;
  }
  const columns = [...new Set(flows.nodes.map((n) => n.period))].sort((a, b) => a - b);
  const height = Math.max(320, Math.min(900, 14 * flows.nodes.filter((n) => n.period === columns[0]).length + 260));
  const w = Math.max(width, columns.length * 120);
  const top = 22;
  const layout = sankey<NodeData, Flow>().nodeId((n) => n.id).nodeWidth(10).nodePadding(6)
    .nodeSort((a, b) => rank(a.project) - rank(b.project))
    .nodeAlign((n: Node) => columns.indexOf(n.period))
    .extent([[1, top], [w - 110, height - 4]]);
  const graph = layout({ nodes: flows.nodes.map((n) => ({ ...n })), links: flows.links.map((l) => ({ ...l })) });
  const svg = container.append("svg").attr("width", w).attr("height", height).attr("viewBox", [0, 0, w, height])
    .attr("role", "img").attr("aria-label", `Developers moving between projects, ${labels[columns[0]]} to ${labels[columns[columns.length - 1]]}`);
  const x = new Map(graph.nodes.map((n) => [n.period, n.x0]));
  svg.append("g").attr("class", "columns").selectAll("text").data(columns).join("text")
    .attr("x", (t) => x.get(t)!).attr("y", 12).text((t) => labels[t]);
  const fill = (project: number) => (project < 0 ? "#b8bec9" : colour(project));
  svg.append("g").attr("class", "bands").attr("fill", "none").selectAll<SVGPathElement, Link>("path").data(graph.links).join("path")
    // A band where a project's data ends or begins is drawn apart (dashed): it is no move.
    .attr("class", (l) => `band${l.from === l.to ? " stay" : l.kind.startsWith("history") ? " history" : " move"}`)
    .attr("data-kind", (l) => l.kind)
    .attr("d", sankeyLinkHorizontal<NodeData, Flow>())
    .attr("stroke", (l) => fill(l.from === l.to || l.to < 0 ? l.from : l.to))
    .attr("stroke-width", (l) => Math.max(1, l.width!))
    .attr("data-from", (l) => (l.from < 0 ? "outside" : names[l.from]))
    .attr("data-to", (l) => (l.to < 0 ? "outside" : names[l.to]))
    .attr("data-period", (l) => labels[l.period])
    .attr("data-value", (l) => l.value)
    .classed("dim", (l) => people !== null && !l.people.some((id) => people.has(id)))
    // One Tab stop for the whole alluvial (hundreds of bands): the arrow keys go from band to band inside it.
    .attr("tabindex", (_, i) => (i === 0 ? 0 : -1))
    .on("mouseover", (event, l) => on.hover(event, l))
    .on("mousemove", (event) => on.move(event))
    .on("mouseout", () => on.leave())
    .on("focus", function (_, l) { const b = this.getBoundingClientRect(); on.hover({ clientX: b.x + b.width / 2, clientY: b.y + b.height / 2 }, l); })
    .on("blur", () => on.leave())
    .on("click", (_, l) => on.click(l))
    .on("keydown", function (event: KeyboardEvent, l) {
      if (event.key === "Enter") { on.click(l); return; }
      const step = ({ ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 } as Record<string, number>)[event.key];
      const all = [...this.parentNode!.querySelectorAll<SVGPathElement>("path.band")];
      const at = all.indexOf(this);
      const next = event.key === "Home" ? 0 : event.key === "End" ? all.length - 1 : step ? Math.min(all.length - 1, Math.max(0, at + step)) : -1;
      if (next < 0) return;
      event.preventDefault();
      this.setAttribute("tabindex", "-1");
      all[next].setAttribute("tabindex", "0");
      all[next].focus();
    });
  const nodes = svg.append("g").attr("class", "nodes").selectAll("g").data(graph.nodes).join("g");
  nodes.append("rect").attr("x", (n) => n.x0!).attr("y", (n) => n.y0!).attr("width", (n) => n.x1! - n.x0!)
    .attr("height", (n) => Math.max(1, n.y1! - n.y0!)).attr("fill", (n) => fill(n.project))
    .append("title").text((n) => describeNode(n, Math.max(...[n.sourceLinks ?? [], n.targetLinks ?? []].map((ls: Link[]) => ls.reduce((sum, l) => sum + l.people.length, 0)))));
  nodes.filter((n) => n.y1! - n.y0! >= 9).append("text").attr("x", (n) => n.x1! + 3).attr("y", (n) => (n.y0! + n.y1!) / 2).attr("dy", "0.35em")
    .text((n) => (n.project < 0 ? "outside" : names[n.project]));
}
