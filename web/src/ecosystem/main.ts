// kashika relate, many projects: the network of related projects (sigma.js on WebGL, laid out by kashika with
// ForceAtlas2), coloured by community; search; a project's panel with its neighbourhood; the measure shown on edges;
// a neighbourhood or a community as a chord diagram of every pair among its projects.
import Graph from "graphology";
import Sigma from "sigma";
import { select as d3select } from "d3";
import { count, grouped } from "../common/format.js";
import { readData, table, tooltip } from "../common/ui.js";
import { exportButtons } from "../common/download.js";
import { palette } from "../common/colour.js";
import { drawChart } from "../common/chord.js";
import { clusterOrder } from "../common/chord-model.js";
import type { EcosystemDocument, PairSummary } from "./data.js";
import { chordColours, chordMatrix, communitiesOf, edgeWidths, findProjects, measureOf, measures, neighbourhood, neighbourhoodChord, nodeSize, pairIndex, valueOf } from "./model.js";
import type { ChordPair } from "./model.js";
import type { Measure } from "./model.js";

const data = readData<EcosystemDocument>();
const names = data.projects;
// What is drawn: the whole history, or one period of --by (its kept pairs and its developers); nodes stay in place.
// chordPairs: the pairs among a chord diagram's projects that were not kept (figures only).
interface View { label: string; pairs: PairSummary[]; developers: number[]; commits: number[]; chordPairs: number[][]; index?: Map<number, ChordPair> }
const whole: View = {
  label: "whole history", pairs: data.pairs, developers: data.projectDetails.map((p) => p.developers), commits: data.projectDetails.map((p) => p.commits),
  chordPairs: data.sparse.chordPairs,
};
const views: View[] = [whole, ...(data.periods || []).map((p) => ({ label: p.label, pairs: p.pairs, developers: p.developers, commits: p.commits, chordPairs: p.chordPairs }))];
let view = whole;
const developers = whole.developers;
const sparse = data.sparse;
const communities = communitiesOf(sparse.communities, names, developers);
// The biggest communities get colours apart (the relate palette); the rest one grey, named "other".
const coloured = Math.min(communities.length, 12);
const colours = palette(coloured);
const OTHER = "#b8b8b8";
const colourOf = (community: number) => (community < coloured ? colours[community] : OTHER);
const most = developers.reduce((m, d) => Math.max(m, d), 1);

const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
el("title").textContent = `Kashika relate: ${grouped(names.length)} projects`;
const above = sparse.above === null ? "" : ` and every pair above ${sparse.above}`;
el("subtitle").textContent = `${grouped(sparse.keptPairs)} of the ${grouped(sparse.allPairs)} pairs that share developers are drawn: `
  + `each project's ${sparse.top} strongest${above} (by ${data.options.metric}). ${count(communities.length, "community", "communities")}. `
  + "Every pair: --format csv.";
const warnings = el("warnings");
for (const w of data.warnings) { const li = document.createElement("li"); li.textContent = w; warnings.appendChild(li); }

// The graph: nodes where kashika laid them out (a circle when the report has no positions), edges the kept pairs.
const graph = new Graph({ type: "undirected" });
names.forEach((name, i) => {
  const at = sparse.positions?.[i] ?? [Math.cos((2 * Math.PI * i) / names.length) * 100, Math.sin((2 * Math.PI * i) / names.length) * 100];
  graph.addNode(String(i), { x: at[0], y: at[1], size: nodeSize(developers[i], most, names.length), color: colourOf(sparse.communities[i]), label: name });
});
function drawPairs() {
  graph.clearEdges();
  view.pairs.forEach((pair, e) => graph.addEdgeWithKey(String(e), String(pair.a), String(pair.b), { size: 0.5, color: "#dde1e7" }));
}
drawPairs();

// The measure the report was made by, when the page has it.
let measure: Measure = data.options.metric === "jaccard" || data.options.metric === "shared" ? data.options.metric : "relatedness";
let selected: number | null = null;
let hovered: number | null = null;
let community: number | null = null;
let near = new Set<number>();

