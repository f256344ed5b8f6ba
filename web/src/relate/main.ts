// kashika relate: the chord diagram of developers shared between projects, its side panel, search, tables and legend.
import { count, grouped } from "../common/format.js";
import { select } from "d3";
import { readData, table, tooltip } from "../common/ui.js";
import type { Parent } from "../common/ui.js";
import { readState, writeState } from "../common/urlstate.js";
import { exportButtons } from "../common/download.js";
import { createStore } from "../common/store.js";
import { drawChart } from "../common/chord.js";
import type { Chart } from "../common/chord.js";
import { clusterOrder, matrixTotal } from "../common/chord-model.js";
import { palette } from "../common/colour.js";
import { drawCurrents } from "./currents.js";
import { drawSeries, drawThumbnail, drawTimeline } from "./time.js";
import { currentsFlows, identityRule, metrics, peopleOf, search, sharedPeopleOf, timelineOf } from "./model.js";
import type { Flow, SharedPerson } from "./model.js";
import type { PairSummary, PersonSummary, RelateDocument } from "./data.js";
import { fromParameters, reduce, toParameters } from "./state.js";
import type { Action, Context, Currents, Part, RelateState, Selection } from "./state.js";

const data = readData<RelateDocument>();
const n = data.projects.length;
const names = data.projects;
const metric = metrics[data.options.metric] || { name: data.options.metric, formula: "" };
const colours = palette(n);
// The metric with the same number of decimals everywhere, so a column of values reads evenly ("18.00" beside "7.75").
const integral = data.options.metric === "sum-min" || data.options.metric === "shared";
const fmt = (v: number) => (integral ? grouped(Math.round(v))
  : grouped(v, data.options.metric === "jaccard" ? 3 : 2, data.options.metric === "jaccard" ? 3 : 2));
const colour = (i: number) => colours[i];

// What is drawn: the whole history, or one period of it (--by); projects, colours and places stay the same.
interface View { label: string; matrix: number[][]; pairs: PairSummary[]; commits: number[]; developers: number[] }
const whole: View = {
  label: "whole history", matrix: data.matrix, pairs: data.pairs,
  commits: data.projectDetails.map((p) => p.commits), developers: data.projectDetails.map((p) => p.developers),
};
const views: View[] = [whole, ...(data.periods || [])];
// With --by: period names, and everyone active in two or more projects with their commits per project per period.
const labels = (data.periods || []).map((p) => p.label);
const activityOf = new Map<string, PersonSummary>((data.people || []).map((p) => [p.id, p]));
// Who search can find: with --by everyone active in two or more projects (their whole-history commits per project),
// else the shared developers of the period shown.
let everyone: Map<string, SharedPerson> | null = null;
function searchable(): Map<string, SharedPerson> {
  if (activityOf.size === 0) return people;
  if (!everyone) {
    everyone = new Map([...activityOf.values()].map((p) => {
      const commits = new Map<number, number>();
      for (const [project, , c] of p.activity) commits.set(project, (commits.get(project) || 0) + c);
      return [p.id, { id: p.id, name: p.name, commits }] as const;
    }));
  }
  return everyone;
}
// Each person's addresses when one person's addresses were joined (--identity person).
const addressesOf = new Map((data.identityJoins || []).map((j) => [j.person, j.keys]));
const addresses = (id: string) => addressesOf.get(id) || [id];
// The clustered order is the whole history's, so the circle keeps its order in every period.
const orders = { clustered: clusterOrder(data.matrix), input: names.map((_, i) => i) };

// Who moved where (--by): the default range is as many of the last periods as fit the width at ~110 px a column.
const hasCurrents = labels.length >= 2 && (data.moves || []).length > 0;
const fitting = Math.max(3, Math.floor((document.querySelector("main")!.clientWidth - 160) / 110));
const defaultCurrents: Currents | null = hasCurrents ? { first: Math.max(0, labels.length - fitting), last: labels.length - 1, outside: false, measure: "people" } : null;

// The page's state, all of it in the URL fragment (state.ts): a link reopens the same period, selection, filters,
// search and alluvial.
const context: Context = {
  names, labels, defaultCurrents,
  people: new Set([...peopleOf(data.pairs).keys(), ...(data.periods || []).flatMap((v) => [...peopleOf(v.pairs).keys()]), ...activityOf.keys()]),
};
const store = createStore<RelateState, Action, Part>(fromParameters(readState(), context), (s, a) => reduce(s, a, context));
const state = () => store.get();
const shown = () => views[state().period];
// One scale for all periods (the default, and what play needs: a quiet year stays small) lays each period out on the
// busiest period's total; off, each period fills the circle.
const busiest = views.slice(1).reduce<View | null>((best, v) => (best && matrixTotal(best.matrix) >= matrixTotal(v.matrix) ? best : v), null);
const busiestTotal = busiest ? matrixTotal(busiest.matrix) : 0;
let pairByKey = new Map<string, PairSummary>();
let people = new Map<string, SharedPerson>();
let chart: Chart | null = null;
const pairOf = (a: number, b: number) => pairByKey.get(a < b ? `${a},${b}` : `${b},${a}`);
// Pairs whose histories hold the same commits (a fork, or a split that kept its history): those commits were left out
// of what the two share.
const copiedOf = new Map((data.copiedHistory || []).map((c) => [`${c.a},${c.b}`, c.commits]));
const copiedNote = (p: { a: number; b: number }) => (copiedOf.has(`${p.a},${p.b}`)
  ? `${count(copiedOf.get(`${p.a},${p.b}`)!, "commit")} in both histories (a fork, or a split that kept its history) are left out: shared here is work done in each project apart`
  : null);

