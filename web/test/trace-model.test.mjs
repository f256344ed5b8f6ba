// Unit tests of the trace page's pure transforms (node --test web/test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildTree, compareLazily, decode, diff, findPath, functionTable, heat, invert, matchedWeight, pathOf, sandwich, select, threadLabel, threadWeights, transform } from "../src/trace/model.js";

// main;a;b (3), main;a;a;c (2) in thread 0 (app 1/1); main;d (5) in thread 1 (app 1/2); slices: 0..2
const profile = {
  frames: ["main", "a", "b", "c", "d"],
  threads: [{ comm: "app", pid: "1", tid: "1", process: "app", labels: "" }, { comm: "app", pid: "1", tid: "2", process: "app", labels: "" }],
  nodeParents: [-1, 0, 1, 2, 2, 4, 1],
  nodeFrames: [-1, 0, 1, 2, 1, 3, 4],
  stackThreads: [0, 0, 1],
  stackNodes: [3, 5, 6],
  stackWeights: [3, 2, 5],
  time: { stackSlices: [[0, 1, 1, 2], [2, 2], [0, 5]] },
};
const d = decode(profile);
const all = select(d);
const names = (n) => (n.children || []).map((c) => `${c.name}:${c.value}`).join(" ");

test("paths are rebuilt from the node table", () => {
  assert.deepEqual(d.stacks.map(pathOf), [[0, 1, 2], [0, 1, 1, 3], [0, 4]]);
});

test("the tree merges threads by process, or splits them", () => {
  const merged = buildTree(d, all);
  assert.equal(merged.value, 10);
  assert.equal(names(merged), "app 1:10");
  assert.equal(names(merged.children[0].children[0]), "a:5 d:5");
  const split = buildTree(d, all, { split: true });
  assert.equal(names(split), "app 1/1:5 app 1/2:5");
});

test("the inverted tree has each running function at the roots with its self weight, callers below, the process last", () => {
  const inverted = invert(d, all);
  assert.equal(inverted.value, 10);
  assert.equal(names(inverted), "b:3 c:2 d:5");
  const table = functionTable(d, all);
  for (const root of inverted.children) assert.equal(root.value, table.find((f) => f.name === root.name).self);
  const c = inverted.children.find((x) => x.name === "c");
  assert.equal(names(c), "a:2");
  assert.equal(names(c.children[0]), "a:2"); // the recursion a;a is kept as it ran
  assert.equal(names(c.children[0].children[0]), "main:2");
  assert.equal(names(c.children[0].children[0].children[0]), "app 1:2");
  assert.equal(names(invert(d, all, { split: true }).children[2].children[0]), "app 1/2:5"); // d ← main ← thread 2
  assert.equal(names(invert(d, all, { focused: true }).children[2].children[0]), "");
});

test("threads and time ranges filter the samples", () => {
  assert.equal(buildTree(d, select(d, { threads: new Set([1]) })).value, 5);
  assert.equal(buildTree(d, select(d, { range: [1, 3] })).value, 4); // 2 of the first stack, 2 of the second
});

test("transforms: focus re-roots, merge removes, drop filters, recursion collapses", () => {
  const focused = buildTree(d, transform(all, [{ type: "focus", frame: 1 }]), { focused: true });
  assert.equal(names(focused), "a:5");
  assert.equal(names(focused.children[0]), "a:2 b:3");
  const merged = buildTree(d, transform(all, [{ type: "merge", frame: 1 }]));
  assert.equal(names(merged.children[0].children[0]), "b:3 c:2 d:5");
  assert.equal(buildTree(d, transform(all, [{ type: "drop", frame: 4 }])).value, 5);
  const flat = buildTree(d, transform(all, [{ type: "recursion", frame: 1 }]));
  assert.equal(names(findPath(flat, ["app 1", "main", "a"])), "b:3 c:2");
});

test("search counts each sample once however many frames match", () => {
  assert.equal(matchedWeight(d, all, /^a$/), 5);
  assert.equal(matchedWeight(d, all, /^(a|c)$/), 5);
  assert.equal(matchedWeight(d, all, /main/), 10);
});