function applyMeasure() {
  const widths = edgeWidths(view.pairs.map((p) => measureOf(p, measure, view.developers)));
  view.pairs.forEach((_, e) => graph.setEdgeAttribute(String(e), "size", widths[e]));
}
applyMeasure();

// What is in front: the project chosen (or hovered) and its neighbours, or one community; the rest fades.
const focus = () => selected ?? hovered;
const renderer = new Sigma(graph, el("graph"), {
  labelRenderedSizeThreshold: 4,
  labelDensity: 0.5,
  zIndex: true,
  nodeReducer: (node, attributes) => {
    const i = Number(node);
    const f = focus();
    if (f !== null) {
      if (i === f) return { ...attributes, highlighted: true, zIndex: 2 };
      return near.has(i) ? { ...attributes, forceLabel: true, zIndex: 1 } : { ...attributes, color: "#e6e8eb", label: "", zIndex: 0 };
    }
    if (community !== null && sparse.communities[i] !== community) return { ...attributes, color: "#e6e8eb", label: "", zIndex: 0 };
    return attributes;
  },
  edgeReducer: (edge, attributes) => {
    const pair = view.pairs[Number(edge)];
    const f = focus();
    if (f !== null) return pair.a === f || pair.b === f ? { ...attributes, color: "#5b6b80", zIndex: 1 } : { ...attributes, hidden: true };
    if (community !== null) {
      const inside = sparse.communities[pair.a] === community && sparse.communities[pair.b] === community;
      return inside ? attributes : { ...attributes, hidden: true };
    }
    return attributes;
  },
});

function neighboursOf(project: number | null) {
  near = new Set(project === null ? [] : neighbourhood(project, view.pairs, measure, view.developers).map((n) => n.other));
}

function select(project: number | null, move = false) {
  tip.hide();
  selected = project;
  community = null;
  neighboursOf(project);
  renderer.refresh();
  showPanel();
  // A chord diagram on show follows the project chosen (Escape goes back to the one before).
  if (chordShown && project !== null && !("project" in chordShown && chordShown.project === project)) showChord({ project }, true);
  if (project !== null && move) {
    // The camera frames the project and its neighbours (the whole view's fraction they span, with a margin).
    const shown = [project, ...near].map((i) => renderer.getNodeDisplayData(String(i))).filter((d) => d !== undefined);
    if (shown.length > 0) {
      const xs = shown.map((d) => d.x), ys = shown.map((d) => d.y);
      const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
      const ratio = Math.min(1, Math.max(0.08, 1.25 * Math.max(x1 - x0, y1 - y0)));
      renderer.getCamera().animate({ x: (x0 + x1) / 2, y: (y0 + y1) / 2, ratio }, { duration: 300 });
    }
  }
}