const tip = tooltip();
const panel = select<HTMLElement, unknown>("#panel");

// --- state ⇄ URL --------------------------------------------------------------------------------------------------
let written = "";
const saveState = () => { written = writeState(toParameters(state(), context)); };

// The controls that show the state (a link or an edited fragment sets them too).
function showControls() {
  const s = state();
  select("#same-scale").property("checked", s.sameScale);
  if (s.currents) {
    select("#currents-from").property("value", s.currents.first);
    select("#currents-to").property("value", s.currents.last);
    select("#currents-measure").property("value", s.currents.measure);
    select("#currents-outside").property("checked", s.currents.outside);
  }
}

// --- controls -----------------------------------------------------------------------------------------------------
// The minimum on a square scale up to the period's strongest pair: fine steps where most pairs are, among the weak.
select("#minimum-label").text(metric.name);
const STEPS = 1000;
const strongestOf = (v: View) => Math.max(0, ...v.pairs.map((p) => p.value));
const minimumAt = (position: number) => {
  const value = strongestOf(shown()) * (position / STEPS) ** 2;
  return value === 0 ? 0 : +value.toPrecision(integral ? Math.max(1, Math.ceil(Math.log10(value + 1))) : 3);
};
select("#minimum").attr("max", STEPS).attr("step", 1)
  .on("input", (event: Event) => store.dispatch({ type: "minimum", minimum: minimumAt(+(event.target as HTMLInputElement).value) }));
select("#order").on("change", (event: Event) => store.dispatch({ type: "order", order: (event.target as HTMLSelectElement).value === "input" ? "input" : "clustered" }));
// Periods: a chooser, a slider through them, play/pause (the diagram morphs from one period to the next), and a strip
// of one small diagram per period.
const MORPH = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches ? 0 : 700;
const STEP = 1400;
let playing: ReturnType<typeof setInterval> | undefined;
const showPeriod = (index: number, morph = MORPH) => store.dispatch({ type: "period", period: index, morph });
function stopPlaying() {
  clearInterval(playing);
  playing = undefined;
  select("#play").text("▶ play").attr("aria-pressed", "false");
}
if (views.length > 1) {
  select("#period-choice").style("display", null);
  select("#period").selectAll("option").data(views).join("option").attr("value", (_, i) => i).text((v) => v.label);
  select("#period").on("change", (event: Event) => { stopPlaying(); showPeriod(+(event.target as HTMLSelectElement).value); });
  select("#period-slider").attr("max", views.length - 1).on("input", (event: Event) => { stopPlaying(); showPeriod(+(event.target as HTMLInputElement).value); });
  select("#same-scale").on("change", (event: Event) => store.dispatch({ type: "sameScale", sameScale: (event.target as HTMLInputElement).checked }));
  // Play runs through the periods (from the first, unless one is already chosen) and stops at the last.
  select("#play").on("click", () => {
    if (playing) { stopPlaying(); return; }
    select("#play").text("❚❚ pause").attr("aria-pressed", "true");
    // From the first period in which two projects share someone, unless a period is already chosen.
    if (state().period === views.length - 1 || state().period === 0) showPeriod(Math.max(1, views.findIndex((v, i) => i > 0 && v.pairs.length > 0)), 0);
    playing = setInterval(() => {
      const next = state().period + 1;
      if (next >= views.length) { stopPlaying(); return; }
      showPeriod(next);
      if (next === views.length - 1) stopPlaying();
    }, STEP);
  });
  drawStrip();
}

// One thumbnail diagram per period (the whole history first): the shape of each at a glance; a click goes there.
function drawStrip() {
  const strip = select("#strip").style("display", null);
  // From the first period in which two projects share someone (the years before are empty rings); the slider and the
  // chooser still reach every period.
  const firstShared = views.findIndex((v, i) => i > 0 && v.pairs.length > 0);
  const thumbs = firstShared > 1 ? [views[0], ...views.slice(firstShared)] : views;
  strip.attr("title", thumbs.length < views.length ? `from ${views[firstShared].label}, the first period in which two projects share a developer` : null);
  const cells = strip.selectAll<HTMLButtonElement, View>("button").data(thumbs).join("button").attr("type", "button").attr("class", "thumb")
    .attr("aria-label", (v) => `show ${v.label}`)
    .on("click", (_, v) => { stopPlaying(); showPeriod(views.indexOf(v)); });
  // Drawn when scrolled into the strip: hundreds of months would otherwise delay the page.
  const draw = drawThumb;
  if (typeof IntersectionObserver === "undefined") {
    cells.each(function () { draw(this); });
  } else {
    const seen = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) { seen.unobserve(entry.target); draw(entry.target as HTMLButtonElement); }
      }
    }, { root: strip.node() as HTMLElement, rootMargin: "0px 400px" });
    cells.each(function () { seen.observe(this); });
  }
  cells.append("span").text((v) => (v === whole ? "all" : v.label));
}

