// The trace page's data transforms: pure functions over the profile the report carries, tested with node --test.
// A profile: frames (names, modules, kinds), threads, a node table (parent, frame) and stacks (thread, leaf node,
// weight, and weight per time slice). Everything the views draw is built from "samples": {thread, path, weight}.
import type { SampledThread, TraceProfileData } from "./data.js";

/** A level of the graph above the functions: a process, a thread, or a label set. */
export interface Level {
  key: string;
  name: string;
}

export interface Thread extends Omit<SampledThread, "process"> {
  index: number;
  key: string;
  label: string;
  process: Level | null;
  processByName: Level | null;
}

/** A distinct stack of the profile: its path (a node of a node table), weight, and weight per time slice (slice,
 * weight, …). Paths are read from the table (pathOf), never kept as arrays: 200,000 stacks of 20 frames would be
 * millions of numbers, and each transform would copy them. */
export interface Stack {
  thread: number;
  weight: number;
  slices: number[] | null;
  /** The node the path ends in, in `table`: the profile's node table, or after transforms the table they made. */
  node: number;
  table: NodeTable;
}

/** A trie of paths: node 0 the root (parent −1, frame −1); a node's children have distinct frames and come after it. */
export interface NodeTable {
  parents: Int32Array;
  frames: Int32Array;
}

/** A stack as shown (after filters and transforms). */
export type Sample = Stack;

/** A sample's frames, root first. */
export function pathOf(s: Sample): number[] {
  const path: number[] = [];
  for (let n = s.node; n > 0; n = s.table.parents[n]) path.push(s.table.frames[n]);
  return path.reverse();
}

export interface Decoded {
  profile: TraceProfileData;
  names: string[];
  /** Each frame's place in name order (equal names, equal places): trees sort children by it, not by comparing text. */
  rank: Int32Array;
  stacks: Stack[];
  threads: Thread[];
}

/** A node of a call tree: frame -1 for a level (process, thread) or the root. */
export interface TreeNode {
  key: string | number;
  name: string;
  frame: number;
  value: number;
  self: number;
  children: TreeNode[] | null;
  byKey: Map<string | number, TreeNode> | null;
  // A diff's figures (diff()).
  before?: number;
  only?: "after" | null;
  delta?: number;
}

export type TransformType = "focus" | "merge" | "drop" | "recursion";

export interface Transform {
  type: TransformType;
  frame: number;
}

export interface TreeOptions {
  split?: boolean;
  focused?: boolean;
  byName?: boolean;
}

// The profile's stacks and threads (the process is not a frame; it is the stack's thread).
export function decode(profile: TraceProfileData): Decoded {
  // As typed arrays: every tree and transform reads them, and one kind of array keeps those reads fast.
  const table: NodeTable = { parents: Int32Array.from(profile.nodeParents), frames: Int32Array.from(profile.nodeFrames) };
  const stacks = profile.stackNodes.map((node, i) => ({
    thread: profile.stackThreads[i],
    weight: profile.stackWeights[i],
    slices: profile.time ? profile.time.stackSlices[i] : null,
    node,
    table,
  }));
  const threads: Thread[] = profile.threads.map((t, i) => ({
    ...t, index: i, key: threadKey(t), label: threadLabel(t), process: processLevel(t, false), processByName: processLevel(t, true),
  }));
  return { profile, names: profile.frames, rank: nameRanks(profile.frames), stacks, threads };
}

function nameRanks(names: string[]): Int32Array {
  const order = names.map((_, i) => i).sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
  const rank = new Int32Array(names.length);
  order.forEach((frame, i) => { rank[frame] = i > 0 && names[order[i - 1]] === names[frame] ? rank[order[i - 1]] : i; });
  return rank;
}

const known = (pid: string) => pid !== "" && pid !== "?";

// A thread's identity: its labels, name and ids ("" where the input had none).
export function threadKey(t: SampledThread): string {
  const labels = t.labels ? `${t.labels}|` : "";
  return t.tid ? `${labels}${t.comm}-${t.pid}/${t.tid}` : `${labels}${t.comm}`;
}

// "comm pid/tid", "comm tid N" when perf printed the thread id alone; labels first ("host=web1 · app 1/2").
export function threadLabel(t: SampledThread): string {
  const name = !t.tid ? t.comm : known(t.pid) ? `${t.comm} ${t.pid}/${t.tid}` : `${t.comm} tid ${t.tid}`;
  return [t.labels, name].filter(Boolean).join(" · ");
}