test("the function table counts recursion once", () => {
  const a = functionTable(d, all).find((r) => r.name === "a");
  assert.deepEqual([a.self, a.total], [0, 5]);
  const c = functionTable(d, all).find((r) => r.name === "c");
  assert.deepEqual([c.self, c.total], [2, 2]);
});

test("callers and callees are merged over occurrences", () => {
  const { callers, callees } = sandwich(d, all, 1);
  assert.equal(callers.value, 5);
  assert.equal(names(callers), "main:5");
  assert.equal(names(callees), "a:2 b:3");
});

test("diff: shares compared by path, paths gone listed", () => {
  const before = buildTree(d, select(d, { threads: new Set([0]) }));
  const after = buildTree(d, all);
  const gone = diff(after, before);
  const dNode = findPath(after, ["app 1", "main", "d"]);
  assert.equal(dNode.only, "after");
  assert.equal(dNode.delta, 0.5);
  assert.equal(findPath(after, ["app 1", "main", "a"]).delta, 0.5 - 1);
  assert.deepEqual(gone, []);
  assert.equal(diff(before, after).length, 1);
});

test("each thread's weight, in a time range or all", () => {
  assert.deepEqual([...threadWeights(d, null)], [5, 5]);
  assert.deepEqual([...threadWeights(d, [1, 3])], [4, 0]);
  assert.deepEqual([...threadWeights(d, [0, 1])], [1, 5]);
  assert.deepEqual([...threadWeights(d, [7, 9])], [0, 0]);
});

test("the heat map follows the thread filter and transforms", () => {
  assert.deepEqual(heat(all), { slices: [0, 1, 2], weights: [6, 2, 2] });
  assert.deepEqual(heat(select(d, { threads: new Set([0]) })), { slices: [0, 1, 2], weights: [1, 2, 2] });
  assert.deepEqual(heat(transform(all, [{ type: "drop", frame: 4 }])), { slices: [0, 1, 2], weights: [1, 2, 2] });
});

test("thread labels say which number is which", () => {
  assert.equal(threadLabel({ comm: "app", pid: "1", tid: "2" }), "app 1/2");
  assert.equal(threadLabel({ comm: "app", pid: "?", tid: "2" }), "app tid 2");
  assert.equal(threadLabel({ comm: "app", pid: "", tid: "" }), "app");
});

// One stack "f" (weight 1) per thread.
function perThread(threads) {
  return decode({
    frames: ["f"], threads, nodeParents: [-1, 0], nodeFrames: [-1, 0],
    stackThreads: threads.map((t, i) => i), stackNodes: threads.map(() => 1), stackWeights: threads.map(() => 1), time: null,
  });
}

test("a process is its pid, named by its command: named threads stay in it, namesakes in other processes stay apart", () => {
  const t = perThread([
    { comm: "thr", pid: "10", tid: "10", process: "thr", labels: "" },
    { comm: "worker-1", pid: "10", tid: "11", process: "thr", labels: "" },
    { comm: "worker-2", pid: "10", tid: "12", process: "thr", labels: "" },
    { comm: ".NET_TP_Worker", pid: "20", tid: "21", process: "dotnet", labels: "" },
    { comm: ".NET_TP_Worker", pid: "30", tid: "31", process: "dotnet", labels: "" },
  ]);
  assert.equal(names(buildTree(t, select(t))), "dotnet 20:1 dotnet 30:1 thr 10:3");
  assert.equal(names(buildTree(t, select(t), { split: true })), ".NET_TP_Worker 20/21:1 .NET_TP_Worker 30/31:1 thr 10/10:1 worker-1 10/11:1 worker-2 10/12:1");
  // A diff matches processes by name (pids differ between runs).
  assert.equal(names(buildTree(t, select(t), { byName: true })), "dotnet:2 thr:3");
});