// A period's thumbnail, on the scale the chart uses (the whole history on its own).
function drawThumb(element: HTMLButtonElement) {
  const v = select<HTMLButtonElement, View>(element).datum();
  select(element).select("svg").remove();
  drawThumbnail(select(element), v.pairs.length ? v.matrix : null, orders.clustered, colour, 64, state().sameScale && v !== whole ? busiestTotal : null);
}

// Search: projects and shared developers as you type; the chart brings forward what matches, Enter or a click on a
// result opens it (a person: their projects and commits).
const searchBox = select<HTMLInputElement, unknown>("#search");
const results = select<HTMLUListElement, unknown>("#search-results");
let found: ReturnType<typeof search> = { projects: [], moreProjects: 0, people: [], morePeople: 0 };
// Whether the results are open (while typing): then the chart shows what they find rather than the selection.
let searching = false;
searchBox.on("input", (event: Event) => { searching = true; store.dispatch({ type: "query", query: (event.target as HTMLInputElement).value }); })
  .on("focus", () => { searching = true; showResults(); applyFocus(); })
  .on("keydown", (event: KeyboardEvent) => {
    if (event.key === "Enter") {
      const first = results.select<HTMLLIElement>("li");
      if (!first.empty() && !first.classed("more")) { first.dispatch("click"); panel.node()!.focus(); }
    } else if (event.key === "ArrowDown") {
      event.preventDefault();
      results.select<HTMLLIElement>("li").node()?.focus();
    } else if (event.key === "Escape") {
      event.stopPropagation();
      searchBox.property("value", "");
      searching = false;
      store.dispatch({ type: "query", query: "" });
    }
  });

// The first few of a list, and how many more.
const brief = (items: string[], shown: number) => (items.length > shown ? `${items.slice(0, shown).join(", ")} and ${items.length - shown} more` : items.join(", "));

function showResults() {
  found = search(state().query, names, searchable(), addressesOf);
  interface Result { kind: string; text: string; address?: string; detail: string; open: () => void }
  const items: Result[] = [
    ...found.projects.map((i) => ({ kind: "project", text: names[i], detail: `project · ${count(shown().commits[i], "commit")}`, open: () => choose({ project: i }) })),
    ...found.people.map((p) => ({
      kind: "person", text: p.name, address: addresses(p.id).join(", "),
      detail: brief([...p.commits].sort((x, y) => y[1] - x[1]).map(([i, c]) => `${names[i]} ${grouped(c)}`), 3),
      open: () => choose({ person: p.id }),
    })),
  ];
  results.style("display", () => (searching && state().query.trim() ? null : "none"));
  results.selectAll("li.more").remove();
  results.selectAll<HTMLLIElement, Result>("li").data(items).join("li").attr("tabindex", 0).attr("role", "option").attr("class", (d) => d.kind)
    .on("click", (_, d) => { d.open(); })
    .on("keydown", function (event: KeyboardEvent, d) {
      if (event.key === "Enter") { d.open(); panel.node()!.focus(); }
      else if (event.key === "ArrowDown") { event.preventDefault(); (this.nextElementSibling as HTMLElement | null)?.focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); ((this.previousElementSibling as HTMLElement | null) || searchBox.node()!).focus(); }
    })
    .each(function (d) {
      const li = select(this);
      li.selectAll("*").remove();
      const who = li.append("span").attr("class", "who");
      who.append("span").attr("class", "name").text(d.text);
      if (d.address) who.append("span").attr("class", "address").text(d.address);
      li.append("span").attr("class", "detail").text(d.detail);
    });
  select("#search-none").style("display", () => (searching && state().query.trim() && items.length === 0 ? null : "none"));
  const more = found.moreProjects + found.morePeople;
  if (more > 0) results.append("li").attr("class", "more").attr("role", "presentation").text(`and ${grouped(more)} more: type more of the name`);
}

// Keyboard users can pass the hundreds of chords at once.
select("#skip").on("click", () => document.querySelector<HTMLElement>("#pairs-section h2")!.focus());

// A fragment edited by hand (or a link within the page) is followed.
window.addEventListener("hashchange", () => {
  if (window.location.hash === written) return;
  store.dispatch({ type: "url", state: fromParameters(readState(), context) });
  searchBox.property("value", state().query);
  showControls();
});

// Escape closes the panel and lets go of what was pinned.
document.addEventListener("keydown", (event) => { if (event.key === "Escape") choose(null); });
let resizing = 0;
window.addEventListener("resize", () => { clearTimeout(resizing); resizing = setTimeout(() => { if (chartSize() !== lastSize) drawChartOnly(); }, 120); });

// --- drawing ------------------------------------------------------------------------------------------------------
const describeProject = (i: number) => [names[i], `${count(shown().commits[i], "commit")}, ${count(shown().developers[i], "developer")}`,
  `shares developers with ${count(related(i).length, "project")}`];
const describePair = (a: number, b: number) => {
  const p = pairOf(a, b)!;
  return [`${names[p.a]} ↔ ${names[p.b]}`, `${metric.name}: ${fmt(p.value)}`, `Σ min commits: ${grouped(p.sumMin)}`,
    `shared developers: ${grouped(p.shared.length)}`, ...(copiedNote(p) ?? [])];
};

