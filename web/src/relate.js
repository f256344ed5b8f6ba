// kashika relate: the chord diagram of developers shared between projects.
import { arc as d3arc, chord as d3chord, descending, ascending, hcl, lab, ribbon as d3ribbon, schemeTableau10, select } from "d3";
import { readData, table, tooltip } from "./common/ui.js";
import { formatNumber } from "./common/format.js";

const data = readData();
const n = data.projects.length;

// What is drawn: the whole history, or one period of it (--by); projects, colours and places stay the same.
const whole = {
  label: "whole history", matrix: data.matrix, pairs: data.pairs,
  commits: data.projectDetails.map((p) => p.commits), developers: data.projectDetails.map((p) => p.developers),
};
let view = whole;
let pairByKey = new Map();
// The project a click pinned (its chords stay in front until Escape or a click on the background), and how to unpin.
let pinned = null;
let unpin = () => {};
// What the side panel shows: {project} or {a, b}.
let shown = null;
// Each person's addresses when one person's addresses were joined (--identity person), for the people tables.
const addressesOf = new Map((data.identityJoins || []).map((j) => [j.person, j.keys]));
const addresses = (id) => (addressesOf.get(id) || [id]).join(", ");
const pairOf = (i, j) => pairByKey.get(i < j ? `${i},${j}` : `${j},${i}`);
const metricNames = { ossrel: "relatedness", "sum-min": "Σ min commits", jaccard: "Jaccard index", shared: "shared developers" };
const metricName = metricNames[data.options.metric] || data.options.metric;

// Colours follow input order: the first ten from Tableau 10; beyond that each next colour is the one, among a fixed
// grid of hues, chromas and lightnesses, farthest (CIE76 ΔE in Lab) from every colour already given, so any two
// projects differ as much as the count allows, in lightness as well as hue, and a report looks the same every time.
const palettes = new Map();
export function colour(i, count) {
  if (count <= schemeTableau10.length) return schemeTableau10[i];
  if (!palettes.has(count)) palettes.set(count, palette(count));
  return palettes.get(count)[i];
}

function palette(count) {
  const chosen = schemeTableau10.map((c) => lab(c));
  const candidates = [];
  for (const l of [38, 50, 62, 74]) {
    for (const c of [30, 50, 70]) {
      for (let h = 0; h < 360; h += 5) {
        const colour = hcl(h, c, l);
        if (colour.displayable()) candidates.push(lab(colour));
      }
    }
  }
  const distance = (a, b) => Math.hypot(a.l - b.l, a.a - b.a, a.b - b.b);
  const nearest = candidates.map((c) => Math.min(...chosen.map((x) => distance(c, x))));
  while (chosen.length < count && candidates.length > 0) {
    let best = 0;
    for (let k = 1; k < candidates.length; k++) if (nearest[k] > nearest[best]) best = k;
    const pick = candidates[best];
    chosen.push(pick);
    candidates.splice(best, 1);
    nearest.splice(best, 1);
    for (let k = 0; k < candidates.length; k++) nearest[k] = Math.min(nearest[k], distance(candidates[k], pick));
  }
  // Past the grid (hundreds of projects): hues a golden angle apart, still distinct strings.
  const frac = (x) => x - Math.floor(x);
  for (let i = chosen.length; i < count; i++) chosen.push(lab(hcl((i * 137.508) % 360, 38 + 30 * frac(i * 0.7548776662), 42 + 28 * frac(i * 0.5698402910))));
  return chosen.map((c) => c.formatHex());
}

const MAX_LABEL = 28;
const labelText = (name) => (name.length > MAX_LABEL ? `${name.slice(0, MAX_LABEL - 1)}…` : name);

select("#title").text(`Kashika relate: ${n} project${n === 1 ? "" : "s"}`);
const subtitle = () => select("#subtitle").text(`${metricName} of shared developers · ${view.label} · `
  + `${view.pairs.length} related pair${view.pairs.length === 1 ? "" : "s"} · ${data.generator}`);

const tip = tooltip();
const panel = select("#panel");

