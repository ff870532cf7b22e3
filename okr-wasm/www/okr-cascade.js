// <okr-cascade>: a dependency-free custom element that renders an OKR cascade with
// okr-wasm.
//
// Attributes: `src` (URL of a .yaml/.yml/.json/.toml document), `format` (`yaml`, `json` or
// `toml`, for a URL whose name does not tell), `as-of` (YYYY-MM-DD; default today),
// `expand-depth` (levels open at first: a number, or `auto`, the default: every level if
// the whole cascade is small, else as many levels as fit in about 400 rows), `theme`
// (`dark`). Properties: `document` (an okr-wasm Document), `scorecard` (read-only),
// `checkIns` (read-only: every check-in made in the widget). Methods: `loadText(text,
// format)`, `checkIn({keyResult, date, value, confidence, note})`, `clearCheckIns()`.
// Events: `checkin` (bubbles, composed; detail {keyResult, date, value, confidence, note}),
// `okr-rendered`, `okr-findings` (findings validated, just after a render and after
// check-ins), `okr-error`.
//
// How it stays fast: one `tree()` per document (the structure) and one columnar
// `report()` per scoring (the scores) cross the wasm boundary; rows are built the first
// time they are shown and reused; collapsed levels and the children after the first 200
// of a parent are not built at all. A check-in repaints its key result and the objectives
// above it only, with their scores from the incremental `Scorecard.checkIn`; findings are
// validated once per scoring, just after the first paint, and once after check-ins (not
// per row).
//
// Check-ins are never lost: a new `as-of` rescores the document and replays them; a new
// `src` (or `document`) replays those whose key result it has and keeps the others (see
// `checkIns`), with a notice. A host that has saved them (the `checkin` event) and loads
// the saved document calls `clearCheckIns()` first.
//
// All user text is set with textContent, never as HTML. The tree is the WAI-ARIA tree
// pattern: one tab stop (roving tabindex), Up/Down, Right/Left, Home/End, Enter/Space and
// type-ahead; Tab from an objective reaches its key results' check-in buttons.

import init, { Document, statusColours } from "../pkg/web/okr_wasm.js";

let ready = null;
/** Loads the wasm module once per page. */
export function loadWasm() {
  if (!ready) ready = init();
  return ready;
}

const STATUSES = ["on_track", "at_risk", "off_track", "unknown", "dropped"];
const STATUS_LABEL = {
  on_track: "on track",
  at_risk: "at risk",
  off_track: "off track",
  unknown: "unscored",
  dropped: "dropped",
};
const UNSCORED = { score: null, progress: null, expected: null, status: "unknown", forecast: null };
/** Children shown under one parent before a "show more" row. */
const PAGE = 200;
/** `expand-depth="auto"`: open levels while at most this many rows show. */
const AUTO_ROWS = 400;
/** A filter with more values than this is a text box with suggestions, not a select. */
const MAX_OPTIONS = 200;
const FORMATS = { json: "json", yaml: "yaml", yml: "yaml", toml: "toml" };