// The chart takes the width beside the side column (or all of it on a narrow screen), and the window's height below
// the header, so the whole circle is in view when the page opens.
let lastSize = 0;
function chartSize() {
  const main = document.querySelector("main")!;
  const wide = window.innerWidth >= 900;
  const width = main.clientWidth - 48 - (wide ? 380 : 0);
  // With periods the controls above take a third of the screen: the chart still gets most of the window's height (it
  // scrolls a little into view rather than shrink to a stamp).
  const height = Math.max(window.innerHeight - (main.getBoundingClientRect().top + window.scrollY) - 12, views.length > 1 ? 0.85 * window.innerHeight : 0);
  return Math.round(Math.max(300, Math.min(width, Math.max(height, 480), 1400)));
}

// The diagram as SVG or PNG, the period's pairs (the edge list) as CSV.
const chartExport = exportButtons(document.querySelector<HTMLElement>(".controls")!, () => ({
  svg: document.querySelector<SVGSVGElement>("#chart svg"),
  caption: { title: `Kashika relate: ${count(n, "project")} · ${metric.name} of shared developers · ${shown().label}` },
  csv: () => ({
    headers: ["project", "project", metric.name, "sum of min commits", "shared developers", "period"],
    rows: shown().pairs.map((p) => [names[p.a], names[p.b], p.value, p.sumMin, p.shared.length, shown().label]),
  }),
  name: `relate-${shown().label}`,
}));

function render(duration = 0) {
  const v = shown();
  pairByKey = new Map(v.pairs.map((p) => [`${p.a},${p.b}`, p]));
  people = peopleOf(v.pairs);
  select("#subtitle").text(`${metric.name} of shared developers · ${v.label} · ${count(v.pairs.length, "related pair")} · ${data.generator}`);
  select("#period").property("value", views.indexOf(v));
  // A pair or person that shares nothing in this period stays chosen (one found nowhere in the report: state.ts).
  select("#period-slider").property("value", views.indexOf(v));
  select("#strip").selectAll("button").classed("current", (x) => x === v).attr("aria-current", (x) => (x === v ? "true" : null));
  // The chosen period's thumbnail in the middle of the strip (a long history scrolls).
  const strip = document.querySelector<HTMLElement>("#strip")!, thumb = strip.querySelector<HTMLElement>(".thumb.current");
  if (thumb) strip.scrollLeft = thumb.offsetLeft - strip.offsetLeft - (strip.clientWidth - thumb.offsetWidth) / 2;
  drawChartOnly(duration);
  drawPairs();
  drawProjects();
  drawLegend();
  drawPeriodTop();
  showResults();
  showSelection();
  chartExport.update();
}

function drawChartOnly(duration = 0) {
  const v = shown();
  lastSize = chartSize();
  const strongest = strongestOf(v);
  select("#minimum").property("value", strongest > 0 ? Math.min(STEPS, Math.round(STEPS * Math.sqrt(state().minimum / strongest))) : 0);
  select("#minimum-value").text(grouped(state().minimum, 0, 3));
  select("#order").property("value", state().order);
  const inPeriod = v === whole ? "" : ` in ${v.label}`;
  const idle = names.filter((_, i) => v.commits[i] === 0);
  const alone = names.filter((_, i) => v.commits[i] > 0 && v.matrix[i].every((x) => x === 0));
  select("#unrelated").text(v.pairs.length === 0 ? "" : [
    alone.length ? `Sharing no developer with the others${inPeriod}: ${alone.join(", ")}.` : "",
    idle.length ? `No commits${inPeriod}: ${idle.join(", ")}.` : ""].join(" ").trim());
  if (v.pairs.length === 0) {
    chart = null;
    select("#chart").selectAll("*").remove();
    select("#unlabelled").selectAll("*").remove(); // no ring, nothing unlabelled on it
    select("#chart").append("p").attr("class", "empty").style("width", `${lastSize}px`).style("height", `${lastSize}px`).text(n < 2
      ? "Only one project: relatedness needs two or more (kashika relate PATH PATH…)."
      : `No two of these projects share a developer${v === whole ? "" : ` in ${v.label}`}.`);
    select("#minimum-shown").text("");
    return;
  }
  chart = drawChart(select("#chart"), {
    from: duration > 0 && chart ? chart.angles : null, duration,
    size: lastSize, matrix: v.matrix, order: orders[state().order], projects: names, colour,
    scaleTotal: state().sameScale && v !== whole && busiestTotal > 0 ? busiestTotal : null,
    restTitle: `${v.label} is ${Math.round((100 * matrixTotal(v.matrix)) / (busiestTotal || 1))}% of the busiest period (${busiest?.label}): one scale for all periods`,
    label: (i) => names[i],
    nameProject: (i) => describeProject(i).join(", "),
    namePair: (a, b) => {
      const p = pairOf(a, b)!;
      return `${names[p.a]} and ${names[p.b]}: ${metric.name} ${fmt(p.value)}, ${count(p.shared.length, "shared developer")}`;
    },
    keep: (a, b) => pairOf(a, b)!.value >= state().minimum,
    on: {
      hoverProject: (event, i) => { chart?.focus({ project: i }); tip.show(event, [...describeProject(i), "click for the people"]); },
      hoverPair: (event, a, b) => tip.show(event, [...describePair(a, b), "click for the people"]),
      move: (event) => tip.move(event),
      leave: () => { tip.hide(); applyFocus(); },
      clickProject: (i) => choose({ project: i }),
      clickPair: (a, b) => choose({ pair: [a, b] }),
      background: () => choose(null),
    },
  });
  select("#minimum-shown").text(`${grouped(chart.chords)} of ${count(chart.of, "chord")} shown`);
  // Projects whose arcs are too narrow for a label on the ring: listed under it, in their colours, each one click away.
  const list = select("#unlabelled");
  list.selectAll("*").remove();
  if (chart.unlabelled.length > 0) {
    list.append("span").attr("class", "note").text("Not labelled on the ring (too narrow): ");
    const items = list.selectAll("button.unlabelled").data(chart.unlabelled.slice().sort((a, b) => names[a].localeCompare(names[b]))).join("button")
      .attr("type", "button").attr("class", "unlabelled").attr("data-project", (i) => names[i]).on("click", (_, i) => choose({ project: i }));
    items.append("i").style("background", (i) => colour(i));
    items.append("span").text((i) => names[i]);
  }
  applyFocus();
}

