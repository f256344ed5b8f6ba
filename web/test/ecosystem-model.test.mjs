// Unit tests of the ecosystem page's pure transforms (node --test web/test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { chordColours, chordMatrix, communitiesOf, edgeWidths, findProjects, measureOf, neighbourhood, neighbourhoodChord, nodeSize, pairIndex } from "../src/ecosystem/model.js";

const names = ["nova", "neutron", "glance", "gnocchi", "keystone"];
const developers = [1600, 9000, 300, 40, 500];
// nova–neutron share two people (Σ min 9), nova–glance one (Σ min 4), gnocchi–keystone one (Σ min 1).
const pairs = [
  { a: 0, b: 1, value: 3, sumMin: 9, shared: [{ name: "Ann", id: "a", commitsA: 5, commitsB: 6 }, { name: "Bob", id: "b", commitsA: 4, commitsB: 9 }] },
  { a: 0, b: 2, value: 2, sumMin: 4, shared: [{ name: "Cid", id: "c", commitsA: 4, commitsB: 7 }] },
  { a: 3, b: 4, value: 1, sumMin: 1, shared: [{ name: "Dan", id: "d", commitsA: 1, commitsB: 1 }] },
];

test("each measure comes from the pair's own figures", () => {
  assert.equal(measureOf(pairs[0], "relatedness", developers), 3);
  assert.equal(measureOf(pairs[0], "shared", developers), 2);
  assert.equal(measureOf(pairs[0], "jaccard", developers), 2 / (1600 + 9000 - 2));
});

test("communities are named by their biggest projects and list them biggest first", () => {
  const c = communitiesOf([0, 0, 0, 1, 1], names, developers);
  assert.deepEqual(c.map((x) => x.label), ["neutron · nova +1", "keystone · gnocchi"]);
  assert.deepEqual(c[1].members, [4, 3]);
});

test("a neighbourhood is strongest first under the measure chosen", () => {
  assert.deepEqual(neighbourhood(0, pairs, "relatedness", developers).map((n) => n.other), [1, 2]);
  // By Jaccard glance (1 of 1,899) beats neutron (2 of 10,598).
  assert.deepEqual(neighbourhood(0, pairs, "jaccard", developers).map((n) => n.other), [2, 1]);
  assert.deepEqual(neighbourhood(3, pairs, "shared", developers).map((n) => n.other), [4]);
});

test("search puts names that start with the query first, then the biggest", () => {
  assert.deepEqual(findProjects("n", names, developers), [1, 0, 4, 2, 3]);
  assert.deepEqual(findProjects("  GN ", names, developers), [3]);
  assert.deepEqual(findProjects("", names, developers), []);
});

test("sizes grow with developers and shrink for thousands of projects; widths span the values", () => {
  assert.ok(nodeSize(1600, 1600, 5) > nodeSize(40, 1600, 5));
  assert.ok(nodeSize(1600, 1600, 5000) < nodeSize(1600, 1600, 5));
  assert.ok(nodeSize(0, 1600, 5000) >= 1.5);
  assert.deepEqual(edgeWidths([0, 5, 10]).map((w) => Math.round(w * 100) / 100), [0.3, 1.65, 3]);
  assert.equal(edgeWidths(Array.from({ length: 6000 }, (_, i) => i)).at(-1), 1.5);
});

test("chordMatrix: every pair among the projects, kept or counted, under the measure; 0 for none", () => {
  const kept = [{ a: 0, b: 2, value: 3, sumMin: 9, shared: [{ name: "A", id: "a", commitsA: 9, commitsB: 9 }] }];
  const index = pairIndex(kept, [[1, 2, 4, 2], [0, 2, 1, 1]], 4);
  assert.equal(index.get(2).kept, kept[0]); // a kept pair wins over a counted one
  assert.equal(index.get(1 * 4 + 2).kept, null);
  const developers = [3, 4, 5, 1];
  assert.deepEqual(chordMatrix([2, 0, 1, 3], index, 4, "relatedness", developers), [[0, 3, 2, 0], [3, 0, 0, 0], [2, 0, 0, 0], [0, 0, 0, 0]]);
  assert.deepEqual(chordMatrix([1, 2], index, 4, "jaccard", developers), [[0, 2 / 7], [2 / 7, 0]]);
  assert.deepEqual(chordMatrix([1, 2], index, 4, "shared", developers), [[0, 2], [2, 0]]);
  assert.deepEqual(neighbourhoodChord(1, [[2], [3, 0, 2], [], []], 3), [1, 3, 0]);
});

test("chordColours: projects that stay keep their colours, newcomers take the free ones", () => {
  const first = chordColours([5, 7, 9], new Map(), 4);
  assert.deepEqual([...first.entries()], [[5, 0], [7, 1], [9, 2]]);
  const next = chordColours([7, 3, 5, 8], first, 4);
  assert.deepEqual([...next.entries()].sort((a, b) => a[0] - b[0]), [[3, 2], [5, 0], [7, 1], [8, 3]]);
  const more = chordColours([1, 2, 3, 4, 5], new Map(), 4); // more projects than colours: they wrap
  assert.deepEqual([...more.values()], [0, 1, 2, 3, 0]);
});
