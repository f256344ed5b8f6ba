// The chord diagram: one arc per project around a ring, one ribbon per related pair (the relate page, and the ecosystem
// page's neighbourhoods). Drawing only: what to draw, in which order and colours, and what a hover or click means come
// from the page.
import { arc as d3arc, chord as d3chord, descending, ascending, interpolate, ribbon as d3ribbon } from "d3";
import type { Chord, ChordGroup } from "d3";
import type { Parent, PointerPosition } from "./ui.js";
import { hitAngles, labelsToKeep, laidOut } from "./chord-model.js";
// selection.transition() comes from this module's side effect, which d3's bundle (sideEffects: false) would drop.
import "d3-transition";

// Draws into `container` (emptied) at `size` px square. `matrix` is the view's; `order` the projects around the circle;
// `keep(a, b)` whether a pair's chord is drawn; nameProject and namePair their accessible names; `on` the hover, focus and click handlers. Returns focus(f): what stands
// out (null; {project}; {pair: [a, b]}; {projects: Set}), everything else faded.
// `from` (what an earlier drawChart returned as `angles`) and `duration` morph the new diagram out of the old one: arcs and
// ribbons turn from their old angles to their new ones, new ribbons grow out of nothing, a project without activity
// shrinks to nothing; labels turn with their arcs.
// `scaleTotal` (the busiest period's matrixTotal) lays every period out on one scale: the part of the ring this period
// does not fill is left as a faint rest, titled `restTitle`. Null: the diagram fills the ring (each view its own scale).
interface Angles { startAngle: number; endAngle: number }
/** Where the arcs and chords were: what a morph starts from. */
export interface ChartAngles { groups: Map<number, Angles>; chords: Map<string, { a: Angles; b: Angles }> }
/** What stands out: one project, one pair, a set of projects; null: everything. */
export type Focus = { project: number } | { pair: [number, number] } | { projects: ReadonlySet<number> } | null;

export interface ChartOptions {
  size: number;
  matrix: number[][];
  order: number[];
  projects: readonly string[];
  colour: (project: number) => string;
  keep: (a: number, b: number) => boolean;
  label: (project: number) => string;
  nameProject: (project: number) => string;
  namePair: (a: number, b: number) => string;
  on: {
    hoverProject: (event: PointerPosition, project: number) => void;
    hoverPair: (event: PointerPosition, a: number, b: number) => void;
    move: (event: PointerPosition) => void;
    leave: () => void;
    clickProject: (project: number) => void;
    clickPair: (a: number, b: number) => void;
    background: () => void;
  };
  from?: ChartAngles | null;
  duration?: number;
  scaleTotal?: number | null;
  restTitle?: string;
}

export interface Chart {
  focus(f: Focus): void;
  /** Chords drawn, of all the layout's. */
  chords: number;
  of: number;
  angles: ChartAngles;
  /** Projects with no label on the ring. */
  unlabelled: number[];
}