// What stands out on the chart: the selection, else what the search finds, else everything.
function applyFocus() {
  if (!chart) return;
  const s = state().selection;
  if (searching && (found.projects.length || found.people.length)) {
    chart.focus({ projects: new Set([...found.projects, ...found.people.flatMap((p) => [...p.commits.keys()])]) });
  } else if (s?.project !== undefined) chart.focus({ project: s.project });
  else if (s?.pair) chart.focus({ pair: s.pair });
  else if (s?.person) chart.focus({ projects: new Set((people.get(s.person) || searchable().get(s.person))?.commits.keys() || []) });
  else chart.focus(null);
}

function related(i: number) {
  return shown().pairs.filter((p) => p.a === i || p.b === i);
}

// --- the side panel -----------------------------------------------------------------------------------------------
function choose(selection: Selection) {
  searching = false;
  store.dispatch({ type: "choose", selection });
  tip.hide();
}

function showSelection() {
  const s = state().selection;
  panel.selectAll("*").remove();
  panel.style("display", s ? "block" : "none");
  if (!s) return;
  if (s.project !== undefined) showProject(s.project);
  else if (s.pair) showPair(pairOf(...s.pair) || { a: s.pair[0], b: s.pair[1], value: 0, sumMin: 0, shared: [] });
  else showPerson(people.get(s.person) || { id: s.person, name: activityOf.get(s.person)?.name || s.person, commits: new Map() });
}

function openPanel(title: string) {
  const head = panel.append("div").attr("class", "panel-head");
  head.append("h2").text(shown() === whole ? title : `${title} · ${shown().label}`);
  head.append("button").attr("type", "button").attr("aria-label", "close").text("×").on("click", () => choose(null));
  return panel;
}

const personCell = (person: { name: string }) => ({ text: person.name, value: person.name });

function showPair(pair: PairSummary) {
  const a = names[pair.a], b = names[pair.b];
  const p = openPanel(`${a} ↔ ${b}`);
  p.append("p").text(pair.shared.length === 0 ? `No shared developer in ${shown().label}.`
    : `${metric.name} ${fmt(pair.value)} · Σ min commits ${grouped(pair.sumMin)} · ${count(pair.shared.length, "shared developer")}`);
  if (copiedNote(pair)) p.append("p").attr("class", "caution").text(`${copiedNote(pair)}.`);
  if (views.length > 1) drawPairOverTime(p, pair.a, pair.b);
  table(p, ["developer", `commits in ${a}`, `commits in ${b}`, "min"],
    pair.shared.map((s) => [personCell(s), s.commitsA, s.commitsB, Math.min(s.commitsA, s.commitsB)]), "people",
    { sortable: true, sort: { column: 3, descending: true }, limit: 200, title: (r) => addresses(pair.shared[r].id).join(", "), onRow: (r) => choose({ person: pair.shared[r].id }) });
}

// A pair's metric and shared developers in every period.
function drawPairOverTime(parent: Parent, a: number, b: number) {
  const key = `${a},${b}`;
  // From the first period either project has commits in to the last.
  const active = views.slice(1).map((v, t) => (v.commits[a] > 0 || v.commits[b] > 0 ? t : -1)).filter((t) => t >= 0);
  const points = views.slice(1).slice(active[0] ?? 0, (active[active.length - 1] ?? views.length - 2) + 1).map((v) => {
    const p = v.pairs.find((x) => `${x.a},${x.b}` === key);
    return { label: v.label, value: p ? p.value : 0, people: p ? p.shared.length : 0, current: v === shown() };
  });
  parent.append("h3").text("Over time");
  drawSeries(parent, points, {
    name: `${metric.name} of ${names[a]} and ${names[b]} in each period`,
    title: (d) => `${d.label}: ${metric.name} ${fmt(d.value)}, ${count(d.people, "shared developer")}`,
  });
  parent.append("p").attr("class", "note").text(`solid: ${metric.name} (left axis); dashed: shared developers (right axis)`);
}

