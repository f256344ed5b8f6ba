// Unit tests of the relate page's state: its actions and its URL fragment (node --test web/test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromParameters, initialState, reduce, toParameters } from "../src/relate/state.js";

const context = {
  names: ["nova", "neutron", "a \"quoted\" & <name>", "glance"],
  labels: ["2019", "2020", "2021", "2022", "2023"],
  people: new Set(["ann@example.org", "bob <b>", "名前@例え.jp"]),
  defaultCurrents: { first: 2, last: 4, measure: "people", outside: false },
};
const noPeriods = { names: context.names, labels: [], people: context.people, defaultCurrents: null };
const round = (s, c = context) => fromParameters(Object.fromEntries(new URLSearchParams(new URLSearchParams(toParameters(s, c)).toString())), c);

const full = {
  period: 3, order: "input", minimum: 2.75, selection: { pair: [1, 2] }, query: "ann|名前", sameScale: false,
  currents: { first: 0, last: 3, measure: "commits", outside: true },
};

test("every state field survives the URL: parse of stringify is the identity", () => {
  assert.deepEqual(round(full), full);
  assert.deepEqual(round(initialState(context)), initialState(context));
  assert.deepEqual(toParameters(initialState(context), context), {}); // a plain page has a plain URL
  // Each field alone, so none depends on another to come back.
  for (const key of Object.keys(full)) {
    const one = { ...initialState(context), [key]: full[key] };
    assert.deepEqual(round(one), one, key);
  }
  for (const selection of [{ project: 2 }, { project: 0 }, { pair: [0, 3] }, { person: "bob <b>" }, { person: "名前@例え.jp" }, null]) {
    const one = { ...initialState(context), selection };
    assert.deepEqual(round(one), one, JSON.stringify(selection));
  }
  for (const period of [0, 1, 5]) assert.equal(round({ ...initialState(context), period }).period, period);
  // Without periods there is no alluvial state to keep.
  const plain = { ...initialState(noPeriods), selection: { project: 1 }, minimum: 3 };
  assert.deepEqual(round(plain, noPeriods), plain);
  assert.equal(initialState(noPeriods).currents, null);
});

test("names are kept by name, so a link survives projects in another order", () => {
  const parameters = toParameters({ ...initialState(context), selection: { pair: [0, 3] } }, context);
  assert.deepEqual(parameters, { a: "nova", b: "glance" });
  const reordered = { ...context, names: ["glance", "nova", "neutron", "a \"quoted\" & <name>"] };
  assert.deepEqual(fromParameters(parameters, reordered).selection, { pair: [0, 1] });
});

test("hostile or broken fragments give the defaults, never an error", () => {
  const hostile = fromParameters({
    period: "<img src=x>", order: "random", min: "-5", project: "nope", a: "nova", b: "nova", person: "mallory@evil", scale: "tiny",
    from: "1999", to: "2019", width: "<b>", outside: "yes",
  }, context);
  assert.deepEqual(hostile, initialState(context));
  for (const min of ["NaN", "Infinity", "1e400", "abc", ""]) assert.equal(fromParameters({ min }, context).minimum, 0, min);
  // A range the wrong way round keeps the default range; one end alone moves.
  assert.deepEqual(fromParameters({ from: "2023", to: "2020" }, context).currents, context.defaultCurrents);
  assert.deepEqual(fromParameters({ from: "2020" }, context).currents, { ...context.defaultCurrents, first: 1 });
  // A pair of one project twice, or with a project unknown, is no pair.
  assert.equal(fromParameters({ a: "nova", b: "unknown" }, context).selection, null);
  assert.deepEqual(fromParameters({ a: "glance", b: "nova" }, context).selection, { pair: [0, 3] });
});

test("actions change only what they name, and say which parts changed", () => {
  const s0 = initialState(context);
  const act = (s, a) => reduce(s, a, context);
  const { state: s1, changed } = act(s0, { type: "minimum", minimum: 4 });
  assert.equal(s1.minimum, 4);
  assert.deepEqual([...changed], ["chart"]);
  assert.equal(s0.minimum, 0); // the state given is never changed
  assert.deepEqual([...act(s0, { type: "period", period: 2, morph: 700 }).changed], ["period"]);
  assert.deepEqual([...act(s0, { type: "period", period: 0 }).changed], []); // the period shown: nothing to redraw
  assert.deepEqual([...act(s0, { type: "choose", selection: { project: 1 } }).changed], ["selection"]);
  // Choosing a person, or letting one go, redraws the alluvial that highlights them.
  const person = act(s0, { type: "choose", selection: { person: "ann@example.org" } });
  assert.deepEqual([...person.changed].sort(), ["currents", "selection"]);
  assert.deepEqual([...act(person.state, { type: "choose", selection: null }).changed].sort(), ["currents", "selection"]);
  assert.deepEqual([...act(s0, { type: "sameScale", sameScale: false }).changed], ["scale"]);
  assert.deepEqual([...act(s0, { type: "query", query: "x" }).changed], ["query"]);
});

test("the alluvial's range keeps two periods at least, inside the periods there are", () => {
  const act = (s, a) => reduce(s, a, context).state.currents;
  const s0 = initialState(context); // 2–4
  assert.deepEqual(act(s0, { type: "currents", currents: { first: 4 } }), { ...s0.currents, first: 3, last: 4 });
  assert.deepEqual(act(s0, { type: "currents", currents: { first: 3 } }), { ...s0.currents, first: 3, last: 4 });
  assert.deepEqual(act(s0, { type: "currents", currents: { last: 2 } }), { ...s0.currents, first: 1, last: 2 });
  assert.deepEqual(act(s0, { type: "currents", currents: { last: 0 } }), { ...s0.currents, first: 0, last: 1 });
  assert.deepEqual(act(s0, { type: "currents", currents: { measure: "commits" } }), { ...s0.currents, measure: "commits" });
  // Without periods, the alluvial's actions change nothing.
  const plain = initialState(noPeriods);
  assert.deepEqual([...reduce(plain, { type: "currents", currents: { first: 1 } }, noPeriods).changed], []);
});