test("stacks without a thread have no process level; labels alone make one", () => {
  const bare = perThread([{ comm: "", pid: "", tid: "", process: "", labels: "" }]);
  assert.equal(names(buildTree(bare, select(bare))), "f:1");
  const hosts = perThread([{ comm: "", pid: "", tid: "", process: "", labels: "host=web1" }, { comm: "", pid: "", tid: "", process: "", labels: "host=web2" }]);
  assert.equal(names(buildTree(hosts, select(hosts))), "host=web1:1 host=web2:1");
  assert.equal(threadLabel({ comm: "app", pid: "1", tid: "2", labels: "host=web1" }), "host=web1 · app 1/2");
});

test("names from the input are shown visibly (readData applies it to every string): no line break, escape or right-to-left override reaches a label", async () => {
  const { visible } = await import("../src/common/format.js");
  assert.equal(visible("evil\nname"), "evil\\nname");
  assert.equal(visible("a\u001b[2Jb"), "a\\x1b[2Jb");
  assert.equal(visible("txt.\u202Eexe"), "txt.⟨U+202E⟩exe");
  assert.equal(visible("José Müller::run"), "José Müller::run");
});

// A call tree made the plain way (each sample's path walked from the root), to check the table-built one against.
function plainTree(decoded, samples, { split = false, focused = false } = {}) {
  const root = { name: "all", value: 0, self: 0, children: new Map() };
  for (const s of samples) {
    const t = decoded.threads[s.thread];
    const level = focused ? null : split ? `t:${t.key}` : t.process?.key;
    let n = root;
    n.value += s.weight;
    const names = [...(level ? [level] : []), ...s.path.map((f) => `f${f}`)];
    for (const key of names) {
      if (!n.children.has(key)) n.children.set(key, { name: key, value: 0, self: 0, children: new Map() });
      n = n.children.get(key);
      n.value += s.weight;
    }
    n.self += s.weight;
  }
  return root;
}
// Transforms applied the plain way, to each path as an array (what the node-table transforms must equal).
function plainTransform(samples, transforms) {
  let out = samples.map((s) => ({ ...s, path: pathOf(s) }));
  for (const { type, frame: f } of transforms) {
    if (type === "focus") out = out.filter((s) => s.path.includes(f)).map((s) => ({ ...s, path: s.path.slice(s.path.indexOf(f)) }));
    else if (type === "drop") out = out.filter((s) => !s.path.includes(f));
    else if (type === "merge") out = out.map((s) => ({ ...s, path: s.path.filter((x) => x !== f) }));
    else out = out.map((s) => ({ ...s, path: s.path.filter((x, i) => !(x === f && i > 0 && s.path[i - 1] === f)) }));
  }
  return out;
}
const shape = (n) => `${n.value}/${n.self}(${[...n.children.values()].map(shape).sort().join(",")})`;
const tableShape = (n) => `${n.value}/${n.self}(${(n.children || []).map(tableShape).sort().join(",")})`;

