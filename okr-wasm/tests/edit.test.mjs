// applyEdit: the shared edit cases of the root tests/edit/ (the Rust and Python suites
// read the same files), byte for byte.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const okr = require("../pkg/node/okr_wasm.js");

const EDIT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "tests", "edit");
const read = (name) => readFileSync(join(EDIT, name), "utf8");
const formatOf = (name) => (name.endsWith(".json") ? "json" : name.endsWith(".toml") ? "toml" : "yaml");

test("the shared edit cases give the hand-written texts or their refusals", () => {
  const cases = JSON.parse(read("cases.json"));
  assert.equal(cases.length, 24);
  for (const c of cases) {
    const text = read(c.file);
    if (c.expected) {
      assert.equal(okr.applyEdit(text, formatOf(c.file), c.edit), read(c.expected), c.expected);
    } else {
      assert.throws(() => okr.applyEdit(text, formatOf(c.file), c.edit), { message: c.refused });
    }
  }
});

test("an unknown format or a malformed edit throws", () => {
  assert.throws(() => okr.applyEdit("version: 1\nobjectives: []\n", "xml", {}), /unknown format `xml`/);
  assert.throws(() => okr.applyEdit("version: 1\nobjectives: []\n", "yaml", { edit: "rename" }), /not an edit/);
});