// The process level of the graph: the process (pid) named by its command, else the thread's name, else its labels; none
// for stacks without either (folded input, a Go profile). byName (a diff, whose pids differ between runs): the name only.
export function processLevel(t: SampledThread, byName: boolean): Level | null {
  const labels = t.labels ? `${t.labels} · ` : "";
  if (known(t.pid) && t.process) {
    return byName ? { key: `n:${t.labels}|${t.process}`, name: `${labels}${t.process}` }
      : { key: `p:${t.labels}|${t.pid}`, name: `${labels}${t.process} ${t.pid}` };
  }
  if (t.comm) return { key: `n:${t.labels}|${t.comm}`, name: `${labels}${t.comm}` };
  if (t.labels) return { key: `l:${t.labels}`, name: t.labels };
  return null;
}

// The first level of the graph for a thread: its process (merged), or itself (split).
export function levelOf(t: Thread, { split = false, byName = false }: TreeOptions = {}): Level | null {
  if (split && (t.comm || t.tid)) return { key: `t:${t.key}`, name: t.label };
  return byName ? t.processByName : t.process;
}

// The samples shown: ticked threads only (null: all), and only the time range [from, to) of slices (null: all).
export function select(decoded: Decoded, { threads = null, range = null }: { threads?: Set<number> | null; range?: [number, number] | null } = {}): Sample[] {
  // Without a range a stack is its own sample (no copy of 170,000 stacks at each change of filter).
  if (!threads && !range) return decoded.stacks;
  const out: Sample[] = [];
  for (const s of decoded.stacks) {
    if (threads && !threads.has(s.thread)) continue;
    if (!range) { out.push(s); continue; }
    let weight = s.weight;
    if (range) {
      weight = 0;
      if (s.slices) {
        for (let i = 0; i < s.slices.length; i += 2) {
          if (s.slices[i] >= range[0] && s.slices[i] < range[1]) weight += s.slices[i + 1];
        }
      }
      if (weight === 0) continue;
    }
    out.push({ thread: s.thread, weight, slices: range ? null : s.slices, node: s.node, table: s.table });
  }
  return out;
}

// Each thread's weight, in the time range [from, to) of slices (null: all), without making samples: from each slice's
// weight per thread (made once a profile: far fewer entries than stacks' slices), those of the range alone.
const bySlices = new WeakMap<Decoded, { slices: Int32Array; start: Int32Array; threads: Int32Array; weights: Float64Array }>();
export function threadWeights(decoded: Decoded, range: [number, number] | null): Float64Array {
  const out = new Float64Array(decoded.threads.length);
  if (!range) {
    for (const s of decoded.stacks) out[s.thread] += s.weight;
    return out;
  }
  let index = bySlices.get(decoded);
  if (!index) {
    const sums = new Map<number, Map<number, number>>();
    for (const s of decoded.stacks) {
      const slices = s.slices;
      if (!slices) continue;
      for (let i = 0; i < slices.length; i += 2) {
        let perThread = sums.get(slices[i]);
        if (!perThread) sums.set(slices[i], (perThread = new Map()));
        perThread.set(s.thread, (perThread.get(s.thread) || 0) + slices[i + 1]);
      }
    }
    const order = [...sums.keys()].sort((a, b) => a - b);
    const count = order.reduce((n, x) => n + sums.get(x)!.size, 0);
    const start = new Int32Array(order.length + 1), threads = new Int32Array(count), weights = new Float64Array(count);
    let k = 0;
    order.forEach((slice, j) => {
      start[j] = k;
      for (const [thread, weight] of sums.get(slice)!) { threads[k] = thread; weights[k++] = weight; }
    });
    start[order.length] = k;
    index = { slices: Int32Array.from(order), start, threads, weights };
    bySlices.set(decoded, index);
  }
  const { slices, start, threads, weights } = index;
  for (let j = 0; j < slices.length; j++) {
    if (slices[j] < range[0] || slices[j] >= range[1]) continue;
    for (let k = start[j]; k < start[j + 1]; k++) out[threads[k]] += weights[k];
  }
  return out;
}

// The heat map of some samples (after thread filters and transforms): weight per time slice, from each stack's
// slices as Kashika computed them.
export function heat(samples: Sample[]): { slices: number[]; weights: number[] } {
  let last = -1, entries = 0;
  for (const s of samples) if (s.slices) for (let i = 0; i < s.slices.length; i += 2) { entries++; if (s.slices[i] > last) last = s.slices[i]; }
  // Slices are counted from the recording's first second: an array as long as the recording, unless it is mostly
  // empty (a recording that spans days with a few samples), then a map.
  if (last > 4 * entries + 65536) {
    const bySlice = new Map<number, number>();
    for (const s of samples) if (s.slices) for (let i = 0; i < s.slices.length; i += 2) bySlice.set(s.slices[i], (bySlice.get(s.slices[i]) || 0) + s.slices[i + 1]);
    const slices = [...bySlice.keys()].sort((a, b) => a - b);
    return { slices, weights: slices.map((x) => bySlice.get(x)!) };
  }
  const bySlice = new Float64Array(last + 1), seen = new Uint8Array(last + 1);
  for (const s of samples) {
    if (!s.slices) continue;
    for (let i = 0; i < s.slices.length; i += 2) { bySlice[s.slices[i]] += s.slices[i + 1]; seen[s.slices[i]] = 1; }
  }
  const slices: number[] = [], weights: number[] = [];
  for (let x = 0; x <= last; x++) if (seen[x]) { slices.push(x); weights.push(bySlice[x]); }
  return { slices, weights };
}

