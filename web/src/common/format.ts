// Numbers and units as every view shows them: weights in the profile's own unit, never periods called samples.

/** A profile's unit: the label a weight is shown in, and the factor from weight to that label's number. */
export interface WeightUnit {
  label: string;
  scale: number;
}

// One Intl.NumberFormat for each number of decimals, made once: toLocaleString with options makes a formatter a call,
// which was half of a 20,000-row table's sort.
const formats = new Map<string, Intl.NumberFormat>();

/** A number with grouped digits ("1,234.50"), in en-US, with `min` to `max` decimals. */
export function grouped(value: number, min = 0, max = min): string {
  const key = `${min},${max}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { minimumFractionDigits: min, maximumFractionDigits: max });
    formats.set(key, format);
  }
  return format.format(value);
}

// A weight in the unit's label: "12.5 ms of cpu-clock", "1,234 samples", "3.2 G cycles".
export function formatWeight(weight: number, unit?: WeightUnit | null): string {
  const value = weight * (unit?.scale ?? 1);
  const label = unit?.label ?? "samples";
  if (unit?.scale !== 1) return `${formatNumber(value)} ${label}`;
  if (Math.abs(value) >= 1e9) return `${(value / 1e9).toFixed(2)} G ${label}`;
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(2)} M ${label}`;
  return `${grouped(Math.round(value))} ${label}`;
}

export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return grouped(value);
  const digits = Math.abs(value) < 10 ? 3 : Math.abs(value) < 1000 ? 2 : 1;
  return grouped(value, digits);
}

// A share as a percentage with enough digits to tell small ones apart.
export function percent(part: number, whole: number): string {
  if (!whole) return "0%";
  const p = (100 * part) / whole;
  return `${p >= 10 || p === 0 ? p.toFixed(1) : p >= 0.1 ? p.toFixed(2) : p.toPrecision(2)}%`;
}

// "1 sample", "86,400 samples", "2 people": a count with its noun, digits grouped.
export function count(n: number, one: string, many = `${one}s`): string {
  return `${grouped(n)} ${n === 1 ? one : many}`;
}

// A name from the input as the page shows it: control characters as escapes ("\n", "\x1b") and the marks that reorder
// text (right-to-left overrides, isolates) as ⟨U+202E⟩, so a function, thread or device name cannot break a label
// or disguise its neighbours.
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export function visible(name: string): string;
export function visible<T>(name: T): T;
export function visible(name: unknown): unknown {
  if (typeof name !== "string" || !HIDDEN.test(name)) return name;
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c: string) => {
    const code = c.charCodeAt(0);
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    if (c === "\r") return "\\r";
    if (code < 0x100) return `\\x${code.toString(16).padStart(2, "0")}`;
    return `⟨U+${code.toString(16).toUpperCase().padStart(4, "0")}⟩`;
  });
}
