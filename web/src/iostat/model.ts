// The iostat page's data transforms, apart from drawing (unit-tested in web/test/iostat-model.test.mjs): which
// columns each chart shows, units, time zones, the visible range, min/max downsampling and the summary statistics.
import { grouped } from "../common/format.js";
import type { DeviceColumns, ZoneOffset } from "./data.js";

/** A chart of the dashboard: its columns (sysstat's names), their labels, the unit, and a fixed top where there is one. */
export interface ChartSpec {
  id: string;
  title: string;
  columns: string[];
  labels: string[];
  unit: string;
  max?: number;
}

/** A column's values per sample; null where the device was not there. */
export type Values = ArrayLike<number | null | undefined>;

// The charts of one device, in sysstat's column names. unit: "rate" and "size" are kB (1,024 bytes, as sysstat)
// scaled to MB or GB when large; others are shown as they are.
export const DEVICE_CHARTS: ChartSpec[] = [
  { id: "throughput", title: "Throughput", columns: ["rkB/s", "wkB/s", "dkB/s"], labels: ["read", "write", "discard"], unit: "rate" },
  { id: "iops", title: "Operations", columns: ["r/s", "w/s", "d/s", "f/s"], labels: ["read", "write", "discard", "flush"], unit: "requests/s" },
  { id: "merges", title: "Merges", columns: ["rrqm/s", "wrqm/s", "drqm/s"], labels: ["read", "write", "discard"], unit: "merges/s" },
  { id: "await", title: "Latency (await)", columns: ["r_await", "w_await", "d_await", "f_await"], labels: ["read", "write", "discard", "flush"], unit: "ms" },
  { id: "size", title: "Request size", columns: ["rareq-sz", "wareq-sz", "dareq-sz"], labels: ["read", "write", "discard"], unit: "size" },
  { id: "queue", title: "Queue", columns: ["aqu-sz"], labels: ["aqu-sz"], unit: "requests" },
  { id: "util", title: "Utilisation", columns: ["%util"], labels: ["%util"], unit: "%", max: 100 },
];

export const CPU_CHART: ChartSpec = {
  id: "cpu", title: "CPU, all cores", columns: ["%user", "%nice", "%system", "%iowait", "%steal", "%idle"],
  labels: ["%user", "%nice", "%system", "%iowait", "%steal", "%idle"], unit: "%", max: 100,
};

// Older sysstat's names (articles, the 2013 one among them) and the column that shows the same thing today.
export const OLD_NAMES: Record<string, string> = { "avgqu-sz": "aqu-sz", "avgrq-sz": "rareq-sz", "svctm": "%util", "rsec/s": "rkB/s", "wsec/s": "wkB/s" };

// Names of the other reports (basic, -s) and the chart's column that shows the same, or its read part.
export const OTHER_NAMES: Record<string, string> = {
  "tps": "r/s", "kB_read/s": "rkB/s", "kB_wrtn/s": "wkB/s", "kB_dscd/s": "dkB/s", "kB/s": "rkB/s", "await": "r_await",
  "areq-sz": "rareq-sz", "rqm/s": "rrqm/s", "kB_read": "rkB/s", "kB_wrtn": "wkB/s", "kB_dscd": "dkB/s", "kB_w+d/s": "wkB/s", "kB_w+d": "wkB/s",
};

// The column a name asks for (any case, with or without '%', an old name or another report's, or the start of one
// name), the chart that draws it, and whether the name was an old one. null when nothing matches.
export function resolveColumn(query: string | null | undefined, known: string[]) {
  const q = String(query || "").trim().toLowerCase();
  if (!q) return null;
  const bare = (s: string) => s.toLowerCase().replace(/^%/, "");
  // The older and the other reports' names are names too, whether or not the page explains them.
  const names = [...new Set([...known, ...Object.keys(OLD_NAMES), ...Object.keys(OTHER_NAMES)])];
  const starting = names.filter((c) => bare(c).startsWith(bare(q)));
  const name = names.find((c) => c.toLowerCase() === q) ?? names.find((c) => bare(c) === bare(q)) ?? (starting.length === 1 ? starting[0] : null);
  if (!name) return null;
  const current = OLD_NAMES[name] ?? OTHER_NAMES[name] ?? name;
  const chart = [...DEVICE_CHARTS, CPU_CHART].find((c) => c.columns.includes(current)) ?? (current.startsWith("%") && current.endsWith("rqm") ? DEVICE_CHARTS[2] : null);
  return { name, current, old: name in OLD_NAMES, other: name in OTHER_NAMES, chart: chart ? chart.id : null };
}

