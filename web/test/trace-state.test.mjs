// Unit tests of the trace page's state: its actions and its URL fragment (node --test web/test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromParameters, initialState, reduce, toParameters, VIEWS } from "../src/trace/state.js";
import { createStore } from "../src/common/store.js";

const full = {
  view: "inverted", zoom: ["shared", "idle", "a \"quoted\", name"], search: "leaf|ma.n", transforms: [{ type: "drop", name: "work" }, { type: "focus", name: "main" }],
  hidden: new Set(["app-100/101", "other-200/200"]), split: true, range: [60, 86], compare: [5, 26], colour: "module", fn: "</script>", selected: null,
};

test("every state field survives the URL: parse of stringify is the identity", () => {
  const round = (s) => fromParameters(Object.fromEntries(new URLSearchParams(new URLSearchParams(toParameters(s)).toString())));
  assert.deepEqual(round(full), full);
  assert.deepEqual(round(initialState()), initialState());
  for (const view of VIEWS) assert.equal(round({ ...initialState(), view }).view, view);
  // Each field alone, so none depends on another to come back.
  for (const key of Object.keys(full).filter((k) => k !== "selected")) {
    const one = { ...initialState(), [key]: full[key] };
    assert.deepEqual(round(one), one, key);
  }
  assert.deepEqual(toParameters(initialState()), {}); // a plain page has a plain URL
});

test("hostile or broken fragments give the defaults, never an error", () => {
  const hostile = fromParameters({ v: "<img>", z: "{\"a\":1}", t: "[{\"type\":\"rm -rf\",\"name\":\"x\"},null,7,{\"type\":\"drop\"}]", th: "not json",
    sp: "yes", r: "9-3", ca: "1e9-2e9", c: "red", f: "" });
  assert.deepEqual(hostile, initialState());
  assert.deepEqual(fromParameters({ z: "[1,\"a\",null]", t: "[{\"type\":\"merge\",\"name\":\"b\",\"extra\":1}]" }).zoom, ["a"]);
  assert.deepEqual(fromParameters({ t: "[{\"type\":\"merge\",\"name\":\"b\",\"extra\":1}]" }).transforms, [{ type: "merge", name: "b" }]);
  assert.equal(fromParameters({ r: "12345678901234567890-1" }).range, null);
});

test("actions change only what they name, and say which parts changed", () => {
  const s0 = { ...initialState(), zoom: ["app 100"] };
  const { state: s1, changed } = reduce(s0, { type: "transform", transform: { type: "drop", name: "work" } });
  assert.deepEqual(s1.transforms, [{ type: "drop", name: "work" }]);
  assert.deepEqual(s1.zoom, []); // new samples: the zoom starts again
  assert.deepEqual([...changed].sort(), ["data", "zoom"]);
  assert.deepEqual(s0.transforms, []); // the state given is never changed
  assert.deepEqual([...reduce(s0, { type: "view", view: "icicle" }).changed], ["view"]); // a flame zoom is an icicle zoom
  assert.deepEqual(reduce(s0, { type: "view", view: "inverted" }).state.zoom, []);
  const a = reduce({ ...s0, range: [5, 26] }, { type: "compare" }).state;
  assert.deepEqual([a.compare, a.range], [[5, 26], null]);
  assert.deepEqual(reduce(a, { type: "wholeProfile" }).state.compare, null);
  const hidden = reduce(s0, { type: "thread", key: "t1", shown: false }).state;
  assert.deepEqual([...hidden.hidden], ["t1"]);
  assert.deepEqual([...reduce(hidden, { type: "allThreads" }).state.hidden], []);
  assert.equal(reduce(s0, { type: "untransform" }).state.transforms.length, 0);
});

test("views are told of the parts they draw, once an action", () => {
  const store = createStore(initialState(), reduce);
  const calls = [];
  store.subscribe(["view"], () => calls.push("view"));
  store.subscribe(["data"], () => calls.push("data"));
  store.subscribe(["view", "zoom"], () => calls.push("graph"));
  store.dispatch({ type: "zoom", path: ["a"] });
  store.dispatch({ type: "view", view: "table" });
  store.dispatch({ type: "split", split: true });
  assert.deepEqual(calls, ["graph", "view", "graph", "data", "graph"]);
  assert.equal(store.get().split, true);
});
