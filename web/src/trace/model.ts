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

/** A distinct stack of the profile: frames root first, weight, and weight per time slice (slice, weight, …). */
export interface Stack {
  thread: number;
  path: number[];
  weight: number;
  slices: number[] | null;
}

/** A stack as shown (after filters and transforms). */
export interface Sample extends Stack {
  focused?: boolean;
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

// Frame paths of every stack, root first (the process is not a frame; it is the stack's thread).
export function decode(profile: TraceProfileData): Decoded {
  const parents = profile.nodeParents, nodeFrames = profile.nodeFrames;
  // Each stack's path walked up from its leaf: stacks × depth, never a path per node of the table.
  const pathOf = (node: number) => {
    const path: number[] = [];
    for (let n = node; n > 0; n = parents[n]) path.push(nodeFrames[n]);
    return path.reverse();
  };
  const stacks = profile.stackNodes.map((node, i) => ({
    thread: profile.stackThreads[i],
    path: pathOf(node),
    weight: profile.stackWeights[i],
    slices: profile.time ? profile.time.stackSlices[i] : null,
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
    out.push({ thread: s.thread, path: s.path, weight, slices: range ? null : s.slices });
  }
  return out;
}

// The heat map of some samples (after thread filters and transforms): weight per time slice, from each stack's
// slices as Kashika computed them.
export function heat(samples: Sample[]): { slices: number[]; weights: number[] } {
  const bySlice = new Map<number, number>();
  for (const s of samples) {
    if (!s.slices) continue;
    for (let i = 0; i < s.slices.length; i += 2) bySlice.set(s.slices[i], (bySlice.get(s.slices[i]) || 0) + s.slices[i + 1]);
  }
  const slices = [...bySlice.keys()].sort((a, b) => a - b);
  return { slices, weights: slices.map((x) => bySlice.get(x)!) };
}

// Transforms, applied in order: {type: "focus"|"merge"|"drop"|"recursion", frame}.
export function transform(samples: Sample[], transforms: Transform[]): Sample[] {
  let out = samples;
  for (const t of transforms) {
    const f = t.frame;
    if (t.type === "focus") {
      out = out.filter((s) => s.path.includes(f)).map((s) => ({ ...s, path: s.path.slice(s.path.indexOf(f)), focused: true }));
    } else if (t.type === "drop") {
      out = out.filter((s) => !s.path.includes(f));
    } else if (t.type === "merge") {
      out = out.map((s) => (s.path.includes(f) ? { ...s, path: s.path.filter((x) => x !== f) } : s));
    } else if (t.type === "recursion") {
      out = out.map((s) => ({ ...s, path: s.path.filter((x, i) => !(x === f && i > 0 && s.path[i - 1] === f)) }));
    }
  }
  return out;
}

// The call tree: {key, name, frame, value, self, children}. Merged: the first level is the process; split: each
// thread; focused (after a focus transform): the focused function is the root's only child. A node finds its child by
// a short scan, or by a lookup of its own once it has many children (most have few): light for the garbage collector.
export function buildTree(decoded: Decoded, samples: Sample[], { split = false, focused = false, byName = false }: TreeOptions = {}): TreeNode {
  const root = node("all", "all", -1);
  const levels = decoded.threads.map((t) => levelOf(t, { split, byName }));
  for (const s of samples) {
    let n = root;
    n.value += s.weight;
    const level = levels[s.thread];
    if (!focused && level) {
      n = childOf(n, level.key, level.name, -1);
      n.value += s.weight;
    }
    for (const f of s.path) {
      n = childOf(n, f, decoded.names[f], f);
      n.value += s.weight;
    }
    n.self += s.weight;
  }
  finish(root, decoded.rank);
  return root;
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
export function invert(decoded: Decoded, samples: Sample[], { split = false, focused = false, byName = false }: TreeOptions = {}): TreeNode {
  const root = node("all", "all", -1);
  const levels = decoded.threads.map((t) => levelOf(t, { split, byName }));
  for (const s of samples) {
    let n = root;
    n.value += s.weight;
    for (let i = s.path.length - 1; i >= 0; i--) {
      const f = s.path[i];
      n = childOf(n, f, decoded.names[f], f);
      n.value += s.weight;
    }
    const level = levels[s.thread];
    if (!focused && level) {
      n = childOf(n, level.key, level.name, -1);
      n.value += s.weight;
    }
    n.self += s.weight;
  }
  finish(root, decoded.rank);
  return root;
}

// The weight of samples with any frame matching: each sample counted once, however many of its frames match.
export function matchedWeight(decoded: Decoded, samples: Sample[], regex: RegExp): number {
  const matches = decoded.names.map((n) => regex.test(n));
  let weight = 0;
  for (const s of samples) if (s.path.some((f) => matches[f])) weight += s.weight;
  return weight;
}

// Every function with its self weight and total weight (each sample counted once, recursion or not), heaviest first.
export function functionTable(decoded: Decoded, samples: Sample[]): { frame: number; name: string; self: number; total: number }[] {
  const self = new Map<number, number>(), total = new Map<number, number>();
  for (const s of samples) {
    if (s.path.length) self.set(s.path[s.path.length - 1], (self.get(s.path[s.path.length - 1]) || 0) + s.weight);
    for (const f of new Set(s.path)) total.set(f, (total.get(f) || 0) + s.weight);
  }
  return [...total.entries()]
    .map(([frame, t]) => ({ frame, name: decoded.names[frame], self: self.get(frame) || 0, total: t }))
    .sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : 1));
}

// Callers and callees of one function, merged over its occurrences (the outermost one of each sample, so recursion
// is not counted twice): callers as an inverted tree from the function up to the roots, callees as a tree below it.
export function sandwich(decoded: Decoded, samples: Sample[], frame: number): { callers: TreeNode; callees: TreeNode } {
  const name = decoded.names[frame];
  const callers = node(frame, name, frame), callees = node(frame, name, frame);
  for (const s of samples) {
    const at = s.path.indexOf(frame);
    if (at < 0) continue;
    let n = callers;
    n.value += s.weight;
    for (let i = at - 1; i >= 0; i--) { n = childOf(n, s.path[i], decoded.names[s.path[i]], s.path[i]); n.value += s.weight; }
    const level = decoded.threads[s.thread].process;
    if (level) { n = childOf(n, level.key, level.name, -1); n.value += s.weight; }
    n.self += s.weight;
    n = callees;
    n.value += s.weight;
    for (let i = at + 1; i < s.path.length; i++) { n = childOf(n, s.path[i], decoded.names[s.path[i]], s.path[i]); n.value += s.weight; }
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
// of its share of the total, after minus before). Paths only in BEFORE are returned with their weight.
export function diff(after: TreeNode, before: TreeNode): { path: string[]; weight: number; share: number }[] {
  const gone: { path: string[]; weight: number; share: number }[] = [];
  const walk = (a: TreeNode, b: TreeNode | undefined, path: string[]) => {
    a.before = b ? b.value : 0;
    a.only = b ? null : "after";
    a.delta = a.value / (after.value || 1) - (b ? b.value / (before.value || 1) : 0);
    const byName = new Map((b && b.children ? b.children : []).map((c) => [c.name, c]));
    for (const c of a.children || []) walk(c, byName.get(c.name), path.concat(c.name));
    const names = new Set((a.children || []).map((c) => c.name));
    for (const c of b && b.children ? b.children : []) {
      if (!names.has(c.name)) gone.push({ path: path.concat(c.name), weight: c.value, share: c.value / (before.value || 1) });
    }
  };
  walk(after, before, []);
  return gone.sort((x, y) => y.weight - x.weight);
}