// The UTC offset (minutes) in force at sample i, from the document's list of changes.
export function offsetAt(offsets: ZoneOffset[], i: number): number {
  let minutes = offsets.length ? offsets[0].minutes : 0;
  for (const o of offsets) if (o.from <= i) minutes = o.minutes;
  return minutes;
}

// Each sample's wall-clock time in the recording's zone, as milliseconds to be shown with UTC formatting. The
// document gives the first time, then each time's difference from the one before (a day is 86,400 of them).
export function wallClock(steps: ArrayLike<number>, offsets: ZoneOffset[]): Float64Array {
  const local = new Float64Array(steps.length);
  let k = 0, time = 0;
  let minutes = offsets.length ? offsets[0].minutes : 0;
  for (let i = 0; i < steps.length; i++) {
    while (k < offsets.length && offsets[k].from <= i) minutes = offsets[k++].minutes;
    time += steps[i];
    local[i] = time + minutes * 60000;
  }
  return local;
}

export function zoneLabel(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const m = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

const two = (n: number) => String(n).padStart(2, "0");
export function clock(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}
export function dateAndClock(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${clock(ms)}`;
}

// The first index whose time is >= t (times ascending).
export function bisect(times: ArrayLike<number>, t: number): number {
  let lo = 0, hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < t) lo = mid + 1; else hi = mid;
  }
  return lo;
}

// The sample nearest to t.
export function nearest(times: ArrayLike<number>, t: number): number {
  const i = bisect(times, t);
  if (i <= 0) return 0;
  if (i >= times.length) return times.length - 1;
  return t - times[i - 1] <= times[i] - t ? i - 1 : i;
}

// The indices to draw of values[i0..i1) in `buckets` pixel columns: per column the first, the lowest, the highest
// and the last sample, in time order, so no spike is averaged away and lines join across columns. A null (the device
// absent) is kept as a gap. With fewer samples than 4 per column every index is drawn.
export function minMaxIndices(values: Values, i0: number, i1: number, buckets: number): number[] {
  const n = i1 - i0;
  if (n <= buckets * 4) {
    const all: number[] = [];
    for (let i = i0; i < i1; i++) all.push(i);
    return all;
  }
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const s = i0 + Math.floor((b * n) / buckets), e = i0 + Math.floor(((b + 1) * n) / buckets);
    let lo = -1, hi = -1, gap = -1;
    for (let i = s; i < e; i++) {
      const v = values[i];
      if (v === null || v === undefined) { if (gap < 0) gap = i; continue; }
      if (lo < 0 || v < values[lo]!) lo = i;
      if (hi < 0 || v > values[hi]!) hi = i;
    }
    const picked = [s, lo, hi, gap, e - 1].filter((i) => i >= 0);
    picked.sort((a, b2) => a - b2);
    for (const i of picked) if (out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

// What a column's figure over a range is weighted by: a latency or request size by its requests (r_await over a range
// is the time of all its reads over their number, as iostat would print for the range as one interval), a merge
// share by merges and requests together, anything else by time. Intervals of no weight (no reads, for r_await) have no
// figure and are left out of min and p95.
export const WEIGHTS: Record<string, string[]> = {
  "r_await": ["r/s"], "rareq-sz": ["r/s"], "w_await": ["w/s"], "wareq-sz": ["w/s"], "d_await": ["d/s"], "dareq-sz": ["d/s"],
  "f_await": ["f/s"], "%rrqm": ["r/s", "rrqm/s"], "%wrqm": ["w/s", "wrqm/s"], "%drqm": ["d/s", "drqm/s"],
};

// min, mean, p95 and max of values[i0..i1), nulls left out; null when none. mean is weighted: by `weights[i]` where
// given (request rates, see WEIGHTS), times each interval's length `steps[i]`. p95 is interpolated between the two
// nearest ranks, as d3.quantile and NumPy's default do; one selection, never a sort (a day is 86,400 samples).
export function summarize(values: Values, i0: number, i1: number, steps: ArrayLike<number> | null = null, weights: ArrayLike<number> | null = null) {
  const present = new Float64Array(i1 - i0);
  let count = 0, sum = 0, total = 0, min = Infinity, max = -Infinity;
  for (let i = i0; i < i1; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const w = (weights ? weights[i] ?? 0 : 1) * (steps ? steps[i] : 1);
    if (weights && !(w > 0)) continue;
    present[count++] = v;
    sum += v * w;
    total += w;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (count === 0) return null;
  const sample = present.subarray(0, count);
  const at = (count - 1) * 0.95, low = Math.floor(at);
  selectKth(sample, low);
  let next = sample[low];
  if (low + 1 < count) {
    next = Infinity;
    for (let i = low + 1; i < count; i++) if (sample[i] < next) next = sample[i];
  }
  const p95 = sample[low] + (next - sample[low]) * (at - low);
  return { min, mean: total > 0 ? sum / total : 0, p95, max, count };
}

// The weights of a column of a device (the sum of its WEIGHTS columns), or null when it is weighted by time alone.
export function weightsOf(column: string, device: DeviceColumns, n: number): Float64Array | null {
  const by = WEIGHTS[column];
  if (!by) return null;
  const w = new Float64Array(n);
  for (const c of by) {
    const v = device.values[c];
    for (let i = 0; i < n; i++) w[i] += v[i] ?? 0;
  }
  return w;
}

// Reorders a so that a[k] is its k-th smallest value, no larger one before it and no smaller one after it (Hoare's
// partition, which keeps long runs of equal values, such as zeros, cheap). Plain numbers: no comparator to call.
export function selectKth(a: Float64Array | number[], k: number): number {
  let lo = 0, hi = a.length - 1;
  while (hi > lo) {
    const x = a[lo], y = a[(lo + hi) >> 1], z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y); // median of three
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i]; a[i] = a[j]; a[j] = t;
        i++; j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

export function peak(values: Values, i0: number, i1: number): number {
  let max = 0;
  for (let i = i0; i < i1; i++) { const v = values[i]; if (v != null && v > max) max = v; }
  return max;
}

export function allZero(values: Values, i0: number, i1: number): boolean {
  for (let i = i0; i < i1; i++) if (values[i]) return false;
  return true;
}

// The unit an axis shows for a largest value: kB scaled by 1,024 to MB and GB (sysstat's kB, -m, -G).
export function scaledUnit(unit: string, largest: number): { divisor: number; label: string } {
  if (unit === "rate" || unit === "size") {
    const suffix = unit === "rate" ? "/s" : "";
    if (largest >= 1024 * 1024) return { divisor: 1024 * 1024, label: `GB${suffix}` };
    if (largest >= 1024) return { divisor: 1024, label: `MB${suffix}` };
    return { divisor: 1, label: `kB${suffix}` };
  }
  return { divisor: 1, label: unit };
}

// A value with its unit, digits grouped: "1,234.57 MB/s", "12.5 %".
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined) return "–";
  const { divisor, label } = scaledUnit(unit, Math.abs(value));
  const v = value / divisor;
  const digits = Number.isInteger(v) ? 0 : 2;
  const text = grouped(v, digits, 2);
  return label === "%" ? `${text} %` : `${text} ${label}`;
}

// The devices shown first: the groups asked for (-g), then the disks that did the most I/O, four in all; else the
// first device.
export function defaultDevices(devices: DeviceColumns[]): string[] {
  const traffic = (d: DeviceColumns) => {
    let sum = 0;
    for (const c of ["rkB/s", "wkB/s", "dkB/s"]) for (const v of d.values[c] || []) sum += v || 0;
    return sum;
  };
  const groups = devices.filter((d) => d.kind === "group").map((d) => d.name);
  const disks = devices.filter((d) => d.kind === "disk").map((d) => ({ name: d.name, traffic: traffic(d) }))
    .filter((d) => d.traffic > 0).sort((a, b) => b.traffic - a.traffic).map((d) => d.name);
  const shown = [...groups, ...disks].slice(0, Math.max(4, groups.length));
  return shown.length ? shown : devices.slice(0, 1).map((d) => d.name);
}

// The disk a partition belongs to: the longest disk name it starts with (sda1 → sda, nvme0n1p2 → nvme0n1).
export function parentDisk(name: string, disks: string[]): string | null {
  let best: string | null = null;
  for (const d of disks) if (name !== d && name.startsWith(d) && (!best || d.length > best.length)) best = d;
  return best;
}

// The discard series to hide at first ("chart:column"): those more than ten times the reads' and writes' peak on some
// device, which would flatten them to the axis (fstrim discards hundreds of GB in a second, at little cost).
export function discardsThatFlatten(devices: DeviceColumns[], n: number): string[] {
  const flatten: string[] = [];
  const discards: [string, string, string[]][] = [["throughput", "dkB/s", ["rkB/s", "wkB/s"]], ["size", "dareq-sz", ["rareq-sz", "wareq-sz"]]];
  for (const [chart, discard, others] of discards) {
    const flattens = (d: DeviceColumns) => {
      const rest = Math.max(...others.map((c) => peak(d.values[c] || [], 0, n)));
      return rest > 0 && peak(d.values[discard] || [], 0, n) > 10 * rest;
    };
    if (devices.some(flattens)) flatten.push(`${chart}:${discard}`);
  }
  return flatten;
}
