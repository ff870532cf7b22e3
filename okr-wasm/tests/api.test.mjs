// The okr-wasm API in Node.js, against the cross-language fixtures of the root tests/
// (the Rust and Python suites read the same files) and hand-computed values.

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
const ROOT = join(HERE, "..", "..");
const FIXTURES = join(ROOT, "tests", "fixtures");
const read = (...p) => readFileSync(join(...p), "utf8");

// The small cascade shared with the Python suite; values by hand there and here.
const SMALL = read(FIXTURES, "small.yaml");

const close = (actual, expected) =>
  expected === null ? actual === null : actual !== null && Math.abs(actual - expected) <= 1e-9;

test("score fixtures give their hand-computed values", () => {
  const files = readdirSync(join(FIXTURES, "score")).filter((f) => f.endsWith(".yaml"));
  assert.ok(files.length >= 40);
  const errors = [];
  for (const file of files) {
    const want = JSON.parse(read(FIXTURES, "score", file.replace(/\.yaml$/, ".expected.json")));
    const card = Document.fromYaml(read(FIXTURES, "score", file)).score(want.as_of);
    const check = (kind, got, w) => {
      for (const f of ["progress", "score", "expected", "forecast"]) {
        if (f in w && !close(got[f], w[f])) errors.push(`${file}: ${kind} ${w.id}.${f}: got ${got[f]}, want ${w[f]}`);
      }
      if ("status" in w && got.status !== w.status) errors.push(`${file}: ${kind} ${w.id}.status: got ${got.status}, want ${w.status}`);
    };
    for (const o of want.objectives ?? []) check("objective", card.objective(o.id), o);
    for (const k of want.key_results ?? []) check("key result", card.keyResult(k.id), k);
  }
  assert.deepEqual(errors, []);
});

test("the flawed fixture gives the hand-written findings", () => {
  const want = JSON.parse(read(FIXTURES, "check", "flawed.expected.json"));
  const doc = Document.fromYaml(read(FIXTURES, "check", "flawed.yaml"));
  const key = (f) => JSON.stringify([f.code, f.severity, f.subjects, f.path]);
  const got = doc.validate(want.as_of).map(key).sort();
  assert.deepEqual(got, want.findings.map(key).sort());
});

test("the example is the same in every format and round-trips", () => {
  const yaml = Document.fromYaml(read(ROOT, "examples", "engineering-2021-h2.yaml"));
  const json = Document.fromJson(read(ROOT, "examples", "engineering-2021-h2.json"));
  const toml = Document.fromToml(read(ROOT, "examples", "engineering-2021-h2.toml"));
  assert.equal(yaml.toJson(), json.toJson());
  assert.equal(yaml.toJson(), toml.toJson());
  assert.equal(Document.fromToml(yaml.toToml()).toJson(), yaml.toJson());
  assert.equal(Document.fromYaml(yaml.toYaml()).toJson(), yaml.toJson());
  assert.equal(yaml.objectives.length, 27);
  const clean = yaml.validate("2021-11-15").filter((f) => f.severity !== "info");
  assert.deepEqual(clean, []);
});

test("scores, report and tree of the small cascade", () => {
  const card = Document.fromYaml(SMALL).score("2021-10-01");
  assert.equal(card.asOf, "2021-10-01");
  // ka 20 of 0 → 100; top = (1·0.2 + 3·0) / 4; expected day 93 of 184.
  const ka = card.keyResult("ka");
  assert.ok(close(ka.score, 0.2) && close(ka.expected, 93 / 184));
  assert.ok(close(card.objective("top").score, 0.05));
  assert.equal(card.objective("a").status, "off_track"); // 0.2 / (93/184) < 0.4
  const report = card.report();
  assert.equal(report.asOf, "2021-10-01");
  assert.deepEqual(report.objectives.map((o) => o.id), ["top", "a", "b"]);
  assert.deepEqual(report.keyResults.map((k) => [k.id, k.objective]), [["ka", "a"], ["kb", "b"]]);
  const tree = card.tree();
  assert.deepEqual(tree.map((r) => [r.id, r.depth]), [["top", 0], ["a", 1], ["b", 1]]);
  assert.equal(tree[2].weight, 3);
  assert.deepEqual(tree[2].owners, ["ana", "bo"]);
  assert.equal(tree[0].team, null);
  assert.deepEqual(tree[1].keyResults.map((k) => [k.id, k.kind]), [["ka", "metric"]]);
  assert.deepEqual(Document.fromYaml(SMALL).tree("2021-10-01"), tree);
});

