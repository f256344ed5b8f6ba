// Unit tests of the relate page's pure transforms (node --test web/test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { currentsFlows, fold, identityRule, peopleOf, search, sharedPeopleOf, timelineOf } from "../src/relate/model.js";
import { clusterOrder, hitAngles, labelsToKeep, matrixTotal, withRest } from "../src/common/chord-model.js";
import { DICHROMACY, deltaE, palette, simulate } from "../src/common/colour.js";

// Projects 0..3: 0–1 share Ann (5/2) and Bob (3/4); 1–2 share José (6/1); 3 shares nothing.
const pairs = [
  { a: 0, b: 1, value: Math.sqrt(5), sumMin: 5, shared: [{ name: "Ann Lee", id: "ann@x", commitsA: 5, commitsB: 2 }, { name: "Bob Stone", id: "bob@x", commitsA: 3, commitsB: 4 }] },
  { a: 1, b: 2, value: 1, sumMin: 1, shared: [{ name: "José Müller", id: "jose@x", commitsA: 6, commitsB: 1 }] },
];

test("clustering puts a ring of related projects side by side", () => {
  // Ten projects given in a scrambled order, related only to their neighbours on a ring 0–1–…–9–0.
  const scrambled = [0, 5, 2, 7, 4, 9, 6, 1, 8, 3];
  const m = scrambled.map((x) => scrambled.map((y) => ((x - y + 10) % 10 === 1 || (y - x + 10) % 10 === 1 ? 1 + ((x + y) % 3) : 0)));
  const around = clusterOrder(m).map((i) => scrambled[i]);
  const related = around.filter((x, k) => { const y = around[(k + 1) % 10]; return Math.abs(x - y) === 1 || Math.abs(x - y) === 9; });
  assert.ok(related.length >= 9, `neighbours: ${around.join(" ")}`);
  assert.deepEqual(clusterOrder(m), clusterOrder(m)); // the same every time
  assert.deepEqual(clusterOrder([[0, 1], [1, 0]]), [0, 1]);
});

test("colours: thirty projects ΔE 14 apart for normal vision and 10 for each of the three dichromacies, two hundred all distinct", () => {
  const thirty = palette(30);
  for (const [vision, matrix] of [["normal", null], ...Object.entries(DICHROMACY)]) {
    const seen = thirty.map((c) => (matrix ? simulate(c, matrix) : c));
    let min = Infinity;
    for (let i = 0; i < 30; i++) for (let j = i + 1; j < 30; j++) min = Math.min(min, deltaE(seen[i], seen[j]));
    assert.ok(min >= (matrix ? 10 : 14), `${vision}: ΔE ${min}`);
  }
  // Tableau 10, the colours before, had two that deuteranopia makes one (ΔE under 1).
  const tableau = ["#4e79a7", "#f28e2c", "#e15759", "#76b7b2", "#59a14f", "#edc949", "#af7aa1", "#ff9da7", "#9c755f", "#bab0ab"];
  let worst = Infinity;
  for (const matrix of Object.values(DICHROMACY)) {
    for (let i = 0; i < 10; i++) for (let j = i + 1; j < 10; j++) worst = Math.min(worst, deltaE(simulate(tableau[i], matrix), simulate(tableau[j], matrix)));
  }
  assert.ok(worst < 2, `tableau ${worst}`);
  assert.equal(new Set(palette(200)).size, 200);
  assert.deepEqual(palette(3), palette(30).slice(0, 3)); // a project keeps its colour as more are added
  assert.equal(palette(1)[0], "#4e79a7");
});

test("people of a view, and the people a project shares", () => {
  const people = peopleOf(pairs);
  assert.deepEqual([...people.get("ann@x").commits], [[0, 5], [1, 2]]);
  assert.deepEqual([...people.get("jose@x").commits], [[1, 6], [2, 1]]);
  const ofBeta = sharedPeopleOf(pairs, 1);
  assert.deepEqual(ofBeta.map((p) => [p.name, p.here, p.elsewhere.map((e) => `${e.project}:${e.commits}`).join(" ")]),
    [["José Müller", 6, "2:1"], ["Bob Stone", 4, "0:3"], ["Ann Lee", 2, "0:5"]]);
  assert.deepEqual(sharedPeopleOf(pairs, 3), []);
});

test("search finds projects and people by name or address, without regard to case or accents", () => {
  const people = peopleOf(pairs);
  const addresses = new Map([["jose@x", ["jose@x", "jm@home.example"]]]);
  const names = ["alpha", "beta", "gamma", "alphabet"];
  assert.deepEqual(search("ALPHA", names, people, addresses).projects, [0, 3]);
  assert.deepEqual(search("jose", names, people, addresses).people.map((p) => p.name), ["José Müller"]);
  assert.deepEqual(search("home.example", names, people, addresses).people.map((p) => p.id), ["jose@x"]);
  assert.deepEqual(search("  ", names, people, addresses), { projects: [], moreProjects: 0, people: [], morePeople: 0 });
  assert.deepEqual(search("a", names, people, addresses, 1).moreProjects, 3); // four match, one shown
  // A match at the start of a word ranks before one inside a word.
  assert.deepEqual(search("ta", ["beta", "tau"], new Map(), new Map()).projects, [1, 0]);
  assert.equal(fold("Émile ØSTER Ævar Łukasz"), "emile oster aevar lukasz");
  // Umlauts spelt out, both ways; and the plain letter still finds them.
  const germans = new Map([["g@x", { id: "g@x", name: "Günther Deschner", commits: new Map([[0, 1]]) }], ["h@x", { id: "h@x", name: "Frank Guenther", commits: new Map([[0, 2]]) }]]);
  assert.deepEqual(search("guenther", ["p"], germans, new Map()).people.map((p) => p.name).sort(), ["Frank Guenther", "Günther Deschner"]);
  assert.deepEqual(search("günther", ["p"], germans, new Map()).people.map((p) => p.name).sort(), ["Frank Guenther", "Günther Deschner"]);
  assert.deepEqual(search("gunther", ["p"], germans, new Map()).people.map((p) => p.name), ["Günther Deschner"]);
  assert.deepEqual(search("strasse", ["Straße"], new Map(), new Map()).projects, [0]);
});