function showProject(i: number) {
  const p = openPanel(names[i]);
  p.append("p").text(`${count(shown().commits[i], "commit")} by ${count(shown().developers[i], "developer")}`);
  const links = related(i).sort((x, y) => y.value - x.value);
  if (links.length === 0) {
    p.append("p").text(`No developer of this project committed to another project in the report${shown() === whole ? "" : ` in ${shown().label}`}.`);
    return;
  }
  p.append("h3").text("Related projects");
  const other = (l: PairSummary) => (l.a === i ? l.b : l.a);
  table(p, ["project", metric.name, "shared developers"],
    links.map((l) => [names[other(l)], { text: fmt(l.value), value: l.value }, l.shared.length]), "links",
    { sortable: true, onRow: (r) => choose({ pair: [links[r].a, links[r].b] }) });
  p.append("h3").text("Shared developers");
  const sharedPeople = sharedPeopleOf(shown().pairs, i);
  table(p, ["developer", `commits in ${names[i]}`, "also committed to (commits)"],
    sharedPeople.map((x) => [personCell(x), x.here, { text: x.elsewhere.map((e) => `${names[e.project]} (${grouped(e.commits)})`).join(", "), value: x.elsewhere.length }]), "people",
    { sortable: true, limit: 200, title: (r) => addresses(sharedPeople[r].id).join(", "), onRow: (r) => choose({ person: sharedPeople[r].id }) });
}

function showPerson(person: SharedPerson) {
  const p = openPanel(person.name);
  const commits = [...person.commits].sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  p.append("p").attr("class", "addresses").text(addresses(person.id).join(", "));
  if (commits.length > 0) {
    p.append("p").text(`${count(commits.reduce((s, c) => s + c[1], 0), "commit")} in ${count(commits.length, "project")} of this report`);
    table(p, ["project", "commits"], commits.map(([i, c]) => [names[i], c]), "person-projects",
      { sortable: true, onRow: (r) => choose({ project: commits[r][0] }) });
  } else {
    p.append("p").text(`No commit shared with another project${shown() === whole ? "" : ` in ${shown().label}`}.`);
  }
  const activity = activityOf.get(person.id);
  if (activity) drawPersonTimeline(p, activity);
}

// --- who moved where (--by) ---------------------------------------------------------------------------------------
const rankOf = new Map(orders.clustered.map((p, i) => [p, i]));
if (hasCurrents) {
  select("#currents-section").style("display", null);
  for (const [id, key] of [["#currents-from", "first"], ["#currents-to", "last"]] as const) {
    select(id).selectAll("option").data(labels).join("option").attr("value", (_, i) => i).text((l) => l);
    select(id).on("change", (event: Event) => store.dispatch({ type: "currents", currents: { [key]: +(event.target as HTMLSelectElement).value } }));
  }
  select("#currents-measure").on("change", (event: Event) =>
    store.dispatch({ type: "currents", currents: { measure: (event.target as HTMLSelectElement).value === "commits" ? "commits" : "people" } }));
  select("#currents-outside").on("change", (event: Event) => store.dispatch({ type: "currents", currents: { outside: (event.target as HTMLInputElement).checked } }));
}

const commitsIn = (id: string, project: number, period: number) => (project < 0 ? 0 : activityOf.get(id)?.activity.find((a) => a[0] === project && a[1] === period)?.[2] || 0);
// A band's people, most commits where they went (or where they were, for those who left) first.
const byCommits = (l: Flow) => [...l.people].sort((x, y) => (l.to >= 0 ? commitsIn(y, l.to, l.period) - commitsIn(x, l.to, l.period) : commitsIn(y, l.from, l.period - 1) - commitsIn(x, l.from, l.period - 1)));
const flowTitle = (l: Flow) => `${l.from < 0 ? "outside" : names[l.from]} → ${l.to < 0 ? "outside" : names[l.to]}, ${labels[l.period - 1]} → ${labels[l.period]}`;
// The alluvial as SVG or PNG, its bands as CSV.
let shownFlows: ReturnType<typeof currentsFlows> | null = null;
const currentsExport = exportButtons(document.querySelector("#currents-section .controls")!, () => ({
  svg: document.querySelector<SVGSVGElement>("#currents svg"),
  caption: { title: `Kashika relate: who moved where, ${labels[state().currents?.first ?? 0]} → ${labels[state().currents?.last ?? 0]}` },
  csv: shownFlows && (() => ({
    headers: ["from", "to", "from period", "to period", "kind", "people", state().currents?.measure === "commits" ? "commits" : "band (people)"],
    rows: shownFlows!.links.map((l) => [l.from < 0 ? "outside" : names[l.from], l.to < 0 ? "outside" : names[l.to], labels[l.period - 1], labels[l.period], l.kind || "move", l.people.length, l.value]),
  })),
  name: "relate-currents",
}));

