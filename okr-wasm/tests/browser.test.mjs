// The <okr-cascade> widget in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): it renders every objective with the scores of `okr score`, a check-in
// moves the key result's and its ancestors' bars, user text is never HTML, load errors are
// shown with their path. Writes www/screenshot.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync, existsSync, rmSync, copyFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./chromium.mjs";

const require = createRequire(import.meta.url);
const { Document } = require("../pkg/node/okr_wasm.js");

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const EXAMPLE = join(ROOT, "examples", "engineering-2021-h2.yaml");
const AS_OF = "2021-11-15";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".yaml": "text/plain", ".md": "text/plain", ".toml": "text/plain", ".css": "text/css", ".png": "image/png" };

let server;
let base;
let browser;
/** Documents written by the tests, served under /fixtures/ (`?delay=ms` answers late). */
const FIXTURES = mkdtempSync(join(tmpdir(), "okr-widget-"));
/** Every /fixtures/ request, and how many of their answers have been sent. */
const fixtureLog = { requested: [], answered: 0 };

/** `okr score --format json` of a document file, from the native CLI. */
function cliScores(path) {
  const out = execFileSync("cargo", ["run", "-q", "-p", "okr-core", "--features", "cli", "--bin", "okr", "--", "score", path, "--as-of", AS_OF, "--format", "json"], { cwd: ROOT, encoding: "utf8" });
  return JSON.parse(out);
}

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (url.pathname === "/blank.html") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>widget</title><script type="module" src="/okr-wasm/www/okr-cascade.js"></script></head><body></body></html>');
      return;
    }
    if (url.pathname.startsWith("/fixtures/")) {
      const file = join(FIXTURES, url.pathname.slice("/fixtures/".length).replace(/[^A-Za-z0-9._-]/g, ""));
      fixtureLog.requested.push(url.pathname + url.search);
      setTimeout(() => {
        fixtureLog.answered += 1;
        if (!existsSync(file)) res.writeHead(404).end("not found");
        else res.writeHead(200, { "content-type": "text/plain" }).end(readFileSync(file));
      }, Number(url.searchParams.get("delay") || 0));
      return;
    }
    const path = normalize(decodeURIComponent(url.pathname));
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
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
  rmSync(FIXTURES, { recursive: true, force: true });
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
  // The grades section (SPEC §3a, docs/src/grading.md) is shown when key results are scored.
  assert.deepEqual(headings, ["Cascade", "Score distribution per cycle and level", "Key-result grades per objective", "Engagement per team", "People"]);
  const after = (heading) => page.locator("h2", { hasText: heading }).locator("xpath=following-sibling::table[1]");
  assert.ok((await after("Key-result grades per objective").locator("tr").count()) > 1, "grades rows");
  assert.ok((await after("Engagement per team").locator("tr").count()) > 1, "engagement rows");
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