// The command that draws projects (a project and its strongest neighbours, or a community's biggest) as a chord
// diagram of every pair among them, as the user would type it.
function chordCommand(projects: number[], file: string): HTMLElement[] {
  const chord = document.createElement("h3");
  chord.textContent = `As a report of its own (these ${projects.length} projects, every person of every pair)`;
  const command = document.createElement("code");
  command.className = "command";
  const quote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`);
  // Each repository as the user named it (NAME=PATH too).
  const sources = projects.map((i) => quote(data.projectDetails[i].source));
  command.textContent = `kashika relate --view chord -o ${quote(`${file}.html`)} ${sources.join(" ")}`;
  return [chord, command];
}

// A community shown alone: its projects, biggest first (a row opens one), and the command for its chord diagram.
function showCommunity(panel: HTMLElement, c: (typeof communities)[number]) {
  panel.style.display = "block";
  const head = document.createElement("h2");
  head.textContent = `Community ${c.id + 1}: ${c.label}`;
  const facts = document.createElement("p");
  const inside = view.pairs.filter((p) => sparse.communities[p.a] === c.id && sparse.communities[p.b] === c.id).length;
  facts.textContent = `${count(c.members.length, "project")}; ${count(inside, "kept pair")} inside it${view === whole ? "" : ` in ${view.label}`}`;
  panel.append(head, facts);
  panel.append(chordButton(c.members.length <= sparse.chord ? `Chord diagram of its ${count(c.members.length, "project")}` : `Chord diagram of its ${sparse.chord} biggest projects`, { community: c.id }));
  table(d3select(panel), ["project", "developers", "commits"], c.members.map((i) => [names[i], view.developers[i], view.commits[i]]),
    "members", { onRow: (i: number) => select(c.members[i], true), limit: 30, noun: "projects" });
  if (data.options.input === "git") panel.append(...chordCommand(c.members.slice(0, sparse.chord), `community-${c.id + 1}`));
}

function showPanel() {
  const panel = el("panel");
  panel.replaceChildren();
  if (selected === null && community !== null) { showCommunity(panel, communities[community]); return; }
  if (selected === null) { panel.style.display = "none"; return; }
  panel.style.display = "block";
  const p = selected;
  const inView = view === whole ? "" : ` in ${view.label}`;
  const head = document.createElement("h2");
  head.textContent = names[p];
  const close = document.createElement("button");
  close.type = "button"; close.textContent = "×"; close.setAttribute("aria-label", "close");
  close.addEventListener("click", () => select(null));
  const top = document.createElement("div"); top.className = "panel-head"; top.append(head, close);
  const facts = document.createElement("p");
  const c = communities[sparse.communities[p]];
  facts.textContent = `${count(view.developers[p], "developer")}, ${count(view.commits[p], "commit")}${inView}; community ${c.id + 1} (${c.label}, ${count(c.members.length, "project")})`;
  panel.append(top, facts);
  const rows = neighbourhood(p, view.pairs, measure, view.developers);
  if (sparse.neighbours[p].length > 0) panel.append(chordButton("Chord diagram of this neighbourhood", { project: p }));
  const h = document.createElement("h3");
  const keepers = rows.length - sparse.neighbours[p].length;
  h.textContent = `Related projects kept${inView} (${rows.length}), by ${measures[measure].name}`;
  h.title = keepers > 0 ? `its ${sparse.neighbours[p].length} strongest, and ${keepers} that keep it among their own strongest` : "";
  panel.append(h);
  const digits = measures[measure].digits;
  // The shared people are a column of their own unless they are the measure.
  const shared = measure === "shared" ? [] : ["shared people"];
  table(d3select(panel), ["project", measures[measure].name, ...shared, "Σ min commits"], rows.map((r) => [
    names[r.other], { value: r.value, text: grouped(r.value, digits, digits) }, ...(shared.length ? [r.pair.shared.length] : []), r.pair.sumMin,
  ]), "neighbours", { onRow: (i: number) => select(rows[i].other, true) });
  // The neighbourhood's chord diagram as a report of its own (with every person of every pair): repositories can be
  // named again; ranking files and tables cannot be picked one by one.
  if (data.options.input === "git") panel.append(...chordCommand(neighbourhoodChord(p, sparse.neighbours, sparse.chord), names[p]));
  const who = document.createElement("h3");
  who.textContent = "People shared with the strongest";
  panel.append(who);
  const first = rows[0];
  if (first) {
    const list = document.createElement("p");
    list.className = "people";
    list.textContent = `${names[first.other]}: ` + first.pair.shared.slice(0, 12).map((s) => s.name).join(", ")
      + (first.pair.shared.length > 12 ? `, and ${grouped(first.pair.shared.length - 12)} more` : "");
    panel.append(list);
  }
}

// --- a neighbourhood or a community as a chord diagram ---------------------------------------------------------------
// Every pair among its projects, kept or not (the report counts the others for this), under the measure chosen, in the
// period shown: what a report of just those projects draws.
type ChordOf = { project: number } | { community: number };
let chordShown: ChordOf | null = null;
// The chord diagrams shown before this one (a click on an arc goes on to that project's): Escape goes back.
const chordTrail: ChordOf[] = [];
const tip = tooltip();
const chordPanel = el("chord");
// Colours apart from the legend's communities (the palette's first twelve), kept by a project from one diagram to the next.
const chordPalette = palette(12 + sparse.chord).slice(12);
let chordColourOf: Map<number, number> = new Map();
const indexOf = (v: View) => (v.index ??= pairIndex(v.pairs, v.chordPairs, names.length));

function chordButton(text: string, of: ChordOf): HTMLElement {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "show-chord";
  button.textContent = text;
  button.addEventListener("click", () => showChord(of));
  return button;
}

function chordProjects(of: ChordOf): number[] {
  return "project" in of ? neighbourhoodChord(of.project, sparse.neighbours, sparse.chord) : communities[of.community].members.slice(0, sparse.chord);
}

// What a chord diagram is called, in its title and its picture's caption: "nova and its 20 strongest neighbours",
// "Community 3 (keystone · horizon +18): its 21 biggest projects of 20".
function chordName(of: ChordOf): string {
  const shown = chordProjects(of).length;
  if ("project" in of) return `${names[of.project]} and its ${count(shown - 1, "strongest neighbour")}`;
  const c = communities[of.community];
  return `Community ${c.id + 1} (${c.label}): ${shown < c.members.length ? `its ${count(shown, "biggest project")} of ${grouped(c.members.length)}` : `its ${count(shown, "project")}`}`;
}

function showChord(of: ChordOf, onward = false) {
  if (onward && chordShown) chordTrail.push(chordShown); else if (!onward) chordTrail.length = 0;
  chordShown = of;
  chordPanel.classList.add("shown");
  drawChordDiagram();
}

function hideChord() {
  chordShown = null;
  chordTrail.length = 0;
  chordPanel.classList.remove("shown");
  tip.hide();
}

// Escape: back to the chord diagram before, else to the network.
function chordBack() {
  const before = chordTrail.pop();
  if (!before) { hideChord(); return; }
  chordShown = before;
  if ("project" in before) { selected = before.project; community = null; neighboursOf(before.project); renderer.refresh(); showPanel(); }
  drawChordDiagram();
}

function drawChordDiagram() {
  if (!chordShown) return;
  const of = chordShown;
  const projects = chordProjects(of);
  const index = indexOf(view);
  const matrix = chordMatrix(projects, index, names.length, measure, view.developers);
  chordColourOf = chordColours(projects, chordColourOf, chordPalette.length);
  const inView = view === whole ? "" : ` in ${view.label}`;
  el("chord-title").textContent = `${chordName(of)}${inView}: every pair among them, by ${measures[measure].name}`;
  const area = el("chord-area");
  const size = Math.max(240, Math.min(area.clientWidth, area.clientHeight) - 8);
  const pairOf = (x: number, y: number) => index.get(Math.min(projects[x], projects[y]) * names.length + Math.max(projects[x], projects[y]));
  const show = (event: { clientX: number; clientY: number }, lines: string[]) => tip.show(event, lines);
  const chart = drawChart(d3select(area), {
    size,
    matrix,
    order: clusterOrder(matrix),
    projects: projects.map((p) => names[p]),
    colour: (x) => chordPalette[chordColourOf.get(projects[x]) ?? 0],
    keep: () => true,
    label: (x) => names[projects[x]],
    nameProject: (x) => `${names[projects[x]]}: ${count(view.developers[projects[x]], "developer")}`,
    namePair: (x, y) => `${names[projects[x]]} and ${names[projects[y]]}: ${grouped(matrix[x][y], measures[measure].digits, measures[measure].digits)} ${measures[measure].name}`,
    on: {
      hoverProject: (event, x) => show(event, [names[projects[x]], `${count(view.developers[projects[x]], "developer")}, ${count(view.commits[projects[x]], "commit")}${inView}`,
        `community ${sparse.communities[projects[x]] + 1}`, "click: its own neighbourhood"]),
      hoverPair: (event, x, y) => {
        const pair = pairOf(x, y)!;
        const people = pair.kept
          ? pair.kept.shared.slice(0, 8).map((s) => s.name).join(", ") + (pair.kept.shared.length > 8 ? `, and ${grouped(pair.kept.shared.length - 8)} more` : "")
          : "a pair the report did not keep: its people are not in this page (a report of these two projects lists them, as do relate export's tables)";
        show(event, [`${names[projects[x]]} — ${names[projects[y]]}`,
          `${measures[measure].name}: ${grouped(valueOf(pair.a, pair.b, pair.sumMin, pair.shared, measure, view.developers), measures[measure].digits, measures[measure].digits)}`,
          `${count(pair.shared, "shared developer")}, Σ min ${grouped(pair.sumMin)} commits`, people]);
      },
      move: (event) => tip.move(event),
      leave: () => tip.hide(),
      clickProject: (x) => { tip.hide(); select(projects[x], true); },
      clickPair: () => {},
      background: () => {},
    },
  });
  chordPanel.dataset.chords = String(chart.chords);
}

el("chord-close").addEventListener("click", hideChord);
// With --identity person the figures are this report's: a person's addresses joined on evidence from every project.
el("chord-note").textContent = data.options.identity === "person" && (data.identityJoins || []).length > 0
  ? `Figures as in this report, with one person's addresses joined on evidence from all ${grouped(names.length)} projects (${count((data.identityJoins || []).length, "join")}); a report of these projects alone joins only what their own histories show.`
  : "";
window.addEventListener("resize", () => drawChordDiagram());

renderer.on("clickNode", ({ node }) => select(Number(node)));
renderer.on("clickStage", () => select(null));
// Hovering a project: its neighbourhood in front, and its figures beside the pointer.
renderer.on("enterNode", ({ node, event }) => {
  const p = hovered = Number(node);
  // One pass over the kept pairs serves the neighbourhood in front and the count in the tooltip.
  const around = neighbourhood(p, view.pairs, measure, view.developers);
  if (selected === null) { near = new Set(around.map((n) => n.other)); renderer.refresh(); }
  const c = communities[sparse.communities[p]];
  if ("clientX" in event.original) {
    tip.show(event.original, [names[p], `${count(view.developers[p], "developer")}, ${count(view.commits[p], "commit")}${view === whole ? "" : ` in ${view.label}`}`,
      `community ${c.id + 1} (${c.label})`, `${count(around.length, "related project")} kept; click for its panel`]);
  }
});
renderer.on("leaveNode", () => { hovered = null; tip.hide(); if (selected === null) { neighboursOf(null); renderer.refresh(); } });
document.addEventListener("keydown", (event) => { if (event.key === "Escape") { if (chordShown) chordBack(); else select(null); } });

// Search: projects by name, the biggest first; Enter or a click chooses one.
const search = el<HTMLInputElement>("search");
const results = el<HTMLUListElement>("search-results");
function showResults() {
  results.replaceChildren();
  const hits = findProjects(search.value, names, developers);
  results.style.display = hits.length ? "block" : "none";
  for (const i of hits) {
    const li = document.createElement("li");
    li.tabIndex = 0;
    li.textContent = `${names[i]} — ${count(developers[i], "developer")}`;
    const choose = () => { results.style.display = "none"; select(i, true); };
    li.addEventListener("click", choose);
    li.addEventListener("keydown", (event) => {
      if (event.key === "Enter") choose();
      else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const next = event.key === "ArrowDown" ? li.nextElementSibling : li.previousElementSibling;
        ((next ?? (event.key === "ArrowUp" ? search : null)) as HTMLElement | null)?.focus();
      }
    });
    results.appendChild(li);
  }
  if (hits.length === 0 && search.value.trim()) {
    const none = document.createElement("li");
    none.className = "none";
    none.textContent = "no project's name holds this";
    results.appendChild(none);
    results.style.display = "block";
  }
}
search.addEventListener("input", showResults);
search.addEventListener("keydown", (event) => {
  if (event.key === "ArrowDown") { event.preventDefault(); results.querySelector<HTMLElement>("li[tabindex]")?.focus(); return; }
  if (event.key === "Enter") { const first = findProjects(search.value, names, developers, 1)[0]; if (first !== undefined) { results.style.display = "none"; select(first, true); } }
});

