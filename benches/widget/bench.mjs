// The <okr-cascade> widget in real Chromium (Debian's /usr/bin/chromium, driven by the
// playwright-core of okr-wasm/node_modules) on organisations from `okr generate`:
//
// - first render: from setting `src` to the first frame painted after `okr-rendered`
//   (fetch of the local JSON file, parse, score, tree, report, validate, the rows shown),
//   the wasm module already loaded; then again with a new `src` of the same file (the
//   module's functions compiled by then);
// - check-in repaint: `checkIn` on a key result of the deepest row shown, until style and
//   layout are done (a forced layout), median and worst of 20 (each on another KR);
// - open a level: a click on the toggle of a closed row, to layout done;
// - search: one `input` event in the search box (the id of the last row shown: it and its
//   ancestors match), to layout done;
// - memory (before the two above): JS heap used and DOM nodes of the page after a GC (Chrome DevTools Protocol
//   `Performance.getMetrics`), the widget's elements, and the wasm module's memory.
//
// Usage (after `bash okr-wasm/build.sh`; `okr` from `cargo run -p okr-core --features cli`
// unless OKR_BIN names a binary):
//   node benches/widget/bench.mjs                 # 1k, 10k, 100k
//   node benches/widget/bench.mjs --sizes 1000    # what okr-wasm/ci.sh runs (seconds)
// Prints a Markdown table and writes the figures as JSON lines to
// target/okr-widget-bench.jsonl (OKR_WIDGET_RESULTS to change). Goals (benches/README.md,
// "widget"): first render of 10k <= 1 s, a check-in repaint <= 16 ms.

import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, existsSync, appendFileSync } from "node:fs";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "../../okr-wasm/tests/chromium.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "..", "..");
const OUT = join(ROOT, "target", "widget-bench");
const RESULTS = process.env.OKR_WIDGET_RESULTS || join(ROOT, "target", "okr-widget-bench.jsonl");
const AS_OF = "2021-10-15";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const sizes = arg("--sizes", "1000,10000,100000").split(",").map((s) => Number(s.replace(/k$/i, "000")));