// Geometry: labels sit radially outside the ring; the ring shrinks to leave room for the longest shown label.
const fontSize = n > 120 ? 9 : n > 60 ? 10 : 12;
const longest = Math.max(4, ...data.projects.map((p) => labelText(p).length));
const labelSpace = Math.min(190, 12 + longest * fontSize * 0.62);
const size = Math.max(640, Math.min(1100, 520 + 2 * labelSpace));
const outerRadius = size / 2 - labelSpace;
const innerRadius = outerRadius - Math.max(10, Math.min(24, outerRadius * 0.06));
const padAngle = Math.min(0.04, (2 * Math.PI * 0.25) / Math.max(1, n));

function render() {
  pairByKey = new Map(view.pairs.map((p) => [`${p.a},${p.b}`, p]));
  select("#chart").selectAll("*").remove();
  subtitle();
  const unrelated = data.projectDetails.filter((_, i) => view.matrix[i].every((v) => v === 0)).map((p) => p.name);
  if (view.pairs.length === 0) {
    select("#chart").append("p").attr("class", "empty").text(n < 2
      ? "Only one project: relatedness needs two or more (kashika relate PATH PATH…)."
      : "No two of these projects share a developer.");
  } else {
    drawChords();
    if (unrelated.length > 0) {
      select("#chart").append("p").attr("class", "unrelated").text(`Sharing no developer with the others: ${unrelated.join(", ")}`);
    }
  }
  drawPairs();
}

// Every related pair of the view, strongest first; a header sorts, a row opens the people behind it.
let pairSort = { key: "value", descending: true };
function drawPairs() {
  const container = select("#pairs");
  container.selectAll("*").remove();
  select("#pairs-section").style("display", view.pairs.length ? null : "none");
  const columns = [["a", "project"], ["b", "project"], ["value", metricName], ["sumMin", "Σ min commits"], ["shared", "shared developers"]];
  const get = (p, key) => (key === "a" || key === "b" ? data.projects[p[key]] : key === "shared" ? p.shared.length : p[key]);
  const rows = [...view.pairs].sort((x, y) => {
    const u = get(x, pairSort.key), v = get(y, pairSort.key);
    const c = u < v ? -1 : u > v ? 1 : 0;
    return pairSort.descending ? -c : c;
  });
  const t = container.append("table").attr("class", "pairs");
  t.append("thead").append("tr").selectAll("th").data(columns).join("th").text((c) => c[1]).attr("data-sort", (c) => c[0])
    .classed("sorted", (c) => c[0] === pairSort.key).style("cursor", "pointer")
    .on("click", (event, c) => {
      pairSort = { key: c[0], descending: c[0] === pairSort.key ? !pairSort.descending : !(c[0] === "a" || c[0] === "b") };
      drawPairs();
    });
  t.append("tbody").selectAll("tr").data(rows.slice(0, 500)).join("tr").style("cursor", "pointer")
    .on("click", (event, p) => showPair(p))
    .selectAll("td").data((p) => [data.projects[p.a], data.projects[p.b], formatNumber(p.value), p.sumMin.toLocaleString("en-US"), p.shared.length])
    .join("td").attr("class", (d, i) => (i >= 2 ? "num" : null)).text((d) => d);
}

select("#order").on("change", (event) => { orderBy = event.target.value; render(); });

// A minimum relatedness: chords below it are not drawn, so a crowded circle shows its strong ties.
let minimum = 0;
const strongest = Math.max(0, ...data.pairs.map((p) => p.value));
select("#minimum").attr("max", strongest).attr("step", "any").property("value", 0)
  .on("input", (event) => {
    minimum = +event.target.value;
    select("#minimum-value").text(formatNumber(minimum));
    render();
  });

// --by: a choice of period above the chart.
if (data.periods && data.periods.length > 0) {
  const views = [whole, ...data.periods];
  select("#period-choice").style("display", null);
  select("#period").selectAll("option").data(views).join("option").attr("value", (_, i) => i).text((v) => v.label)
    .property("selected", (_, i) => i === 0);
  select("#period").on("change", (event) => {
    view = views[+event.target.value];
    render();
    drawProjects();
    // What the panel showed, shown again for the chosen period.
    if (panel.style("display") !== "none" && shown) {
      if (shown.project !== undefined) showProject(shown.project);
      else if (pairOf(shown.a, shown.b)) showPair(pairOf(shown.a, shown.b));
      else { panel.style("display", "none"); shown = null; }
    }
  });
}

// Escape closes the panel and unpins.
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    panel.style("display", "none");
    unpin();
  }
});

render();