// With --by: a slider over the periods (0: the whole history); each period's kept pairs and developers.
if (views.length > 1) {
  el("period-choice").style.display = "";
  const slider = el<HTMLInputElement>("period");
  slider.max = String(views.length - 1);
  const label = el("period-label");
  label.textContent = whole.label;
  slider.addEventListener("input", () => {
    view = views[Number(slider.value)];
    label.textContent = view.label;
    drawPairs();
    applyMeasure();
    neighboursOf(selected);
    graph.forEachNode((node) => graph.setNodeAttribute(node, "size", nodeSize(view.developers[Number(node)], most, names.length)));
    renderer.refresh();
    showPanel();
    drawChordDiagram();
  });
}

// Back to the whole network: no project chosen, no community alone, the first zoom.
el("reset").addEventListener("click", () => { hideChord(); community = null; select(null); renderer.getCamera().animatedReset({ duration: 200 }); });

// The measure on the edges and in the panel.
const chooser = el<HTMLSelectElement>("measure");
for (const [key, m] of Object.entries(measures)) {
  const option = document.createElement("option");
  option.value = key; option.textContent = m.name; option.title = m.explain;
  chooser.appendChild(option);
}
chooser.value = measure;
chooser.addEventListener("change", () => { measure = chooser.value as Measure; applyMeasure(); neighboursOf(selected); renderer.refresh(); showPanel(); drawChordDiagram(); });

