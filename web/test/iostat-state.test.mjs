// Unit tests of the iostat page's state: its actions and its URL fragment (node --test web/test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromParameters, initialState, reduce, toParameters } from "../src/iostat/state.js";

// Samples 1.0006 s apart: times are not whole milliseconds (a link in whole ms must find the same samples).
const times = Float64Array.from({ length: 60 }, (_, i) => Date.UTC(2026, 11, 5, 9, 0, 0, 250) + i * 1000.6);
const context = {
  deviceNames: ["sda", "sda1", "nvme0n1", "dm-0", "odd,name%2C"],
  times,
  defaultDevices: ["nvme0n1", "sda"],
  defaultHidden: ["cpu:%idle"],
};
const round = (s) => fromParameters(Object.fromEntries(new URLSearchParams(new URLSearchParams(toParameters(s, context)).toString())), context);

const full = {
  devices: ["sda1", "dm-0", "odd,name%2C"], range: [7, 43], hidden: new Set(["throughput:dkB/s", "compare-%util:odd,name%2C"]), layout: "compare", column: "r_await",
};

test("every state field survives the URL: parse of stringify is the identity", () => {
  assert.deepEqual(round(full), full);
  assert.deepEqual(round(initialState(context)), initialState(context));
  for (const key of Object.keys(full)) {
    const one = { ...initialState(context), [key]: full[key] };
    assert.deepEqual(round(one), one, key);
  }
  // Every range comes back as the same samples, the whole one included, and none hidden is said as such.
  for (const range of [[0, 2], [0, 60], [58, 60], [1, 59]]) assert.deepEqual(round({ ...initialState(context), range }).range, range);
  assert.deepEqual(round({ ...initialState(context), hidden: new Set() }).hidden, new Set());
  // The defaults come in the picker's order, whatever order the model chose them in.
  assert.deepEqual(initialState(context).devices, ["sda", "nvme0n1"]);
});

test("hostile or broken fragments give the defaults, never an error", () => {
  const hostile = fromParameters({ devices: "<img>,../../etc", from: "abc", to: "1e999", layout: "grid" }, context);
  assert.deepEqual(hostile, initialState(context));
  assert.deepEqual(fromParameters({ from: String(times[30]), to: String(times[30]) }, context).range, [0, 60]); // one sample is no range
  assert.deepEqual(fromParameters({ from: String(times[40]), to: String(times[10]) }, context).range, [0, 60]);
  assert.deepEqual(fromParameters({ hide: "no-colon,%E0%A4%A,util:%util" }, context).hidden, new Set(["util:%util"]));
  assert.deepEqual(fromParameters({ devices: "sda,%zz" }, context).devices, ["sda"]);
});

test("actions change only what they name, and say which parts changed", () => {
  const s0 = initialState(context);
  const act = (s, a) => reduce(s, a, context);
  const { state: s1, changed } = act(s0, { type: "toggle", key: "cpu:%idle" });
  assert.deepEqual([...s1.hidden], []);
  assert.deepEqual([...changed], ["series"]);
  assert.deepEqual([...s0.hidden], ["cpu:%idle"]); // the state given is never changed
  assert.deepEqual([...act(s0, { type: "range", range: [3, 9] }).changed], ["range"]);
  assert.deepEqual(act(s0, { type: "range", range: [-5, 99] }).state.range, [0, 60]);
  assert.deepEqual([...act(s0, { type: "range", range: [0, 60] }).changed], []); // the range shown: nothing to redraw
  assert.deepEqual(act(s0, { type: "range", range: [5, 6] }).state.range, [0, 60]);
  assert.deepEqual(act(s0, { type: "devices", devices: ["dm-0", "sda", "nope"] }).state.devices, ["sda", "dm-0"]);
  assert.deepEqual([...act(s0, { type: "layout", layout: "compare" }).changed], ["devices"]);
  assert.deepEqual([...act(s0, { type: "find", column: "%util" }).changed], ["column"]);
});