function okr(args) {
  if (process.env.OKR_BIN) return execFileSync(process.env.OKR_BIN, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  return execFileSync("cargo", ["run", "-q", "-p", "okr-core", "--features", "cli", "--bin", "okr", "--", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
}

mkdirSync(OUT, { recursive: true });
for (const n of sizes) {
  const file = join(OUT, `org-${n}.json`);
  if (!existsSync(file)) okr(["generate", "--objectives", String(n), "-o", file]);
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
  if (path === "/bench.html") {
    res.writeHead(200, { "content-type": "text/html" });
    res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title><script type="module" src="/okr-wasm/www/okr-cascade.js"></script></head><body></body></html>');
    return;
  }
  const file = join(ROOT, path);
  if (!file.startsWith(ROOT) || !existsSync(file)) {
    res.writeHead(404).end("not found");
    return;
  }
  res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
  res.end(readFileSync(file));
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await launch(["--js-flags=--expose-gc"]);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
try {
  for (const n of sizes) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${base}/bench.html`);
    await page.waitForFunction(() => customElements.get("okr-cascade"));
    const url = `/target/widget-bench/org-${n}.json`;
    const render = await page.evaluate(
      async ({ url, asOf }) => {
        const { loadWasm } = await import("/okr-wasm/www/okr-cascade.js");
        await loadWasm();
        const w = document.createElement("okr-cascade");
        w.setAttribute("as-of", asOf);
        document.body.append(w);
        const frame = () => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
        const t0 = performance.now();
        const done = new Promise((ok) => w.addEventListener("okr-rendered", ok, { once: true }));
        w.setAttribute("src", url);
        await done;
        const rendered = performance.now();
        await frame();
        const first = performance.now() - t0;
        // Again, the module warm (Chromium compiles wasm functions lazily, at first call).
        const t1 = performance.now();
        const again = new Promise((ok) => w.addEventListener("okr-rendered", ok, { once: true }));
        w.setAttribute("src", `${url}?again`);
        await again;
        await frame();
        return { render: first, script: rendered - t0, warm: performance.now() - t1 };
      },
      { url, asOf: AS_OF },
    );
    const checkIn = await page.evaluate(async () => {
      const w = document.querySelector("okr-cascade");
      const root = w.shadowRoot;
      // Key results of the deepest rows shown: their check-ins climb the longest chains.
      const items = [...root.querySelectorAll("li.objective")].filter((li) => li.offsetParent !== null);
      const deepest = Math.max(...items.map((li) => Number(li.getAttribute("aria-level"))));
      const krs = [];
      for (const li of items.filter((li) => Number(li.getAttribute("aria-level")) === deepest)) {
        for (const kr of li.querySelectorAll(":scope > ul.krs > li.kr")) krs.push(kr.dataset.krId);
      }
      if (!krs.length) {
        // The deepest rows shown are closed: open one.
        const li = items.find((li) => Number(li.getAttribute("aria-level")) === deepest && li.getAttribute("aria-expanded") === "false");
        li.querySelector(":scope > .row > .toggle").click();
        for (const kr of li.querySelectorAll(":scope > ul.krs > li.kr")) krs.push(kr.dataset.krId);
      }
      const times = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        const kr = krs[i % krs.length];
        try {
          w.checkIn({ keyResult: kr, date: "2021-10-01", value: 50 + i });
        } catch {
          w.checkIn({ keyResult: kr, date: "2021-10-01", value: i % 2 === 0 });
        }
        void root.querySelector("li.objective").offsetHeight; // style and layout done
        times.push(performance.now() - t0);
        await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
      }
      return { median: times.sort((a, b) => a - b)[10], max: times[times.length - 1], depth: deepest };
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("HeapProfiler.collectGarbage");
    await cdp.send("Performance.enable");
    const { metrics } = await cdp.send("Performance.getMetrics");
    const metric = (name) => metrics.find((m) => m.name === name)?.value ?? null;
    const memory = await page.evaluate(async () => {
      const { loadWasm } = await import("/okr-wasm/www/okr-cascade.js");
      const wasm = await loadWasm();
      const root = document.querySelector("okr-cascade").shadowRoot;
      return {
        wasm: wasm.memory.buffer.byteLength,
        elements: root.querySelectorAll("*").length,
        rows: root.querySelectorAll("li.objective").length,
      };
    });
    const interact = await page.evaluate(async () => {
      const root = document.querySelector("okr-cascade").shadowRoot;
      const closed = [...root.querySelectorAll('li.objective[aria-expanded="false"]')].find((li) => li.offsetParent !== null);
      let open = null;
      if (closed) {
        const t0 = performance.now();
        closed.querySelector(":scope > .row > .toggle").click();
        void root.querySelector("li.objective").offsetHeight;
        open = performance.now() - t0;
      }
      // A search for one objective (the id of the last row shown): it and its ancestors.
      const shown = [...root.querySelectorAll("li.objective")].filter((li) => li.offsetParent !== null);
      const term = shown[shown.length - 1].dataset.objectiveId;
      const search = root.querySelector('input[name="search"]');
      const t1 = performance.now();
      search.value = term;
      search.dispatchEvent(new Event("input"));
      void root.querySelector("li.objective")?.offsetHeight;
      const searchTime = performance.now() - t1;
      search.value = "";
      search.dispatchEvent(new Event("input"));
      return { open, search: searchTime };
    });
    const row = {
      source: "widget",
      objectives: n,
      first_render_ms: render.render,
      first_render_script_ms: render.script,
      warm_render_ms: render.warm,
      checkin_repaint_median_ms: checkIn.median,
      checkin_repaint_max_ms: checkIn.max,
      checkin_depth: checkIn.depth,
      open_level_ms: interact.open,
      search_ms: interact.search,
      js_heap_bytes: metric("JSHeapUsedSize"),
      dom_nodes: metric("Nodes"),
      widget_elements: memory.elements,
      rows_built: memory.rows,
      wasm_memory_bytes: memory.wasm,
      errors,
    };
    rows.push(row);
    appendFileSync(RESULTS, JSON.stringify({ ...row, date: new Date().toISOString() }) + "\n");
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}

const ms = (x) => (x === null ? "–" : x < 10 ? x.toFixed(2) : x.toFixed(0));
const mb = (x) => (x === null ? "–" : (x / 1048576).toFixed(1));
console.log("| objectives | first render (ms) | again, module warm (ms) | check-in repaint median / worst (ms) | open a level (ms) | search (ms) | JS heap (MB) | DOM nodes | rows built | wasm memory (MB) |");
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(
    `| ${r.objectives.toLocaleString("en")} | ${ms(r.first_render_ms)} | ${ms(r.warm_render_ms)} | ${ms(r.checkin_repaint_median_ms)} / ${ms(r.checkin_repaint_max_ms)} | ${ms(r.open_level_ms)} | ${ms(r.search_ms)} | ${mb(r.js_heap_bytes)} | ${r.dom_nodes} | ${r.rows_built} | ${mb(r.wasm_memory_bytes)} |`,
  );
}
const failed = rows.filter((r) => r.errors.length);
for (const r of failed) console.error(`${r.objectives}: page errors: ${r.errors.join("; ")}`);
if (failed.length) process.exit(1);
writeFileSync(join(OUT, "last.json"), JSON.stringify(rows, null, 2));
