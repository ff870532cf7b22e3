// The shared adversarial corpus of the root tests/hostile (also run by the Rust and Python
// suites) through okr-wasm, as text and, for the cases that are files, as bytes
// (Document.fromBytes): each case throws an Error with the expected message, or loads,
// scores and validates; the module survives them all.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { Document } = require("../pkg/node/okr_wasm.js");
const HOSTILE = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "tests", "hostile");
const MANIFEST = JSON.parse(readFileSync(join(HOSTILE, "cases.json"), "utf8"));

function generate(g) {
  const start = g.start ?? 0;
  const end = start + g.count;
  if (!g.repeat.includes("{")) return g.head + g.repeat.repeat(g.count) + g.tail;
  const parts = [g.head];
  for (let i = start; i < end; i++) {
    parts.push(g.repeat.replaceAll("{i}", String(i)).replaceAll("{prev}", String(i - 1)).replaceAll("{next}", String((i + 1) % end)));
  }
  parts.push(g.tail);
  return parts.join("");
}

const FROM = { yaml: Document.fromYaml, yml: Document.fromYaml, json: Document.fromJson, toml: Document.fromToml };

// Each case as text for fromYaml/fromJson/fromToml, and each file case also as its bytes
// for fromBytes (which alone can be given bytes that are not UTF-8).
function inputs(c) {
  if (c.file) {
    const bytes = readFileSync(join(HOSTILE, c.file));
    const format = c.file.split(".").pop();
    const fromBytes = { how: "fromBytes", load: () => Document.fromBytes(bytes, format) };
    if (c.bytes) {
      // Not UTF-8: a strict decoder refuses it before it can reach the engine as text.
      assert.throws(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes), TypeError);
      return [fromBytes];
    }
    // A BOM survives TextDecoder's default (it strips it) and our loader (which skips it).
    const source = new TextDecoder("utf-8").decode(bytes);
    return [{ how: "text", load: () => FROM[format](source) }, fromBytes];
  }
  const source = generate(c.generate);
  return [{ how: "text", load: () => FROM[c.format](source) }];
}

for (const c of MANIFEST.cases) {
  for (const { how, load } of inputs(c)) {
    test(`hostile case ${c.name} (${how})`, () => {
      if (c.expect === "error") {
        assert.throws(load, (e) => {
          assert.ok(e instanceof Error, String(e));
          assert.ok(e.message.includes(c.message), e.message);
          assert.ok(Array.isArray(e.problems) && e.problems.length > 0);
          return true;
        });
        return;
      }
      const doc = load();
      if (c.objectives !== undefined) assert.equal(doc.objectives.length, c.objectives);
      const card = doc.score(MANIFEST.as_of);
      const codes = new Set(card.validate().map((f) => f.code));
      for (const code of c.findings ?? []) assert.ok(codes.has(code), `no ${code}`);
      const report = card.report();
      assert.equal(report.objectives.length, doc.objectives.length);
      card.tree();
      card.free();
      doc.free();
    });
  }
}

test("the module survives the corpus", () => {
  assert.deepEqual(Document.fromYaml("version: 1\nobjectives: []\n").objectives, []);
});
