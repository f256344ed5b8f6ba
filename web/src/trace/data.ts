// The trace page's data island (schema "kashika.trace/1"), as Kashika.Reports.Trace.TracePage writes it (C# records
// TracePageDocument, TraceProfileData, TraceTimeData, TraceUnit, SampledThread). A test type-checks real pages' islands
// against these types, so the two cannot drift.

export interface TracePageDocument {
  schema: string;
  generator: string;
  title: string;
  /** One profile, or two (before, after) for a diff. */
  profiles: TraceProfileData[];
  warnings: string[];
}

export interface TraceUnit {
  weight: string;
  event: string | null;
  label: string;
  scale: number;
}

export interface SampledThread {
  comm: string;
  pid: string;
  tid: string;
  process: string;
  labels: string;
}

export interface TraceProfileData {
  name: string;
  unit: TraceUnit;
  total: number;
  kindNames: string[];
  frames: string[];
  frameModules: number[];
  frameKinds: number[];
  modules: string[];
  threads: SampledThread[];
  /** The parent of each node (node 0 is the root, parent -1). */
  nodeParents: number[];
  /** The frame of each node (-1 for the root). */
  nodeFrames: number[];
  stackThreads: number[];
  /** The node each stack ends in (its leaf). */
  stackNodes: number[];
  stackWeights: number[];
  time: TraceTimeData | null;
}

export interface TraceTimeData {
  startSecond: number;
  slicesPerSecond: number;
  seconds: number;
  heatSlices: number[];
  heatWeights: number[];
  /** Per stack: slice, weight, slice, weight… */
  stackSlices: number[][];
}