// Transforms, applied in order: {type: "focus"|"merge"|"drop"|"recursion", frame}. Each is a function of a path's
// prefix, so it maps the node table: every node to its node in a transformed table (made once a transform, not a path
// at a time), which the samples then point into. A drop keeps the table and leaves out the samples through the frame.
export function transform(samples: Sample[], transforms: Transform[]): Sample[] {
  let out = samples;
  for (const t of transforms) {
    const tables = new Map<NodeTable, { table: NodeTable; map: Int32Array }>();
    const mapOf = (table: NodeTable) => {
      let m = tables.get(table);
      if (!m) tables.set(table, (m = t.type === "drop" ? { table, map: dropMap(table, t.frame) } : transformTable(table, t)));
      return m;
    };
    const next: Sample[] = [];
    for (const s of out) {
      const m = mapOf(s.table), node = m.map[s.node];
      if (node < 0) continue;
      next.push(t.type === "drop" ? s : { thread: s.thread, weight: s.weight, slices: s.slices, node, table: m.table });
    }
    out = next;
  }
  return out;
}

// A drop's map: −1 for the nodes whose path goes through the frame, each node itself otherwise.
function dropMap(table: NodeTable, f: number): Int32Array {
  const map = new Int32Array(table.parents.length);
  for (let i = 1; i < map.length; i++) map[i] = table.frames[i] === f || map[table.parents[i]] < 0 ? -1 : i;
  return map;
}

// A node table transformed (focus, merge or recursion; a drop keeps the paths it keeps): the new table, and each old
// node's node in it (focus: −1 for a node above the focused function, whose paths are left out).
function transformTable(table: NodeTable, t: Transform): { table: NodeTable; map: Int32Array } {
  const n = table.parents.length, { parents, frames } = table, f = t.frame;
  const newParents = new Int32Array(n + 1), newFrames = new Int32Array(n + 1), map = new Int32Array(n);
  newParents[0] = -1; newFrames[0] = -1;
  let size = 1;
  // A new node is "contested" once it stands for two old nodes (a merged frame's parent, or two paths that became
  // one): only then can two old children ask for one new child, so only a contested node's children are looked up by
  // (parent, frame). The rest of the table is copied as it is, without a lookup a node.
  const contested = new Uint8Array(n + 1), firstChild = new Int32Array(n + 1).fill(-1), nextSibling = new Int32Array(n + 1);
  const index = new ChildIndex(0);
  const contest = (p: number) => {
    if (contested[p]) return;
    contested[p] = 1;
    for (let c = firstChild[p]; c >= 0; c = nextSibling[c]) index.set(p, newFrames[c], c);
  };
  const child = (parent: number, frame: number) => {
    if (contested[parent]) {
      const known = index.get(parent, frame);
      if (known >= 0) { contest(known); return known; }
    }
    const c = size++;
    newParents[c] = parent; newFrames[c] = frame;
    nextSibling[c] = firstChild[parent]; firstChild[parent] = c;
    if (contested[parent]) index.set(parent, frame, c);
    return c;
  };
  const skip = (p: number) => { contest(p); return p; };
  map[0] = t.type === "focus" ? -1 : 0;
  if (t.type === "focus") contest(0);
  for (let i = 1; i < n; i++) {
    const p = map[parents[i]], x = frames[i];
    if (t.type === "focus") map[i] = p >= 0 ? child(p, x) : x === f ? child(0, x) : -1;
    else if (t.type === "merge") map[i] = x === f ? skip(p) : child(p, x);
    else map[i] = x === f && frames[parents[i]] === f ? skip(p) : child(p, x); // recursion
  }
  return { table: { parents: newParents.subarray(0, size), frames: newFrames.subarray(0, size) }, map };
}