function drawCurrentsSection() {
  const currents = state().currents;
  if (!currents) return;

  const flows = currentsFlows(data.people || [], data.moves || [], currents.first, currents.last, { outside: currents.outside, measure: currents.measure });
  const s = state().selection;
  drawCurrents(select("#currents"), {
    flows, labels, names, colour, rank: (p) => (p < 0 ? n : rankOf.get(p)!),
    width: document.querySelector("#currents-section")!.clientWidth - 48,
    describeNode: (n, people) => `${n.project < 0 ? "outside" : names[n.project]}, ${labels[n.period]}: ${count(people, "person", "people")}`,
    people: s?.person !== undefined ? new Set([s.person]) : null,
    on: {
      hover: (event, l) => tip.show(event, [flowTitle(l), l.kind === "history ends" ? `history ends: ${names[l.from]} has no commit from ${labels[l.period]} on, so this is its data ending, not a move`
        : l.kind === "history starts" ? `history starts: ${names[l.to]}'s first commit is in ${labels[l.period]}` : l.kind,
        count(l.people.length, "person", "people") + (currents.measure === "commits" ? `, ${count(l.value, "commit")}` : ""),
        brief(byCommits(l).slice(0, 5).map((id) => activityOf.get(id)?.name || id), 5), "click for everyone"]),
      move: (event) => tip.move(event),
      leave: () => tip.hide(),
      click: (l) => showFlow(l),
    },
  });
  shownFlows = flows;
  currentsExport.update();
}

// A band's people, under the alluvial (where the click was), not in the side panel far above.
function showFlow(flow: Flow) {
  const move = (data.moves || []).find((m) => m.period === flow.period && m.from === flow.from && m.to === flow.to);
  const p = select("#currents-detail").style("display", null);
  p.selectAll("*").remove();
  const head = p.append("div").attr("class", "panel-head");
  head.append("h3").text(flowTitle(flow));
  head.append("button").attr("type", "button").attr("aria-label", "close").text("×").on("click", () => p.style("display", "none"));
  if (!move) { p.append("p").text("Nobody."); return; }
  p.append("p").text(`${count(move.people.length, "person", "people")} whose main project (most commits) was ${flow.from < 0 ? "none of these" : names[flow.from]} in ${labels[flow.period - 1]} and ${flow.to < 0 ? "none of these" : names[flow.to]} in ${labels[flow.period]}.`);
  table(p, ["developer", `commits in ${labels[flow.period - 1]}`, `commits in ${labels[flow.period]}`],
    move.people.map((id) => [activityOf.get(id)?.name || id, commitsIn(id, flow.from, flow.period - 1), commitsIn(id, flow.to, flow.period)]), "flow-people",
    { sortable: true, sort: { column: 2, descending: true }, limit: 200, title: (r) => addresses(move.people[r]).join(", "), onRow: (r) => {
      // The person in the period the band arrives in, not whichever period the chart happens to show.
      stopPlaying();
      showPeriod(flow.period + 1, 0);
      choose({ person: move.people[r] });
    } });
}

// A person's commits in each project in each period.
function drawPersonTimeline(parent: Parent, person: PersonSummary) {
  parent.append("h3").text("Over time");
  drawTimeline(parent, timelineOf(person), {
    labels, colour, name: (project) => names[project], current: labels.indexOf(shown().label),
    title: (c) => `${names[c.project]}, ${labels[c.period]}: ${count(c.commits, "commit")}`,
    label: `${person.name}'s commits per project per period`,
  });
}

// --- tables and legend --------------------------------------------------------------------------------------------
function drawPairs() {
  const container = select("#pairs");
  container.selectAll("*").remove();
  select("#pairs-section").style("display", () => (shown().pairs.length ? null : "none"));
  const pairs = shown().pairs;
  table(container, ["project", "project", metric.name, "Σ min commits", "shared developers"],
    pairs.map((p) => [names[p.a], names[p.b], { text: fmt(p.value), value: p.value }, p.sumMin, p.shared.length]), "pairs",
    { sortable: true, sort: { column: 2, descending: true }, limit: 50, onRow: (r) => choose({ pair: [pairs[r].a, pairs[r].b] }) });
}

// Every project's figures in the chosen period (what was excluded is the whole history's).
function drawProjects() {
  const container = select("#projects");
  container.selectAll("*").remove();
  container.append("p").attr("class", "note").text(shown() === whole ? "" : `Commits and developers in ${shown().label}.`);
  const all = shown() === whole ? "" : " (whole history)";
  // With periods: the first and last period with a commit, since histories (or the copies read) end at different dates.
  const span = (i: number) => {
    const active = views.slice(1).filter((v) => v.commits[i] > 0).map((v) => v.label);
    return active.length ? { text: `${active[0]} – ${active[active.length - 1]}`, value: active[active.length - 1] } : { text: "", value: "" };
  };
  table(container, ["project", "commits", "developers", ...(views.length > 1 ? ["periods with commits"] : []), `excluded bot commits${all}`, `excluded merge commits${all}`, "source"],
    data.projectDetails.map((p, i) => [p.name, shown().commits[i], shown().developers[i], ...(views.length > 1 ? [span(i)] : []), p.excludedBotCommits, p.excludedMergeCommits,
      p.shallow ? `${p.source} (shallow)` : p.source]), "projects",
    { sortable: true, onRow: (r) => choose({ project: r }) });
}

// Beside the diagram, while periods are shown: the period's strongest pairs.
function drawPeriodTop() {
  const box = select("#period-top");
  box.selectAll("*").remove();
  box.style("display", () => (views.length > 1 ? null : "none"));
  if (views.length <= 1) return;
  box.append("h3").text(`Strongest in ${shown().label}`);
  const top = [...shown().pairs].sort((x, y) => y.value - x.value).slice(0, 5);
  if (top.length === 0) box.append("p").attr("class", "note").text("No two projects share a developer.");
  box.append("ol").selectAll("li").data(top).join("li").attr("tabindex", 0)
    .text((p) => `${names[p.a]} ↔ ${names[p.b]}: ${fmt(p.value)} (${count(p.shared.length, "person", "people")})`)
    .on("click", (_, p) => choose({ pair: [p.a, p.b] }))
    .on("keydown", (event, p) => { if (event.key === "Enter") choose({ pair: [p.a, p.b] }); });
}