// The legend: the coloured communities, each a button that shows it alone.
const legend = el("communities");
communities.slice(0, coloured).forEach((c) => {
  const button = document.createElement("button");
  button.type = "button";
  const swatch = document.createElement("i");
  swatch.style.background = colourOf(c.id);
  button.append(swatch, `${c.label} (${c.members.length})`);
  button.addEventListener("click", () => {
    selected = null; near = new Set(); community = community === c.id ? null : c.id; renderer.refresh(); showPanel();
    if (chordShown) { if (community === null) hideChord(); else showChord({ community: c.id }); }
  });
  legend.appendChild(button);
});
if (communities.length > coloured) {
  const rest = document.createElement("span");
  const swatch = document.createElement("i");
  swatch.style.background = OTHER;
  rest.append(swatch, `${count(communities.length - coloured, "smaller community", "smaller communities")} (${grouped(communities.slice(coloured).reduce((n, c) => n + c.members.length, 0))} projects)`);
  legend.appendChild(rest);
}

// --- the picture and the figures to take away ---------------------------------------------------------------------
// The chord diagram when one is shown; else the network as it is on screen (zoom, focus and fading included): every
// line and dot drawn, and the labels of the projects in front and of the biggest.
const SVG_NS = "http://www.w3.org/2000/svg";
function networkPicture(): SVGSVGElement {
  const box = el("graph").getBoundingClientRect();
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("width", String(Math.round(box.width)));
  svg.setAttribute("height", String(Math.round(box.height)));
  svg.setAttribute("viewBox", `0 0 ${Math.round(box.width)} ${Math.round(box.height)}`);
  const make = (name: string, attributes: Record<string, string | number>, parent: Element) => {
    const element = document.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
    parent.appendChild(element);
    return element;
  };
  const at = (node: string) => {
    const display = renderer.getNodeDisplayData(node);
    return display && !display.hidden ? { ...renderer.framedGraphToViewport(display), display } : null;
  };
  const lines = make("g", { class: "edges", "stroke-linecap": "round" }, svg);
  graph.forEachEdge((edge, _attributes, source, target) => {
    const display = renderer.getEdgeDisplayData(edge);
    const a = at(source), b = at(target);
    if (!display || display.hidden || !a || !b) return;
    make("line", { x1: a.x.toFixed(1), y1: a.y.toFixed(1), x2: b.x.toFixed(1), y2: b.y.toFixed(1), stroke: display.color, "stroke-width": renderer.scaleSize(display.size).toFixed(2) }, lines);
  });
  const dots = make("g", { class: "nodes" }, svg);
  const shown: { x: number; y: number; r: number; label: string; front: boolean }[] = [];
  graph.forEachNode((node) => {
    const a = at(node);
    if (!a) return;
    const r = renderer.scaleSize(a.display.size);
    make("circle", { cx: a.x.toFixed(1), cy: a.y.toFixed(1), r: r.toFixed(2), fill: a.display.color, stroke: "#fff", "stroke-width": 0.5 }, dots);
    if (a.display.label) shown.push({ x: a.x, y: a.y, r, label: a.display.label, front: Boolean(a.display.highlighted || a.display.forceLabel) });
  });
  const labels = make("g", { class: "labels", "font-family": "system-ui, sans-serif", "font-size": 11, fill: "#1d2330" }, svg);
  const inside = (p: { x: number; y: number }) => p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height;
  const biggest = shown.filter(inside).sort((x, y) => Number(y.front) - Number(x.front) || y.r - x.r).slice(0, 40);
  for (const p of biggest) make("text", { x: (p.x + p.r + 2).toFixed(1), y: (p.y + 4).toFixed(1) }, labels).textContent = p.label;
  return svg;
}