export function drawChart(container: Parent, { size, matrix, order, projects, colour, keep, label, nameProject, namePair, on, from = null, duration = 0, scaleTotal = null,
  restTitle = "" }: ChartOptions): Chart {
  const n = projects.length;
  const fontSize = n > 120 ? 9 : n > 60 ? 10 : 12;
  // Labels sit radially outside the ring; the ring leaves room for the longest label, up to a fifth of the chart.
  const maxLabel = Math.max(6, Math.floor((size * 0.2 - 12) / (fontSize * 0.62)));
  const labelText = (name: string) => (name.length > maxLabel ? `${name.slice(0, maxLabel - 1)}…` : name);
  const longest = Math.max(4, ...projects.map((p) => labelText(p).length));
  const labelSpace = 12 + longest * fontSize * 0.62;
  const outerRadius = size / 2 - labelSpace;
  const innerRadius = outerRadius - Math.max(10, Math.min(24, outerRadius * 0.06));
  const padAngle = Math.min(0.04, (2 * Math.PI * 0.25) / Math.max(1, n));

  // The layout is made on the reordered matrix, then its indices are turned back into project numbers, so everything
  // else (colours, names, panels) keeps addressing projects.
  const laid = laidOut(matrix, order, scaleTotal);
  const layout = d3chord().padAngle(padAngle).sortSubgroups(descending).sortChords(ascending)(laid.square);
  for (const g of layout.groups) g.index = laid.order[g.index];
  for (const c of layout) {
    c.source.index = laid.order[c.source.index];
    c.target.index = laid.order[c.target.index];
  }
  // The rest is no project: it leaves the groups and chords drawn, and is shown apart.
  const restGroup = laid.rest === null ? null : layout.groups.find((g) => g.index === laid.rest);
  if (restGroup) {
    layout.groups = layout.groups.filter((g) => g !== restGroup);
    for (let i = layout.length - 1; i >= 0; i--) if (layout[i].source.index === laid.rest) layout.splice(i, 1);
  }
  const arc = d3arc<Angles>().innerRadius(innerRadius).outerRadius(outerRadius);
  const hit = d3arc<Angles>().innerRadius(innerRadius).outerRadius(outerRadius + labelSpace * 0.8);
  const ribbon = d3ribbon<unknown, { source: Angles; target: Angles }, Angles>().radius(innerRadius - 1) as unknown as (d: { source: Angles; target: Angles }) => string;
  const polar = (angle: number, radius: number): [number, number] => [Math.sin(angle) * radius, -Math.cos(angle) * radius];

  container.selectAll("*").remove();
  const svg = container.append("svg")
    .attr("class", "chord-diagram")
    .attr("viewBox", [-size / 2, -size / 2, size, size].join(" "))
    .attr("width", size).attr("height", size)
    .attr("role", "img")
    .attr("aria-label", `Chord diagram of ${n} projects`);
  const focusStyle = svg.append("style");
  svg.on("click", () => on.background());
  if (restGroup && restGroup.endAngle - restGroup.startAngle > 0.001) {
    svg.append("path").attr("class", "scale-rest").attr("d", arc(restGroup)!).attr("fill", "#eef0f4").attr("stroke", "#c5cad3")
      .attr("stroke-dasharray", "3 3").append("title").text(restTitle);
  }

  // The arcs in order around the circle (the keyboard's order: Tab, or the arrow keys to the neighbours).
  const groups = svg.append("g").attr("class", "groups").selectAll<SVGGElement, ChordGroup>("g").data(layout.groups).join("g")
    .attr("class", (d) => `group p${d.index}`)
    .attr("data-project", (d) => projects[d.index])
    .attr("tabindex", 0)
    .attr("role", "button")
    .attr("aria-label", (d) => nameProject(d.index))
    .each(function (d) {
      const [cx, cy] = arc.centroid(d);
      this.setAttribute("data-cx", cx.toFixed(2));
      this.setAttribute("data-cy", cy.toFixed(2));
    });
  const arcs = groups.append("path").attr("class", "arc").attr("d", (d) => arc(d)!).attr("fill", (d) => colour(d.index)).attr("stroke", "#fff");
  if (from && duration > 0) {
    arcs.transition().duration(duration).attrTween("d", (d) => {
      const between = interpolate(from.groups.get(d.index) || { startAngle: d.startAngle, endAngle: d.startAngle }, { startAngle: d.startAngle, endAngle: d.endAngle });
      return (t: number) => arc(between(t))!;
    });
  }
  groups
    .on("focus", function (_, d) { on.hoverProject(centre(this), d.index); })
    .on("blur", () => on.leave())
    .on("keydown", function (event: KeyboardEvent, d) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        on.clickProject(d.index);
      } else if (event.key === "ArrowRight" || event.key === "ArrowDown" || event.key === "ArrowLeft" || event.key === "ArrowUp") {
        event.preventDefault();
        const next = event.key === "ArrowRight" || event.key === "ArrowDown";
        ((next ? this.nextElementSibling || this.parentNode!.firstElementChild : this.previousElementSibling || this.parentNode!.lastElementChild) as SVGGElement).focus();
      }
    });
  // What the pointer meets: a wedge over each arc and its label, at least a few pixels wide, smallest last so a tiny
  // project's target lies on top of its neighbours'.
  svg.append("g").attr("class", "hits").selectAll<SVGPathElement, ChordGroup>("path")
    .data([...layout.groups].sort((a, b) => (b.endAngle - b.startAngle) - (a.endAngle - a.startAngle) || a.index - b.index))
    .join("path")
    .attr("class", "hit")
    .attr("data-project", (d) => projects[d.index])
    .attr("d", (d) => hit(hitAngles(d, 10 / outerRadius))!)
    .on("mouseover", (event: MouseEvent, d) => on.hoverProject(event, d.index))
    .on("mousemove", (event: MouseEvent) => on.move(event))
    .on("mouseout", () => on.leave())
    .on("click", (event: MouseEvent, d) => { event.stopPropagation(); on.clickProject(d.index); });

  const labelRadius = outerRadius + 6;
  const mid = (g: Angles) => (g.startAngle + g.endAngle) / 2;
  // Labels that would overlap are left off the ring; their projects are returned (`unlabelled`) for a list beside it.
  const kept = labelsToKeep(layout.groups, (fontSize * 1.15) / labelRadius);
  const keptIndex = new Set(kept.map((g) => g.index));
  const unlabelled = layout.groups.filter((g) => g.value > 0 && !keptIndex.has(g.index)).map((g) => g.index);
  const placeAt = (a: number) => `rotate(${(a * 180) / Math.PI - 90}) translate(${labelRadius})${a > Math.PI ? " rotate(180)" : ""}`;
  const labels = svg.append("g").attr("class", "labels").style("font-size", `${fontSize}px`)
    .selectAll<SVGTextElement, ChordGroup>("text").data(kept).join("text")
    .attr("class", (d) => `p${d.index}`)
    .attr("data-project", (d) => projects[d.index])
    .attr("dy", "0.35em")
    .attr("transform", (d) => placeAt(mid(d)))
    .attr("text-anchor", (d) => (mid(d) > Math.PI ? "end" : "start"))
    .text((d) => labelText(label(d.index)));
  if (from && duration > 0) {
    // A label turns with its arc, from the middle of the arc's old place to the middle of its new one (a project new to
    // the ring from where its arc grows), turning its anchor over as it crosses the bottom.
    labels.transition().duration(duration).attrTween("transform", function (d) {
      const old = from.groups.get(d.index);
      const turn = interpolate(old ? mid(old) : d.startAngle, mid(d));
      return (t: number) => {
        const a = turn(t);
        this.setAttribute("text-anchor", a > Math.PI ? "end" : "start");
        return placeAt(a);
      };
    });
  }

  const shown = layout.filter((c) => keep(c.source.index, c.target.index));
  const pairOfChord = (d: Chord): [number, number] => [Math.min(d.source.index, d.target.index), Math.max(d.source.index, d.target.index)];
  const keyOf = (d: Chord) => pairOfChord(d).join("-");
  const ends = (d: Chord) => {
    const [a] = pairOfChord(d);
    const [x, y] = a === d.source.index ? [d.source, d.target] : [d.target, d.source];
    return { a: { startAngle: x.startAngle, endAngle: x.endAngle }, b: { startAngle: y.startAngle, endAngle: y.endAngle } };
  };
  const chordPaths = svg.append("g").attr("class", "chords").selectAll<SVGPathElement, Chord>("path").data(shown).join("path")
    .attr("class", (d) => { const [a, b] = pairOfChord(d); return `chord p${a} p${b} k${a}-${b}`; })
    .attr("d", (d) => ribbon(d))
    .attr("fill", (d) => colour(d.source.value >= d.target.value ? d.source.index : d.target.index))
    .attr("data-a", (d) => projects[pairOfChord(d)[0]])
    .attr("data-b", (d) => projects[pairOfChord(d)[1]])
    .each(function (d) {
      // A point surely on this ribbon: just inside the ring, in the middle of its own end (ends never overlap).
      const [hx, hy] = polar((d.source.startAngle + d.source.endAngle) / 2, innerRadius - 4);
      this.setAttribute("data-hx", hx.toFixed(2));
      this.setAttribute("data-hy", hy.toFixed(2));
    })
    .attr("tabindex", 0)
    .attr("role", "button")
    .attr("aria-label", (d) => namePair(...pairOfChord(d)))
    .on("mouseover", function (event: MouseEvent, d) {
      // The hovered chord on top (once: a move would lose the click; never for keyboard focus, which a move would lose).
      if (event.isTrusted && this.nextSibling) this.parentNode!.appendChild(this);
      on.hoverPair(event, ...pairOfChord(d));
    })
    .on("mousemove", (event: MouseEvent) => on.move(event))
    .on("mouseout", () => on.leave())
    .on("click", (event: MouseEvent, d) => { event.stopPropagation(); on.clickPair(...pairOfChord(d)); })
    .on("focus", function (_, d) { on.hoverPair(centre(this), ...pairOfChord(d)); })
    .on("blur", () => on.leave())
    .on("keydown", (event: KeyboardEvent, d) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); on.clickPair(...pairOfChord(d)); } });

  if (from && duration > 0) {
    // A ribbon from its old ends to its new ones; a new one grows from the middle of each new end.
    const point = (e: Angles) => ({ startAngle: (e.startAngle + e.endAngle) / 2, endAngle: (e.startAngle + e.endAngle) / 2 });
    chordPaths.transition().duration(duration).attrTween("d", (d) => {
      const to = ends(d);
      const between = interpolate(from.chords.get(keyOf(d)) || { a: point(to.a), b: point(to.b) }, to);
      return (t: number) => { const e = between(t); return ribbon({ source: e.a, target: e.b }); };
    });
    // A ribbon that is gone shrinks into the middle of its old ends.
    const now = new Set(shown.map(keyOf));
    const gone = [...from.chords].filter(([key]) => !now.has(key));
    svg.select(".chords").selectAll<SVGPathElement, [string, { a: Angles; b: Angles }]>("path.gone").data(gone).join("path").attr("class", "gone").attr("fill", "#999").attr("fill-opacity", 0.4)
      .transition().duration(duration)
      .attrTween("d", ([, e]) => {
        const between = interpolate(e, { a: point(e.a), b: point(e.b) });
        return (t: number) => { const x = between(t); return ribbon({ source: x.a, target: x.b }); };
      })
      .remove();
  }

  // One style rule rather than a class on every element keeps hover instant with thousands of chords.
  const faded = "opacity: 0.07; pointer-events: none;";
  function focus(f: Focus) {
    let css = "";
    if (f && "project" in f) {
      css = `.chord:not(.p${f.project}) { ${faded} }`;
    } else if (f && "pair" in f) {
      css = `.chord:not(.k${f.pair[0]}-${f.pair[1]}) { ${faded} } .group:not(.p${f.pair[0]}):not(.p${f.pair[1]}) .arc { opacity: 0.3; }`;
    } else if (f && "projects" in f) {
      const members = [...f.projects].sort((x, y) => x - y);
      const within: string[] = [];
      for (let x = 0; x < members.length; x++) for (let y = x + 1; y < members.length; y++) within.push(`.k${members[x]}-${members[y]}`);
      css = `.chord${within.map((k) => `:not(${k})`).join("")} { ${faded} } `
        + `.group${members.map((p) => `:not(.p${p})`).join("")} .arc { opacity: 0.3; } `
        + members.map((p) => `.group.p${p} .arc`).join(", ") + (members.length ? " { stroke: #1d2330; stroke-width: 1.5px; }" : "");
    }
    focusStyle.text(css);
  }
  const angles: ChartAngles = {
    groups: new Map(layout.groups.map((g) => [g.index, { startAngle: g.startAngle, endAngle: g.endAngle }])),
    chords: new Map(shown.map((d) => [keyOf(d), ends(d)])),
  };
  return { focus, chords: shown.length, of: layout.length, angles, unlabelled };
}

// Where a keyboard-focused element's tooltip goes: its middle on screen.
function centre(element: Element): PointerPosition {
  const box = element.getBoundingClientRect();
  return { clientX: box.x + box.width / 2, clientY: box.y + box.height / 2 };
}