// The call tree: {key, name, frame, value, self, children}, laid out (x0, x1 in [0, 1] of the root's value; depth;
// parent). Merged: the first level is the process; split: each thread; focused (after a focus transform): the focused
// function is the root's only child.
// Built as a table (typed arrays: a node's parent, frame, weights and children), not as objects: a recording of 200,000
// stacks makes a million nodes, and a million objects cost seconds of garbage collection at each change of filter. The
// views get objects only for the nodes they reach (children made when first read). Samples are placed through their
// node table's nodes: each node is placed once a level, however many stacks pass through it.
export function buildTree(decoded: Decoded, samples: Sample[], { split = false, focused = false, byName = false }: TreeOptions = {}): LaidOutTree {
  const { threadSlot, levelKeys, levelNames } = levelSlots(decoded, { split, focused, byName });
  const table = tableOf(decoded, samples);
  const t = new TreeTable(decoded, levelKeys, levelNames, Math.max(16, 2 * table.parents.length));
  const levelNode = new Int32Array(levelKeys.length).fill(-1);
  levelNode[0] = 0;
  const top = (slot: number) => (levelNode[slot] >= 0 ? levelNode[slot] : (levelNode[slot] = t.child(0, -1 - slot)));
  // Samples a level at a time, so one array remembers where each node-table node was placed for the level at hand.
  const start = new Int32Array(levelKeys.length + 1);
  for (const s of samples) start[threadSlot[s.thread] + 1]++;
  for (let k = 0; k < levelKeys.length; k++) start[k + 1] += start[k];
  const order = new Int32Array(samples.length);
  samples.forEach((s, i) => { order[start[threadSlot[s.thread]]++] = i; });
  const { parents: nodeParents, frames: nodeFrames } = table;
  // Where each node-table node was placed, for the level whose stamp it has (the arrays kept from build to build).
  const scratch = scratchOf(table, levelKeys.length);
  const { placed, stamp } = scratch;
  const up: number[] = [];
  for (const i of order) {
    const s = samples[i], slot = scratch.base + threadSlot[s.thread];
    let n = top(threadSlot[s.thread]);
    let at = s.node;
    while (at > 0 && stamp[at] !== slot) { up.push(at); at = nodeParents[at]; }
    if (at > 0) n = placed[at];
    while (up.length) {
      const m = up.pop()!;
      n = t.child(n, nodeFrames[m]);
      placed[m] = n; stamp[m] = slot;
    }
    t.self[n] += s.weight;
  }
  return t.finish();
}

// Where each node of a node table was placed in the tree being built, for the level with its stamp. Each build takes
// stamps of its own (base + level), so the arrays are never cleared, and serve every table.
let scratch = { placed: new Int32Array(0), stamp: new Int32Array(0), base: 0, next: 0 };
function scratchOf(table: NodeTable, levels: number) {
  const size = table.parents.length;
  if (scratch.placed.length < size || scratch.next + levels > 2 ** 31 - 1) {
    scratch = { placed: new Int32Array(size), stamp: new Int32Array(size).fill(-1), base: 0, next: 0 };
  }
  scratch.base = scratch.next;
  scratch.next += levels;
  return scratch;
}

// The levels of a tree as slots: 0 the root itself (focused, or a thread without a level), then one per level key; and
// each thread's slot.
function levelSlots(decoded: Decoded, { split = false, focused = false, byName = false }: TreeOptions) {
  const slotOf = new Map<string, number>(), levelKeys = ["all"], levelNames = ["all"];
  const threadSlot = decoded.threads.map((t) => {
    const level = focused ? null : levelOf(t, { split, byName });
    if (!level) return 0;
    let slot = slotOf.get(level.key);
    if (slot === undefined) {
      slotOf.set(level.key, (slot = levelKeys.length));
      levelKeys.push(level.key);
      levelNames.push(level.name);
    }
    return slot;
  });
  return { threadSlot, levelKeys, levelNames };
}

// The node table the samples point into (all into one: those of one profile after the same transforms).
function tableOf(decoded: Decoded, samples: Sample[]): NodeTable {
  const table = samples.length ? samples[0].table : decoded.stacks[0]?.table ?? { parents: new Int32Array([-1]), frames: new Int32Array([-1]) };
  if (samples.some((s) => s.table !== table)) throw new Error("samples of different node tables");
  return table;
}

/** A laid-out call tree as the views read it: the root of a TreeTable, its children made as objects when first read. */
export type LaidOutTree = TableNode;

let building = { parent: new Int32Array(0), frame: new Int32Array(0), self: new Float64Array(0), next: new Int32Array(0) };

// A call tree as arrays: node 0 the root; frame ≥ 0 a function, −1 − slot a level (process, thread; slot 0: the root).
class TreeTable {
  size = 1;
  parent: Int32Array;
  frame: Int32Array;
  self: Float64Array;
  value = new Float64Array(0);
  /** Each node's children, sorted (the flame graph's order): kids[kidStart[n]] to kids[kidStart[n + 1] − 1]. */
  kidStart = new Int32Array(1);
  kids = new Int32Array(0);

  constructor(readonly decoded: Decoded, readonly levelKeys: string[], readonly levelNames: string[], capacity: number) {
    // Built in arrays kept from build to build (a tree is built at a time), then copied at its size: a change of filter
    // then allocates the tree it keeps, not also the room it might have needed.
    if (building.parent.length < capacity) {
      building = { parent: new Int32Array(capacity), frame: new Int32Array(capacity), self: new Float64Array(capacity), next: new Int32Array(capacity) };
    }
    this.parent = building.parent;
    this.frame = building.frame;
    this.self = building.self;
    this.parent[0] = -1;
    this.frame[0] = -1;
    this.self[0] = 0;
  }

