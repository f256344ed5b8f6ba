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