exportButtons(document.querySelector<HTMLElement>(".controls")!, () => {
  const of = chordShown;
  const chordSvg = of ? document.querySelector<SVGSVGElement>("#chord-area svg") : null;
  const headers = ["project", "project", measures[measure].name, "sum of min commits", "shared developers", "kept", "period"];
  if (of && chordSvg) {
    // Every pair among the diagram's projects that shares someone, kept or not.
    const projects = chordProjects(of);
    const index = indexOf(view);
    const pairs = projects.flatMap((x, i) => projects.slice(i + 1).map((y) => index.get(Math.min(x, y) * names.length + Math.max(x, y)))).filter((p) => p !== undefined);
    return {
      svg: chordSvg,
      caption: { title: `${chordName(of)} · ${measures[measure].name} · ${view.label}` },
      csv: () => ({ headers, rows: pairs.map((p) => [names[p.a], names[p.b], valueOf(p.a, p.b, p.sumMin, p.shared, measure, view.developers), p.sumMin, p.shared, p.kept ? "yes" : "no", view.label]) }),
      name: `relate-chord-${"project" in of ? names[of.project] : `community-${of.community + 1}`}-${view.label}`,
    };
  }
  return {
    svg: networkPicture(),
    caption: { title: `Kashika relate: ${grouped(names.length)} projects · ${measures[measure].name} · ${view.label}` },
    csv: () => ({ headers, rows: view.pairs.map((p) => [names[p.a], names[p.b], measureOf(p, measure, view.developers), p.sumMin, p.shared.length, "yes", view.label]) }),
    name: `relate-network-${view.label}`,
  };
});

// For tests and for people who script the page: where a project is drawn, in the page's pixels.
(window as unknown as { kashika: unknown }).kashika = {
  where: (project: number) => {
    const display = renderer.getNodeDisplayData(String(project));
    if (!display) return null;
    const at = renderer.framedGraphToViewport(display);
    const box = el("graph").getBoundingClientRect();
    return { x: box.left + at.x, y: box.top + at.y };
  },
  /** The chord diagram on show: its projects' names and the matrix drawn (rows in that order); null when none. */
  chord: () => {
    if (!chordShown) return null;
    const projects = chordProjects(chordShown);
    return { projects: projects.map((p) => names[p]), matrix: chordMatrix(projects, indexOf(view), names.length, measure, view.developers) };
  },
};
// Ready once the network is first drawn: the milliseconds since the page began loading (the benchmarks read them).
// Sigma draws in its constructor and then on each change: the next frame after set-up has the network on screen.
requestAnimationFrame(() => { document.body.dataset.ready = String(Math.max(1, Math.round(performance.now()))); });