test("the table-built tree equals the plain one on random profiles, with filters and every transform", () => {
  let seed = 7;
  const random = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let round = 0; round < 40; round++) {
    const frames = Array.from({ length: 2 + random(12) }, (_, i) => `fn${random(6)}_${i}`);
    // The node table is a trie of random paths (a node's children have distinct frames), as Kashika writes it.
    const nodeParents = [-1], nodeFrames = [-1], childOf = new Map();
    for (let p = 0; p < 1 + random(30); p++) {
      let n = 0;
      for (let depth = 0; depth < 1 + random(8); depth++) {
        const f = random(frames.length), key = `${n}:${f}`;
        if (!childOf.has(key)) { childOf.set(key, nodeParents.length); nodeParents.push(n); nodeFrames.push(f); }
        n = childOf.get(key);
      }
    }
    const threads = Array.from({ length: 1 + random(5) }, (_, i) => ({ comm: `c${i % 2}`, pid: String(1 + random(3)), tid: String(10 + i), process: "p", labels: "" }));
    const stacks = Array.from({ length: 1 + random(60) }, () => ({ thread: random(threads.length), node: 1 + random(nodeParents.length - 1), weight: 1 + random(9) }));
    const d = decode({ frames, threads, nodeParents, nodeFrames, stackThreads: stacks.map((s) => s.thread), stackNodes: stacks.map((s) => s.node), stackWeights: stacks.map((s) => s.weight), time: null });
    const f = random(frames.length), g = random(frames.length);
    const all = [[], [{ type: "merge", frame: f }], [{ type: "drop", frame: f }], [{ type: "recursion", frame: f }], [{ type: "focus", frame: f }],
      [{ type: "merge", frame: g }, { type: "recursion", frame: f }, { type: "focus", frame: f }], [{ type: "recursion", frame: g }, { type: "merge", frame: f }, { type: "drop", frame: g }]];
    for (const transforms of all) {
      const focused = transforms.some((t) => t.type === "focus");
      for (const split of [false, true]) {
        const chosen = select(d, { threads: round % 3 ? null : new Set([0]) });
        const samples = transform(chosen, transforms), plain = plainTransform(chosen, transforms);
        assert.deepEqual(samples.map(pathOf), plain.map((s) => s.path), `paths, round ${round} ${JSON.stringify(transforms)}`);
        // The functions table and search, against the same sums over the plain paths.
        const self = new Map(), total = new Map();
        for (const p of plain) {
          if (p.path.length) self.set(p.path.at(-1), (self.get(p.path.at(-1)) || 0) + p.weight);
          for (const x of new Set(p.path)) total.set(x, (total.get(x) || 0) + p.weight);
        }
        assert.deepEqual(functionTable(d, samples).map((r) => [r.frame, r.self, r.total]).sort((a, b) => a[0] - b[0]),
          [...total.keys()].sort((a, b) => a - b).map((x) => [x, self.get(x) || 0, total.get(x)]));
        const regex = new RegExp(`^fn${random(6)}_`);
        assert.equal(matchedWeight(d, samples, regex), plain.filter((p) => p.path.some((x) => regex.test(frames[x]))).reduce((w, p) => w + p.weight, 0));
        const tree = buildTree(d, samples, { split, focused });
        assert.equal(tableShape(tree), shape(plainTree(d, plain, { split, focused })), `round ${round} ${JSON.stringify(transforms)} split ${split}`);
        // Inverted: each path read from its leaf, the level last.
        const reversed = plain.map((s) => ({ ...s, path: [...s.path].reverse() }));
        const plainInverted = plainTree(d, reversed, { split, focused: true });
        if (!focused) {
          for (const s of reversed) {
            const t = d.threads[s.thread], level = split ? `t:${t.key}` : t.process?.key;
            if (!level) continue;
            let n = plainInverted;
            for (const f of s.path) n = n.children.get(`f${f}`);
            if (!n.children.has(level)) n.children.set(level, { name: level, value: 0, self: 0, children: new Map() });
            const l = n.children.get(level);
            l.value += s.weight; l.self += s.weight; n.self -= s.weight;
          }
        }
        assert.equal(tableShape(invert(d, samples, { split, focused })), shape(plainInverted), `inverted, round ${round}`);
        // Laid out: children side by side in [x0, x1] of the root's value, a row deeper than their parent.
        const check = (n) => {
          let x = n.x0;
          for (const c of n.children || []) {
            assert.ok(Math.abs(c.x0 - x) < 1e-9 && c.depth === n.depth + 1 && c.parent === n);
            x = c.x1;
          }
          for (const c of n.children || []) check(c);
        };
        check(tree);
      }
    }
  }
});

test("a heat map of a recording that spans days with a few samples is kept sparse", () => {
  const sparse = { thread: 0, path: [0], weight: 3, slices: [2, 1, 40_000_000, 2] };
  assert.deepEqual(heat([sparse]), { slices: [2, 40_000_000], weights: [1, 2] });
});

test("a diff made as the tree is read gives each node what diff() gives it", () => {
  const before = invert(d, select(d, { threads: new Set([0]) }));
  const after = invert(d, all);
  compareLazily(after, before);
  const eagerAfter = invert(d, all);
  diff(eagerAfter, invert(d, select(d, { threads: new Set([0]) })));
  const figures = (n) => [n.name, n.before, n.only, +n.delta.toFixed(12), ...(n.children || []).flatMap(figures)];
  assert.deepEqual(figures(after), figures(eagerAfter));
  assert.equal(findPath(after, ["d"]).only, "after");
});
