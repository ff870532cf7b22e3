// The <okr-cascade> widget in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): it renders every objective with the scores of `okr score`, a check-in
// moves the key result's and its ancestors' bars, user text is never HTML, load errors are
// shown with their path. Writes www/screenshot.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const { Document } = require("../pkg/node/okr_wasm.js");

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const EXAMPLE = join(ROOT, "examples", "engineering-2021-h2.yaml");
const AS_OF = "2021-11-15";
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".yaml": "text/plain", ".md": "text/plain", ".toml": "text/plain", ".css": "text/css", ".png": "image/png" };

let server;
let base;
let browser;

/** `okr score --format json` of a document file, from the native CLI. */
function cliScores(path) {
  const out = execFileSync("cargo", ["run", "-q", "-p", "okr-core", "--features", "cli", "--bin", "okr", "--", "score", path, "--as-of", AS_OF, "--format", "json"], { cwd: ROOT, encoding: "utf8" });
  return JSON.parse(out);
}

before(async () => {
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    const file = join(ROOT, path);
    if (!file.startsWith(ROOT) || !existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function demo() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("dialog", (d) => {
    errors.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  await page.goto(`${base}/okr-wasm/www/index.html`);
  await page.waitForSelector("okr-cascade li.objective");
  return { page, errors };
}

/** Every objective's and key result's shown score: data-score (full precision) and text. */
async function shown(page) {
  return page.evaluate(() => {
    const root = document.querySelector("okr-cascade").shadowRoot;
    const out = { objectives: {}, keyResults: {} };
    for (const li of root.querySelectorAll("li.objective")) {
      out.objectives[li.dataset.objectiveId] = {
        score: li.dataset.score === "" ? null : Number(li.dataset.score),
        status: li.dataset.status,
        text: li.querySelector(":scope > .row > .score").textContent,
        width: li.querySelector(":scope > .row > .bar > .fill").style.width,
      };
    }
    for (const li of root.querySelectorAll("li.kr")) {
      out.keyResults[li.dataset.krId] = {
        score: li.dataset.score === "" ? null : Number(li.dataset.score),
        status: li.dataset.status,
        text: li.querySelector(":scope > .score").textContent,
        width: li.querySelector(":scope > .bar > .fill").style.width,
      };
    }
    return out;
  });
}

function assertMatchesCli(got, cli) {
  const fmt = (x) => (x === null ? "–" : x.toFixed(2));
  for (const o of cli.objectives) {
    const g = got.objectives[o.id];
    assert.ok(g, `objective ${o.id} is shown`);
    assert.ok(o.score === null ? g.score === null : Math.abs(g.score - o.score) < 1e-12, `${o.id}: ${g.score} vs ${o.score}`);
    assert.equal(g.text, fmt(o.score), o.id);
    assert.equal(g.status, o.status, o.id);
    const bar = Math.max(0, Math.min(1, o.score ?? 0)) * 100;
    assert.ok(g.width.endsWith("%") && Math.abs(parseFloat(g.width) - bar) < 0.006, `${o.id}: bar ${g.width} vs ${bar}`);
  }
  for (const k of cli.key_results) {
    const g = got.keyResults[k.id];
    assert.ok(g, `key result ${k.id} is shown`);
    assert.ok(k.score === null ? g.score === null : Math.abs(g.score - k.score) < 1e-12, `${k.id}: ${g.score} vs ${k.score}`);
    assert.equal(g.text, fmt(k.score), k.id);
  }
}

test("the demo renders every objective with the scores of `okr score`, and a screenshot", async () => {
  const { page, errors } = await demo();
  const got = await shown(page);
  const ids = Document.fromYaml(readFileSync(EXAMPLE, "utf8")).objectives;
  assert.deepEqual(Object.keys(got.objectives).sort(), [...ids].sort());
  assertMatchesCli(got, cliScores(EXAMPLE));
  const header = await page.locator("okr-cascade header").textContent();
  assert.match(header, /as of 2021-11-15/);
  await page.screenshot({ path: join(ROOT, "okr-wasm", "www", "screenshot.png"), fullPage: false });
  assert.deepEqual(errors, []);
  await page.close();
});

test("a check-in moves the key result's and its ancestors' bars", async () => {
  const { page, errors } = await demo();
  const before = await shown(page);
  const kr = "pipeline-minutes";
  const value = 12;

  // What the native CLI says after the same check-in (document written by the API).
  const card = Document.fromYaml(readFileSync(EXAMPLE, "utf8")).score(AS_OF);
  card.checkIn(kr, AS_OF, value);
  const dir = mkdtempSync(join(tmpdir(), "okr-"));
  writeFileSync(join(dir, "after.yaml"), card.toYaml());
  const expected = cliScores(join(dir, "after.yaml"));
  const changed = expected.objectives.filter((o) => o.score !== before.objectives[o.id].score).map((o) => o.id);
  assert.ok(changed.length >= 2, `the KR's objective and at least one ancestor change: ${changed}`);

  const item = page.locator(`okr-cascade li.kr[data-kr-id="${kr}"]`).first();
  await item.locator("button.checkin-btn").click();
  await item.locator('input[name="value"]').fill(String(value));
  await item.locator('input[name="date"]').fill(AS_OF);
  await item.locator('form button[type="submit"]').click();
  await page.waitForFunction(
    (id) => document.querySelector("okr-cascade").shadowRoot.querySelector(`li.kr[data-kr-id="${id}"]`).dataset.score !== "",
    kr,
  );
  const after = await shown(page);
  assertMatchesCli(after, expected);
  assert.notEqual(after.keyResults[kr].width, before.keyResults[kr].width);
  for (const id of changed) assert.notEqual(after.objectives[id].width, before.objectives[id].width, id);
  // Nothing else moved.
  for (const [id, o] of Object.entries(after.objectives)) {
    if (!changed.includes(id)) assert.equal(o.score, before.objectives[id].score, id);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test("user text is text, never HTML", async () => {
  const { page, errors } = await demo();
  const evil = "<img src=x onerror=alert(1)>";
  await page.evaluate(async (title) => {
    window.__pwned = false;
    const text = `version: 1
cycles: [{id: H2, start: 2021-07-01, end: 2021-12-31}]
people: [{id: "<script>window.__pwned = true</script>"}]
objectives:
  - id: evil
    title: "${title}"
    cycle: H2
    level: company
    owners: ["<script>window.__pwned = true</script>"]
    key_results: [{id: k, title: "<b onmouseover=alert(2)>kr</b>", kind: binary}]
`;
    await document.querySelector("okr-cascade").loadText(text, "yaml");
  }, evil);
  await page.waitForSelector('okr-cascade li.objective[data-objective-id="evil"]');
  const result = await page.evaluate(() => {
    const root = document.querySelector("okr-cascade").shadowRoot;
    return {
      title: root.querySelector("li.objective .title").textContent,
      kr: root.querySelector("li.kr span").textContent,
      imgs: root.querySelectorAll("img").length,
      scripts: root.querySelectorAll("script").length,
      bold: root.querySelectorAll("b").length,
      pwned: window.__pwned,
    };
  });
  await page.waitForTimeout(200); // an onerror would have fired by now
  assert.deepEqual(result, { title: evil, kr: "<b onmouseover=alert(2)>kr</b>", imgs: 0, scripts: 0, bold: 0, pwned: false });
  assert.deepEqual(errors, []);
  await page.close();
});

test("a load error is shown with its path and position", async () => {
  const { page } = await demo();
  await page.evaluate(() =>
    document.querySelector("okr-cascade").loadText("version: 1\nobjectives:\n  - {id: o, titel: Oops, cycle: c, level: team, key_results: []}\n", "yaml"),
  );
  const error = page.locator("okr-cascade .error");
  await error.waitFor({ state: "visible" });
  const text = await error.textContent();
  assert.match(text, /could not load the document: 2 problems/);
  assert.match(text, /3:13: objectives\[0\]\.titel: unknown field `titel`, did you mean `title`\?/);
  assert.match(text, /objectives\[0\]\.title: missing required field `title`/);
  assert.equal(await page.locator("okr-cascade li.objective").count(), 0);
  await page.close();
});

test("filters, collapsing and the keyboard", async () => {
  const { page, errors } = await demo();
  const visible = () =>
    page.evaluate(() =>
      [...document.querySelector("okr-cascade").shadowRoot.querySelectorAll("li.objective")]
        .filter((li) => li.offsetParent !== null)
        .map((li) => ({ id: li.dataset.objectiveId, team: li.dataset.team, owners: li.dataset.owners.split(" ") })),
    );
  const all = await visible();
  await page.locator('okr-cascade select[name="person"]').selectOption("ana");
  const ana = await visible();
  assert.ok(ana.length > 0 && ana.length < all.length);
  assert.ok(ana.some((o) => o.owners.includes("ana")));
  // Objectives not owned by ana are shown only as the path to hers (their ancestors).
  await page.locator('okr-cascade select[name="person"]').selectOption("");
  await page.locator('okr-cascade select[name="team"]').selectOption("checkout-cluster");
  const team = await visible();
  assert.ok(team.length > 0 && team.length < all.length && team.some((o) => o.team === "checkout-cluster"));
  await page.locator('okr-cascade select[name="team"]').selectOption("");

  // Collapse the first top-level objective from the keyboard.
  const top = page.locator("okr-cascade ul.tree > li.objective").first();
  const toggle = top.locator(":scope > .row > .toggle");
  await toggle.focus();
  await page.keyboard.press("Enter");
  assert.equal(await top.getAttribute("aria-expanded"), "false");
  assert.equal(await top.locator(":scope > ul.children").isVisible(), false);
  await page.keyboard.press("Space");
  assert.equal(await top.getAttribute("aria-expanded"), "true");
  // Tab reaches the check-in buttons.
  await page.locator("okr-cascade li.kr button.checkin-btn").first().focus();
  await page.keyboard.press("Enter");
  assert.equal(await page.locator("okr-cascade li.kr form.checkin").first().isVisible(), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the README's JavaScript snippet runs in the browser", async () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.equal(blocks.length, 1);
  const code =
    blocks[0].replace('from "okr-wasm"', 'from "/okr-wasm/pkg/web/okr_wasm.js"') +
    "\nwindow.__readme = { rows: rows.length, findings: findings.length, score: card.objective('tools-leverage').score };\n";
  const page = await browser.newPage();
  const errors = [];
  const logs = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => logs.push(m.text()));
  await page.goto(`${base}/README.md`);
  await page.addScriptTag({ type: "module", content: code });
  await page.waitForFunction(() => window.__readme !== undefined || false, null, { timeout: 10000 });
  const result = await page.evaluate(() => window.__readme);
  assert.deepEqual(errors, []);
  assert.ok(result.rows >= 27, `${result.rows} rows`);
  assert.ok(result.score > 0 && result.score <= 1);
  assert.equal(logs.length, 1);
  await page.close();
});

/** `okr report` of a document file into a file, from the native CLI. */
function cliReport(path, out) {
  execFileSync("cargo", ["run", "-q", "-p", "okr-core", "--features", "cli", "--bin", "okr", "--", "report", path, "--as-of", AS_OF, "-o", out], { cwd: ROOT });
}

test("okr report: one self-contained page that renders offline, with a screenshot", async () => {
  const dir = mkdtempSync(join(tmpdir(), "okr-report-"));
  const out = join(dir, "report.html");
  cliReport(join(ROOT, "examples", "engineering-2020-h2-to-2021-h2.yaml"), out);
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = [];
  const requests = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`file://${out}`);
  const ids = Document.fromYaml(readFileSync(join(ROOT, "examples", "engineering-2020-h2-to-2021-h2.yaml"), "utf8")).objectives;
  const shownIds = await page.evaluate(() => [...new Set([...document.querySelectorAll(".okr-objective > code, .okr-objective > summary > code")].map((c) => c.textContent))]);
  // The HTML cascade shows up to 2,000 rows: every objective of the example.
  assert.deepEqual(shownIds.sort(), [...ids].sort());
  assert.equal(await page.locator("svg[aria-label='score distribution per level and cycle']").count(), 1);
  const headings = await page.locator("h2").allTextContents();
  assert.deepEqual(headings, ["Cascade", "Score distribution per cycle and level", "Engagement per team"]);
  assert.ok((await page.locator("table").nth(1).locator("tr").count()) > 1, "engagement rows");
  assert.equal(await page.locator("script").count(), 0);
  assert.deepEqual(requests, [`file://${out}`]);
  assert.deepEqual(errors, []);
  await page.screenshot({ path: join(ROOT, "docs", "src", "report.png") });
  await page.close();
});

test("okr report keeps hostile text as text", async () => {
  const dir = mkdtempSync(join(tmpdir(), "okr-report-"));
  const doc = join(dir, "evil.yaml");
  writeFileSync(
    doc,
    `version: 1
cycles: [{id: "<i>H2</i>", start: 2021-07-01, end: 2021-12-31}]
teams: [{id: "<b>team</b>"}]
people: [{id: p, team: "<b>team</b>"}]
objectives:
  - id: "<img src=x onerror=alert(1)>"
    title: "<script>window.__pwned = 1</script>"
    cycle: "<i>H2</i>"
    level: company
    team: "<b>team</b>"
    owners: [p]
    key_results: [{id: k, title: "<svg onload=alert(2)>", kind: binary}]
`,
  );
  const out = join(dir, "report.html");
  cliReport(doc, out);
  const page = await browser.newPage();
  const dialogs = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    d.dismiss();
  });
  await page.goto(`file://${out}`);
  await page.waitForTimeout(200);
  const result = await page.evaluate(() => ({
    imgs: document.querySelectorAll("img").length,
    scripts: document.querySelectorAll("script").length,
    bold: document.querySelectorAll("b").length - document.querySelectorAll(".okr-finding b").length,
    italics: document.querySelectorAll("i").length - document.querySelectorAll("details i, .okr-objective i").length,
    pwned: window.__pwned,
    text: document.body.textContent,
  }));
  assert.equal(result.imgs, 0);
  assert.equal(result.scripts, 0);
  assert.equal(result.pwned, undefined);
  assert.deepEqual(dialogs, []);
  assert.ok(result.text.includes("<script>window.__pwned = 1</script>"));
  assert.ok(result.text.includes("<img src=x onerror=alert(1)>"));
  assert.ok(result.text.includes("<b>team</b>"));
  // Only the SVG chart, no element made from user text.
  assert.equal(await page.locator("svg").count(), 1);
  await page.close();
});
