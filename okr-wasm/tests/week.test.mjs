// diff and Scorecard.explain on the shared fixtures of the root tests/diff and
// tests/explain (the Rust and Python suites read the same files); the expected values are
// worked out by hand (tests/diff/expected.json, and below).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const okr = require("../pkg/node/okr_wasm.js");

const TESTS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "tests");
const read = (...p) => readFileSync(join(TESTS, ...p), "utf8");
const close = (a, b) => Math.abs(a - b) < 1e-9;

/** `actual` matches `expected`: numbers within 1e-9, objects on the keys `expected` has. */
function matches(actual, expected, at = "$") {
  if (typeof expected === "number") {
    assert.ok(close(actual, expected), `${at}: ${actual} ≠ ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.equal(actual.length, expected.length, `${at}: ${JSON.stringify(actual)}`);
    expected.forEach((e, i) => matches(actual[i], e, `${at}[${i}]`));
  } else if (expected !== null && typeof expected === "object") {
    for (const [k, v] of Object.entries(expected)) matches(actual[k], v, `${at}.${k}`);
  } else {
    assert.equal(actual, expected, at);
  }
}

// tests/diff/policy.yaml switches every rule but `no_owner` off: its `code: off` lines.
const severities = Object.fromEntries(
  [...read("diff", "policy.yaml").matchAll(/^  (\w+): off$/gm)].map((m) => [m[1], "off"]),
);

test("diff of the shared fixtures is the hand-worked expected.json", () => {
  const policy = { severities };
  const before = okr.Document.fromYaml(read("diff", "before.yaml")).score("2022-01-15", policy);
  const after = okr.Document.fromYaml(read("diff", "after.yaml")).score("2022-01-15", policy);
  const d = okr.diff(before, after);
  matches(d, JSON.parse(read("diff", "expected.json")));
  assert.equal(d.findings.new[0].message, "`fresh` has no owner");
  assert.deepEqual(Object.keys(d.key_results[0]).sort(), ["after", "before", "change", "check_ins_added", "id"]);
  assert.match(okr.diffText(before, after), /objectives changed:/);
});

test("diff of one document at two dates counts the check-ins between them", () => {
  const doc = okr.Document.fromYaml(read("explain", "modes.yaml"));
  // pm: 30 → 10 minutes, 26 on 2021-08-15; on 2021-08-01 no check-in yet (progress 0),
  // after the cycle (26 − 30) / (10 − 30) = 0.2.
  const d = okr.diff(doc.score("2021-08-01"), doc.score("2022-01-15"));
  const pm = d.key_results.find((k) => k.id === "pm");
  assert.equal(pm.change, "changed");
  assert.equal(pm.before.score, 0);
  assert.ok(close(pm.after.score, 0.2));
  assert.equal(pm.check_ins_added, 1);
});

test("explain an objective in blend mode: the contributions sum to its score", () => {
  const card = okr.Document.fromYaml(read("explain", "modes.yaml")).score("2022-01-15");
  const e = card.explain("mix");
  // 0.25 × 0.8 + 0.75 × (1 × 0.5 + 3 × 0.25) / 4 = 0.2 + 0.234375 = 0.434375.
  assert.deepEqual([e.id, e.mode, e.blend, e.status, e.override], ["mix", "blend", 0.25, "at_risk", null]);
  assert.ok(close(e.score, 0.434375));
  assert.deepEqual(
    e.inputs.map((i) => [i.kind, i.id, i.weight, i.counted]),
    [["key_result", "m1", 1, true], ["objective", "ch1", 1, true], ["objective", "ch2", 3, true]],
  );
  [0.2, 0.09375, 0.140625].forEach((part, n) => assert.ok(close(e.inputs[n].contribution, part)));
  assert.match(card.explainText("mix"), /the contributions sum to the score, 0\.434/);
});

test("explain a key result, and an unknown id throws", () => {
  const card = okr.Document.fromYaml(read("explain", "modes.yaml")).score("2022-01-15");
  const e = card.explain("pm");
  assert.deepEqual([e.id, e.kind, e.status], ["pm", "metric", "off_track"]);
  assert.ok(close(e.score, 0.2));
  assert.deepEqual(e.check_ins_used, [{ date: "2021-08-15", value: 26 }]);
  assert.match(card.explainText("pm"), /\(26 − 30\) \/ \(10 − 30\) = 0\.2/);
  assert.throws(() => card.explain("mixx"), { message: "unknown objective or key result `mixx`, did you mean `mix`?" });
});