function drawLegend() {
  const legend = select("#legend-body");
  legend.selectAll("*").remove();
  const period = shown() === whole ? "" : ` in ${shown().label}`;
  const rows = [
    ["Arc", `a project; its length is the sum of its ${metric.name} with all the others${period}.`],
    ["Chord", `two projects that share developers${period}; its width at each end is their ${metric.name}.`],
    [metric.name, `${metric.formula}.`],
    ["Σ min commits", "for each shared developer, the smaller of their commit counts in the two projects, added up."],
    ["Developer", `${identityRule(data.options, (data.identityJoins || []).length)}.`],
    ...(views.length > 1 ? [["Periods", state().sameScale
      ? `one scale for all periods: the busiest (${busiest?.label}) fills the circle, a quieter period fills part of it (the dashed rest is what it lacks); the whole history has its own scale.`
      : "each period's circle is scaled to that period's own total: compare periods by their numbers (the strongest pairs, a pair's chart over time), not by chord widths. Tick \"one scale\" to compare them by size."]] : []),
  ];
  const dl = legend.append("dl");
  for (const [term, text] of rows) {
    dl.append("dt").text(term);
    dl.append("dd").text(text);
  }
}

// --- the views of the state -----------------------------------------------------------------------------------------
// In this order: a new period redraws everything; the others what they show; the URL last.
store.subscribe(["period"], (_, __, action) => render(action.type === "period" ? action.morph ?? 0 : 0));
store.subscribe(["chart", "scale"], (_, changed) => { if (!changed.has("period")) drawChartOnly(); });
store.subscribe(["scale"], () => {
  drawLegend();
  select("#strip").selectAll<HTMLButtonElement, View>("button.thumb").each(function () { if (this.querySelector("svg")) drawThumb(this); });
});
store.subscribe(["selection", "query"], (_, changed) => {
  if (changed.has("period")) return;
  showResults();
  if (changed.has("selection")) showSelection();
  applyFocus();
});
store.subscribe(["currents"], (_, __, action) => {
  // Other periods or bands: the band's people shown and its tooltip are of the alluvial drawn before.
  if (action.type !== "choose") {
    select("#currents-detail").style("display", "none").selectAll("*").remove();
    tip.hide();
  }
  showControls();
  drawCurrentsSection();
});
store.subscribe(["period", "chart", "scale", "selection", "query", "currents"], (_, __, action) => {
  saveState();
  // The panel in view, wherever the choice was made (a table far below, a narrow screen).
  if (action.type === "choose" && action.selection) {
    const box = panel.node()!.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight - 80) panel.node()!.scrollIntoView({ block: "start" });
  }
});

// --- once --------------------------------------------------------------------------------------------------------
select("#title").text(`Kashika relate: ${count(n, "project")}`);
showControls();
searchBox.property("value", state().query);
render();
drawCurrentsSection();
saveState();
// For benchmarks and tests: when the page was ready (ms since navigation began).
document.body.dataset.ready = String(Math.round(performance.now()));

const o = data.options;
table(select("#options"), ["option", "value"], [
  ["input", o.input], ["metric", o.metric], ["identity", o.identity], ["mailmap", o.mailmap ? "applied" : "not applied"],
  ["aliases", o.aliases || "none"], ["bots", o.excludeBots ? "excluded" : "counted"], ["extra bot pattern", o.botPattern || "none"],
  ["merge commits", o.countMerges ? "counted" : "excluded"], ["revision", o.revision || "n/a"],
  ["since", o.since || "beginning"], ["until", o.until || "now"], ["periods", o.by || "none"], ["compatibility", o.compat || "none"],
], "options");
if (data.warnings.length > 0) {
  select("#warnings").append("ul").selectAll("li").data(data.warnings).join("li").text((w) => w);
} else {
  select("#warnings-section").remove();
}
// Every automatic join of one person's addresses, with its reason.
if (data.identityJoins && data.identityJoins.length > 0) {
  table(select("#joins"), ["person", "addresses counted as one", "why"],
    data.identityJoins.map((j) => [j.name, j.keys.join(", "), j.reason]), "joins", { sortable: true, limit: 50 });
} else {
  select("#joins-section").remove();
}
if (data.excludedBots.length > 0) {
  table(select("#bots"), ["automated account", "e-mail", "why", "commits excluded"],
    data.excludedBots.map((b) => [b.name, b.email, b.reason, b.commits]), "bots", { sortable: true, sort: { column: 3, descending: true }, limit: 50 });
} else {
  select("#bots-section").remove();
}
// Authors behind addresses that identify nobody: developers of their project alone, never shared or joined.
if (data.placeholders && data.placeholders.length > 0) {
  table(select("#placeholders"), ["name", "address", "project", "commits"],
    data.placeholders.map((p) => [p.name, p.address, p.project, p.commits]), "placeholders", { sortable: true, sort: { column: 3, descending: true }, limit: 50 });
} else {
  select("#placeholders-section").remove();
}