function drawChords() {
  // Around the circle in the chosen order: the layout is made on the reordered matrix, then its indices are turned
  // back into project numbers, so everything else (colours, names, panels) keeps addressing projects.
  const order = ordering();
  const layout = d3chord().padAngle(padAngle).sortSubgroups(descending).sortChords(ascending)(order.map((i) => order.map((j) => view.matrix[i][j])));
  for (const g of layout.groups) g.index = order[g.index];
  for (const c of layout) {
    c.source.index = order[c.source.index];
    c.target.index = order[c.target.index];
  }
  const arc = d3arc().innerRadius(innerRadius).outerRadius(outerRadius);
  const ribbon = d3ribbon().radius(innerRadius - 1);

  const svg = select("#chart").append("svg")
    .attr("viewBox", [-size / 2, -size / 2, size, size])
    .attr("width", size).attr("height", size)
    .attr("role", "img")
    .attr("aria-label", `Chord diagram of ${n} projects`);
  const focusStyle = svg.append("style");

  // The project hovered, else the one pinned by a click: its chords stay, the others fade (still visible as context).
  function focus(i) {
    const shown = i ?? pinned;
    // One style rule rather than a class on every ribbon keeps hover instant with thousands of chords.
    focusStyle.text(shown === null ? "" : `.chord:not(.p${shown}) { opacity: 0.06; pointer-events: none; }`);
  }
  unpin = () => { pinned = null; focus(null); };

  const polar = (angle, radius) => [Math.sin(angle) * radius, -Math.cos(angle) * radius];

  const groups = svg.append("g").attr("class", "groups").selectAll("g").data(layout.groups).join("g")
    .attr("class", "group")
    .attr("data-project", (d) => data.projects[d.index])
    .attr("tabindex", 0)
    .attr("role", "button")
    .attr("aria-label", (d) => `${data.projects[d.index]}: ${data.projectDetails[d.index].commits} commits, ${data.projectDetails[d.index].developers} developers`)
    .each(function (d) {
      const [cx, cy] = arc.centroid(d);
      this.setAttribute("data-cx", cx.toFixed(2));
      this.setAttribute("data-cy", cy.toFixed(2));
    });
  groups.append("path").attr("d", arc).attr("fill", (d) => colour(d.index, n)).attr("stroke", "#fff");
  groups
    .on("mouseover", (event, d) => {
      focus(d.index);
      const p = data.projectDetails[d.index];
      tip.show(event, [p.name, `${p.commits.toLocaleString("en-US")} commits, ${p.developers.toLocaleString("en-US")} developers`,
        `shares developers with ${related(d.index).length} project(s)`, "click for the people"]);
    })
    .on("mousemove", (event) => tip.move(event))
    .on("mouseout", () => { focus(null); tip.hide(); })
    .on("click", (event, d) => { event.stopPropagation(); pinned = d.index; focus(null); showProject(d.index); })
    .on("keydown", (event, d) => { if (event.key === "Enter" || event.key === " ") { pinned = d.index; focus(null); showProject(d.index); } });
  // A click on the background unpins.
  svg.on("click", () => { unpin(); });

  // Labels: biggest projects first, each kept only if it is at least a line's height away from every kept label.
  const labelRadius = outerRadius + 6;
  const minGap = (fontSize * 1.15) / labelRadius;
  const mid = (g) => (g.startAngle + g.endAngle) / 2;
  const kept = [];
  for (const g of [...layout.groups].filter((g) => g.value > 0).sort((a, b) => b.value - a.value || a.index - b.index)) {
    const a = mid(g);
    const clear = kept.every((k) => {
      const delta = Math.abs(mid(k) - a) % (2 * Math.PI);
      return Math.min(delta, 2 * Math.PI - delta) >= minGap;
    });
    if (clear) kept.push(g);
  }
  svg.append("g").attr("class", "labels").style("font-size", `${fontSize}px`)
    .selectAll("text").data(kept.sort((a, b) => a.index - b.index)).join("text")
    .attr("data-project", (d) => data.projects[d.index])
    .attr("dy", "0.35em")
    .attr("transform", (d) => {
      const a = mid(d);
      return `rotate(${(a * 180) / Math.PI - 90}) translate(${labelRadius})${a > Math.PI ? " rotate(180)" : ""}`;
    })
    .attr("text-anchor", (d) => (mid(d) > Math.PI ? "end" : "start"))
    .text((d) => labelText(data.projects[d.index]));

  // Chords below the chosen minimum are left out (arcs keep their length: a project's total does not change).
  const strong = layout.filter((c) => pairOf(c.source.index, c.target.index).value >= minimum);
  select("#minimum-shown").text(minimum > 0 ? `${strong.length} of ${layout.length} chords` : "");
  const chords = svg.append("g").attr("class", "chords").selectAll("path").data(strong).join("path")
    .attr("class", (d) => `chord p${d.source.index} p${d.target.index}`)
    .attr("d", ribbon)
    .attr("fill", (d) => colour(d.source.value >= d.target.value ? d.source.index : d.target.index, n))
    .attr("data-a", (d) => data.projects[Math.min(d.source.index, d.target.index)])
    .attr("data-b", (d) => data.projects[Math.max(d.source.index, d.target.index)])
    .each(function (d) {
      // A point surely on this ribbon: just inside the ring, in the middle of its own end (ends never overlap).
      const [hx, hy] = polar((d.source.startAngle + d.source.endAngle) / 2, innerRadius - 4);
      this.setAttribute("data-hx", hx.toFixed(2));
      this.setAttribute("data-hy", hy.toFixed(2));
    })
    .on("mouseover", function (event, d) {
      // The hovered chord on top (once: a move would lose the click; never for keyboard focus, which a move would lose).
      if (event.isTrusted && this.nextSibling) this.parentNode.appendChild(this);
      const pair = pairOf(d.source.index, d.target.index);
      tip.show(event, [
        `${data.projects[pair.a]} ↔ ${data.projects[pair.b]}`,
        `${metricName}: ${formatNumber(pair.value)}`,
        `Σ min commits: ${pair.sumMin.toLocaleString("en-US")}`,
        `shared developers: ${pair.shared.length.toLocaleString("en-US")}`,
        "click for the people",
      ]);
    })
    .on("mousemove", (event) => tip.move(event))
    .on("mouseout", () => tip.hide())
    .on("click", (event, d) => { event.stopPropagation(); showPair(pairOf(d.source.index, d.target.index)); })
    // Keyboard: every chord is reachable with Tab, named for screen readers, and opens its people with Enter.
    .attr("tabindex", 0)
    .attr("role", "button")
    .attr("aria-label", (d) => {
      const pair = pairOf(d.source.index, d.target.index);
      return `${data.projects[pair.a]} and ${data.projects[pair.b]}: ${metricName} ${formatNumber(pair.value)}, ${pair.shared.length} shared developers`;
    })
    .on("focus", function (event, d) {
      const box = this.getBoundingClientRect();
      this.dispatchEvent(new MouseEvent("mouseover", { clientX: box.x + box.width / 2, clientY: box.y + box.height / 2 }));
    })
    .on("blur", () => tip.hide())
    .on("keydown", (event, d) => { if (event.key === "Enter" || event.key === " ") showPair(pairOf(d.source.index, d.target.index)); });
}