const STYLE = `
:host { display: block; font: var(--okr-font, 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  --okr-text: #1f2933; --okr-muted: #616e7c; --okr-background: transparent; --okr-surface: #ffffff;
  --okr-surface-alt: #f5f7fa; --okr-surface-top: #f0f4ff; --okr-border: #e4e7eb; --okr-border-strong: #cbd2d9;
  --okr-track: #e4e7eb; --okr-mark: #1f2933; --okr-accent: #3f6ad8; --okr-selected: #e3eafc;
  --okr-error-surface: #fff5f5; --okr-error-text: #8a1c1c; --okr-warning-surface: #fffbea;
  color: var(--okr-text); background: var(--okr-background); }
:host([theme="dark"]) { color-scheme: dark;
  --okr-text: #e4e7eb; --okr-muted: #9aa5b1; --okr-background: #111820; --okr-surface: #1b2631;
  --okr-surface-alt: #223140; --okr-surface-top: #1f3049; --okr-border: #334455; --okr-border-strong: #4a5d70;
  --okr-track: #334455; --okr-mark: #f5f7fa; --okr-accent: #8aa8f5; --okr-selected: #283e66;
  --okr-error-surface: #3a1d1d; --okr-error-text: #ffb3b3; --okr-warning-surface: #3a3218; }
* { box-sizing: border-box; }
header { display: flex; flex-wrap: wrap; gap: 10px 18px; align-items: center; padding: 12px 16px;
  background: var(--okr-surface-alt); border: 1px solid var(--okr-border); border-radius: 10px; margin-bottom: 12px; }
header h2 { font-size: 16px; margin: 0; font-weight: 600; }
header .asof, header .matches { color: var(--okr-muted); }
header label { color: var(--okr-muted); }
header select, header input { margin-left: 6px; font: inherit; padding: 2px 6px; border-radius: 6px;
  border: 1px solid var(--okr-border-strong); background: var(--okr-surface); color: var(--okr-text); }
header input[type="search"] { width: 15em; margin-left: 0; }
.summary { display: flex; gap: 8px; margin-left: auto; }
.pill { padding: 1px 10px; border-radius: 999px; color: #fff; font-size: 12px; font-weight: 600; }
.pill.on_track { background: var(--okr-on-track); } .pill.at_risk { background: var(--okr-at-risk); color: #1f2933; }
.pill.off_track { background: var(--okr-off-track); } .pill.unknown { background: var(--okr-unknown); color: #1f2933; }
.error, .notice { border: 1px solid var(--okr-off-track); background: var(--okr-error-surface); color: var(--okr-error-text);
  padding: 10px 14px; border-radius: 8px; margin-bottom: 12px; }
.notice { border-color: var(--okr-at-risk); background: var(--okr-warning-surface); color: var(--okr-text); }
.error ul, .notice ul { margin: 6px 0 0; padding-left: 20px; font-family: ui-monospace, monospace; font-size: 12px; }
.pill.dropped { background: var(--okr-dropped); }
ul.tree, ul.children { list-style: none; margin: 0; padding: 0; }
ul.children { margin-left: 22px; border-left: 1px dashed var(--okr-border-strong); padding-left: 8px; }
li.objective, li.more { margin: 4px 0; }
li[role="treeitem"]:focus { outline: none; }
li[role="treeitem"]:focus-visible > .row, li.more:focus-visible { outline: 2px solid var(--okr-accent); outline-offset: 1px; }
li[aria-selected="true"] > .row { border-color: var(--okr-accent); box-shadow: inset 3px 0 0 var(--okr-accent); }
.row { display: grid; grid-template-columns: 22px 1fr 150px 54px; align-items: center; gap: 8px;
  padding: 6px 8px; border-radius: 8px; background: var(--okr-surface); border: 1px solid var(--okr-border); }
.row:hover { border-color: var(--okr-border-strong); }
li.level-company > .row { background: var(--okr-surface-top); }
.toggle { width: 22px; height: 22px; border: none; background: none; cursor: pointer; border-radius: 4px; color: var(--okr-muted); font-size: 12px; }
button:focus-visible, select:focus-visible, input:focus-visible { outline: 2px solid var(--okr-accent); outline-offset: 1px; }
.toggle[disabled] { visibility: hidden; }
.title { font-weight: 600; }
.sub { color: var(--okr-muted); font-size: 12px; font-weight: 400; }
.sub .level { text-transform: uppercase; letter-spacing: 0.04em; font-size: 10px; background: var(--okr-border);
  border-radius: 4px; padding: 0 5px; margin-right: 6px; color: var(--okr-text); }
.bar { position: relative; height: 10px; background: var(--okr-track); border-radius: 5px; }
.fill { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 5px; }
.mark { position: absolute; top: -3px; bottom: -3px; width: 2px; background: var(--okr-mark); }
.score { font-variant-numeric: tabular-nums; font-weight: 600; text-align: right; }
.meta { grid-column: 2 / -1; color: var(--okr-muted); font-size: 12px; }
.status { font-weight: 600; }
.status.on_track { color: color-mix(in srgb, var(--okr-on-track) 80%, var(--okr-text)); }
.status.at_risk { color: color-mix(in srgb, var(--okr-at-risk) 60%, var(--okr-text)); }
.status.off_track { color: color-mix(in srgb, var(--okr-off-track) 80%, var(--okr-text)); }
.status.unknown { color: var(--okr-muted); }
.fill.on_track { background: var(--okr-on-track); } .fill.at_risk { background: var(--okr-at-risk); }
.fill.off_track { background: var(--okr-off-track); } .fill.unknown { background: var(--okr-unknown); }
.status.dropped { color: var(--okr-muted); text-decoration: line-through; }
.fill.dropped { background: var(--okr-dropped); }
ul.krs { list-style: none; margin: 4px 0 6px 30px; padding: 0; }
li.kr { display: grid; grid-template-columns: 1fr 150px 54px 80px; gap: 8px; align-items: center; padding: 2px 8px; font-size: 13px; }
button.checkin-btn, li.more { font: inherit; font-size: 12px; padding: 1px 8px; border-radius: 6px;
  border: 1px solid var(--okr-border-strong); background: var(--okr-surface); color: var(--okr-text); cursor: pointer; }
li.more { display: inline-block; padding: 3px 12px; }
form.checkin { grid-column: 1 / -1; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; padding: 6px 8px;
  background: var(--okr-surface-alt); border-radius: 6px; }
form.checkin label { display: inline-flex; gap: 4px; align-items: center; color: var(--okr-muted); }
form.checkin input, form.checkin select { font: inherit; width: 9em; padding: 1px 6px; border: 1px solid var(--okr-border-strong);
  border-radius: 6px; background: var(--okr-surface); color: var(--okr-text); }
form.checkin input[name="note"] { width: 14em; }
form.checkin button { font: inherit; padding: 1px 10px; border-radius: 6px; border: 1px solid var(--okr-accent);
  background: var(--okr-accent); color: #fff; cursor: pointer; }
form.checkin .err { color: var(--okr-error-text); }
ul.findings { list-style: none; margin: 2px 0 6px 30px; padding: 0; font-size: 12px; }
li.finding { padding: 2px 8px; border-left: 3px solid; margin: 2px 0; background: var(--okr-warning-surface); }
li.finding.error { border-color: var(--okr-off-track); background: var(--okr-error-surface); }
li.finding.warning { border-color: var(--okr-at-risk); }
li.finding.info { border-color: var(--okr-accent); background: var(--okr-surface-top); }
li.finding .code { font-family: ui-monospace, monospace; font-weight: 600; margin-right: 6px; }
li.finding .help { color: var(--okr-muted); display: block; }
.repeat { font-style: italic; }
.collapsed > ul.krs, .collapsed > ul.findings { display: none; }
[hidden] { display: none !important; }
`;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function fmt(x) {
  return x === null || x === undefined ? "–" : x.toFixed(2);
}