  /** A new child of `parent` for `frame` (placed through a node table, whose children have distinct frames, a child is
   * never asked for twice). */
  child(parent: number, frame: number): number {
    if (this.size === this.parent.length) this.grow();
    const n = this.size++;
    this.parent[n] = parent;
    this.frame[n] = frame;
    this.self[n] = 0;
    return n;
  }

  private grow(): void {
    const size = this.parent.length * 2;
    building = { parent: new Int32Array(size), frame: new Int32Array(size), self: new Float64Array(size), next: new Int32Array(size) };
    building.parent.set(this.parent); building.frame.set(this.frame); building.self.set(this.self);
    Object.assign(this, { parent: building.parent, frame: building.frame, self: building.self });
  }

  name(n: number): string {
    const f = this.frame[n];
    return f >= 0 ? this.decoded.names[f] : this.levelNames[-1 - f];
  }

  key(n: number): string | number {
    const f = this.frame[n];
    return f >= 0 ? f : this.levelKeys[-1 - f];
  }

  /** Values summed bottom up, children sorted by name; the root as an object. */
  finish(): TableNode {
    const n = this.size, parent = this.parent.slice(0, n), frame = this.frame.slice(0, n), self = this.self.slice(0, n);
    const value = self.slice();
    // A child is always made after its parent: from the last node up, every node is complete before its parent.
    for (let i = n - 1; i > 0; i--) value[parent[i]] += value[i];
    const kidStart = new Int32Array(n + 1);
    for (let i = 1; i < n; i++) kidStart[parent[i] + 1]++;
    for (let i = 0; i < n; i++) kidStart[i + 1] += kidStart[i];
    // Children in order of making, then sorted.
    const kids = new Int32Array(Math.max(0, n - 1)), next = building.next;
    next.set(kidStart.subarray(0, n));
    for (let i = 1; i < n; i++) kids[next[parent[i]]++] = i;
    // Below the root every child is a function: sorted by its name's rank, an integer (most nodes have one or a few
    // children: an insertion sort). The root's children (processes, threads) by name.
    const rank = this.decoded.rank;
    const byName = (a: number, b: number) => {
      const fa = frame[a], fb = frame[b];
      if (fa >= 0 && fb >= 0) return rank[fa] - rank[fb];
      const x = this.name(a), y = this.name(b);
      return x < y ? -1 : x > y ? 1 : 0;
    };
    if (n > 1) kids.set(Array.from(kids.subarray(kidStart[0], kidStart[1])).sort(byName), kidStart[0]);
    for (let i = 1; i < n; i++) {
      const from = kidStart[i], to = kidStart[i + 1];
      if (to - from < 2) continue;
      if (to - from > 32) {
        kids.set(Array.from(kids.subarray(from, to)).sort((a, b) => rank[frame[a]] - rank[frame[b]]), from);
        continue;
      }
      for (let k = from + 1; k < to; k++) {
        const x = kids[k], r = rank[frame[x]];
        let j = k - 1;
        while (j >= from && r < rank[frame[kids[j]]]) { kids[j + 1] = kids[j]; j--; }
        kids[j + 1] = x;
      }
    }
    Object.assign(this, { parent, frame, self, value, kidStart, kids });
    return new TableNode(this, 0, null, 0);
  }
}

// (parent, frame) → child, open addressing in one typed array (parent, frame, child + 1 side by side: one cache line a
// probe): a Map of a million number keys is slow to fill and heavy for the garbage collector.
class ChildIndex {
  private table: Int32Array;
  private count = 0;

  /** Sized for `expected` children at most half full (growing rehashes everything). */
  constructor(expected: number) {
    let size = 1 << 16;
    while (size < 2 * expected) size *= 2;
    this.table = new Int32Array(3 * size);
  }

  private slot(parent: number, frame: number): number {
    const mask = this.table.length / 3 - 1, t = this.table;
    let h = Math.imul(parent ^ Math.imul(frame + 0x7f4a7c15, 0x85ebca6b), 0x9e3779b1);
    h ^= h >>> 16;
    let i = 3 * (h & mask);
    while (t[i + 2] !== 0 && (t[i] !== parent || t[i + 1] !== frame)) i = i + 3 === t.length ? 0 : i + 3;
    return i;
  }

  /** The child, or −1. */
  get(parent: number, frame: number): number {
    return this.table[this.slot(parent, frame) + 2] - 1;
  }

