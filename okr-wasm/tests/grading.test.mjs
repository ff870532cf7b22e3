// Grading as teams do it (SPEC §3a) in the JS package: status `dropped`, projections as
// forecasts and `rollup: flat`, on the guide's worked sheet (values by hand in
// docs/src/grading.md).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { Document } = require("../pkg/node/okr_wasm.js");

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SHEET = readFileSync(join(ROOT, "docs", "examples", "grading-sheet.yaml"), "utf8");
const close = (a, b) => a !== null && Math.abs(a - b) <= 1e-9;

test("a dropped key result has status dropped and no score", () => {
  const card = Document.fromYaml(SHEET).score("2026-03-31");
  const drill = card.keyResult("failover-drill");
  assert.equal(drill.status, "dropped");
  assert.equal(drill.score, null);
  const report = card.report();
  assert.equal(report.keyResults.find((k) => k.id === "failover-drill").status, "dropped");
});

test("flat gives the sheet's summary row; a projection is the forecast mid-quarter", () => {
  const end = Document.fromYaml(SHEET).score("2026-03-31");
  assert.ok(close(end.objective("search-q1").score, 7.4 / 11));
  assert.ok(close(end.objective("on-call").score, 0.5)); // (0.1 + 0.9) / 2
  const mid = Document.fromYaml(SHEET).score("2026-02-15");
  assert.ok(close(mid.keyResult("senior-hire").forecast, 0.6));
  assert.ok(close(mid.objective("search-q1").score, 4.2 / 12));
  // A check-in below updates the flat summary as a full recomputation would.
  mid.checkIn("talks", "2026-02-14", 0.6);
  assert.ok(close(mid.objective("search-q1").score, 4.8 / 12));
});