// ---------------------------------------------------------------------------------------
// The widget on a small org written here: search, filters, the keyboard and the
// accessibility tree, check-ins kept across as-of and src changes, loading.
//
// top (company, ana)                       top-kr: metric 0 → 100
// ├── alpha "Faster builds" (area, core)   alpha-kr: metric 0 → 100
// │   ├── alpha-1 "Cache the compilers"    a1-kr: metric 0 → 100 (team core, bo)
// │   └── alpha-2 "Remote execution"       a2-kr: binary (team core, cy)
// └── beta "Better docs" (area, web, bo)   beta-kr: metric 0 → 10
//     └── beta-1 "Browse the docs"         b1-kr: metric 0 → 100 (team web, cy)
//
// As of 2021-09-30 (day 92 of the 184 of 2021-H2) every KR is scored 0 (no check-ins: a
// metric is at its start, a binary is not done); a metric's expected progress is 92/184 =
// 0.5, so those are off track, while a binary's expected is 0 before the cycle's end, so
// a2-kr and alpha-2 (scored by their own KRs, SPEC §4 `auto`) are on track.
const ORG = `version: 1
cycles: [{id: H2, start: 2021-07-01, end: 2021-12-31}]
teams: [{id: core}, {id: web}]
people: [{id: ana, team: core}, {id: bo, team: web}, {id: cy, team: web}]
objectives:
  - {id: top, title: Grow the platform, cycle: H2, level: company, owners: [ana],
     key_results: [{id: top-kr, title: Weekly active teams, kind: metric, start: 0, target: 100}]}
  - {id: alpha, title: Faster builds, cycle: H2, level: area, team: core, owners: [ana], aligns_to: [top],
     key_results: [{id: alpha-kr, title: Build minutes saved, kind: metric, start: 0, target: 100}]}
  - {id: alpha-1, title: Cache the compilers, cycle: H2, level: team, team: core, owners: [bo], aligns_to: [alpha],
     key_results: [{id: a1-kr, title: Cache hit rate, kind: metric, start: 0, target: 100, unit: "%"}]}
  - {id: alpha-2, title: Remote execution, cycle: H2, level: team, team: core, owners: [cy], aligns_to: [alpha],
     key_results: [{id: a2-kr, title: Remote builds on by default, kind: binary}]}
  - {id: beta, title: Better docs, cycle: H2, level: area, team: web, owners: [bo], aligns_to: [top],
     key_results: [{id: beta-kr, title: Guides written, kind: metric, start: 0, target: 10}]}
  - {id: beta-1, title: Browse the docs, cycle: H2, level: team, team: web, owners: [cy], aligns_to: [beta],
     key_results: [{id: b1-kr, title: Searches answered, kind: metric, start: 0, target: 100}]}
`;
const ORDER = ["top", "alpha", "alpha-1", "alpha-2", "beta", "beta-1"];
writeFileSync(join(FIXTURES, "org.yaml"), ORG);
writeFileSync(join(FIXTURES, "org.txt"), ORG);
copyFileSync(EXAMPLE, join(FIXTURES, "example.yaml"));
copyFileSync(join(ROOT, "examples", "engineering-2020-h2-to-2021-h2.yaml"), join(FIXTURES, "history.yaml"));

