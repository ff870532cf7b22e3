// <okr-cascade>: a dependency-free custom element that renders an OKR cascade with
// okr-wasm. Attributes: `src` (URL of a .yaml/.yml/.json/.toml document), `as-of`
// (YYYY-MM-DD; default today). Properties: `document` (an okr-wasm Document), `scorecard`
// (read-only). Method: `loadText(text, format)`.
//
// All user text is set with textContent, never as HTML. Every control is a native button,
// select or input, so the widget works from the keyboard; the tree follows the ARIA tree
// pattern (Enter/Space on a toggle collapses a level).

import init, { Document } from "../pkg/web/okr_wasm.js";

let ready = null;
/** Loads the wasm module once per page. */
export function loadWasm() {
  if (!ready) ready = init();
  return ready;
}

const STATUS_LABEL = {
  on_track: "on track",
  at_risk: "at risk",
  off_track: "off track",
  unknown: "unscored",
  dropped: "dropped",
};

const STYLE = `
:host { display: block; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1f2933; --on_track: #2e7d32; --at_risk: #e0a100; --off_track: #c62828; --unknown: #9aa5b1; --dropped: #78909c; }
* { box-sizing: border-box; }
header { display: flex; flex-wrap: wrap; gap: 12px 20px; align-items: center; padding: 12px 16px;
  background: #f5f7fa; border: 1px solid #e4e7eb; border-radius: 10px; margin-bottom: 12px; }
header h2 { font-size: 16px; margin: 0; font-weight: 600; }
header .asof { color: #616e7c; }
header label { color: #3e4c59; }
header select { margin-left: 6px; font: inherit; padding: 2px 6px; border-radius: 6px; border: 1px solid #cbd2d9; background: white; }
.summary { display: flex; gap: 10px; margin-left: auto; }
.pill { padding: 1px 10px; border-radius: 999px; color: white; font-size: 12px; font-weight: 600; }
.pill.on_track { background: var(--on_track); } .pill.at_risk { background: var(--at_risk); }
.pill.off_track { background: var(--off_track); } .pill.unknown { background: var(--unknown); }
.pill.dropped { background: var(--dropped); }
.error { border: 1px solid #f29b9b; background: #fff5f5; color: #8a1c1c; padding: 10px 14px; border-radius: 8px; margin-bottom: 12px; }
.error ul { margin: 6px 0 0; padding-left: 20px; font-family: ui-monospace, monospace; font-size: 12px; }
ul.tree, ul.children { list-style: none; margin: 0; padding: 0; }
ul.children { margin-left: 22px; border-left: 1px dashed #cbd2d9; padding-left: 8px; }
li.objective { margin: 4px 0; }
.row { display: grid; grid-template-columns: 22px 1fr 150px 54px; align-items: center; gap: 8px;
  padding: 6px 8px; border-radius: 8px; background: white; border: 1px solid #e4e7eb; }
.row:hover { border-color: #9aa5b1; }
.level-company > .row { background: #f0f4ff; border-color: #c5d3f6; }
.toggle { width: 22px; height: 22px; border: none; background: none; cursor: pointer; border-radius: 4px; color: #52606d; font-size: 12px; }
.toggle:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible { outline: 2px solid #3f6ad8; outline-offset: 1px; }
.toggle[disabled] { visibility: hidden; }
.title { font-weight: 600; }
.sub { color: #616e7c; font-size: 12px; font-weight: 400; }
.sub .level { text-transform: uppercase; letter-spacing: 0.04em; font-size: 10px; background: #e4e7eb; border-radius: 4px; padding: 0 5px; margin-right: 6px; color: #3e4c59; }
.bar { position: relative; height: 10px; background: #e4e7eb; border-radius: 5px; }
.fill { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 5px; transition: width 0.3s; }
.mark { position: absolute; top: -3px; bottom: -3px; width: 2px; background: #1f2933; }
.score { font-variant-numeric: tabular-nums; font-weight: 600; text-align: right; }
.meta { grid-column: 2 / -1; color: #616e7c; font-size: 12px; }
.status { font-weight: 600; }
.status.on_track { color: var(--on_track); } .status.at_risk { color: #a87400; }
.status.off_track { color: var(--off_track); } .status.unknown { color: var(--unknown); }
.status.dropped { color: var(--dropped); text-decoration: line-through; }
.fill.on_track { background: var(--on_track); } .fill.at_risk { background: var(--at_risk); }
.fill.off_track { background: var(--off_track); } .fill.unknown { background: var(--unknown); }
.fill.dropped { background: var(--dropped); }
ul.krs { list-style: none; margin: 4px 0 6px 30px; padding: 0; }
li.kr { display: grid; grid-template-columns: 1fr 150px 54px 80px; gap: 8px; align-items: center; padding: 2px 8px; font-size: 13px; }
li.kr .checkin-btn { font: inherit; font-size: 12px; padding: 1px 8px; border-radius: 6px; border: 1px solid #cbd2d9; background: white; cursor: pointer; }
form.checkin { grid-column: 1 / -1; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; padding: 6px 8px; background: #f5f7fa; border-radius: 6px; }
form.checkin input { font: inherit; width: 120px; padding: 1px 6px; border: 1px solid #cbd2d9; border-radius: 6px; }
form.checkin button { font: inherit; padding: 1px 10px; border-radius: 6px; border: 1px solid #3f6ad8; background: #3f6ad8; color: white; cursor: pointer; }
form.checkin .err { color: #8a1c1c; }
ul.findings { list-style: none; margin: 2px 0 6px 30px; padding: 0; font-size: 12px; }
li.finding { padding: 2px 8px; border-left: 3px solid; margin: 2px 0; background: #fffbea; }
li.finding.error { border-color: var(--off_track); background: #fff5f5; }
li.finding.warning { border-color: var(--at_risk); }
li.finding.info { border-color: #3f6ad8; background: #f0f4ff; }
li.finding .code { font-family: ui-monospace, monospace; font-weight: 600; margin-right: 6px; }
li.finding .help { color: #616e7c; display: block; }
.repeat { color: #616e7c; font-style: italic; }
.collapsed > ul { display: none; }
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

function formatOf(url) {
  const path = url.split(/[?#]/)[0].toLowerCase();
  if (path.endsWith(".json")) return "json";
  if (path.endsWith(".toml")) return "toml";
  return "yaml";
}

function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export class OkrCascade extends HTMLElement {
  static get observedAttributes() {
    return ["src", "as-of"];
  }

  constructor() {
    super();
    this._doc = null;
    this._card = null;
    this._root = this.attachShadow({ mode: "open" });
    this._root.append(el("style", { text: STYLE }));
    this._header = el("header");
    this._error = el("div", { class: "error", role: "alert", hidden: true });
    this._tree = el("ul", { class: "tree", role: "tree", "aria-label": "OKR cascade" });
    this._root.append(this._header, this._error, this._tree);
    this._team = "";
    this._person = "";
  }

  connectedCallback() {
    if (this.hasAttribute("src")) this._fetch(this.getAttribute("src"));
  }

  attributeChangedCallback(name, old, value) {
    if (!this.isConnected || old === value) return;
    if (name === "src" && value) this._fetch(value);
    if (name === "as-of" && this._doc) this._score();
  }

  /** The okr-wasm Document shown. */
  get document() {
    return this._doc;
  }

  set document(doc) {
    this._doc = doc;
    this._score();
  }

  /** The live Scorecard (check-ins made in the widget are recorded in it). */
  get scorecard() {
    return this._card;
  }

  /** Parses and shows a document given as text ("yaml", "json" or "toml"). */
  async loadText(text, format = "yaml") {
    await loadWasm();
    try {
      const doc =
        format === "json" ? Document.fromJson(text) : format === "toml" ? Document.fromToml(text) : Document.fromYaml(text);
      this.document = doc;
    } catch (e) {
      this._showError(e);
    }
  }

  async _fetch(url) {
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
      await this.loadText(await response.text(), formatOf(url));
    } catch (e) {
      this._showError(e);
    }
  }

  _showError(e) {
    this._doc = null;
    this._card = null;
    this._tree.replaceChildren();
    this._header.replaceChildren(el("h2", { text: "OKR cascade" }));
    const problems = Array.isArray(e && e.problems) ? e.problems : [];
    const first = String((e && e.message) || e).split("\n")[0];
    const list = el("ul");
    for (const p of problems) {
      const where = p.line ? `${p.line}:${p.column}: ` : "";
      list.append(el("li", { text: `${where}${p.path ? p.path + ": " : ""}${p.message}` }));
    }
    this._error.replaceChildren(el("strong", { text: first }), problems.length ? list : null);
    this._error.hidden = false;
    this.dispatchEvent(new CustomEvent("okr-error", { detail: e }));
  }

  _score() {
    if (!this._doc) return;
    try {
      const asOf = this.getAttribute("as-of") || undefined;
      this._card = this._doc.score(asOf);
      this._error.hidden = true;
      this._render();
    } catch (e) {
      this._showError(e);
    }
  }

  _render() {
    const card = this._card;
    const rows = card.tree();
    this._indexFindings();
    this._renderHeader(rows);

    // Rows come in display order with their depth: nest them with a stack of <ul>s.
    const stack = [this._tree];
    this._tree.replaceChildren();
    for (const row of rows) {
      stack.length = Math.min(stack.length, row.depth + 1);
      const parent = stack[stack.length - 1] || this._tree;
      const item = this._objectiveItem(row);
      parent.append(item);
      if (!row.repeated) {
        const children = el("ul", { class: "children", role: "group" });
        item.append(children);
        stack.push(children);
      }
    }
    // Levels without children: no toggle.
    for (const item of this._tree.querySelectorAll("li.objective")) {
      const children = item.querySelector(":scope > ul.children");
      const hasChildren = children && children.children.length > 0;
      const hasKrs = item.querySelector(":scope > ul.krs > li");
      const toggle = item.querySelector(":scope > .row > .toggle");
      if (children && !hasChildren) children.remove();
      if (!hasChildren && !hasKrs) {
        toggle.disabled = true;
        item.removeAttribute("aria-expanded");
      }
    }
    this._applyFilter();
    this._updateScores();
    this.dispatchEvent(new CustomEvent("okr-rendered"));
  }

  _renderHeader(rows) {
    const teams = new Set();
    const people = new Set();
    for (const r of rows) {
      if (r.team) teams.add(r.team);
      for (const o of r.owners) people.add(o);
    }
    const select = (label, name, values, current) => {
      const s = el("select", { name, "aria-label": `Filter by ${label.toLowerCase()}` });
      s.append(el("option", { value: "", text: "all" }));
      for (const v of [...values].sort()) s.append(el("option", { value: v, text: v, selected: v === current }));
      s.addEventListener("change", () => {
        if (name === "team") this._team = s.value;
        else this._person = s.value;
        this._applyFilter();
      });
      return el("label", { text: label }, s);
    };
    this._summary = el("div", { class: "summary", "aria-live": "polite" });
    this._header.replaceChildren(
      el("h2", { text: "OKR cascade" }),
      el("span", { class: "asof", text: `as of ${this._card.asOf}` }),
      select("Team", "team", teams, this._team),
      select("Person", "person", people, this._person),
      this._summary,
    );
  }

  _objectiveItem(row) {
    const item = el("li", {
      class: `objective level-${row.level}`,
      role: "treeitem",
      "aria-expanded": row.repeated ? null : "true",
      "data-objective-id": row.id,
      "data-team": row.team || "",
      "data-owners": row.owners.join(" "),
      "data-repeated": row.repeated ? "true" : null,
    });
    const toggle = el("button", { class: "toggle", type: "button", "aria-label": `Collapse ${row.title}`, text: "▾" });
    toggle.addEventListener("click", () => {
      const collapsed = item.classList.toggle("collapsed");
      item.setAttribute("aria-expanded", collapsed ? "false" : "true");
      toggle.textContent = collapsed ? "▸" : "▾";
      toggle.setAttribute("aria-label", `${collapsed ? "Expand" : "Collapse"} ${row.title}`);
    });
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
      el("span", { class: "title", text: row.title }),
      el("div", { class: "sub" }, el("span", { class: "level", text: row.level }), el("span", { text: `${row.id}${extra}` })),
    );
    const rowEl = el("div", { class: "row" }, toggle, title, this._bar(), el("span", { class: "score" }));
    if (row.repeated) {
      rowEl.append(el("div", { class: "meta repeat", text: "shown above with its key results and aligned objectives" }));
      toggle.disabled = true;
      item.append(rowEl);
      return item;
    }
    rowEl.append(el("div", { class: "meta" }));
    item.append(rowEl);
    if (row.keyResults.length) {
      const krs = el("ul", { class: "krs", role: "group", "aria-label": "Key results" });
      for (const kr of row.keyResults) krs.append(this._krItem(kr));
      item.append(krs);
    }
    const own = this._findings.get(row.id) || [];
    for (const kr of row.keyResults) own.push(...(this._findings.get(kr.id) || []));
    if (own.length) item.append(this._findingList(own));
    return item;
  }

  _krItem(kr) {
    const item = el("li", { class: "kr", "data-kr-id": kr.id });
    const button = el("button", { class: "checkin-btn", type: "button", text: "Check in", "aria-expanded": "false" });
    const form = el("form", { class: "checkin", hidden: true, "aria-label": `Check in on ${kr.title}` });
    const value =
      kr.kind === "binary"
        ? el("select", { name: "value", "aria-label": "Done" }, el("option", { value: "true", text: "done" }), el("option", { value: "false", text: "not done" }))
        : el("input", { name: "value", type: "number", step: "any", required: true, "aria-label": `Value${kr.unit ? " (" + kr.unit + ")" : ""}` });
    const date = el("input", { name: "date", type: "date", required: true, value: this.getAttribute("as-of") || today(), "aria-label": "Date" });
    const confidence = el("input", { name: "confidence", type: "number", min: "0", max: "1", step: "0.05", placeholder: "confidence 0–1", "aria-label": "Confidence (0 to 1)" });
    const err = el("span", { class: "err", role: "status" });
    form.append(value, date, confidence, el("button", { type: "submit", text: "Save" }), err);
    button.addEventListener("click", () => {
      form.hidden = !form.hidden;
      button.setAttribute("aria-expanded", String(!form.hidden));
      if (!form.hidden) value.focus();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const v = kr.kind === "binary" ? value.value === "true" : Number(value.value);
      const c = confidence.value === "" ? undefined : Number(confidence.value);
      try {
        this._card.checkIn(kr.id, date.value, v, c);
        err.textContent = "";
        form.hidden = true;
        button.setAttribute("aria-expanded", "false");
        this._updateScores();
        this._updateFindings();
        this.dispatchEvent(new CustomEvent("okr-check-in", { detail: { keyResult: kr.id } }));
        button.focus();
      } catch (e) {
        err.textContent = String(e.message || e);
      }
    });
    item.append(
      el("span", { text: kr.title + (kr.unit ? ` (${kr.unit})` : "") }),
      this._bar(),
      el("span", { class: "score" }),
      button,
      form,
    );
    return item;
  }

  _findingList(findings) {
    const list = el("ul", { class: "findings", "aria-label": "Findings" });
    for (const f of findings) {
      list.append(
        el(
          "li",
          { class: `finding ${f.severity}`, "data-code": f.code },
          el("span", { class: "code", text: `${f.severity}[${f.code}]` }),
          el("span", { text: f.message }),
          f.help ? el("span", { class: "help", text: f.help }) : null,
        ),
      );
    }
    return list;
  }

  _bar() {
    return el("div", { class: "bar", role: "meter", "aria-valuemin": "0", "aria-valuemax": "1" }, el("div", { class: "fill" }), el("div", { class: "mark", hidden: true }));
  }

  _paint(node, s) {
    const bar = node.querySelector(":scope > .bar, :scope > .row > .bar");
    const fill = bar.querySelector(".fill");
    const mark = bar.querySelector(".mark");
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
    node.querySelector(":scope > .score, :scope > .row > .score").textContent = fmt(s.score);
    node.dataset.score = s.score === null ? "" : String(s.score);
    node.dataset.status = s.status;
  }

  _updateScores() {
    const counts = { on_track: 0, at_risk: 0, off_track: 0, unknown: 0 };
    for (const item of this._tree.querySelectorAll("li.objective")) {
      const s = this._card.objective(item.dataset.objectiveId);
      this._paint(item, s);
      if (item.dataset.repeated) continue;
      counts[s.status] += 1;
      const meta = item.querySelector(":scope > .row > .meta");
      meta.replaceChildren(
        el("span", { class: `status ${s.status}`, text: STATUS_LABEL[s.status] }),
        document.createTextNode(` · expected ${fmt(s.expected)} · forecast ${fmt(s.forecast)} · progress ${fmt(s.progress)}`),
      );
    }
    for (const item of this._tree.querySelectorAll("li.kr")) {
      this._paint(item, this._card.keyResult(item.dataset.krId));
    }
    this._summary.replaceChildren(
      ...Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([status, n]) => el("span", { class: `pill ${status}`, text: `${n} ${STATUS_LABEL[status]}` })),
    );
  }

  /** Validates the scorecard and files each finding under its first subject. */
  _indexFindings() {
    this._findings = new Map();
    for (const f of this._card.validate()) {
      const key = f.subjects[0];
      if (!this._findings.has(key)) this._findings.set(key, []);
      this._findings.get(key).push(f);
    }
  }

  _updateFindings() {
    this._indexFindings();
    for (const item of this._tree.querySelectorAll("li.objective:not([data-repeated])")) {
      const old = item.querySelector(":scope > ul.findings");
      if (old) old.remove();
      const own = [...(this._findings.get(item.dataset.objectiveId) || [])];
      for (const kr of item.querySelectorAll(":scope > ul.krs > li.kr")) own.push(...(this._findings.get(kr.dataset.krId) || []));
      if (own.length) {
        const list = this._findingList(own);
        const children = item.querySelector(":scope > ul.children");
        item.insertBefore(list, children);
      }
    }
  }

  _applyFilter() {
    const team = this._team;
    const person = this._person;
    const visit = (item) => {
      let shown = (!team || item.dataset.team === team) && (!person || item.dataset.owners.split(" ").includes(person));
      for (const child of item.querySelectorAll(":scope > ul.children > li.objective")) {
        if (visit(child)) shown = true;
      }
      item.hidden = !shown;
      return shown;
    };
    for (const item of this._tree.querySelectorAll(":scope > li.objective")) visit(item);
  }
}

if (!customElements.get("okr-cascade")) customElements.define("okr-cascade", OkrCascade);
