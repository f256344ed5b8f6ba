import assert from "node:assert/strict";
import { test } from "node:test";
import {
  allZero, bisect, clock, defaultDevices, discardsThatFlatten, formatValue, minMaxIndices, nearest, offsetAt, parentDisk, resolveColumn,
  scaledUnit, selectKth, summarize, wallClock, weightsOf, zoneLabel,
} from "../src/iostat/model.js";

test("min/max downsampling keeps a one-sample spike and the ends", () => {
  const values = new Array(86400).fill(1);
  values[43210] = 500;
  values[100] = -3;
  const drawn = minMaxIndices(values, 0, values.length, 800);
  assert.ok(drawn.includes(43210), "the spike is drawn");
  assert.ok(drawn.includes(100), "the dip is drawn");
  assert.equal(drawn[0], 0);
  assert.equal(drawn[drawn.length - 1], 86399);
  assert.ok(drawn.length <= 800 * 5);
  assert.deepEqual([...drawn].sort((a, b) => a - b), drawn, "in time order");
});

test("min/max downsampling keeps gaps where a device was absent", () => {
  const values = new Array(10000).fill(2);
  for (let i = 5000; i < 5100; i++) values[i] = null;
  const drawn = minMaxIndices(values, 0, values.length, 100);
  assert.ok(drawn.some((i) => values[i] === null));
});

test("few samples are all drawn", () => {
  assert.deepEqual(minMaxIndices([1, 2, 3, 4, 5], 1, 4, 100), [1, 2, 3]);
});

test("the summary: min, mean, p95 interpolated as d3.quantile, max; nulls left out", () => {
  const values = [null, ...Array.from({ length: 100 }, (_, i) => i + 1), null];
  const s = summarize(values, 0, values.length);
  assert.equal(s.min, 1);
  assert.equal(s.max, 100);
  assert.equal(s.mean, 50.5);
  assert.ok(Math.abs(s.p95 - 95.05) < 1e-9, String(s.p95));
  assert.equal(s.count, 100);
  assert.equal(summarize([null, null], 0, 2), null);
  assert.equal(summarize([7], 0, 1).p95, 7);
  assert.equal(summarize([5, 1, 9, 3], 1, 3).max, 9, "only the range");
});

test("units: kB scaled by 1,024 as sysstat's -m and -G", () => {
  assert.deepEqual(scaledUnit("rate", 1000), { divisor: 1, label: "kB/s" });
  assert.deepEqual(scaledUnit("rate", 2048), { divisor: 1024, label: "MB/s" });
  assert.deepEqual(scaledUnit("size", 3 * 1024 * 1024), { divisor: 1024 * 1024, label: "GB" });
  assert.deepEqual(scaledUnit("ms", 1e9), { divisor: 1, label: "ms" });
  assert.equal(formatValue(1234567.5, "requests/s"), "1,234,567.50 requests/s", "two decimals, as iostat");
  assert.equal(formatValue(2048, "rate"), "2 MB/s");
  assert.equal(formatValue(99.5, "%"), "99.50 %");
  assert.equal(formatValue(null, "%"), "–");
});

test("times in the recording's zone, offsets changing during it", () => {
  const offsets = [{ from: 0, minutes: 60 }, { from: 2, minutes: 120 }];
  const t0 = Date.UTC(2026, 2, 29, 0, 59, 59);
  const local = wallClock([t0, 1000, 1000], offsets);
  assert.equal(clock(local[0]), "01:59:59");
  assert.equal(clock(local[1]), "02:00:00");
  assert.equal(clock(local[2]), "03:00:01");
  assert.equal(offsetAt(offsets, 3), 120);
  assert.equal(zoneLabel(-330), "UTC-05:30");
  assert.equal(zoneLabel(0), "UTC+00:00");
});

test("finding samples by time", () => {
  const times = [10, 20, 30, 40];
  assert.equal(bisect(times, 25), 2);
  assert.equal(bisect(times, 5), 0);
  assert.equal(bisect(times, 50), 4);
  assert.equal(nearest(times, 24), 1);
  assert.equal(nearest(times, 26), 2);
  assert.equal(nearest(times, 99), 3);
});