  set(parent: number, frame: number, node: number): void {
    if (2 * (this.count + 1) > this.table.length / 3) {
      const old = this.table;
      this.table = new Int32Array(old.length * 2);
      for (let i = 0; i < old.length; i += 3) if (old[i + 2] !== 0) this.put(old[i], old[i + 1], old[i + 2] - 1);
    }
    this.put(parent, frame, node);
    this.count++;
  }

  private put(parent: number, frame: number, node: number): void {
    const i = this.slot(parent, frame);
    this.table[i] = parent; this.table[i + 1] = frame; this.table[i + 2] = node + 1;
  }
}

// A node of a call tree as the views read it (the shape of flame.ts's LaidOut), whose children are made when first
// read: a view reaches a few thousand nodes of a million.
export abstract class LazyNode<T extends LazyNode<T>> {
  readonly depth: number;
  readonly x1: number;
  byKey: null = null;
  stub?: false;
  before?: number;
  only?: "after" | null;
  delta?: number;
  private made: T[] | null | undefined = undefined;
  /** Compared with another tree (compareLazily): the node at the same path of names there. */
  counterpart: T | null = null;
  private totals: [after: number, before: number] | null = null;

  constructor(readonly key: string | number, readonly name: string, readonly frame: number, readonly value: number, readonly self: number,
    readonly parent: T | null, readonly x0: number, total: number) {
    this.depth = parent ? parent.depth + 1 : 0;
    this.x1 = x0 + value / (total || 1);
  }

  get children(): T[] | null {
    if (this.made === undefined) {
      this.made = this.make();
      this.compareChildren();
    }
    return this.made;
  }

  /** This node's figures against `other` (the same path in the other tree, or none), as diff() gives them. */
  compare(other: T | null, totals: [after: number, before: number]): void {
    this.before = other ? other.value : 0;
    this.only = other ? null : "after";
    this.delta = this.value / (totals[0] || 1) - (other ? other.value / (totals[1] || 1) : 0);
    this.counterpart = other;
    this.totals = totals;
    this.compareChildren(); // those made already (a tree compared again, with another)
  }

  private compareChildren(): void {
    if (!this.totals || !this.made) return;
    const there = new Map((this.counterpart?.children ?? []).map((c) => [c.name, c]));
    for (const c of this.made) c.compare(there.get(c.name) ?? null, this.totals);
  }

  /** The children, in order, side by side from x0 (null: none). */
  protected abstract make(): T[] | null;
}

// A node of a TreeTable.
class TableNode extends LazyNode<TableNode> {
  constructor(private readonly table: TreeTable, private readonly index: number, parent: TableNode | null, x0: number) {
    super(table.key(index), table.name(index), Math.max(-1, table.frame[index]), table.value[index], table.self[index], parent, x0, table.value[0]);
  }

  protected make(): TableNode[] | null {
    const t = this.table, from = t.kidStart[this.index], to = t.kidStart[this.index + 1];
    if (from === to) return null;
    const made: TableNode[] = [];
    let x = this.x0;
    for (let k = from; k < to; k++) {
      const c = new TableNode(t, t.kids[k], this, x);
      made.push(c);
      x = c.x1;
    }
    return made;
  }
}

function childOf(parent: TreeNode, key: string | number, name: string, frame: number): TreeNode {
  const children = parent.children;
  if (children) {
    if (parent.byKey) {
      const c = parent.byKey.get(key);
      if (c) return c;
    } else {
      for (let i = 0; i < children.length; i++) if (children[i].key === key) return children[i];
    }
  }
  const c = node(key, name, frame);
  if (!children) parent.children = [c];
  else {
    children.push(c);
    if (parent.byKey) parent.byKey.set(key, c);
    else if (children.length > 8) parent.byKey = new Map(children.map((x) => [x.key, x]));
  }
  return c;
}

function node(key: string | number, name: string, frame: number): TreeNode {
  return { key, name, frame, value: 0, self: 0, children: null, byKey: null };
}

// Children by name (the flame graph's order: neighbours are comparable run to run), lookups dropped.
function finish(root: TreeNode, rank: Int32Array): void {
  const byName = (a: TreeNode, b: TreeNode) =>
    (a.frame >= 0 && b.frame >= 0 ? rank[a.frame] - rank[b.frame] : a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    n.byKey = null;
    if (n.children) {
      if (n.children.length > 1) n.children.sort(byName);
      for (const c of n.children) stack.push(c);
    }
  }
}

// The inverted (bottom-up) tree: each function that was running (a stack's leaf) at the roots with its self weight,
// its callers below it, and the process (or, split, the thread) they ran in last. Focused: the levels left out. The
// roots' weights are the functions table's self weights.
export function invert(decoded: Decoded, samples: Sample[], { split = false, focused = false, byName = false }: TreeOptions = {}): InvertedNode {
  const { threadSlot, levelKeys, levelNames } = levelSlots(decoded, { split, focused, byName });
  const context: Inverting = { decoded, table: tableOf(decoded, samples), samples, threadSlot, levelKeys, levelNames, total: 0 };
  for (const s of samples) context.total += s.weight;
  const members = new Int32Array(samples.length), next = new Int32Array(samples.length);
  samples.forEach((s, i) => { members[i] = i; next[i] = s.node; });
  return new InvertedNode(context, "all", "all", -1, null, 0, members, next);
}

