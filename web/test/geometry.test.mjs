// Unit tests of the pages' geometry, apart from drawing: the flame graph's layout and culling, the chord layout's
// matrix (node --test web/test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { drawable, layout, visible } from "../src/trace/flame.js";
import { laidOut } from "../src/common/chord-model.js";

const node = (name, value, children = null) => ({ key: name, name, frame: 0, value, self: value - (children || []).reduce((s, c) => s + c.value, 0), children, byKey: null });

test("a flame layout gives each node its share of the root's width, side by side, one row a depth", () => {
  const root = layout(node("all", 100, [node("a", 60, [node("a1", 30), node("a2", 20)]), node("b", 40)]));
  const [a, b] = root.children;
  assert.deepEqual([root.x0, root.x1, root.depth, root.maxDepth], [0, 1, 0, 2]);
  assert.deepEqual([a.x0, a.x1, a.depth, b.x0, b.x1], [0, 0.6, 1, 0.6, 1]);
  assert.deepEqual(a.children.map((c) => [c.x0, +c.x1.toFixed(12), c.depth, c.parent.name]), [[0, 0.3, 2, "a"], [0.3, 0.5, 2, "a"]]);
  // An empty profile lays out without dividing by zero.
  const empty = layout(node("all", 0, []));
  assert.deepEqual([empty.x0, empty.x1, empty.maxDepth], [0, 0, 0]);
});

test("frames narrower than a pixel become one stub a run, in their place, and nothing is lost", () => {
  // 1,000 px: a (500 px), then 300 frames of 0.1 px, then b (~470 px), then two more narrow ones.
  const narrow = (prefix, count) => Array.from({ length: count }, (_, i) => node(`${prefix}${i}`, 1));
  const root = layout(node("all", 10_000, [node("a", 5_000), ...narrow("n", 300), node("b", 4_698), ...narrow("m", 2)]));
  const parts = drawable(root, (c) => (c.x1 - c.x0) * 1000 >= 1);
  assert.deepEqual(parts.map((p) => (p.stub ? `…${p.count}` : p.name)), ["a", "…300", "b", "…2"]);
  assert.equal(parts[1].x0, 0.5); // where its first frame is
  assert.equal(parts.reduce((s, p) => s + p.value, 0), 10_000);
  const items = visible(root, root, 1000);
  assert.deepEqual(items.map((i) => (i.node.stub ? "…" : i.node.name)).sort(), ["all", "a", "b", "…", "…"].sort());
  // Zoomed into a: its ancestors full width, a spread over the width, b out of view not drawn.
  const zoomed = visible(root, root.children[0], 1000);
  assert.deepEqual(zoomed.map((i) => [i.node.name, i.x, i.w, Boolean(i.ancestor)]), [["all", 0, 1000, true], ["a", 0, 1000, false]]);
});

test("a chord layout's matrix is the projects in the order asked, with the rest of one scale last", () => {
  const m = [[0, 2, 1], [2, 0, 0], [1, 0, 0]];
  assert.deepEqual(laidOut(m, [2, 0, 1]), { square: [[0, 1, 0], [1, 0, 2], [0, 2, 0]], order: [2, 0, 1], rest: null });
  // On the busiest period's total (10): the rest is what this period lacks (10 − 6), laid out last, tied to itself.
  const scaled = laidOut(m, [0, 1, 2], 10);
  assert.deepEqual(scaled.order, [0, 1, 2, 3]);
  assert.equal(scaled.rest, 3);
  assert.deepEqual(scaled.square[3], [0, 0, 0, 4]);
  assert.equal(scaled.square.flat().reduce((s, x) => s + x, 0), 10);
});
