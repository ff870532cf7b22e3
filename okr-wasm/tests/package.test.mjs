// The npm package as users get it: `npm pack` of pkg/, installed from the tarball into a
// scratch project, used from Node (require and import) and from a bundler-free ES-module
// page in Chromium (the widget, through an import map).

import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./chromium.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const PKG = join(HERE, "..", "pkg");
const EXAMPLE = join(HERE, "..", "..", "examples", "engineering-2021-h2.yaml");
let scratch;

before(() => {
  scratch = mkdtempSync(join(tmpdir(), "okr-npm-"));
  const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", scratch], { cwd: PKG, encoding: "utf8" }).trim().split("\n").pop();
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true, version: "1.0.0" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", join(scratch, tarball)], { cwd: scratch, stdio: "pipe" });
});

test("the tarball has the types, both builds, the wasm, the widget and a README", () => {
  const root = join(scratch, "node_modules", "okr-wasm");
  for (const f of ["package.json", "README.md", "web/okr_wasm.js", "web/okr_wasm.d.ts", "web/okr_wasm_bg.wasm", "node/okr_wasm.js", "node/okr_wasm_bg.wasm", "widget/okr-cascade.js"]) {
    assert.ok(existsSync(join(root, f)), f);
  }
  const meta = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  assert.equal(meta.types, "./web/okr_wasm.d.ts");
  assert.equal(meta.exports["."].node, "./node/okr_wasm.js");
  assert.equal(meta.exports["./widget"], "./widget/okr-cascade.js");
});

test("node: require and import of the installed package", () => {
  writeFileSync(
    join(scratch, "use.cjs"),
    `const { Document } = require("okr-wasm");
const fs = require("fs");
const card = Document.fromYaml(fs.readFileSync(process.argv[2], "utf8")).score("2021-11-15");
const report = Document.fromBytes(fs.readFileSync(process.argv[2]), "yaml").score("2021-11-15").report();
if (JSON.stringify(report) !== JSON.stringify(card.report())) throw new Error("fromBytes differs");
console.log(JSON.stringify(card.objective("tools-leverage")));`,
  );
  writeFileSync(
    join(scratch, "use.mjs"),
    `import okr from "okr-wasm";
import { readFileSync } from "node:fs";
const doc = okr.Document.fromYaml(readFileSync(process.argv[2], "utf8"));
console.log(doc.objectives.length);`,
  );
  const scores = JSON.parse(execFileSync("node", ["use.cjs", EXAMPLE], { cwd: scratch, encoding: "utf8" }));
  assert.ok(["on_track", "at_risk", "off_track", "unknown"].includes(scores.status));
  assert.ok(scores.score > 0 && scores.score <= 1);
  assert.equal(execFileSync("node", ["use.mjs", EXAMPLE], { cwd: scratch, encoding: "utf8" }).trim(), "27");
});

test("browser: the widget from the installed package on a bundler-free page", async () => {
  copyFileSync(EXAMPLE, join(scratch, "okrs.yaml"));
  writeFileSync(
    join(scratch, "index.html"),
    `<!doctype html><meta charset="utf-8">
<script type="module" src="./node_modules/okr-wasm/widget/okr-cascade.js"></script>
<okr-cascade src="okrs.yaml" as-of="2021-11-15"></okr-cascade>`,
  );
  const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".yaml": "text/plain" };
  const server = createServer((req, res) => {
    const file = join(scratch, normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)));
    if (!file.startsWith(scratch) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
    await page.waitForSelector("okr-cascade li.objective");
    const n = await page.evaluate(() => new Set([...document.querySelector("okr-cascade").shadowRoot.querySelectorAll("li.objective")].map((li) => li.dataset.objectiveId)).size);
    assert.equal(n, 27);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