test("check-ins update incrementally", () => {
  const card = Document.fromYaml(SMALL).score("2021-10-01");
  assert.equal(card.checkIn("ka", "2021-09-15", 60), 2); // a and top
  assert.ok(close(card.objective("top").score, 0.6 / 4));
  assert.equal(card.checkIn("kb", "2021-09-20", true, 0.9), 2);
  assert.ok(close(card.objective("top").score, (0.6 + 3) / 4));
  card.checkIn("ka", "2021-11-01", 100); // after the as-of date: not counted yet
  assert.ok(close(card.keyResult("ka").score, 0.6));
  // The document keeps the check-ins; scoring it from scratch agrees.
  const again = Document.fromJson(card.toJson()).score("2021-10-01");
  assert.deepEqual(again.report(), card.report());
  assert.equal(card.setOverride("top", "2021-09-01", 0.3, "judgement"), 1);
  assert.ok(close(card.objective("top").score, 0.3));
});

test("policy settings are checked by the core", () => {
  const doc = Document.fromYaml(SMALL);
  const stale = (p) => doc.validate("2021-10-01", p).filter((f) => f.code === "stale_check_in");
  assert.deepEqual(stale().map((f) => [f.subjects[0], f.severity]), [["ka", "warning"], ["kb", "warning"]]);
  assert.deepEqual(stale({ severities: { stale_check_in: "off" } }), []);
  assert.deepEqual(stale({ staleDays: 61 }), []);
  assert.deepEqual([...new Set(stale({ severities: { stale_check_in: "error" } }).map((f) => f.severity))], ["error"]);
  assert.equal(doc.score("2021-10-01", { atRisk: 0.3 }).objective("a").status, "at_risk");
  // `top` has no key results: auto takes its children, (1 × 0.2 + 3 × 0) / 4 = 0.05;
  // a default rollup of key_results leaves it unscored.
  assert.ok(close(doc.score("2021-10-01").objective("top").score, 0.05));
  assert.equal(doc.score("2021-10-01", { defaultRollup: "key_results" }).objective("top").score, null);
  assert.throws(() => doc.score("2021-10-01", { defaultRollup: "key_result" }), /did you mean `key_results`/);
  assert.throws(() => doc.validate("2021-10-01", { severities: { side_projet: "off" } }), (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /did you mean `side_project`/);
    assert.equal(e.problems.length, 1);
    return true;
  });
  assert.throws(() => doc.validate("2021-10-01", { stale_days: 3 }), /unknown field/);
});

test("load errors carry every problem with its position", () => {
  const text = "version: 1\nobjectives:\n  - {id: o, title: O, cycle: c, level: team, key_results: [], effort_hours: lots}\n  - {id: p, titel: P, cycle: c, level: team, key_results: []}\n";
  assert.throws(() => Document.fromYaml(text), (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, /3 problems/);
    assert.deepEqual(e.problems.map((p) => [p.path, p.line]), [
      ["objectives[0].effort_hours", 3],
      ["objectives[1].title", 4],
      ["objectives[1].titel", 4],
    ]);
    assert.ok(e.problems.every((p) => p.column >= 1));
    return true;
  });
});

