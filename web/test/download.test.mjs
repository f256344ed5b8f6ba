// Unit tests of the shared export helpers' pure parts (node --test web/test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { csvText, fileName } from "../src/common/download.js";

test("CSV quotes what it must and keeps spreadsheet formulas from running", () => {
  const csv = csvText(["name", "self"], [["plain", 1.5], ['a "quoted", name', 2], ["line\nbreak", 0], ["=HYPERLINK(\"x\")", -3], ["-flag", NaN]]);
  assert.equal(csv, 'name,self\r\nplain,1.5\r\n"a ""quoted"", name",2\r\n"line\nbreak",0\r\n"\'=HYPERLINK(""x"")",-3\r\n\'-flag,\r\n');
});

test("file names keep letters, digits, dots and dashes", () => {
  assert.equal(fileName("after.txt-flame", "svg"), "after.txt-flame.svg");
  assert.equal(fileName("../../etc/passwd ünï", "png"), "etc-passwd-uni.png");
  assert.equal(fileName("///", "csv"), "kashika.csv");
});

test("every string of a page's data is shown visibly, Kashika's own help texts excepted", async () => {
  const { showStrings } = await import("../src/common/ui.js");
  const data = showStrings({ frames: ["ok", "evil\nname"], threads: [{ comm: "a\u202Eb", pid: "1" }], weights: [1, 2], text: "help\nkeeps its lines", nested: [[{ text: "x\ny", name: "p\tq" }]] });
  assert.deepEqual(data, { frames: ["ok", "evil\\nname"], threads: [{ comm: "a⟨U+202E⟩b", pid: "1" }], weights: [1, 2], text: "help\nkeeps its lines", nested: [[{ text: "x\ny", name: "p\\tq" }]] });
});