test("labels never closer than the gap, biggest arcs first", () => {
  const g = (index, start, end, value = 1) => ({ index, startAngle: start, endAngle: end, value });
  const kept = labelsToKeep([g(0, 0, 0.1, 1), g(1, 0.1, 0.12, 0.1), g(2, 1, 2, 5), g(3, 3, 3.1, 0)], 0.2);
  assert.deepEqual(kept.map((k) => k.index), [0, 2]); // 1 is too close to 0, 3 has no value
});

test("a tiny arc's hover target is widened around its middle", () => {
  assert.deepEqual(hitAngles({ startAngle: 1, endAngle: 1.002 }, 0.02), { startAngle: 1.001 - 0.01, endAngle: 1.001 + 0.01 });
  assert.deepEqual(hitAngles({ startAngle: 1, endAngle: 2 }, 0.02), { startAngle: 1, endAngle: 2 });
});

test("the legend names the identity rule in force", () => {
  assert.match(identityRule({ identity: "person", mailmap: true }, 3), /same distinctive name.*3 joins/);
  assert.match(identityRule({ identity: "email", mailmap: false, aliases: "a.mailmap" }, 0), /not applied, and the aliases in a.mailmap/);
});

test("who moved where: bands from the moves, by people or commits, outside on request", () => {
  // Ann a (2) → b (3) → c (1); Bob a (3, and b 1) → a (2) → gone; Cy b (2) → gone → c (1).
  const people = [
    { id: "ann", name: "Ann", activity: [[0, 0, 2], [1, 1, 3], [2, 2, 1]] },
    { id: "bob", name: "Bob", activity: [[0, 0, 3], [1, 0, 1], [0, 1, 2]] },
    { id: "cy", name: "Cy", activity: [[1, 0, 2], [2, 2, 1]] },
  ];
  const moves = [
    { period: 1, from: 0, to: 0, people: ["bob"] }, { period: 1, from: 0, to: 1, people: ["ann"] }, { period: 1, from: 1, to: -1, people: ["cy"] },
    { period: 2, from: -1, to: 2, people: ["cy"] }, { period: 2, from: 0, to: -1, people: ["bob"] }, { period: 2, from: 1, to: 2, people: ["ann"] },
  ];
  const bands = (f) => f.links.map((l) => `${l.period}:${l.from}>${l.to}=${l.value}`);
  assert.deepEqual(bands(currentsFlows(people, moves, 0, 2)), ["1:0>0=1", "1:0>1=1", "2:1>2=1"]);
  assert.deepEqual(bands(currentsFlows(people, moves, 0, 2, { measure: "commits" })), ["1:0>0=2", "1:0>1=3", "2:1>2=1"]);
  const all = currentsFlows(people, moves, 0, 2, { outside: true });
  assert.equal(all.links.filter((l) => l.period === 1).reduce((s, l) => s + l.value, 0), 3);
  assert.deepEqual(all.nodes.map((n) => n.id).sort(), ["0:0", "0:1", "1:-1", "1:0", "1:1", "2:-1", "2:2"]);
  assert.deepEqual(bands(currentsFlows(people, moves, 1, 2)), ["2:1>2=1"]); // from period 1 on
  assert.deepEqual(timelineOf(people[1]).map((r) => [r.project, r.total]), [[0, 5], [1, 1]]);
});

test("withRest: every period laid out on the same total, so arcs compare across periods", () => {
  const small = [[0, 1], [1, 0]];
  const big = [[0, 5], [5, 0]];
  const padded = withRest(small, matrixTotal(big));
  assert.equal(padded.rest, 2);
  assert.deepEqual(padded.matrix, [[0, 1, 0], [1, 0, 0], [0, 0, 8]]);
  assert.equal(matrixTotal(padded.matrix), matrixTotal(big));
  // The busiest period itself has no rest.
  assert.equal(withRest(big, 10).matrix[2][2], 0);
});

test("laidOut: the matrix in the circle's order, the rest last when periods share one scale", async () => {
  const { laidOut } = await import("../src/common/chord-model.js");
  const m = [[0, 1, 2], [1, 0, 0], [2, 0, 0]];
  assert.deepEqual(laidOut(m, [2, 0, 1]), { square: [[0, 2, 0], [2, 0, 1], [0, 1, 0]], order: [2, 0, 1], rest: null });
  const withScale = laidOut(m, [2, 0, 1], 10);
  assert.deepEqual(withScale.order, [2, 0, 1, 3]);
  assert.equal(withScale.square[3][3], 4);
});