test("fromBytes loads what the text loaders load", () => {
  for (const [file, from] of [["json", Document.fromJson], ["yaml", Document.fromYaml], ["toml", Document.fromToml]]) {
    const path = join(ROOT, "examples", `engineering-2021-h2.${file}`);
    const bytes = readFileSync(path); // a Buffer, which is a Uint8Array
    const want = from(read(path)).toJson();
    assert.equal(Document.fromBytes(bytes, file).toJson(), want, file);
    assert.equal(Document.fromBytes(new Uint8Array(bytes), file).toJson(), want, file);
    assert.equal(Document.fromBytes(new TextEncoder().encode(read(path)), file).toJson(), want, file);
  }
  const small = new TextEncoder().encode(SMALL);
  assert.deepEqual(Document.fromBytes(small, "yaml").score("2021-10-01").report(), Document.fromYaml(SMALL).score("2021-10-01").report());
  // Load errors are the text loaders', with the same positions.
  const bad = "version: 1\nobjectives:\n  - {id: é, titel: P, cycle: c, level: team, key_results: []}\n";
  const problems = (load) => {
    try {
      load();
    } catch (e) {
      assert.ok(e instanceof Error);
      return { message: e.message, problems: e.problems };
    }
    assert.fail("no error");
  };
  assert.deepEqual(problems(() => Document.fromBytes(new TextEncoder().encode(bad), "yaml")), problems(() => Document.fromYaml(bad)));
  assert.throws(() => Document.fromBytes(small, "xml"), /unknown format `xml`/);
});

test("fromBytes: bytes that are not UTF-8 throw with the position of the first bad byte", () => {
  const head = new TextEncoder().encode("version: 1\nobjectives:\n  - {id: é");
  for (const bad of [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80]]) {
    const bytes = new Uint8Array([...head, ...bad, ...new TextEncoder().encode(", title: t}\n")]);
    assert.throws(() => Document.fromBytes(bytes, "yaml"), (e) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, new RegExp(`not valid UTF-8 \\(invalid byte at offset ${head.length}\\)`));
      // Line 3; the column counts characters (`é` is one), as the parsers' columns do.
      assert.deepEqual(e.problems, [{ path: "", line: 3, column: 11, message: `the text is not valid UTF-8 (invalid byte at offset ${head.length})` }]);
      return true;
    });
  }
  assert.throws(() => Document.fromBytes(new Uint8Array([0x80]), "json"), (e) => {
    assert.deepEqual([e.problems[0].line, e.problems[0].column], [1, 1]);
    return true;
  });
  assert.ok(close(Document.fromYaml(SMALL).score("2021-10-01").objective("top").score, 0.05));
});

test("the report holds the scores of objective() and keyResult(), ids as written", () => {
  // Ids with characters outside ASCII and the BMP, a byte-order mark and a line break.
  const ids = ["top", "é-😀", "\ufeffbom", "a\nb"];
  const doc = Document.fromJson(JSON.stringify({
    version: 1,
    cycles: [{ id: "H2", start: "2021-07-01", end: "2021-12-31" }],
    objectives: ids.map((id, i) => ({
      id, title: "t", cycle: "H2", level: "team",
      ...(i > 0 ? { aligns_to: ["top"] } : {}),
      key_results: i === 0 ? [] : [
        { id: `${id}-kr`, title: "k", kind: "metric", start: 0, target: 10, check_ins: [{ date: "2021-08-01", value: 3 * i }] },
        { id: `${id}\u2028kr2`, title: "k", kind: "binary" },
      ],
    })),
  }));
  const card = doc.score("2021-10-01");
  card.checkIn("a\nb-kr", "2021-09-01", Infinity); // a non-finite progress is null, as in JSON
  const report = card.report();
  assert.deepEqual(report.objectives.map((o) => o.id), ids);
  assert.deepEqual(report.keyResults.map((k) => [k.id, k.objective]), ids.slice(1).flatMap((id) => [[`${id}-kr`, id], [`${id}\u2028kr2`, id]]));
  for (const o of report.objectives) {
    assert.deepEqual(Object.keys(o), ["id", "score", "progress", "expected", "status", "forecast"]);
    const { id, ...scores } = o;
    assert.deepEqual(scores, card.objective(id));
  }
  for (const k of report.keyResults) {
    assert.deepEqual(Object.keys(k), ["id", "objective", "score", "progress", "expected", "status", "forecast"]);
    const { id, objective, ...scores } = k;
    assert.deepEqual(scores, card.keyResult(id));
  }
  assert.equal(report.keyResults[4].progress, null);
  assert.equal(report.objectives[1].score, 0.15); // (0.3 + 0) / 2
  // The example, against the scores one by one.
  const example = Document.fromYaml(read(ROOT, "examples", "engineering-2021-h2.yaml")).score("2021-11-15");
  const all = example.report();
  assert.equal(all.asOf, "2021-11-15");
  assert.equal(all.objectives.length, 27);
  for (const { id, ...scores } of all.objectives) assert.deepEqual(scores, example.objective(id));
  for (const { id, objective, ...scores } of all.keyResults) assert.deepEqual(scores, example.keyResult(id));
});