/** A page with one <okr-cascade> of the given attributes, rendered. */
async function widget(attrs = {}) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("dialog", (d) => {
    errors.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  await page.goto(`${base}/blank.html`);
  await page.waitForFunction(() => customElements.get("okr-cascade"));
  await page.evaluate((attrs) => {
    window.__rendered = 0;
    window.__checkins = [];
    document.addEventListener("checkin", (e) => window.__checkins.push(e.detail));
    const w = document.createElement("okr-cascade");
    w.addEventListener("okr-rendered", () => (window.__rendered += 1));
    for (const [k, v] of Object.entries(attrs)) w.setAttribute(k, v);
    document.body.append(w);
  }, { src: "/fixtures/org.yaml", "as-of": "2021-09-30", ...attrs });
  return { page, errors };
}

/** Ids of the objectives shown (laid out), in order. */
function shownIds(page) {
  return page.evaluate(() =>
    [...document.querySelector("okr-cascade").shadowRoot.querySelectorAll("li.objective")]
      .filter((li) => li.offsetParent !== null)
      .map((li) => li.dataset.objectiveId),
  );
}

/** The id (or "more") of the element focused inside the widget. */
function focused(page) {
  return page.evaluate(() => {
    const a = document.querySelector("okr-cascade").shadowRoot.activeElement;
    return a ? a.dataset.objectiveId || a.className : null;
  });
}

test("search and filters show the matching objectives and their ancestors", async () => {
  const { page, errors } = await widget();
  await page.waitForSelector("okr-cascade li.objective");
  assert.deepEqual(await shownIds(page), ORDER);
  const search = page.locator('okr-cascade input[name="search"]');
  await search.fill("cache"); // a title
  assert.deepEqual(await shownIds(page), ["top", "alpha", "alpha-1"]);
  assert.equal(await page.locator("okr-cascade .matches").textContent(), "1 matching objective");
  await search.fill("CY"); // an owner, any case
  assert.deepEqual(await shownIds(page), ["top", "alpha", "alpha-2", "beta", "beta-1"]);
  await search.fill("beta-1"); // an id
  assert.deepEqual(await shownIds(page), ["top", "beta", "beta-1"]);
  await search.fill("");
  assert.deepEqual(await shownIds(page), ORDER);

  const filter = (name, value) => page.locator(`okr-cascade select[name="${name}"]`).selectOption(value);
  await filter("status", "on_track");
  assert.deepEqual(await shownIds(page), ["top", "alpha", "alpha-2"]);
  await filter("status", "");
  await filter("level", "area");
  assert.deepEqual(await shownIds(page), ["top", "alpha", "beta"]);
  await filter("team", "web"); // and the level still applies
  assert.deepEqual(await shownIds(page), ["top", "beta"]);
  await filter("level", "");
  assert.deepEqual(await shownIds(page), ["top", "beta", "beta-1"]);
  await filter("team", "");
  await filter("person", "bo");
  assert.deepEqual(await shownIds(page), ["top", "alpha", "alpha-1", "beta"]);
  await search.fill("docs"); // search and person together
  assert.deepEqual(await shownIds(page), ["top", "beta"]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the keyboard walks the whole tree (WAI-ARIA tree pattern, roving tabindex)", async () => {
  const { page, errors } = await widget();
  await page.waitForSelector("okr-cascade li.objective");
  const tabStops = () =>
    page.evaluate(() => [...document.querySelector("okr-cascade").shadowRoot.querySelectorAll('[role="treeitem"][tabindex="0"]')].map((li) => li.dataset.objectiveId));
  assert.deepEqual(await tabStops(), ["top"]);
  // Tab from the last filter enters the tree at its one tab stop.
  await page.locator('okr-cascade select[name="level"]').focus();
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "top");
  const walk = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("ArrowDown");
    walk.push(await focused(page));
  }
  assert.deepEqual(walk, ["alpha", "alpha-1", "alpha-2", "beta", "beta-1", "beta-1"]);
  assert.deepEqual(await tabStops(), ["beta-1"]);
  const up = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("ArrowUp");
    up.push(await focused(page));
  }
  assert.deepEqual(up, ["beta", "alpha-2", "alpha-1", "alpha", "top", "top"]);
  await page.keyboard.press("End");
  assert.equal(await focused(page), "beta-1");
  const item = (id) => page.locator(`okr-cascade li.objective[data-objective-id="${id}"]`);
  assert.equal(await item("beta-1").getAttribute("aria-selected"), "true");
  assert.equal(await item("top").getAttribute("aria-selected"), "false");
  assert.equal(await item("beta-1").getAttribute("aria-level"), "3");
  // Left: close an open item (beta-1 shows its key result), then go to the parent.
  await page.keyboard.press("ArrowLeft");
  assert.equal(await item("beta-1").getAttribute("aria-expanded"), "false");
  assert.equal(await item("beta-1").locator("li.kr").isVisible(), false);
  await page.keyboard.press("ArrowLeft");
  assert.equal(await focused(page), "beta");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await item("beta").getAttribute("aria-expanded"), "false");
  assert.deepEqual(await shownIds(page), ["top", "alpha", "alpha-1", "alpha-2", "beta"]);
  await page.keyboard.press("ArrowDown"); // beta is the last item shown
  assert.equal(await focused(page), "beta");
  await page.keyboard.press("ArrowRight");
  assert.equal(await item("beta").getAttribute("aria-expanded"), "true");
  await page.keyboard.press("ArrowRight");
  assert.equal(await focused(page), "beta-1");
  await page.keyboard.press("ArrowRight"); // closed again by Left above: Right opens it
  assert.equal(await item("beta-1").getAttribute("aria-expanded"), "true");
  // Type-ahead: the next title starting with the letters typed.
  await page.keyboard.press("Home");
  await page.keyboard.press("r");
  assert.equal(await focused(page), "alpha-2"); // Remote execution
  await page.keyboard.press("Home"); // a navigation key ends the typed word
  await page.keyboard.press("b");
  assert.equal(await focused(page), "beta"); // Better docs
  await page.keyboard.press("b"); // the same letter again: the next title with it
  assert.equal(await focused(page), "beta-1"); // Browse the docs
  await page.keyboard.press("Home");
  await page.keyboard.type("br");
  assert.equal(await focused(page), "beta-1");
  // Enter closes and opens; Tab from an objective reaches its check-in button.
  await page.keyboard.press("Home");
  await page.keyboard.press("Enter");
  assert.deepEqual(await shownIds(page), ["top"]);
  await page.keyboard.press("Space");
  assert.deepEqual(await shownIds(page), ORDER);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  assert.equal(await focused(page), "alpha-1");
  await page.keyboard.press("Tab");
  const label = await page.evaluate(() => document.querySelector("okr-cascade").shadowRoot.activeElement.getAttribute("aria-label"));
  assert.equal(label, "Check in on Cache hit rate");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.querySelector("okr-cascade").shadowRoot.activeElement.name), "value");
  await page.keyboard.type("40");
  await page.keyboard.press("Enter"); // submits the form (date: the as-of)
  await page.waitForFunction(() => document.querySelector("okr-cascade").shadowRoot.querySelector('li.kr[data-kr-id="a1-kr"]').dataset.score === "0.4");
  assert.equal(await page.evaluate(() => document.querySelector("okr-cascade").shadowRoot.activeElement.className), "checkin-btn");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the accessibility tree: tree, treeitems with level and state, labelled check-in form", async () => {
  const { page, errors } = await widget();
  await page.waitForSelector("okr-cascade li.objective");
  await page.locator('okr-cascade li.kr[data-kr-id="a1-kr"] button.checkin-btn').click();
  const snapshot = await page.locator("okr-cascade").ariaSnapshot();
  const lines = snapshot.split("\n").map((l) => l.trim());
  assert.ok(lines.includes('- tree "OKR cascade":'), snapshot);
  const item = (name) => lines.find((l) => l.startsWith(`- treeitem "${name}"`));
  assert.match(item("Grow the platform"), /\[expanded\]/);
  assert.match(item("Grow the platform"), /\[level=1\]/);
  assert.match(item("Faster builds"), /\[level=2\]/);
  assert.match(item("Cache the compilers"), /\[level=3\]/);
  // Selection follows focus: the check-in button clicked is inside "Cache the compilers".
  assert.match(item("Cache the compilers"), /\[selected\]/);
  assert.doesNotMatch(item("Grow the platform"), /\[selected\]/);
  for (const field of ['spinbutton "Value (%)"', 'textbox "Date"', 'spinbutton "Confidence"', 'textbox "Note"', 'button "Save"']) {
    assert.ok(lines.some((l) => l.startsWith(`- ${field}`)), `${field} in\n${snapshot}`);
  }
  assert.ok(lines.some((l) => l.startsWith('- button "Check in on Cache hit rate" [expanded]')), snapshot);
  assert.ok(lines.some((l) => l.startsWith('- searchbox "Search objectives by title, id or owner"')), snapshot);
  assert.deepEqual(errors, []);
  await page.close();
});