test("column names: today's, without %, any case, and older sysstat's", () => {
  const known = ["%util", "aqu-sz", "rkB/s", "avgqu-sz", "avgrq-sz", "svctm", "rsec/s", "%rrqm", "%iowait"];
  assert.deepEqual(resolveColumn("util", known), { name: "%util", current: "%util", old: false, other: false, chart: "util" });
  assert.deepEqual(resolveColumn("AVGQU-SZ", known), { name: "avgqu-sz", current: "aqu-sz", old: true, other: false, chart: "queue" });
  assert.equal(resolveColumn("aqu", known).name, "aqu-sz", "the start of one name");
  assert.equal(resolveColumn("avg", known), null, "the start of two names");
  assert.equal(resolveColumn("await", [...known, "await", "tps"]).chart, "await");
  assert.equal(resolveColumn("tps", [...known, "await", "tps"]).chart, "iops");
  // Found whether or not the page explains them (a recording of today's sysstat has no "await" column).
  assert.deepEqual(resolveColumn("await", known), { name: "await", current: "r_await", old: false, other: true, chart: "await" });
  assert.equal(resolveColumn("kB_wrtn/s", known).chart, "throughput");
  assert.equal(resolveColumn("rsec/s", known).chart, "throughput");
  assert.equal(resolveColumn("avgrq-sz", known).chart, "size");
  assert.equal(resolveColumn("svctm", known).chart, "util");
  assert.equal(resolveColumn("%rrqm", known).chart, "merges");
  assert.equal(resolveColumn("iowait", known).chart, "cpu");
  assert.equal(resolveColumn("bogus", known), null);
});

test("a latency's mean over a range is weighted by its requests, as iostat over the range", () => {
  // Two seconds: 1,000 reads of 1 ms, then 1 read of 100 ms; then a second without reads (r_await printed as 0).
  const device = { values: { "r/s": [1000, 1, 0], "r_await": [1, 100, 0], "rrqm/s": [0, 0, 0] } };
  const weights = weightsOf("r_await", device, 3);
  const s = summarize(device.values["r_await"], 0, 3, [1000, 1000, 1000], weights);
  assert.ok(Math.abs(s.mean - 1100 / 1001) < 1e-12, String(s.mean));
  assert.equal(s.min, 1, "a second without reads has no latency");
  assert.equal(s.count, 2);
  assert.equal(weightsOf("r/s", device, 3), null);
  const rates = summarize([10, 20], 0, 2, [1000, 3000]);
  assert.equal(rates.mean, 17.5, "rates by time");
  assert.deepEqual(Array.from(weightsOf("%rrqm", device, 3)), [1000, 1, 0]);
});

test("devices shown first: the busiest disks; partitions under their disk", () => {
  const device = (name, kind, kb) => ({ name, kind, values: { "rkB/s": [kb], "wkB/s": [0], "dkB/s": [0] } });
  assert.deepEqual(defaultDevices([device("sda", "disk", 5), device("sda1", "partition", 5), device("sdb", "disk", 50), device("loop0", "disk", 0)]), ["sdb", "sda"]);
  assert.deepEqual(defaultDevices([device("loop0", "disk", 0)]), ["loop0"]);
  assert.deepEqual(defaultDevices([device("sda", "disk", 5), device("all", "group", 5)]), ["all", "sda"], "a group asked for comes first");
  assert.equal(parentDisk("nvme0n1p2", ["nvme0n1", "sda"]), "nvme0n1");
  assert.equal(parentDisk("sda1", ["sd", "sda"]), "sda");
  assert.equal(parentDisk("dm-0", ["sda"]), null);
  assert.ok(allZero([0, 0, null], 0, 3));
  assert.ok(!allZero([0, 0.01], 0, 2));
});

test("discards that would flatten reads and writes start hidden", () => {
  const device = (r, w, d, rs, ds) => ({ values: { "rkB/s": [r], "wkB/s": [w], "dkB/s": [d], "rareq-sz": [rs], "wareq-sz": [0], "dareq-sz": [ds] } });
  assert.deepEqual(discardsThatFlatten([device(100, 50, 240000000, 8, 102400)], 1), ["throughput:dkB/s", "size:dareq-sz"]);
  assert.deepEqual(discardsThatFlatten([device(100, 50, 900, 8, 64)], 1), []);
  assert.deepEqual(discardsThatFlatten([device(0, 0, 900, 0, 64)], 1), [], "discards alone stay shown");
});

test("selection agrees with a sort, ties and zeros included", () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const n of [1, 2, 3, 10, 1000, 5000]) {
    const values = Float64Array.from({ length: n }, () => (random() < 0.6 ? 0 : Math.floor(random() * 50)));
    const sorted = [...values].sort((a, b) => a - b);
    for (const k of [0, Math.floor(n / 2), Math.floor((n - 1) * 0.95), n - 1]) {
      const copy = Float64Array.from(values);
      assert.equal(selectKth(copy, k), sorted[k], `n=${n} k=${k}`);
      for (let i = 0; i < k; i++) assert.ok(copy[i] <= copy[k]);
      for (let i = k + 1; i < n; i++) assert.ok(copy[i] >= copy[k]);
    }
  }
});