test("misuse throws Error, never crashes", () => {
  const card = Document.fromYaml(SMALL).score("2021-10-01");
  assert.throws(() => card.objective("nope"), /unknown objective `nope`/);
  assert.throws(() => card.keyResult("nope"), /unknown key result `nope`/);
  assert.throws(() => card.checkIn("nope", "2021-09-01", 1), /unknown key result/);
  assert.throws(() => card.checkIn("ka", "1st of May", 1), /not a date/);
  assert.throws(() => card.checkIn("ka", "2021-09-01", "high"), /number or a boolean/);
  assert.throws(() => Document.fromYaml(SMALL).score("2021-13-01"), /not a date/);
  for (const v of [NaN, Infinity, -Infinity, 1e308, -0]) {
    card.checkIn("ka", "2021-09-01", v);
    const s = card.objective("top").score;
    assert.ok(s === null || (s >= 0 && s <= 1));
  }
  // Still alive.
  assert.ok(close(Document.fromYaml(SMALL).score("2021-10-01").objective("top").score, 0.05));
});

test("hostile text throws Error and the module survives", () => {
  const nasty = [
    "", "\u0000", "[".repeat(100000), "{".repeat(100000), "- ".repeat(50000),
    "a: &a [x, x, x, x, x, x, x, x, x]\n" +
      Array.from({ length: 9 }, (_, i) => {
        const p = String.fromCharCode(97 + i), n = String.fromCharCode(98 + i);
        return `${n}: &${n} [${Array(9).fill("*" + p).join(", ")}]\n`;
      }).join(""),
    "version: 1\nobjectives: [{id: o, title: t, cycle: c, level: team, effort_hours: .nan, key_results: []}]",
    "version: 99999999999999999999999\nobjectives: []",
    "version: 1\nobjectives: []\n" + "x: " + "y".repeat(1000000),
    "\ud800",
  ];
  for (const text of nasty) {
    for (const from of [Document.fromYaml, Document.fromJson, Document.fromToml]) {
      try {
        const doc = from(text);
        doc.score("2021-10-01").report();
        doc.validate("2021-10-01");
      } catch (e) {
        assert.ok(e instanceof Error, `${typeof e}: ${e}`);
      }
    }
  }
  assert.ok(close(Document.fromYaml(SMALL).score("2021-10-01").objective("top").score, 0.05));
});

test("the JSON Schema is the checked-in one", () => {
  assert.deepEqual(JSON.parse(okr.jsonSchema()), JSON.parse(read(ROOT, "schema", "okr.schema.json")));
});

test("statusColours is the palette of okr report's HTML page", () => {
  // okr-core/src/render/html.rs, status_colour: every status, with a key result's `dropped`.
  assert.deepEqual(okr.statusColours(), { at_risk: "#f9a825", dropped: "#78909c", off_track: "#c62828", on_track: "#2e7d32", unknown: "#9e9e9e" });
});

test("a check-in's note is kept in the document", () => {
  const card = Document.fromYaml(SMALL).score("2021-09-30");
  card.checkIn("ka", "2021-09-15", 60, 0.5, "<b>first</b> week: 60");
  const doc = JSON.parse(card.toJson());
  const ka = doc.objectives.flatMap((o) => o.key_results).find((k) => k.id === "ka");
  assert.deepEqual(ka.check_ins.at(-1), { date: "2021-09-15", value: 60, confidence: 0.5, note: "<b>first</b> week: 60" });
});
