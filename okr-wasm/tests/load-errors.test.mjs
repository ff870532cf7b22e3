// The shared corpus of mistakes of the root tests/load-errors (also read by the Rust and
// Python suites) through okr-wasm, as text and as bytes: every file throws an Error whose
// `problems`, written `line:col: path: message`, are exactly the expected ones.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { Document } = require("../pkg/node/okr_wasm.js");
const CORPUS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "tests", "load-errors");
const MANIFEST = JSON.parse(readFileSync(join(CORPUS, "cases.json"), "utf8"));
const FROM = { yaml: Document.fromYaml, json: Document.fromJson, toml: Document.fromToml };

// As the core writes a problem: `line:col: ` when known, then `path: ` when not empty.
function shown(p) {
  const at = p.line != null && p.column != null ? `${p.line}:${p.column}: ` : "";
  return at + (p.path ? `${p.path}: ${p.message}` : p.message);
}

function problems(load) {
  try {
    load();
  } catch (e) {
    assert.ok(Array.isArray(e.problems), String(e));
    return e.problems.map(shown);
  }
  return ["(loaded)"];
}

for (const c of MANIFEST.cases) {
  test(`load error: ${c.file}`, () => {
    const bytes = readFileSync(join(CORPUS, c.file));
    const format = c.file.split(".").pop();
    const text = new TextDecoder("utf-8").decode(bytes);
    assert.deepEqual(problems(() => FROM[format](text)), c.problems);
    assert.deepEqual(problems(() => Document.fromBytes(bytes, format)), c.problems);
  });
}