interface Inverting {
  decoded: Decoded;
  table: NodeTable;
  samples: Sample[];
  threadSlot: number[];
  levelKeys: string[];
  levelNames: string[];
  total: number;
}

// A node of an inverted tree, made when its parent's children are first read: the samples through it (`members`) and,
// for each, the node of its path to read next (up towards the root; 0 when the path is read to its end, −1 past the
// level). Inverted trees are several times larger than call trees (paths share their beginnings, not their ends):
// made whole, the tree of 200,000 stacks took a second and hundreds of megabytes; a view reads only what it shows.
export class InvertedNode extends LazyNode<InvertedNode> {
  constructor(private readonly context: Inverting, key: string | number, name: string, frame: number, parent: InvertedNode | null, x0: number,
    private members: Int32Array, private next: Int32Array) {
    super(key, name, frame, ...InvertedNode.weights(context, members, next), parent, x0, context.total);
  }

  // Value and self: the members' weights, and those of the members whose paths end here.
  private static weights(context: Inverting, members: Int32Array, next: Int32Array): [number, number] {
    let value = 0, self = 0;
    const { samples } = context;
    for (let k = 0; k < members.length; k++) {
      const w = samples[members[k]].weight;
      value += w;
      if (next[k] === -1 || (next[k] === 0 && context.threadSlot[samples[members[k]].thread] === 0)) self += w;
    }
    return [value, self];
  }

  protected make(): InvertedNode[] | null {
    const { samples, table, threadSlot, decoded, levelKeys, levelNames } = this.context;
    const { members, next } = this;
    // Each member's next step: a frame (≥ 0), or its level (−1 − slot) once its path is read; none past the level.
    const step = new Int32Array(members.length), count = new Map<number, number>();
    for (let k = 0; k < members.length; k++) {
      const at = next[k], slot = threadSlot[samples[members[k]].thread];
      step[k] = at > 0 ? table.frames[at] : at === 0 && slot > 0 ? -1 - slot : 0; // 0 when it ends here (not counted)
      if (at > 0 || (at === 0 && slot > 0)) count.set(step[k], (count.get(step[k]) || 0) + 1);
    }
    // Its members become its children's.
    this.members = this.next = new Int32Array(0);
    if (count.size === 0) return null;
    const groups = new Map<number, { members: Int32Array; next: Int32Array; fill: number }>();
    for (const [key, n] of count) groups.set(key, { members: new Int32Array(n), next: new Int32Array(n), fill: 0 });
    for (let k = 0; k < members.length; k++) {
      const at = next[k];
      if (!(at > 0 || (at === 0 && threadSlot[samples[members[k]].thread] > 0))) continue;
      const g = groups.get(step[k])!;
      g.members[g.fill] = members[k];
      g.next[g.fill++] = at > 0 ? table.parents[at] : -1;
    }
    const name = (key: number) => (key >= 0 ? decoded.names[key] : levelNames[-1 - key]);
    const keys = [...groups.keys()].sort((a, b) => (a >= 0 && b >= 0 ? decoded.rank[a] - decoded.rank[b] : name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
    const made: InvertedNode[] = [];
    let x = this.x0;
    for (const key of keys) {
      const g = groups.get(key)!;
      const c = new InvertedNode(this.context, key >= 0 ? key : levelKeys[-1 - key], name(key), Math.max(-1, key), this, x, g.members, g.next);
      made.push(c);
      x = c.x1;
    }
    return made;
  }
}

// A diff made as the tree is read: each node, when made, gets `before`, `only` and `delta` (the inverted tree is
// compared so; diff() makes every node, to list the paths only in BEFORE).
export function compareLazily<T extends LazyNode<T>>(after: T, before: T): void {
  after.compare(before, [after.value, before.value]);
}

// The weight of samples with any frame matching: each sample counted once, however many of its frames match.
export function matchedWeight(decoded: Decoded, samples: Sample[], regex: RegExp): number {
  const matches = decoded.names.map((n) => regex.test(n));
  // Per node of each table: whether its path has a match (a node after its parent: one pass).
  const matched = new Map<NodeTable, Uint8Array>();
  const matchedIn = (table: NodeTable) => {
    let m = matched.get(table);
    if (!m) {
      m = new Uint8Array(table.parents.length);
      for (let i = 1; i < m.length; i++) m[i] = matches[table.frames[i]] || m[table.parents[i]] ? 1 : 0;
      matched.set(table, m);
    }
    return m;
  };
  let weight = 0;
  for (const s of samples) if (matchedIn(s.table)[s.node]) weight += s.weight;
  return weight;
}

// Every function with its self weight and total weight (each sample counted once, recursion or not), heaviest first.
export function functionTable(decoded: Decoded, samples: Sample[]): { frame: number; name: string; self: number; total: number }[] {
  const frames = decoded.names.length;
  const self = new Float64Array(frames), total = new Float64Array(frames), seen = new Int32Array(frames).fill(-1);
  const used = new Uint8Array(frames);
  // The weight at each node first (a node is the stack of many threads), then each node's path walked once.
  const byTable = new Map<NodeTable, Map<number, number>>();
  for (const s of samples) {
    let at = byTable.get(s.table);
    if (!at) byTable.set(s.table, (at = new Map()));
    at.set(s.node, (at.get(s.node) || 0) + s.weight);
  }
  let walk = 0;
  for (const [table, weights] of byTable) {
    for (const [leaf, w] of weights) {
      walk++;
      if (leaf > 0) self[table.frames[leaf]] += w;
      for (let n = leaf; n > 0; n = table.parents[n]) {
        const f = table.frames[n];
        if (seen[f] === walk) continue; // a frame counted once a sample, recursion or not
        seen[f] = walk;
        total[f] += w;
        used[f] = 1;
      }
    }
  }
  const rows: { frame: number; name: string; self: number; total: number }[] = [];
  for (let f = 0; f < frames; f++) if (used[f]) rows.push({ frame: f, name: decoded.names[f], self: self[f], total: total[f] });
  return rows.sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : 1));
}