// Projects around the circle: "clustered" (default) puts related projects side by side: average-linkage clustering
// of the whole history's matrix (similarity = relatedness), its leaves read left to right; "input" keeps the order given.
let orderBy = "clustered";
let clustered = null;
function ordering() {
  const input = data.projects.map((_, i) => i);
  if (orderBy === "input" || n < 3) return input;
  if (clustered) return clustered;
  const m = data.matrix;
  let clusters = input.map((i) => ({ members: [i], leaves: [i] }));
  const similarity = (a, b) => {
    let sum = 0;
    for (const i of a.members) for (const j of b.members) sum += m[i][j];
    return sum / (a.members.length * b.members.length);
  };
  while (clusters.length > 1) {
    let best = null;
    for (let x = 0; x < clusters.length; x++) {
      for (let y = x + 1; y < clusters.length; y++) {
        const s = similarity(clusters[x], clusters[y]);
        if (!best || s > best.s) best = { x, y, s };
      }
    }
    const a = clusters[best.x], b = clusters[best.y];
    // Join the ends that are most related, so neighbours across the join are related too.
    const ends = [[a.leaves, b.leaves], [a.leaves, [...b.leaves].reverse()], [[...a.leaves].reverse(), b.leaves], [[...a.leaves].reverse(), [...b.leaves].reverse()]];
    const joined = ends.reduce((keep, e) => (m[e[0][e[0].length - 1]][e[1][0]] > m[keep[0][keep[0].length - 1]][keep[1][0]] ? e : keep));
    clusters = clusters.filter((_, k) => k !== best.x && k !== best.y);
    clusters.push({ members: [...a.members, ...b.members], leaves: [...joined[0], ...joined[1]] });
  }
  clustered = clusters[0].leaves;
  return clustered;
}

