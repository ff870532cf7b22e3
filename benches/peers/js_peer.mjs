#!/usr/bin/env node
// The "JS peer" benchmark of issue #8: okr-wasm in Node.js against a straightforward
// object-walking scorer in plain JS, and against okr-core natively, on the same document.
//
// Usage (node >= 18, no npm dependencies; `benches/peers/js.sh` builds what this needs):
//
//   node --expose-gc benches/peers/js_peer.mjs --objectives 100000 [--runs K]
//   node --expose-gc benches/peers/js_peer.mjs --file org.json [--runs K]
//
//   --objectives N   generate the organisation of N objectives, seed 2021 (`okr generate`),
//                    cached as target/okr-bench-data/js-peer-org-N-seed2021.json
//   --file PATH      or use this JSON document (its size is its number of objectives)
//   --runs K         timed runs per side (default as the Rust ratios bench: 31 up to 10k
//                    objectives, 11 up to 100k, 5 above); each side also gets one untimed
//                    warm-up run, whose results are the ones checked
//   --as-of DATE     the date scored as of (default 2021-10-15, as benches/src/lib.rs)
//   --native BIN     the built `load_score` binary (default: `cargo run --release -p
//                    okr-benches --bin load_score`)
//   --okr BIN        the built `okr` CLI, to generate documents (default: `cargo run
//                    --release -p okr-core --features cli --bin okr`)
//   --wasm PATH      okr-wasm's Node.js module (default okr-wasm/pkg/node/okr_wasm.js)
//   --no-record      print only; do not append to the results file
//
// What is timed (median of K runs; the three sides interleaved, their order rotating from
// run to run, so that other work on the machine weighs on each alike). Every side starts
// from the same bytes, the file as read (untimed) into memory:
//   js peer  in this process: the bytes decoded and parsed, JSON.parse(bytes.toString()),
//            then `scoreDocument` below: every key result scored from its check-ins (SPEC
//            §3), then every objective in a topological order of the alignment DAG
//            computed here (SPEC §4), into Maps id → score
//   wasm     in this process: okr-wasm's Document.fromBytes(bytes, "json"), .score(asOf),
//            .report() (the scores as plain JS objects); the WebAssembly objects are freed
//            after the clock stops
//   native   okr-core, in a child process per run (benches/src/bin/load_score.rs, which
//            makes one untimed warm-up run and then one timed): the bytes checked as UTF-8
//            and Document::from_str, Scorecard::new, the same report serialised to JSON
//            text (the native form of okr-wasm's report objects)
// The peer's objective and key-result scores must equal okr-wasm's within 1e-9, and the
// native report okr-wasm's exactly, or the script fails (exit 1) and records nothing.
//
// Ratios, with their goals (judged at 100k objectives):
//   js peer/wasm  >= 1  (okr-wasm not slower than the plain JS peer)
//   wasm/native   <= 2  (okr-wasm within 2x of okr-core natively)
// plus informational timings of each step (where the time goes).
//
// Every figure is appended as one JSON line to $OKR_BENCH_RESULTS (default
// target/okr-bench-results.jsonl), in the schema of the Rust `ratios` bench plus
// "source": "js-peer". The run id is the Unix time at start, or $OKR_BENCH_RUN when set
// (js.sh sets it, so that every size of one invocation shares a run).
//
// `--expose-gc` lets the script collect garbage before each timed run (untimed), so that
// no run pays for the previous one's garbage; without it the timings are noisier.
//
// The peer computes scores only, as the issue asks; okr-wasm and okr-core also compute
// progress, expected progress, status and forecast of every key result and objective
// (SPEC §5), which the peer's side of the ratio does not pay for.
//
// SPEC reading of the peer: dates compare as ISO
// strings; a check-in value `true`/`false` counts as 1/0; the latest check-in on or before
// the date wins, ties to the later entry; a metric with no check-in yet is at `start`;
// weights that are missing default to 1, negative or non-finite ones count 0; an objective
// in `auto` mode with a scored key result takes its key results' mean even when their
// weights are all zero (then unscored); the active override is the latest on or before the
// date (ties to the later entry) and its score is clamped like any score; `blend` outside
// 0..=1 falls back to the policy's 0.5. Alignment cycles, links to unknown objectives and
// policies other than the default are not implemented (the generator emits none).

import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(ROOT, "target");
const SEED = 2021;
const GOAL_SIZE = 100_000;
const TOLERANCE = 1e-9;

// ---------------------------------------------------------------------------------------
// The peer: a straightforward object-walking scorer (default policy: score cap 1, blend 0.5)