// Callers and callees of one function, merged over its occurrences (the outermost one of each sample, so recursion
// is not counted twice): callers as an inverted tree from the function up to the roots, callees as a tree below it.
export function sandwich(decoded: Decoded, samples: Sample[], frame: number): { callers: TreeNode; callees: TreeNode } {
  const name = decoded.names[frame];
  const callers = node(frame, name, frame), callees = node(frame, name, frame);
  // Which nodes' paths go through the function (one pass a table), and each such path read once however many
  // threads ran it.
  const through = new Map<NodeTable, Uint8Array>(), paths = new Map<NodeTable, Map<number, number[]>>();
  const passes = (t: NodeTable) => {
    let m = through.get(t);
    if (!m) {
      m = new Uint8Array(t.parents.length);
      for (let i = 1; i < m.length; i++) m[i] = t.frames[i] === frame || m[t.parents[i]] ? 1 : 0;
      through.set(t, m);
      paths.set(t, new Map());
    }
    return m;
  };
  for (const s of samples) {
    if (!passes(s.table)[s.node]) continue;
    const known = paths.get(s.table)!;
    let path = known.get(s.node);
    if (!path) known.set(s.node, (path = pathOf(s)));
    const at = path.indexOf(frame);
    let n = callers;
    n.value += s.weight;
    for (let i = at - 1; i >= 0; i--) { n = childOf(n, path[i], decoded.names[path[i]], path[i]); n.value += s.weight; }
    const level = decoded.threads[s.thread].process;
    if (level) { n = childOf(n, level.key, level.name, -1); n.value += s.weight; }
    n.self += s.weight;
    n = callees;
    n.value += s.weight;
    for (let i = at + 1; i < path.length; i++) { n = childOf(n, path[i], decoded.names[path[i]], path[i]); n.value += s.weight; }
    n.self += s.weight;
  }
  finish(callers, decoded.rank); finish(callees, decoded.rank);
  return { callers, callees };
}

// The node at a path of names from the root (a zoom kept in the URL), or the deepest one that exists.
export function findPath(root: TreeNode, names: string[]): TreeNode {
  let n = root;
  for (const name of names) {
    const c = n.children && n.children.find((x) => x.name === name);
    if (!c) break;
    n = c;
  }
  return n;
}

// Diff: each node of AFTER gets `before` (the weight of the same path of names in BEFORE) and `delta` (the change
// of its share of the total, after minus before), as compareLazily gives them, every node made; the paths only in
// BEFORE are returned with their weight, heaviest first.
export function diff<T extends LazyNode<T>>(after: T, before: T): { path: string[]; weight: number; share: number }[] {
  const gone: { path: string[]; weight: number; share: number }[] = [];
  compareLazily(after, before);
  const walk = (a: T, path: string[]) => {
    const names = new Set((a.children || []).map((c) => c.name));
    for (const c of a.counterpart?.children ?? []) {
      if (!names.has(c.name)) gone.push({ path: path.concat(c.name), weight: c.value, share: c.value / (before.value || 1) });
    }
    for (const c of a.children || []) walk(c, path.concat(c.name));
  };
  walk(after, []);
  return gone.sort((x, y) => y.weight - x.weight);
}