test("expand-depth opens the first levels only; the rest is built when opened", async () => {
  const { page, errors } = await widget({ "expand-depth": "1" });
  await page.waitForSelector("okr-cascade li.objective");
  const built = () => page.evaluate(() => document.querySelector("okr-cascade").shadowRoot.querySelectorAll("li.objective").length);
  assert.deepEqual(await shownIds(page), ["top", "alpha", "beta"]);
  assert.equal(await built(), 3);
  assert.equal(await page.locator('okr-cascade li.objective[data-objective-id="alpha"]').getAttribute("aria-expanded"), "false");
  await page.locator('okr-cascade li.objective[data-objective-id="alpha"] > .row > .toggle').click();
  assert.deepEqual(await shownIds(page), ["top", "alpha", "alpha-1", "alpha-2", "beta"]);
  // Closing drops what it hid.
  await page.locator('okr-cascade li.objective[data-objective-id="alpha"] > .row > .toggle').click();
  assert.equal(await built(), 3);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a long list of children shows 200 at a time, then more on demand", async () => {
  const many = ["version: 1", "cycles: [{id: H2, start: 2021-07-01, end: 2021-12-31}]", "objectives:"];
  for (let i = 0; i < 250; i++) many.push(`  - {id: o${i}, title: Objective ${i}, cycle: H2, level: team, key_results: []}`);
  writeFileSync(join(FIXTURES, "many.yaml"), many.join("\n") + "\n");
  const { page, errors } = await widget({ src: "/fixtures/many.yaml" });
  await page.waitForSelector("okr-cascade li.objective");
  assert.equal((await shownIds(page)).length, 200);
  const more = page.locator("okr-cascade li.more");
  assert.equal(await more.textContent(), "Show 50 more (50 not shown)");
  await more.focus();
  await page.keyboard.press("Enter");
  const ids = await shownIds(page);
  assert.equal(ids.length, 250);
  assert.equal(ids[249], "o249");
  assert.equal(await focused(page), "o200");
  assert.equal(await more.count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

/** Shown scores of key results and objectives by id (from data-score). */
function scoresShown(page) {
  return page.evaluate(() => {
    const out = {};
    for (const li of document.querySelector("okr-cascade").shadowRoot.querySelectorAll("li.objective, li.kr")) {
      out[li.dataset.objectiveId || li.dataset.krId] = { score: li.dataset.score === "" ? null : Number(li.dataset.score), status: li.dataset.status };
    }
    return out;
  });
}

test("three check-ins survive an as-of change, and each is a `checkin` event", async () => {
  const { page, errors } = await widget();
  await page.waitForSelector("okr-cascade li.objective");
  const checkIn = async (kr, value, date, note) => {
    const item = page.locator(`okr-cascade li.kr[data-kr-id="${kr}"]`);
    await item.locator("button.checkin-btn").click();
    if (typeof value === "boolean") await item.locator('select[name="value"]').selectOption(String(value));
    else await item.locator('input[name="value"]').fill(String(value));
    await item.locator('input[name="date"]').fill(date);
    if (note) await item.locator('input[name="note"]').fill(note);
    await item.locator('form button[type="submit"]').click();
  };
  await checkIn("a1-kr", 40, "2021-08-01", "<b>cache</b> warmed");
  await checkIn("a2-kr", true, "2021-09-01");
  await checkIn("beta-kr", 5, "2021-09-15");
  // (v − start) / (target − start): 40/100, done = 1, 5/10.
  let s = await scoresShown(page);
  assert.deepEqual([s["a1-kr"].score, s["a2-kr"].score, s["beta-kr"].score], [0.4, 1, 0.5]);
  assert.deepEqual(await page.evaluate(() => window.__checkins), [
    { keyResult: "a1-kr", date: "2021-08-01", value: 40, confidence: null, note: "<b>cache</b> warmed" },
    { keyResult: "a2-kr", date: "2021-09-01", value: true, confidence: null, note: null },
    { keyResult: "beta-kr", date: "2021-09-15", value: 5, confidence: null, note: null },
  ]);

  await page.evaluate(() => document.querySelector("okr-cascade").setAttribute("as-of", "2021-11-30"));
  await page.waitForFunction(() => document.querySelector("okr-cascade").shadowRoot.querySelector(".asof").textContent === "as of 2021-11-30");
  s = await scoresShown(page);
  // The same values, scored as of 2021-11-30: a metric's expected progress is now
  // 153/184 = 0.83, so 0.4 (ratio 0.48) and 0.5 (0.60) are at risk; the binary's
  // expected is still 0 (due at the cycle's end): on track. Objectives take their own KR.
  assert.deepEqual(s["a1-kr"], { score: 0.4, status: "at_risk" });
  assert.deepEqual(s["a2-kr"], { score: 1, status: "on_track" });
  assert.deepEqual(s["beta-kr"], { score: 0.5, status: "at_risk" });
  assert.deepEqual(s["alpha-1"], { score: 0.4, status: "at_risk" });
  assert.deepEqual(s["beta"], { score: 0.5, status: "at_risk" });
  const kept = await page.evaluate(() => {
    const w = document.querySelector("okr-cascade");
    return { count: w.checkIns.length, yaml: w.scorecard.toYaml() };
  });
  assert.equal(kept.count, 3);
  assert.match(kept.yaml, /note: <b>cache<\/b> warmed|note: '<b>cache<\/b> warmed'|note: "<b>cache<\/b> warmed"/);
  assert.equal(await page.locator("okr-cascade b").count(), 0);

  // A new src: the check-ins whose key result it has are replayed, the others kept.
  await page.evaluate(() => document.querySelector("okr-cascade").setAttribute("src", "/fixtures/example.yaml"));
  const notice = page.locator("okr-cascade .notice");
  await notice.waitFor({ state: "visible" });
  assert.match(await notice.textContent(), /3 check-ins made here do not apply to this document and are kept/);
  assert.match(await notice.textContent(), /a1-kr on 2021-08-01: unknown key result `a1-kr`/);
  await page.evaluate(() => document.querySelector("okr-cascade").setAttribute("src", "/fixtures/org.yaml"));
  await page.waitForFunction(() => document.querySelector("okr-cascade").shadowRoot.querySelector('li.kr[data-kr-id="a1-kr"]')?.dataset.score === "0.4");
  assert.equal(await notice.isVisible(), false);
  s = await scoresShown(page);
  assert.deepEqual([s["a1-kr"].score, s["a2-kr"].score, s["beta-kr"].score], [0.4, 1, 0.5]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("rapid src changes render only the last document", async () => {
  const { page, errors } = await widget({ src: "/fixtures/org.yaml" });
  await page.waitForSelector("okr-cascade li.objective");
  fixtureLog.answered = 0;
  const sent = fixtureLog.requested.length;
  await page.evaluate(() => {
    window.__rendered = 0;
    const w = document.querySelector("okr-cascade");
    w.setAttribute("src", "/fixtures/history.yaml?delay=600"); // would land last
    w.setAttribute("src", "/fixtures/example.yaml?delay=300");
    w.setAttribute("src", "/fixtures/org.yaml?v=2");
  });
  await page.waitForFunction(() => window.__rendered === 1);
  // Wait past the slowest delay until the server has answered every request that reached
  // it (a fetch aborted at once may never reach it), so a late answer would have landed.
  await new Promise((ok) => setTimeout(ok, 700));
  const deadline = Date.now() + 5000;
  while (fixtureLog.answered < fixtureLog.requested.length - sent && Date.now() < deadline) {
    await new Promise((ok) => setTimeout(ok, 50));
  }
  await page.evaluate(() => new Promise((ok) => setTimeout(ok, 100)));
  assert.equal(await page.evaluate(() => window.__rendered), 1);
  assert.deepEqual(await shownIds(page), ORDER);
  assert.deepEqual(errors, []);
  await page.close();
});

test("re-attaching the element does not fetch again", async () => {
  fixtureLog.requested = [];
  const { page, errors } = await widget({ src: "/fixtures/org.yaml?delay=200" });
  // Moved while its fetch is on its way, and again once rendered.
  await page.evaluate(() => {
    const w = document.querySelector("okr-cascade");
    w.remove();
    document.body.append(w);
  });
  await page.waitForSelector("okr-cascade li.objective");
  await page.evaluate(() => {
    const w = document.querySelector("okr-cascade");
    w.remove();
    document.body.prepend(w);
  });
  await page.evaluate(() => new Promise((ok) => setTimeout(ok, 300)));
  assert.deepEqual(fixtureLog.requested, ["/fixtures/org.yaml?delay=200"]);
  assert.deepEqual(await shownIds(page), ORDER);
  assert.deepEqual(errors, []);
  await page.close();
});

test("an unknown extension is a visible error, and `format` names the format", async () => {
  fixtureLog.requested = [];
  const { page, errors } = await widget({ src: "/fixtures/org.txt" });
  const error = page.locator("okr-cascade .error");
  await error.waitFor({ state: "visible" });
  assert.equal(
    await error.textContent(),
    "`/fixtures/org.txt`: cannot tell the format from the file name: use a `.json`, `.yaml`, `.yml` or `.toml` extension, or set the `format` attribute",
  );
  assert.deepEqual(fixtureLog.requested, []);
  await page.evaluate(() => {
    const w = document.querySelector("okr-cascade");
    w.setAttribute("format", "yaml");
    w.setAttribute("src", "/fixtures/org.txt?again");
  });
  await page.waitForSelector("okr-cascade li.objective");
  assert.equal(await error.isVisible(), false);
  // loadText with a format the core does not know.
  await page.evaluate(() => document.querySelector("okr-cascade").loadText("version: 1\n", "xml"));
  await error.waitFor({ state: "visible" });
  assert.match(await error.textContent(), /unknown format `xml`/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("colours: the HTML report's palette, custom properties, ::part and the dark theme", async () => {
  const { page, errors } = await widget();
  await page.waitForSelector("okr-cascade li.objective");
  const colours = () =>
    page.evaluate(() => {
      const root = document.querySelector("okr-cascade").shadowRoot;
      const fill = (id) => getComputedStyle(root.querySelector(`li.objective[data-objective-id="${id}"] > .row > .bar > .fill`)).backgroundColor;
      return {
        onTrack: fill("alpha-2"),
        offTrack: fill("alpha-1"),
        header: getComputedStyle(root.querySelector("header")).backgroundColor,
        title: getComputedStyle(root.querySelector(".title")).color,
      };
    });
  // okr-core/src/html.rs: on track #2e7d32, off track #c62828.
  let c = await colours();
  assert.equal(c.onTrack, "rgb(46, 125, 50)");
  assert.equal(c.offTrack, "rgb(198, 40, 40)");
  assert.equal(c.header, "rgb(245, 247, 250)");
  await page.evaluate(() => document.querySelector("okr-cascade").setAttribute("theme", "dark"));
  c = await colours();
  assert.equal(c.onTrack, "rgb(46, 125, 50)");
  assert.equal(c.header, "rgb(34, 49, 64)");
  await page.addStyleTag({ content: "okr-cascade { --okr-on-track: rgb(1, 2, 3); } okr-cascade::part(title) { color: rgb(9, 8, 7); }" });
  c = await colours();
  assert.equal(c.onTrack, "rgb(1, 2, 3)");
  assert.equal(c.title, "rgb(9, 8, 7)");
  assert.deepEqual(errors, []);
  await page.close();
});

test("screenshots for the guide (light and dark)", async () => {
  const { page, errors } = await demo();
  await page.locator('okr-cascade li.kr[data-kr-id="pipeline-minutes"] button.checkin-btn').click();
  await page.screenshot({ path: join(ROOT, "docs", "src", "widget.png") });
  await page.evaluate(() => {
    document.body.style.background = "#0b1016";
    document.body.style.color = "#e4e7eb";
    document.querySelector("okr-cascade").setAttribute("theme", "dark");
    document.querySelector("okr-cascade").shadowRoot.querySelector('input[name="search"]').value = "pipeline";
    document.querySelector("okr-cascade").shadowRoot.querySelector('input[name="search"]').dispatchEvent(new Event("input"));
  });
  await page.screenshot({ path: join(ROOT, "docs", "src", "widget-dark.png") });
  assert.deepEqual(errors, []);
  await page.close();
});