function related(i) {
  return view.pairs.filter((p) => p.a === i || p.b === i);
}

function openPanel(title) {
  panel.selectAll("*").remove();
  panel.style("display", "block");
  const head = panel.append("div").attr("class", "panel-head");
  head.append("h2").text(title);
  head.append("button").attr("type", "button").attr("aria-label", "close").text("×")
    .on("click", () => { panel.style("display", "none"); unpin(); });
  return panel;
}

function showPair(pair) {
  shown = { a: pair.a, b: pair.b };
  const a = data.projects[pair.a];
  const b = data.projects[pair.b];
  const p = openPanel(view === whole ? `${a} ↔ ${b}` : `${a} ↔ ${b} · ${view.label}`);
  p.append("p").text(`${metricName} ${formatNumber(pair.value)} · Σ min commits ${pair.sumMin.toLocaleString("en-US")} · `
    + `${pair.shared.length} shared developer${pair.shared.length === 1 ? "" : "s"}`);
  table(p, ["developer", `commits in ${a}`, `commits in ${b}`, "min"],
    pair.shared.map((s) => [s.name, s.commitsA, s.commitsB, Math.min(s.commitsA, s.commitsB)]), "people")
    .selectAll("tbody tr").attr("title", (_, r) => addresses(pair.shared[r].id));
}

function showProject(i) {
  shown = { project: i };
  const d = data.projectDetails[i];
  const p = openPanel(view === whole ? d.name : `${d.name} · ${view.label}`);
  p.append("p").text(`${view.commits[i].toLocaleString("en-US")} commits by ${view.developers[i].toLocaleString("en-US")} developers`);
  const links = related(i).sort((x, y) => y.value - x.value);
  if (links.length === 0) {
    p.append("p").text("No developer of this project committed to another project in the report.");
    return;
  }
  p.append("h3").text("Related projects");
  table(p, ["project", metricName, "shared developers"],
    links.map((l) => [data.projects[l.a === i ? l.b : l.a], formatNumber(l.value), l.shared.length]), "links");
  // Everyone this project shares, with their commits here and in each other project.
  const people = new Map();
  for (const l of links) {
    const other = data.projects[l.a === i ? l.b : l.a];
    for (const s of l.shared) {
      const here = l.a === i ? s.commitsA : s.commitsB;
      const there = l.a === i ? s.commitsB : s.commitsA;
      const person = people.get(s.id) || { id: s.id, name: s.name, here, elsewhere: [] };
      person.elsewhere.push(`${other} (${there})`);
      people.set(s.id, person);
    }
  }
  p.append("h3").text("Shared developers");
  const sorted = [...people.values()].sort((x, y) => y.here - x.here || (x.name < y.name ? -1 : 1));
  table(p, ["developer", `commits in ${d.name}`, "also committed to (commits)"],
    sorted.map((x) => [x.name, x.here, x.elsewhere.join(", ")]), "people")
    .selectAll("tbody tr").attr("title", (_, r) => addresses(sorted[r].id));
}

// Below the chart: every project's figures, the options behind them, and what was left out.
// The projects table follows the chosen period (its commits and developers; what was excluded is the whole history's).
function drawProjects() {
  select("#projects").selectAll("*").remove();
  select("#projects").append("p").attr("class", "note").text(view === whole ? "" : `Commits and developers in ${view.label}.`);
  table(select("#projects"), ["project", "commits", "developers", "excluded bot commits", "excluded merge commits", "source"],
    data.projectDetails.map((p, i) => [p.name, view.commits[i], view.developers[i], p.excludedBotCommits, p.excludedMergeCommits,
      p.shallow ? `${p.source} (shallow)` : p.source]), "projects");
}
drawProjects();
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
    data.identityJoins.map((j) => [j.name, j.keys.join(", "), j.reason]), "joins");
} else {
  select("#joins-section").remove();
}
if (data.excludedBots.length > 0) {
  table(select("#bots"), ["automated account", "e-mail", "commits excluded"],
    data.excludedBots.map((b) => [b.name, b.email, b.commits]), "bots");
} else {
  select("#bots-section").remove();
}