/** The document format a URL's file name tells (`null` when it does not). */
export function formatOf(url) {
  const path = String(url).split(/[?#]/)[0];
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot < 0 ? null : FORMATS[name.slice(dot + 1).toLowerCase()] || null;
}

function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

const TREEITEM = 'li[role="treeitem"]';

export class OkrCascade extends HTMLElement {
  static get observedAttributes() {
    return ["src", "as-of", "expand-depth"];
  }

  constructor() {
    super();
    this._doc = null;
    this._card = null;
    this._rows = null;
    this._checkIns = [];
    this._seq = 0;
    this._abort = null;
    this._requested = null;
    this._filters = { q: "", team: "", person: "", status: "", level: "" };
    this._active = null;
    this._typed = "";
    this._typedAt = 0;
    this._root = this.attachShadow({ mode: "open" });
    this._palette = el("style");
    this._header = el("header", { part: "header" });
    this._notice = el("div", { class: "notice", role: "status", part: "notice", hidden: true });
    this._error = el("div", { class: "error", role: "alert", part: "error", hidden: true });
    this._tree = el("ul", { class: "tree", role: "tree", "aria-label": "OKR cascade", part: "tree" });
    this._root.append(el("style", { text: STYLE }), this._palette, this._header, this._notice, this._error, this._tree);
    this._tree.addEventListener("keydown", (e) => this._onKey(e));
    this._tree.addEventListener("focusin", (e) => this._onFocusIn(e));
    this._tree.addEventListener("click", (e) => this._onClick(e));
    this._tree.addEventListener("submit", (e) => this._onSubmit(e));
  }

  connectedCallback() {
    // Re-attaching the element (remove, append again) does not fetch again.
    const src = this.getAttribute("src");
    if (src && src !== this._requested) this._fetch(src);
  }

  attributeChangedCallback(name, old, value) {
    if (old === value) return;
    if (name === "src") {
      if (this.isConnected && value && value !== this._requested) this._fetch(value);
    } else if (name === "as-of") {
      if (this._doc) this._show();
    } else if (name === "expand-depth") {
      if (this._rows) this._build();
    }
  }

  /** The okr-wasm Document shown. */
  get document() {
    return this._doc;
  }

  /** Shows a new document; the check-ins made here are replayed on it where they apply. */
  set document(doc) {
    this._seq += 1; // an answer still on its way is not shown over this one
    this._abort?.abort();
    this._setDocument(doc);
  }

  /** The live Scorecard (check-ins made in the widget are recorded in it). */
  get scorecard() {
    return this._card;
  }

  /** Every check-in made in the widget, oldest first ({keyResult, date, value, confidence, note}). */
  get checkIns() {
    return this._checkIns.map((c) => ({ ...c }));
  }

  /** Forgets the widget's check-ins (once a host has saved them); the document shown keeps them. */
  clearCheckIns() {
    this._checkIns = [];
    this._notice.hidden = true;
  }

  /** Parses and shows a document given as text ("yaml", "json" or "toml"). */
  async loadText(text, format = "yaml") {
    const seq = ++this._seq;
    this._abort?.abort();
    await loadWasm();
    if (seq !== this._seq) return;
    try {
      this._setDocument(Document.fromBytes(new TextEncoder().encode(text), format));
    } catch (e) {
      this._loadError(e);
    }
  }

  /**
   * Records a check-in on a key result, repaints it and the objectives above it, and emits
   * a `checkin` event. Throws (and records nothing) when the core refuses it.
   */
  checkIn({ keyResult, date, value, confidence = null, note = null }) {
    if (!this._card) throw new Error("no document is shown");
    const n = this._card.checkIn(keyResult, date, value, confidence ?? undefined, note ?? undefined);
    const detail = { keyResult, date, value, confidence, note };
    this._checkIns.push(detail);
    this._afterCheckIn(keyResult, n);
    this.dispatchEvent(new CustomEvent("checkin", { bubbles: true, composed: true, detail: { ...detail } }));
    this.dispatchEvent(new CustomEvent("okr-check-in", { detail: { keyResult } }));
    return n;
  }

  // -------------------------------------------------------------------------------------
  // Loading

  async _fetch(url) {
    const seq = ++this._seq;
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    this._requested = url;
    try {
      const format = this.getAttribute("format") || formatOf(url);
      if (!format) {
        throw new Error(
          `\`${url}\`: cannot tell the format from the file name: use a \`.json\`, \`.yaml\`, \`.yml\` or \`.toml\` extension, or set the \`format\` attribute`,
        );
      }
      const [, response] = await Promise.all([loadWasm(), fetch(url, { signal: abort.signal })]);
      if (!response.ok) throw new Error(`cannot load \`${url}\`: HTTP ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (seq !== this._seq) return;
      this._setDocument(Document.fromBytes(bytes, format));
    } catch (e) {
      if (seq !== this._seq || (e && e.name === "AbortError")) return;
      this._loadError(e);
    }
  }

  _loadError(e) {
    this._doc = null;
    this._showError(e);
  }

  _showError(e) {
    this._card = null;
    this._rows = null;
    this._li = [];
    this._active = null;
    this._tree.replaceChildren();
    this._header.replaceChildren(el("h2", { text: "OKR cascade" }));
    const problems = Array.isArray(e && e.problems) ? e.problems : [];
    const first = String((e && e.message) || e).split("\n")[0];
    const list = el("ul");
    for (const p of problems) {
      const where = p.line ? `${p.line}:${p.column}: ` : "";
      list.append(el("li", { text: `${where}${p.path ? p.path + ": " : ""}${p.message}` }));
    }
    this._error.replaceChildren(el("strong", { text: first }), ...(problems.length ? [list] : []));
    this._error.hidden = false;
    this.dispatchEvent(new CustomEvent("okr-error", { detail: e }));
  }

  _setDocument(doc) {
    this._doc = doc;
    this._rows = null;
    this._show();
  }

  /** Scores the document as of the attribute, replays the check-ins and paints. */
  _show() {
    if (!this._doc) return;
    if (!this._palette.textContent) {
      const c = statusColours();
      this._palette.textContent = `:host { --okr-on-track: ${c.on_track}; --okr-at-risk: ${c.at_risk}; --okr-off-track: ${c.off_track}; --okr-unknown: ${c.unknown}; --okr-dropped: ${c.dropped}; }`;
    }
    let card;
    try {
      card = this._doc.score(this.getAttribute("as-of") || undefined);
    } catch (e) {
      this._showError(e);
      return;
    }
    const skipped = [];
    for (const c of this._checkIns) {
      try {
        card.checkIn(c.keyResult, c.date, c.value, c.confidence ?? undefined, c.note ?? undefined);
      } catch (e) {
        skipped.push({ c, why: String(e.message || e) });
      }
    }
    this._card = card;
    this._error.hidden = true;
    const fresh = !this._rows;
    if (fresh) this._structure(card.tree());
    this._scoresFrom(card.report());
    if (fresh) this._findings = new Map();
    if (fresh) this._build();
    else this._repaintAll();
    this._showNotice(skipped);
    this.dispatchEvent(new CustomEvent("okr-rendered"));
    // Findings right after the first paint (validating 10k objectives takes about as
    // long as building their tree).
    this._validateSoon(-1);
  }

  _showNotice(skipped) {
    if (!skipped.length) {
      this._notice.hidden = true;
      return;
    }
    const n = skipped.length;
    const list = el("ul");
    for (const { c, why } of skipped) list.append(el("li", { text: `${c.keyResult} on ${c.date}: ${why}` }));
    this._notice.replaceChildren(
      el("strong", { text: `${n} check-in${n === 1 ? "" : "s"} made here ${n === 1 ? "does" : "do"} not apply to this document and ${n === 1 ? "is" : "are"} kept (see the checkIns property)` }),
      list,
    );
    this._notice.hidden = false;
  }

  // -------------------------------------------------------------------------------------
  // The model: rows of the tree (once per document), scores (once per scoring), findings

  _structure(rows) {
    const n = rows.length;
    const parent = new Int32Array(n);
    const end = new Int32Array(n);
    const kids = new Array(n);
    const roots = [];
    const rowsOf = new Map();
    const krObjective = new Map();
    const krInfo = new Map();
    const stack = [];
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      while (stack.length > r.depth) end[stack.pop()] = i;
      const p = stack.length ? stack[stack.length - 1] : -1;
      parent[i] = p;
      if (p < 0) roots.push(i);
      else (kids[p] ||= []).push(i);
      stack.push(i);
      const same = rowsOf.get(r.id);
      if (same) same.push(i);
      else rowsOf.set(r.id, [i]);
      for (const k of r.keyResults) {
        krObjective.set(k.id, r.id);
        krInfo.set(k.id, k);
      }
    }
    while (stack.length) end[stack.pop()] = n;
    Object.assign(this, { _rows: rows, _parent: parent, _end: end, _kids: kids, _roots: roots, _rowsOf: rowsOf, _krObjective: krObjective, _krInfo: krInfo, _hay: null });
  }

  _scoresFrom(report) {
    this._obj = new Map();
    this._kr = new Map();
    this._counts = { on_track: 0, at_risk: 0, off_track: 0, unknown: 0, dropped: 0 };
    for (const o of report.objectives) {
      this._obj.set(o.id, o);
      this._counts[o.status] += 1;
    }
    for (const k of report.keyResults) this._kr.set(k.id, k);
    this._asOf = report.asOf;
  }

  /** Files each finding under its first subject. */
  _findingsFrom(findings) {
    this._findings = new Map();
    for (const f of findings) {
      const key = f.subjects[0];
      const list = this._findings.get(key);
      if (list) list.push(f);
      else this._findings.set(key, [f]);
    }
  }

  /** The objectives a check-in on the objective `id` can move: it and its ancestors. */
  _ancestors(id) {
    const seen = new Set([id]);
    const todo = [id];
    while (todo.length) {
      for (const k of this._rowsOf.get(todo.pop()) || []) {
        const p = this._parent[k];
        if (p < 0) continue;
        const pid = this._rows[p].id;
        if (!seen.has(pid)) {
          seen.add(pid);
          todo.push(pid);
        }
      }
    }
    return seen;
  }

  _afterCheckIn(krId, rescored) {
    const objective = this._krObjective.get(krId);
    const ids = this._ancestors(objective);
    if (rescored > ids.size) {
      // More moved than the tree shows above it: take every score again.
      this._scoresFrom(this._card.report());
      this._repaintAll();
    } else {
      this._kr.set(krId, this._card.keyResult(krId));
      for (const id of ids) {
        const old = this._obj.get(id);
        const now = this._card.objective(id);
        if (old) this._counts[old.status] -= 1;
        this._counts[now.status] += 1;
        this._obj.set(id, now);
        for (const k of this._rowsOf.get(id) || []) if (this._li[k]) this._paintObjective(k);
      }
      for (const k of this._rowsOf.get(objective) || []) {
        const item = this._li[k]?.okrKrItems?.get(krId);
        if (item) this._paint(item, this._kr.get(krId));
      }
      this._paintSummary();
    }
    // Findings (stale check-ins, …) once, after the repaint, for every check-in so far.
    this._validateSoon(30);
  }

  /**
   * Validates once, shortly (several requests in a row: once), and repaints the findings;
   * `delay` -1: after the next frame is painted.
   */
  _validateSoon(delay) {
    clearTimeout(this._findingsTimer);
    const run = () => {
      if (!this._card) return;
      this._findingsFrom(this._card.validate());
      for (let k = 0; k < this._li.length; k++) if (this._li[k]?.okrBody) this._paintFindings(k);
      this.dispatchEvent(new CustomEvent("okr-findings"));
    };
    const seq = (this._findingsSeq = (this._findingsSeq || 0) + 1);
    if (delay >= 0) this._findingsTimer = setTimeout(run, delay);
    else requestAnimationFrame(() => (this._findingsTimer = setTimeout(() => seq === this._findingsSeq && run(), 0)));
  }

  // -------------------------------------------------------------------------------------
  // Building and painting rows

  /** Rebuilds the shown tree from the model (new document or new expand-depth). */
  _build() {
    const n = this._rows.length;
    this._li = new Array(n);
    this._expanded = new Uint8Array(n);
    this._limits = new Map();
    this._active = null;
    const depth = this._expandDepth();
    for (let i = 0; i < n; i++) if (this._rows[i].depth < depth) this._expanded[i] = 1;
    this._renderHeader();
    this._applyFilter();
  }

  _expandDepth() {
    const attr = this.getAttribute("expand-depth");
    if (attr !== null && attr !== "auto" && /^\d+$/.test(attr)) return Number(attr);
    const rows = this._rows;
    if (rows.length <= AUTO_ROWS) return Infinity;
    const perDepth = [];
    for (const r of rows) perDepth[r.depth] = (perDepth[r.depth] || 0) + 1;
    let shown = 0;
    let depth = 0;
    for (let d = 0; d < perDepth.length; d++) {
      shown += perDepth[d] || 0;
      if (shown > AUTO_ROWS) break;
      depth = d; // levels 0..d show, those above d are open
    }
    return depth;
  }

  _renderHeader() {
    const teams = new Set();
    const people = new Set();
    const levels = [];
    for (const r of this._rows) {
      if (r.team) teams.add(r.team);
      for (const o of r.owners) people.add(o);
      if (!levels.includes(r.level)) levels.push(r.level);
    }
    const select = (label, name, values, labels = {}) => {
      const current = new Set(values).has(this._filters[name]) ? this._filters[name] : "";
      this._filters[name] = current;
      if (values.length > MAX_OPTIONS) {
        // Thousands of people: a text box whose suggestions are built when first used.
        const list = el("datalist", { id: `okr-${name}-values` });
        const input = el("input", { name, part: "filter", list: list.id, placeholder: "all", "aria-label": `Filter by ${label.toLowerCase()}`, value: current || null });
        input.addEventListener("focus", () => list.append(...values.map((v) => el("option", { value: v }))), { once: true });
        input.addEventListener("change", () => {
          this._filters[name] = input.value.trim();
          this._applyFilter();
        });
        return el("label", { text: label }, input, list);
      }
      const s = el("select", { name, part: "filter", "aria-label": `Filter by ${label.toLowerCase()}` });
      s.append(el("option", { value: "", text: "all" }));
      for (const v of values) s.append(el("option", { value: v, text: labels[v] || v, selected: v === current }));
      s.addEventListener("change", () => {
        this._filters[name] = s.value;
        this._applyFilter();
      });
      return el("label", { text: label }, s);
    };
    const search = el("input", {
      type: "search",
      name: "search",
      part: "search",
      placeholder: "Search title, id, owner",
      "aria-label": "Search objectives by title, id or owner",
      value: this._filters.q || null,
    });
    search.addEventListener("input", () => {
      this._filters.q = search.value.trim();
      this._applyFilter();
    });
    this._asOfText = el("span", { class: "asof", text: `as of ${this._asOf}` });
    this._matches = el("span", { class: "matches", role: "status" });
    this._summary = el("div", { class: "summary", part: "summary" });
    this._header.replaceChildren(
      el("h2", { text: "OKR cascade" }),
      this._asOfText,
      search,
      select("Team", "team", [...teams].sort()),
      select("Person", "person", [...people].sort()),
      select("Status", "status", STATUSES, STATUS_LABEL),
      select("Level", "level", levels),
      this._matches,
      this._summary,
    );
    this._paintSummary();
  }

  _paintSummary() {
    this._summary.replaceChildren(
      ...STATUSES.filter((s) => this._counts[s] > 0).map((s) => el("span", { class: `pill ${s}`, text: `${this._counts[s]} ${STATUS_LABEL[s]}` })),
    );
  }

  /** Which rows show under the filters: the matching ones and their ancestors (opened). */
  _applyFilter() {
    const { q, team, person, status, level } = this._filters;
    const rows = this._rows;
    if (!q && !team && !person && !status && !level) {
      this._shown = null;
      this._matches.textContent = "";
    } else {
      const n = rows.length;
      const needle = q.toLowerCase();
      if (needle && !this._hay) this._hay = rows.map((r) => `${r.title}\n${r.id}\n${r.owners.join("\n")}`.toLowerCase());
      const shown = new Uint8Array(n);
      const matched = new Set();
      for (let i = n - 1; i >= 0; i--) {
        const r = rows[i];
        const hit =
          (!team || r.team === team) &&
          (!person || r.owners.includes(person)) &&
          (!level || r.level === level) &&
          (!status || (this._obj.get(r.id) || UNSCORED).status === status) &&
          (!needle || this._hay[i].includes(needle));
        if (hit) {
          shown[i] = 1;
          matched.add(r.id);
        }
        const p = this._parent[i];
        if (shown[i] && p >= 0) {
          shown[p] = 1;
          this._expanded[p] = 1;
        }
      }
      this._shown = shown;
      this._matches.textContent = `${matched.size} matching objective${matched.size === 1 ? "" : "s"}`;
    }
    this._limits.clear();
    this._syncGroup(-1);
    if (!this._active || !this._active.isConnected) {
      const first = this._tree.firstElementChild;
      this._active = null;
      if (first) this._setActive(first);
    }
  }

  _visibleKids(k) {
    const all = this._kids[k] || [];
    const shown = this._shown;
    return shown ? all.filter((c) => shown[c]) : all;
  }

  /** Fills the group under row `p` (-1: the top) with its shown children, paged. */
  _syncGroup(p) {
    const container = p < 0 ? this._tree : this._groupOf(p);
    const list = p < 0 ? (this._shown ? this._roots.filter((c) => this._shown[c]) : this._roots) : this._visibleKids(p);
    const limit = this._limits.get(p) || PAGE;
    const count = Math.min(list.length, limit);
    const items = new Array(count);
    for (let j = 0; j < count; j++) {
      const k = list[j];
      const li = this._item(k);
      li.setAttribute("aria-posinset", String(j + 1));
      li.setAttribute("aria-setsize", String(list.length));
      items[j] = li;
      this._syncItem(k);
    }
    if (list.length > limit) {
      const level = p < 0 ? 1 : this._rows[p].depth + 2;
      const rest = list.length - limit;
      const more = el("li", { class: "more", part: "more", role: "treeitem", tabindex: "-1", "aria-level": level, "aria-selected": "false", text: `Show ${Math.min(rest, PAGE)} more (${rest} not shown)` });
      more.okrParent = p;
      items.push(more);
    }
    container.replaceChildren(...items);
  }

  /** Applies row k's open/closed state to its element, building what it now shows. */
  _syncItem(k) {
    const li = this._li[k];
    const row = this._rows[k];
    if (row.repeated) return;
    const kids = this._visibleKids(k).length;
    const expandable = kids > 0 || row.keyResults.length > 0;
    li.okrToggle.disabled = !expandable;
    if (!expandable) {
      li.removeAttribute("aria-expanded");
      return;
    }
    const open = this._expanded[k] === 1;
    li.setAttribute("aria-expanded", open ? "true" : "false");
    li.classList.toggle("collapsed", !open);
    li.okrToggle.textContent = open ? "▾" : "▸";
    li.okrToggle.setAttribute("aria-label", `${open ? "Collapse" : "Expand"} ${row.title}`);
    if (open) this._body(k);
    if (open && kids > 0) {
      const group = this._groupOf(k);
      group.hidden = false;
      this._syncGroup(k);
    } else if (li.okrGroup) {
      li.okrGroup.hidden = true;
    }
  }

  _groupOf(k) {
    const li = this._li[k];
    if (!li.okrGroup) {
      li.okrGroup = el("ul", { class: "children", role: "group" });
      li.append(li.okrGroup);
    }
    return li.okrGroup;
  }

  _setExpanded(k, open) {
    this._expanded[k] = open ? 1 : 0;
    const li = this._li[k];
    if (!open) {
      // What is hidden is dropped: memory stays bounded by what is shown.
      let focusInside = false;
      for (let j = k + 1; j < this._end[k]; j++) {
        if (this._li[j] && this._li[j] === this._active) focusInside = true;
        this._li[j] = undefined;
        this._limits.delete(j);
      }
      this._limits.delete(k);
      if (li.okrGroup) li.okrGroup.replaceChildren();
      if (focusInside || (this._active && !this._active.isConnected)) {
        this._active = null;
        this._setActive(li);
        li.focus();
      }
    }
    this._syncItem(k);
  }

  /** Row k's element, built the first time it is shown. */
  _item(k) {
    let li = this._li[k];
    if (li) return li;
    const row = this._rows[k];
    li = el("li", {
      class: `objective level-${row.level.replace(/[^A-Za-z0-9_-]/g, "_")}`,
      part: "objective",
      role: "treeitem",
      tabindex: "-1",
      "aria-level": row.depth + 1,
      "aria-selected": "false",
      "aria-labelledby": `t${k}`,
      "aria-describedby": `m${k}`,
      "data-objective-id": row.id,
      "data-team": row.team || "",
      "data-owners": row.owners.join(" "),
      "data-repeated": row.repeated ? "true" : null,
    });
    li.okrRow = k;
    const toggle = el("button", { class: "toggle", type: "button", tabindex: "-1", "aria-label": `Collapse ${row.title}`, text: "▾", disabled: row.repeated });
    const owners = row.owners.length ? ` · @${row.owners.join(", @")}` : "";
    const extra = [
      row.team ? ` · team ${row.team}` : "",
      owners,
      row.contributes ? "" : " · supports",
      row.weight !== null && row.weight !== 1 && row.contributes ? ` · weight ${row.weight}` : "",
      row.onCycle ? " · on an alignment cycle" : "",
    ].join("");
    const title = el(
      "div",
      {},
      el("span", { class: "title", part: "title", id: `t${k}`, text: row.title }),
      el("div", { class: "sub" }, el("span", { class: "level", text: row.level }), el("span", { text: `${row.id}${extra}` })),
    );
    const meta = el("div", { class: row.repeated ? "meta repeat" : "meta", id: `m${k}` });
    if (row.repeated) meta.textContent = "shown above with its key results and aligned objectives";
    const rowEl = el("div", { class: "row", part: "row" }, toggle, title, this._bar(), el("span", { class: "score", part: "score" }), meta);
    li.append(rowEl);
    li.okrToggle = toggle;
    li.okrMeta = meta;
    this._li[k] = li;
    this._paintObjective(k);
    return li;
  }

  /** Row k's key results and findings, built when it is first opened. */
  _body(k) {
    const li = this._li[k];
    if (li.okrBody) return;
    li.okrBody = true;
    const row = this._rows[k];
    li.okrKrItems = new Map();
    if (row.keyResults.length) {
      const krs = el("ul", { class: "krs", "aria-label": `Key results of ${row.title}` });
      for (const kr of row.keyResults) {
        const item = this._krItem(kr, li === this._active);
        li.okrKrItems.set(kr.id, item);
        krs.append(item);
      }
      li.okrKrs = krs;
      li.insertBefore(krs, li.okrGroup || null);
    }
    // The explanation of an objective's score (the core's `explain`, to come) goes here,
    // between its key results and its findings: one element with part="explanation".
    this._paintFindings(k);
  }

  _krItem(kr, tabbable) {
    const item = el("li", { class: "kr", part: "key-result", "data-kr-id": kr.id });
    const button = el("button", {
      class: "checkin-btn",
      part: "checkin-button",
      type: "button",
      tabindex: tabbable ? "0" : "-1",
      text: "Check in",
      "aria-label": `Check in on ${kr.title}`,
      "aria-expanded": "false",
    });
    item.append(el("span", { text: kr.title + (kr.unit ? ` (${kr.unit})` : "") }), this._bar(), el("span", { class: "score" }), button);
    this._paint(item, this._kr.get(kr.id) || UNSCORED);
    return item;
  }

  _checkInForm(item) {
    const kr = this._krInfo.get(item.dataset.krId);
    const form = el("form", { class: "checkin", part: "checkin-form", "aria-label": `Check in on ${kr.title}` });
    const label = (text, control) => el("label", { text }, control);
    const value =
      kr.kind === "binary"
        ? el("select", { name: "value" }, el("option", { value: "true", text: "done" }), el("option", { value: "false", text: "not done" }))
        : el("input", { name: "value", type: "number", step: "any", required: true });
    const date = el("input", { name: "date", type: "date", required: true, value: this.getAttribute("as-of") || today() });
    const confidence = el("input", { name: "confidence", type: "number", min: "0", max: "1", step: "0.05", placeholder: "0–1" });
    const note = el("input", { name: "note", type: "text", maxlength: "500" });
    form.append(
      label(kr.kind === "binary" ? "Done" : `Value${kr.unit ? " (" + kr.unit + ")" : ""}`, value),
      label("Date", date),
      label("Confidence", confidence),
      label("Note", note),
      el("button", { type: "submit", text: "Save" }),
      el("span", { class: "err", role: "status" }),
    );
    item.append(form);
    return form;
  }

  _findingList(findings) {
    const list = el("ul", { class: "findings", "aria-label": "Findings" });
    for (const f of findings) {
      list.append(
        el(
          "li",
          { class: `finding ${f.severity}`, part: "finding", "data-code": f.code },
          el("span", { class: "code", text: `${f.severity}[${f.code}]` }),
          el("span", { text: f.message }),
          f.help ? el("span", { class: "help", text: f.help }) : null,
        ),
      );
    }
    return list;
  }

  /** Row k's findings (its own and its key results'), replaced only when they changed. */
  _paintFindings(k) {
    const li = this._li[k];
    const row = this._rows[k];
    const own = [...(this._findings.get(row.id) || [])];
    for (const kr of row.keyResults) own.push(...(this._findings.get(kr.id) || []));
    const key = own.map((f) => `${f.severity}\u0000${f.code}\u0000${f.message}`).join("\u0001");
    if (key === (li.okrFindingsKey || "")) return;
    li.okrFindingsKey = key;
    li.okrFindings?.remove();
    li.okrFindings = own.length ? this._findingList(own) : null;
    if (li.okrFindings) li.insertBefore(li.okrFindings, li.okrGroup || null);
  }

  _bar() {
    return el("div", { class: "bar", part: "bar", role: "meter", "aria-valuemin": "0", "aria-valuemax": "1" }, el("div", { class: "fill", part: "fill" }), el("div", { class: "mark", hidden: true }));
  }

  _paint(node, s) {
    const row = node.classList.contains("kr") ? node : node.firstElementChild;
    const bar = row.querySelector(":scope > .bar");
    const fill = bar.firstElementChild;
    const mark = bar.lastElementChild;
    const score = s.score === null ? 0 : Math.max(0, Math.min(1, s.score));
    fill.style.width = `${(score * 100).toFixed(2)}%`;
    fill.className = `fill ${s.status}`;
    bar.setAttribute("aria-valuenow", String(score));
    bar.setAttribute("aria-label", `score ${fmt(s.score)}, expected ${fmt(s.expected)}`);
    if (s.expected === null) mark.hidden = true;
    else {
      mark.hidden = false;
      mark.style.left = `calc(${(Math.max(0, Math.min(1, s.expected)) * 100).toFixed(2)}% - 1px)`;
      mark.title = `expected ${fmt(s.expected)}`;
    }
    row.querySelector(":scope > .score").textContent = fmt(s.score);
    node.dataset.score = s.score === null ? "" : String(s.score);
    node.dataset.status = s.status;
  }

  _paintObjective(k) {
    const li = this._li[k];
    const s = this._obj.get(this._rows[k].id) || UNSCORED;
    this._paint(li, s);
    if (this._rows[k].repeated) return;
    li.okrMeta.replaceChildren(
      el("span", { class: `status ${s.status}`, text: STATUS_LABEL[s.status] }),
      document.createTextNode(` · expected ${fmt(s.expected)} · forecast ${fmt(s.forecast)} · progress ${fmt(s.progress)}`),
    );
  }

  /** New scores for everything (a new as-of): repaints the rows built so far. */
  _repaintAll() {
    if (this._asOfText) this._asOfText.textContent = `as of ${this._asOf}`;
    for (let k = 0; k < this._li.length; k++) {
      const li = this._li[k];
      if (!li) continue;
      this._paintObjective(k);
      if (!li.okrBody) continue;
      for (const [id, item] of li.okrKrItems) this._paint(item, this._kr.get(id) || UNSCORED);
      this._paintFindings(k);
    }
    this._paintSummary();
  }

  // -------------------------------------------------------------------------------------
  // Events: clicks, check-ins, the keyboard (WAI-ARIA tree pattern)

  _onClick(e) {
    const t = e.target;
    const toggle = t.closest(".toggle");
    if (toggle) {
      const k = toggle.closest("li.objective").okrRow;
      this._setExpanded(k, this._expanded[k] !== 1);
      return;
    }
    const button = t.closest("button.checkin-btn");
    if (button) {
      const item = button.closest("li.kr");
      const form = item.querySelector(":scope > form.checkin") || this._checkInForm(item);
      const open = button.getAttribute("aria-expanded") !== "true";
      if (open) form.hidden = false;
      else form.hidden = true;
      button.setAttribute("aria-expanded", String(open));
      if (open) form.elements.value.focus();
      return;
    }
    const more = t.closest("li.more");
    if (more) this._showMore(more);
  }

  _showMore(more) {
    const p = more.okrParent;
    const container = more.parentElement;
    const at = container.children.length - 1;
    this._limits.set(p, (this._limits.get(p) || PAGE) + PAGE);
    this._syncGroup(p);
    const next = container.children[at];
    if (next) this._focus(next);
  }

  _onSubmit(event) {
    const form = event.target.closest("form.checkin");
    if (!form) return;
    event.preventDefault();
    const item = form.closest("li.kr");
    const id = item.dataset.krId;
    const kr = this._krInfo.get(id);
    const f = form.elements;
    const err = form.querySelector(".err");
    try {
      const value = kr.kind === "binary" ? f.value.value === "true" : Number(f.value.value);
      if (typeof value === "number" && (f.value.value.trim() === "" || !Number.isFinite(value))) throw new Error("the value must be a number");
      const confidence = f.confidence.value === "" ? null : Number(f.confidence.value);
      const note = f.note.value.trim() === "" ? null : f.note.value;
      this.checkIn({ keyResult: id, date: f.date.value, value, confidence, note });
      err.textContent = "";
      form.hidden = true;
      const button = item.querySelector(":scope > button.checkin-btn");
      button.setAttribute("aria-expanded", "false");
      button.focus();
    } catch (e) {
      err.textContent = String(e.message || e);
    }
  }

  _onFocusIn(e) {
    const li = e.target.closest(TREEITEM);
    if (li && li !== this._active) this._setActive(li);
  }

  /** Makes `li` the tree's one tab stop (and its key results' buttons the next ones). */
  _setActive(li) {
    const old = this._active;
    if (old) {
      old.tabIndex = -1;
      old.setAttribute("aria-selected", "false");
      for (const b of old.okrKrs?.querySelectorAll("button.checkin-btn") || []) b.tabIndex = -1;
    }
    li.tabIndex = 0;
    li.setAttribute("aria-selected", "true");
    for (const b of li.okrKrs?.querySelectorAll("button.checkin-btn") || []) b.tabIndex = 0;
    this._active = li;
  }

  _focus(li) {
    if (!li) return;
    this._setActive(li);
    li.focus();
  }

  _open(li) {
    return li.getAttribute("aria-expanded") === "true" && li.okrGroup && !li.okrGroup.hidden && li.okrGroup.firstElementChild;
  }

  _next(li) {
    if (this._open(li)) return li.okrGroup.firstElementChild;
    for (let node = li; node; node = node.parentElement.closest(TREEITEM)) {
      if (node.nextElementSibling) return node.nextElementSibling;
    }
    return null;
  }

  _last(li) {
    while (li && this._open(li)) li = li.okrGroup.lastElementChild;
    return li;
  }

  _prev(li) {
    const s = li.previousElementSibling;
    return s ? this._last(s) : li.parentElement.closest(TREEITEM);
  }

  _onKey(e) {
    const li = e.target;
    if (!(li instanceof HTMLElement) || li.getAttribute("role") !== "treeitem" || e.ctrlKey || e.metaKey || e.altKey) return;
    const k = li.okrRow;
    const expandable = k !== undefined && li.hasAttribute("aria-expanded");
    const open = li.getAttribute("aria-expanded") === "true";
    if (e.key.length !== 1 || e.key === " ") this._typed = "";
    switch (e.key) {
      case "ArrowDown":
        this._focus(this._next(li));
        break;
      case "ArrowUp":
        this._focus(this._prev(li));
        break;
      case "ArrowRight":
        if (expandable && !open) this._setExpanded(k, true);
        else if (this._open(li)) this._focus(li.okrGroup.firstElementChild);
        break;
      case "ArrowLeft":
        if (expandable && open) this._setExpanded(k, false);
        else this._focus(li.parentElement.closest(TREEITEM));
        break;
      case "Home":
        this._focus(this._tree.firstElementChild);
        break;
      case "End":
        this._focus(this._last(this._tree.lastElementChild));
        break;
      case "Enter":
      case " ":
        if (k === undefined) this._showMore(li);
        else if (expandable) this._setExpanded(k, !open);
        break;
      default:
        if (e.key.length !== 1 || e.key === " ") return;
        this._typeAhead(li, e.key, e.timeStamp);
    }
    e.preventDefault();
  }

  /** Moves to the next shown objective whose title starts with the letters typed. */
  _typeAhead(li, key, time) {
    this._typed = this._typed && time - this._typedAt < 600 ? this._typed + key.toLowerCase() : key.toLowerCase();
    this._typedAt = time;
    const title = (node) => (node.okrRow === undefined ? "" : this._rows[node.okrRow].title.toLowerCase());
    // A repeated letter cycles through the titles starting with it.
    const same = this._typed.length > 1 && [...this._typed].every((c) => c === this._typed[0]);
    const prefix = same ? this._typed[0] : this._typed;
    let node = this._typed.length > 1 && !same && title(li).startsWith(prefix) ? li : this._next(li) || this._tree.firstElementChild;
    for (let steps = 0; node && steps < 100000; steps++) {
      if (title(node).startsWith(prefix)) {
        this._focus(node);
        return;
      }
      if (node === li) return;
      node = this._next(node) || this._tree.firstElementChild;
    }
  }
}

if (!customElements.get("okr-cascade")) customElements.define("okr-cascade", OkrCascade);