const SCORE_CAP = 1;
const DEFAULT_BLEND = 0.5;

const clamp = (x) => Math.min(Math.max(x, 0), SCORE_CAP);
const weightOf = (w = 1) => (Number.isFinite(w) && w >= 0 ? w : 0);
const asNumber = (value) => (typeof value === "boolean" ? Number(value) : value);
const linkOf = (link) => (typeof link === "string" ? { objective: link } : link);

/** The latest entry dated on or before `asOf` (ties: the later entry), or null. */
function latestOnOrBefore(entries, asOf) {
  let latest = null;
  for (const entry of entries) {
    if (entry.date <= asOf && (latest === null || entry.date >= latest.date)) latest = entry;
  }
  return latest;
}

/** Raw progress of a key result as of a date (SPEC §3); null when unscored. */
function keyResultProgress(kr, asOf) {
  const checkIns = kr.check_ins ?? [];
  switch (kr.kind) {
    case "metric": {
      if (kr.target === kr.start) return null;
      const latest = latestOnOrBefore(checkIns, asOf);
      const value = latest === null ? kr.start : asNumber(latest.value);
      return (value - kr.start) / (kr.target - kr.start);
    }
    case "threshold": {
      const counted = checkIns.filter((c) => c.date <= asOf);
      if (counted.length === 0) return null;
      const holds = {
        at_least: (v) => v >= kr.threshold,
        at_most: (v) => v <= kr.threshold,
      }[kr.direction];
      if (!holds) throw new Error(`threshold direction \`${kr.direction}\`: not implemented`);
      return counted.filter((c) => holds(asNumber(c.value))).length / counted.length;
    }
    case "binary": {
      const latest = latestOnOrBefore(checkIns, asOf);
      return latest !== null && asNumber(latest.value) !== 0 ? 1 : 0;
    }
    case "milestones": {
      let done = 0;
      let total = 0;
      for (const m of kr.milestones) {
        total += weightOf(m.weight);
        if (m.done != null && m.done <= asOf) done += weightOf(m.weight);
      }
      return total > 0 ? done / total : null;
    }
    case "baseline":
      return null;
    default:
      throw new Error(`key result kind \`${kr.kind}\`: not implemented`);
  }
}

/** Score of a key result: its progress clamped to 0..=cap; null when unscored. */
function keyResultScore(kr, asOf) {
  const progress = keyResultProgress(kr, asOf);
  return progress !== null && Number.isFinite(progress) ? clamp(progress) : null;
}

/** Σ weight × score / Σ weight, or null over no inputs or zero total weight. */
function weightedMean(inputs) {
  let sum = 0;
  let weights = 0;
  for (const { weight, score } of inputs) {
    sum += weight * score;
    weights += weight;
  }
  return weights > 0 ? sum / weights : null;
}

/** The objectives, children before parents (Kahn's algorithm from the leaves). */
function topologicalOrder(objectives, byId, childrenOf) {
  const waiting = new Map(objectives.map((o) => [o.id, childrenOf.get(o.id).length]));
  const order = objectives.filter((o) => waiting.get(o.id) === 0);
  for (let i = 0; i < order.length; i++) {
    for (const link of order[i].aligns_to ?? []) {
      const parent = linkOf(link).objective;
      const left = waiting.get(parent) - 1;
      waiting.set(parent, left);
      if (left === 0) order.push(byId.get(parent));
    }
  }
  if (order.length !== objectives.length) throw new Error("alignment cycles: not implemented");
  return order;
}

/**
 * Scores a parsed document as of a date (`YYYY-MM-DD`): `{objectives, keyResults}`, Maps
 * id → score (null = unscored).
 */
