// importCsv, importGitlab and importVivaGoals on the shared fixtures of the root
// tests/import/ (the Rust and Python suites read the same files): each import is compared
// with the document written by hand beside it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const okr = require("../pkg/node/okr_wasm.js");
const { Document } = okr;

const HERE = dirname(fileURLToPath(import.meta.url));
const IMPORT = join(HERE, "..", "..", "tests", "import");
const read = (...p) => readFileSync(join(IMPORT, ...p), "utf8");
const same = (doc, expected) =>
  assert.deepEqual(JSON.parse(doc.toJson()), JSON.parse(Document.fromYaml(read(expected)).toJson()));

test("importCsv: rows, check-ins, a BOM and quoted newlines", () => {
  const { document, summary } = okr.importCsv(read("csv", "rows.csv"), read("csv", "rows_checkins.csv"), {
    today: "2026-03-15",
  });
  same(document, "csv/rows.expected.yaml");
  assert.deepEqual(summary.skipped, [["row 17", "empty row"]]);
  assert.ok(summary.read.some(([k, n]) => k === "key results" && n === 16));
});

test("importCsv: one row per key result, semicolons, a July fiscal year", () => {
  const { document } = okr.importCsv(read("csv", "repeated.csv"), undefined, {
    fiscalYearStart: 7,
    today: "2026-03-15",
  });
  same(document, "csv/repeated.expected.yaml");
});

test("importCsv: a broken sheet throws every problem at its row and column", () => {
  const want = JSON.parse(read("csv", "broken.expected.json"));
  assert.throws(
    () => okr.importCsv(read("csv", "broken.csv"), undefined, { today: "2026-03-15" }),
    (e) => {
      const got = e.problems.map((p) => [p.line, p.column, p.path, p.message]);
      const exp = want.map((w) => [w.row, w.column, w.header, w.message]);
      const key = (x) => JSON.stringify(x);
      assert.deepEqual(got.map(key).sort(), exp.map(key).sort());
      return true;
    },
  );
});

test("importGitlab: pages, and key results score GitLab's progress", () => {
  const { document, summary } = okr.importGitlab(read("gitlab", "work_items.json"), { today: "2026-03-31" });
  same(document, "gitlab/work_items.expected.yaml");
  assert.equal(summary.skipped.length, 2);
  const card = document.score("2026-06-30");
  for (const [kr, progress] of [["103", 50], ["104", 40], ["106", 25], ["108", 75], ["109", 0]]) {
    assert.ok(Math.abs(card.keyResult(kr).score - progress / 100) < 1e-9, kr);
  }
});

test("importVivaGoals: the export's files, and percentage outcomes score Viva's progress", () => {
  const dir = join(IMPORT, "viva_goals", "export");
  const files = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));
  const { document } = okr.importVivaGoals(files, { today: "2025-03-31" });
  same(document, "viva_goals/export.expected.yaml");
  const card = document.score("2025-03-31");
  assert.equal(card.keyResult("2002").score, 0.6);
  assert.equal(card.keyResult("2004").score, 0.5);
});

// A grade sheet (tests/import/csv/grades.csv; the Rust suite's import_grades.rs works the
// values out): 2026-Q2 graded on 15 May and 30 June, the chaos drill dropped on 20 May.
const GRADES = { grades: ["Mid-Q=2026-05-15", "End-Q=2026-06-30"], cycle: "2026-Q2", today: "2026-07-01" };
const close = (a, b) => a !== null && Math.abs(a - b) <= 1e-9;

test("importCsv: a grade sheet's objectives are the means of their grades, the cycle its summary row", () => {
  const { document, summary } = okr.importCsv(read("csv", "grades.csv"), undefined, GRADES);
  assert.deepEqual(summary.skipped, [
    ["row 18", "empty row"],
    ["row 19", "summary row"],
  ]);
  const card = document.score("2026-06-30");
  assert.deepEqual(document.objectives, [
    "make-checkout-fast",
    "make-checkout-reliable",
    "grow-repeat-purchases",
    "team-health",
  ]);
  assert.ok(close(card.objective("make-checkout-fast").score, (0.8 + 0.6 + 0.9) / 3));
  assert.ok(close(card.objective("make-checkout-reliable").score, (0.7 + 0.4) / 2)); // drill dropped
  assert.ok(close(card.objective("grow-repeat-purchases").score, 1.6 / 3));
  assert.ok(close(card.objective("team-health").score, 2.7 / 3));
  assert.equal(card.keyResult("run-a-chaos-drill-every-month").status, "dropped");
  // With rollup flat on an objective above them, the summary row: 7.7 / 11 = 0.70.
  const flat = okr.importCsv(read("csv", "grades.csv"), undefined, { ...GRADES, rollup: "flat" }).document;
  const doc = JSON.parse(flat.toJson());
  assert.ok(doc.objectives.every((o) => o.rollup === "flat"));
  doc.objectives.forEach((o) => (o.aligns_to = ["company"]));
  doc.objectives.unshift({ id: "company", title: "Q2", cycle: "2026-Q2", level: "company", rollup: "flat", key_results: [] });
  const top = Document.fromJson(JSON.stringify(doc));
  assert.ok(close(top.score("2026-06-30").objective("company").score, 0.7));
  assert.ok(close(top.score("2026-05-15").objective("company").score, 0.34));
});

test("importCsv: a broken grade sheet throws every problem at its row and column", () => {
  const want = JSON.parse(read("csv", "grades_broken.expected.json"));
  const options = { ...GRADES, grades: [...GRADES.grades, "Mid-Q3=2026-08-14"] };
  assert.throws(
    () => okr.importCsv(read("csv", "grades_broken.csv"), undefined, options),
    (e) => {
      const got = e.problems.map((p) => [p.line, p.column, p.path, p.message]);
      const exp = want.map((w) => [w.row, w.column, w.header, w.message]);
      const key = (x) => JSON.stringify(x);
      assert.deepEqual(got.map(key).sort(), exp.map(key).sort());
      return true;
    },
  );
  assert.throws(() => okr.importCsv(read("csv", "grades.csv"), undefined, { grades: ["Mid-Q"] }), /`--grade Mid-Q`: write/);
});