export function scoreDocument(doc, asOf) {
  const byId = new Map(doc.objectives.map((o) => [o.id, o]));
  const childrenOf = new Map(doc.objectives.map((o) => [o.id, []]));
  for (const child of doc.objectives) {
    for (const link of child.aligns_to ?? []) {
      const { objective, weight, contributes = true } = linkOf(link);
      const siblings = childrenOf.get(objective);
      if (!siblings) throw new Error(`link to unknown objective \`${objective}\`: not implemented`);
      siblings.push({ id: child.id, weight: weightOf(weight), contributes });
    }
  }
  const objectives = new Map();
  const keyResults = new Map();
  for (const o of topologicalOrder(doc.objectives, byId, childrenOf)) {
    const own = [];
    for (const kr of o.key_results) {
      const score = keyResultScore(kr, asOf);
      keyResults.set(kr.id, score);
      if (score !== null) own.push({ weight: weightOf(kr.weight), score });
    }
    const children = childrenOf
      .get(o.id)
      .filter((c) => c.contributes && objectives.get(c.id) !== null)
      .map((c) => ({ weight: c.weight, score: objectives.get(c.id) }));
    const ownMean = weightedMean(own);
    const childrenMean = weightedMean(children);
    let score;
    switch (o.rollup ?? "auto") {
      case "auto":
        score = own.length > 0 ? ownMean : childrenMean;
        break;
      case "key_results":
        score = ownMean;
        break;
      case "children":
        score = childrenMean;
        break;
      case "blend": {
        const blend = o.blend >= 0 && o.blend <= 1 ? o.blend : DEFAULT_BLEND;
        if (ownMean === null) score = childrenMean;
        else if (childrenMean === null) score = ownMean;
        else score = blend * ownMean + (1 - blend) * childrenMean;
        break;
      }
      case "manual":
        score = null;
        break;
      default:
        throw new Error(`rollup mode \`${o.rollup}\`: not implemented`);
    }
    const override = latestOnOrBefore(o.overrides ?? [], asOf);
    if (override !== null) score = override.score;
    objectives.set(o.id, score === null ? null : clamp(score));
  }
  return { objectives, keyResults };
}

// ---------------------------------------------------------------------------------------
// The harness

function options() {
  const { values } = parseArgs({
    options: {
      file: { type: "string" },
      objectives: { type: "string" },
      runs: { type: "string" },
      "as-of": { type: "string", default: "2021-10-15" },
      native: { type: "string" },
      okr: { type: "string" },
      wasm: { type: "string", default: path.join(ROOT, "okr-wasm", "pkg", "node", "okr_wasm.js") },
      "no-record": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || (values.file === undefined) === (values.objectives === undefined)) {
    const header = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");
    const usage = header.slice(1, header.findIndex((l) => l.startsWith("// What is timed")) - 1);
    console.error(usage.map((l) => l.replace(/^\/\/ ?/, "")).join("\n"));
    process.exit(values.help ? 0 : 2);
  }
  return values;
}

/** `1000`, `10k`, `1M`, `100_000`. */
function parseSize(text) {
  const m = /^(\d+)([kKmM]?)$/.exec(text.trim().replaceAll("_", ""));
  if (!m) throw new Error(`bad size \`${text}\``);
  return Number(m[1]) * ({ k: 1e3, m: 1e6 }[m[2].toLowerCase()] ?? 1);
}

const runsFor = (n) => (n <= 10_000 ? 31 : n <= 100_000 ? 11 : 5);

/** Runs a cargo binary: the built one if given, else through `cargo run --release`. */
function runBinary(bin, cargoArgs, args, stdio = ["ignore", "pipe", "inherit"]) {
  if (bin) return execFileSync(path.resolve(bin), args, { cwd: ROOT, stdio, maxBuffer: 1 << 26 });
  return execFileSync("cargo", ["run", "--release", "-q", ...cargoArgs, "--", ...args], { cwd: ROOT, stdio, maxBuffer: 1 << 26 });
}

function documentFile(opts) {
  if (opts.file) return path.resolve(opts.file);
  const n = parseSize(opts.objectives);
  const dir = path.join(TARGET, "okr-bench-data");
  const file = path.join(dir, `js-peer-org-${n}-seed${SEED}.json`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    console.log(`generating ${n} objectives (seed ${SEED}) into ${path.relative(ROOT, file)}`);
    const args = ["generate", "--objectives", String(n), "--seed", String(SEED), "--format", "json", "-o", file];
    runBinary(opts.okr, ["-p", "okr-core", "--features", "cli", "--bin", "okr"], args, "inherit");
  }
  return file;
}

/** The machine, with the keys of `okr_benches::machine()`. */
function machine() {
  const read = (file) => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return "";
    }
  };
  const cpuLine = read("/proc/cpuinfo").split("\n").find((l) => l.startsWith("model name"));
  const memLine = read("/proc/meminfo").split("\n").find((l) => l.startsWith("MemTotal:"));
  return {
    nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    cpu: cpuLine?.includes(":") ? cpuLine.slice(cpuLine.indexOf(":") + 1).trim() : "unknown",
    mem_bytes: (Number(memLine?.split(/\s+/)[1]) || 0) * 1024,
    loadavg_1m: read("/proc/loadavg").split(/\s+/)[0] ?? "",
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => Number(process.hrtime.bigint()) / 1e9;
const collect = () => globalThis.gc?.();

function fmt(s) {
  if (s >= 1) return `${s.toFixed(3)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(3)} ms`;
  return `${(s * 1e6).toFixed(3)} µs`;
}

/** Checks the peer's scores against okr-wasm's report; throws listing the differences. */
function checkPeer(peer, report) {
  const problems = [];
  const compare = (what, rows, scores) => {
    if (rows.length !== scores.size) problems.push(`${what}: okr-wasm has ${rows.length}, the peer ${scores.size}`);
    for (const row of rows) {
      const mine = scores.get(row.id);
      const same = mine === null || row.score === null ? mine === row.score : Math.abs(mine - row.score) <= TOLERANCE;
      if (!same) problems.push(`${what} ${row.id}: okr-wasm ${row.score}, peer ${mine}`);
    }
  };
  compare("objective", report.objectives, peer.objectives);
  compare("key result", report.keyResults, peer.keyResults);
  if (problems.length > 0) {
    const shown = problems.slice(0, 20).join("\n  ");
    throw new Error(`the JS peer disagrees with okr-wasm (${problems.length} differences):\n  ${shown}`);
  }
}

function main() {
  const opts = options();
  const machineInfo = machine(); // the load average when the harness started, as in Rust
  const runId = Number(process.env.OKR_BENCH_RUN) || Math.floor(Date.now() / 1000);
  const date = new Date().toISOString().replace("T", " ").slice(0, 16) + " UTC";
  const asOf = opts["as-of"];
  const file = documentFile(opts);
  const bytes = readFileSync(file);
  const n = JSON.parse(bytes.toString("utf8")).objectives.length;
  const runs = opts.runs ? Math.max(1, Number(opts.runs)) : runsFor(n);
  const require = createRequire(import.meta.url);
  const { Document } = require(path.resolve(opts.wasm));
  if (typeof Document.fromBytes !== "function") {
    throw new Error(`${opts.wasm} has no Document.fromBytes: rebuild it (bash okr-wasm/build.sh)`);
  }
  if (!globalThis.gc) console.error("note: run node with --expose-gc for steadier timings");
  console.log(`--- js peer @${n} objectives (${(bytes.length / 1e6).toFixed(1)} MB of JSON, ${runs} runs per figure)`);

  // The three sides, interleaved (their order rotating from run to run), so that other
  // work on the machine weighs on each alike; one untimed warm-up run each first, whose
  // results are checked. Native: one child process a run (its own warm-up, then one timed
  // run: load_score's figures).
  const t = { parse: [], walk: [], peer: [], fromBytes: [], score: [], report: [], wasm: [] };
  const nt = { seconds: [], load_s: [], score_s: [], report_s: [], clone_s: [] };
  const peerRun = (timed) => {
    collect();
    const t0 = now();
    const doc = JSON.parse(bytes.toString("utf8"));
    const t1 = now();
    const scores = scoreDocument(doc, asOf);
    const t2 = now();
    if (timed) t.parse.push(t1 - t0), t.walk.push(t2 - t1), t.peer.push(t2 - t0);
    return scores;
  };
  const wasmRun = (timed) => {
    collect();
    const t0 = now();
    const doc = Document.fromBytes(bytes, "json");
    const t1 = now();
    const card = doc.score(asOf);
    const t2 = now();
    const report = card.report();
    const t3 = now();
    card.free();
    doc.free();
    if (timed) t.fromBytes.push(t1 - t0), t.score.push(t2 - t1), t.report.push(t3 - t2), t.wasm.push(t3 - t0);
    return report;
  };
  const nativeRun = (timed, emit) => {
    const args = [file, "--runs", "1", "--as-of", asOf, ...(emit ? ["--emit", emit] : [])];
    const out = JSON.parse(runBinary(opts.native, ["-p", "okr-benches", "--bin", "load_score"], args).toString());
    if (out.objectives !== n) throw new Error(`load_score read ${out.objectives} objectives, not ${n}`);
    if (timed) for (const k of Object.keys(nt)) nt[k].push(out[k]);
  };
  const emitted = path.join(os.tmpdir(), `okr-js-peer-native-${process.pid}.json`);
  nativeRun(false, emitted);
  const nativeReport = readFileSync(emitted, "utf8");
  rmSync(emitted, { force: true });
  const peerScores = peerRun(false);
  const wasmReport = wasmRun(false);
  checkPeer(peerScores, wasmReport);
  if (JSON.stringify(JSON.parse(nativeReport)) !== JSON.stringify(wasmReport)) {
    throw new Error("the native report differs from okr-wasm's (is okr-wasm/pkg older than okr-core? rebuild it: bash okr-wasm/build.sh)");
  }
  console.log(`checked: the peer's ${peerScores.objectives.size} objective and ${peerScores.keyResults.size} key-result scores equal okr-wasm's within ${TOLERANCE}; the native report equals okr-wasm's`);
  const sides = [() => peerRun(true), () => wasmRun(true), () => nativeRun(true)];
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < sides.length; j++) sides[(i + j) % sides.length]();
  }
  const native = Object.fromEntries(Object.entries(nt).map(([k, v]) => [k, median(v)]));

  // For comparison, not in the total: okr-wasm's string entry point, Document.fromJson of
  // the decoded text, whose glue copies the text into wasm memory one charCodeAt at a time
  // (passStringToWasm0 in pkg/node/okr_wasm.js), where fromBytes copies the bytes in one
  // block; and that block copy alone, replicated (a TypedArray set, as passArray8ToWasm0).
  const text = bytes.toString("utf8");
  const fromJson = [];
  const copyIn = [];
  const copyTarget = new Uint8Array(bytes.length);
  for (let i = 0; i <= runs; i++) {
    collect();
    const t0 = now();
    Document.fromJson(text).free();
    const t1 = now();
    copyTarget.set(bytes);
    const t2 = now();
    if (i > 0) fromJson.push(t1 - t0), copyIn.push(t2 - t1);
  }

  // Results.
  const results = process.env.OKR_BENCH_RESULTS
    ? path.resolve(process.env.OKR_BENCH_RESULTS)
    : path.join(TARGET, "okr-bench-results.jsonl");
  const record = (line) => {
    if (opts["no-record"]) return;
    mkdirSync(path.dirname(results), { recursive: true });
    const full = { ...line, source: "js-peer", run: runId, date, machine: machineInfo };
    appendFileSync(results, JSON.stringify(full) + "\n");
  };
  const time = (name, seconds) => {
    console.log(`time ${name} @${n} = ${fmt(seconds)}`);
    record({ kind: "time", name, size: n, seconds });
  };
  const ratio = (name, num, den, goal, atMost, note = "") => {
    const value = num / den;
    const met = atMost ? value <= goal : value >= goal;
    const op = atMost ? "<=" : ">=";
    const verdict = note.startsWith("(informational")
      ? ""
      : n === GOAL_SIZE
        ? met ? "goal met" : "GOAL MISSED"
        : `goal applies at ${GOAL_SIZE}`;
    console.log(`ratio ${name} @${n} = ${value.toFixed(3)}× (goal ${op} ${goal})${verdict && ` ${verdict}`}${note && ` ${note}`}`);
    record({
      kind: "ratio", name, size: n, ratio: value, numerator_s: num, denominator_s: den,
      goal: `${op} ${goal}`, goal_size: GOAL_SIZE, met, note,
    });
  };
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
  time("js peer (decode + JSON.parse + object-walking scorer)", m.peer);
  time("js peer: decode + JSON.parse", m.parse);
  time("js peer: scoreDocument", m.walk);
  time("okr-wasm (fromBytes + score + report)", m.wasm);
  time("okr-wasm: Document.fromBytes", m.fromBytes);
  time("okr-wasm: score", m.score);
  time("okr-wasm: Scorecard.report", m.report);
  time("okr-wasm fromBytes: JS side, the glue's copy of the bytes (replicated)", median(copyIn));
  time("okr-wasm: Document.fromJson of the decoded text (not in the total)", median(fromJson));
  time("native (from_utf8 + from_str + Scorecard::new + report JSON)", native.seconds);
  time("native: UTF-8 check + Document::from_str", native.load_s);
  time("native: Scorecard::new", native.score_s);
  time("native: report JSON", native.report_s);
  time("native: Document clone (what okr-wasm's score adds)", native.clone_s);
  ratio("js peer/wasm", m.peer, m.wasm, 1, false, `(node ${process.version}; ${(bytes.length / 1e6).toFixed(0)} MB of JSON)`);
  ratio("wasm/native", m.wasm, native.seconds, 2, true);
  ratio("wasm/native: load", m.fromBytes, native.load_s, 2, true, "(informational: Document.fromBytes / from_utf8 + Document::from_str)");
  ratio("wasm/native: score", m.score, native.score_s, 2, true, "(informational: score, which clones the document, / Scorecard::new)");
  ratio("wasm/native: report", m.report, native.report_s, 2, true, "(informational: report as JS objects / report as JSON text)");
  if (!opts["no-record"]) console.log(`recorded in ${results}`);
}

try {
  main();
} catch (e) {
  console.error(`js_peer: ${e.message}`);
  process.exit(1);
}
