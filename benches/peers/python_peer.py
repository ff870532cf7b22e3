#!/usr/bin/env python3
"""The "Python peer" benchmark of issue #8: a notebook's rollup against ``okr``.

The peer is what a data scientist writes in a notebook to score an OKR document without
okr: ``json.load`` the file, build a ``networkx.DiGraph`` of the alignment links (child →
parent, with their weights), score every key result in pure Python as SPEC §3 says, roll
the objective scores up in topological order with SPEC §4's weighted means, and build a
pandas DataFrame of the objectives. Ours is ``okr.load`` + ``Document.score`` +
``Scorecard.tables()`` (+ its ``objectives`` DataFrame), as a notebook reads it: tables are
built when first read, so ``tables()`` returns at once and reading ``objectives`` builds
that table alone (no other table, no validation). Both run on the same generated
document, in this one process, alternately; the figure is the ratio of the median totals
(goal: the peer ≥ 50× slower at 100k objectives).

Before anything is timed, the peer is checked against okr: every objective's and every key
result's score must equal okr's within 1e-9 (unscored on both sides counts as equal), or
the script stops with an error. That run is also the warm-up; the timed runs follow.

Usage (``benches/peers/python.sh`` sets up the venv and passes its arguments here)::

    python benches/peers/python_peer.py --objectives 1k,10k        # CI quick mode
    python benches/peers/python_peer.py --objectives 100k          # the goal's size
    python benches/peers/python_peer.py --file org.json --runs 3

Documents are generated with ``okr generate --objectives N --seed 2021`` (the seed of the
Rust benches; ``OKR_BIN`` names an ``okr`` binary to use, else ``cargo run --release``) and
cached as ``target/okr-bench-data/python-peer-org-N-seed2021.json`` (``--regenerate`` to
write them again). Scores are as of 2021-10-15, the Rust benches' date.

Every figure is printed and appended as one JSON line to ``OKR_BENCH_RESULTS`` (default
``target/okr-bench-results.jsonl``) in the schema of the Rust ``ratios`` bench
(``benches/src/lib.rs``), with ``"source": "python-peer"``; ``OKR_BENCH_RUN`` (or
``--run``) gives the run id, so that these lines can join a Rust run's.

What the peer implements is what generated documents use: all five key-result kinds,
key-result and link weights, ``contributes: false`` links, the rollup modes ``auto``,
``key_results``, ``children``, ``blend`` (and ``manual``) and score overrides, with the
default policy (score cap 1.0, default blend 0.5).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import networkx as nx
import pandas as pd

import okr

ROOT = Path(__file__).resolve().parents[2]

#: The Rust benches' seed and as-of date (benches/src/lib.rs: `SEED`, `as_of()`).
SEED = 2021
AS_OF = date(2021, 10, 15)
#: Issue #8: the peer must be at least this many times slower, judged at GOAL_SIZE.
GOAL = 50.0
GOAL_SIZE = 100_000
#: How close the peer's scores must be to okr's.
TOLERANCE = 1e-9
#: The default policy's values the peer uses (SPEC §6: `score_cap`, `default_blend`).
SCORE_CAP = 1.0
DEFAULT_BLEND = 0.5

Score = Optional[float]  # None = unscored (SPEC §4: undefined, never zero)


# --------------------------------------------------------------------------------------
# The peer: what a notebook does, step by step.
# --------------------------------------------------------------------------------------


def peer_load(path: Path) -> Dict[str, Any]:
    """Step 1: the document as plain Python objects."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def peer_graph(doc: Dict[str, Any]) -> nx.DiGraph:
    """Step 2: the alignment DAG, one node per objective, edges child → parent.

    A link is a bare parent id or ``{objective, weight = 1, contributes = true}`` (SPEC §2).
    """
    g = nx.DiGraph()
    for o in doc["objectives"]:
        g.add_node(o["id"], objective=o)
    for o in doc["objectives"]:
        for link in o.get("aligns_to", []):
            if isinstance(link, str):
                link = {"objective": link}
            parent = link["objective"]
            if parent not in g:
                raise ValueError(f"{o['id']} aligns to unknown objective {parent}")
            g.add_edge(
                o["id"],
                parent,
                weight=link.get("weight", 1.0),
                contributes=link.get("contributes", True),
            )
    return g


def latest_dated(items: List[Dict[str, Any]], d: date) -> Optional[Dict[str, Any]]:
    """The item (check-in, override) dated latest on or before ``d`` (on a tie, the later
    entry)."""
    best, best_day = None, None
    for x in items:
        day = date.fromisoformat(x["date"])
        if day <= d and (best_day is None or day >= best_day):
            best, best_day = x, day
    return best


def kr_progress(kr: Dict[str, Any], d: date) -> Score:
    """Raw progress of a key result as of ``d`` (SPEC §3); None = unscored."""
    kind = kr["kind"]
    check_ins = kr.get("check_ins", [])
    if kind == "metric":
        start, target = kr["start"], kr["target"]
        if target == start:  # a `zero_range` finding: nothing to measure against
            return None
        c = latest_dated(check_ins, d)
        value = start if c is None else c["value"]
        return (value - start) / (target - start)
    if kind == "threshold":
        values = [c["value"] for c in check_ins if date.fromisoformat(c["date"]) <= d]
        if not values:
            return None
        if kr["direction"] == "at_least":
            held = sum(1 for v in values if v >= kr["threshold"])
        else:
            held = sum(1 for v in values if v <= kr["threshold"])
        return held / len(values)
    if kind == "binary":
        c = latest_dated(check_ins, d)
        return 1.0 if c is not None and bool(c["value"]) else 0.0
    if kind == "milestones":
        milestones = kr["milestones"]
        total = sum(m.get("weight", 1.0) for m in milestones)
        if total <= 0:
            return None
        done = sum(
            m.get("weight", 1.0)
            for m in milestones
            if m.get("done") is not None and date.fromisoformat(m["done"]) <= d
        )
        return done / total
    if kind == "baseline":
        return None  # records a measurement, never scored
    raise ValueError(f"unknown key-result kind {kind!r}")


def clamp(x: float) -> float:
    """SPEC §3: score = clamp(progress, 0, score_cap)."""
    return min(max(x, 0.0), SCORE_CAP)


def peer_key_results(doc: Dict[str, Any], d: date) -> Dict[str, Score]:
    """Step 3: every key result's score as of ``d``, by id."""
    scores: Dict[str, Score] = {}
    for o in doc["objectives"]:
        for kr in o["key_results"]:
            p = kr_progress(kr, d)
            scores[kr["id"]] = None if p is None else clamp(p)
    return scores


def weighted_mean(inputs: List[Tuple[float, float]]) -> Score:
    """Σ w·s / Σ w over (weight, score) pairs; undefined over nothing or all-zero weights."""
    total = sum(w for w, _ in inputs)
    if total <= 0:
        return None
    return sum(w * s for w, s in inputs) / total


def peer_rollup(g: nx.DiGraph, kr_scores: Dict[str, Score], d: date) -> Dict[str, Score]:
    """Step 4: every objective's score, children before parents (SPEC §4)."""
    scores: Dict[str, Score] = {}
    for oid in nx.topological_sort(g):  # edges go child → parent: children come first
        o = g.nodes[oid]["objective"]
        own_inputs: List[Tuple[float, float]] = []
        for kr in o["key_results"]:
            s = kr_scores[kr["id"]]
            if s is not None:  # unscored key results are left out of every mean
                own_inputs.append((kr.get("weight", 1.0), s))
        child_inputs: List[Tuple[float, float]] = []
        for child, _, edge in g.in_edges(oid, data=True):
            s = scores[child]
            if edge["contributes"] and s is not None:  # "supports" links carry no progress
                child_inputs.append((edge["weight"], s))
        own, children = weighted_mean(own_inputs), weighted_mean(child_inputs)
        mode = o.get("rollup") or "auto"
        if mode == "auto":
            score = own if own_inputs else children
        elif mode == "key_results":
            score = own
        elif mode == "children":
            score = children
        elif mode == "blend":
            b = o.get("blend")
            b = DEFAULT_BLEND if b is None else b
            if own is None:
                score = children
            elif children is None:
                score = own
            else:
                score = b * own + (1 - b) * children
        elif mode == "manual":
            score = None  # only an override scores a manual objective
        else:
            raise ValueError(f"unknown rollup mode {mode!r}")
        override = latest_dated(o.get("overrides", []), d)
        if override is not None:
            score = override["score"]
        scores[oid] = None if score is None else clamp(score)
    return scores


def peer_frame(doc: Dict[str, Any], scores: Dict[str, Score]) -> pd.DataFrame:
    """Step 5: one row per objective, levels as an ordered categorical."""
    rows = [
        {
            "id": o["id"],
            "title": o["title"],
            "cycle": o["cycle"],
            "level": o["level"],
            "team": o.get("team"),
            "owners": o.get("owners", []),
            "key_results": len(o["key_results"]),
            "score": scores[o["id"]],
        }
        for o in doc["objectives"]
    ]
    frame = pd.DataFrame(rows, columns=list(rows[0]) if rows else None)
    frame["score"] = frame["score"].astype("float64")
    levels = doc.get("levels") or ["company", "area", "team", "individual"]
    frame["level"] = pd.Categorical(frame["level"], categories=levels, ordered=True)
    return frame


PEER_PARTS = ("json.load", "networkx graph", "key results", "rollup", "DataFrame")


def run_peer(path: Path, d: date) -> Tuple[Dict[str, float], Tuple[Any, ...]]:
    """One run of the whole peer: (seconds per part, (frame, key-result scores))."""
    times: Dict[str, float] = {}
    t = time.perf_counter()
    doc = peer_load(path)
    times["json.load"], t = _lap(t)
    g = peer_graph(doc)
    times["networkx graph"], t = _lap(t)
    kr_scores = peer_key_results(doc, d)
    times["key results"], t = _lap(t)
    scores = peer_rollup(g, kr_scores, d)
    times["rollup"], t = _lap(t)
    frame = peer_frame(doc, scores)
    times["DataFrame"], t = _lap(t)
    return times, (frame, kr_scores)


# --------------------------------------------------------------------------------------
# Ours.
# --------------------------------------------------------------------------------------

OKR_PARTS = ("okr.load", "score", "tables()", "objectives frame")


def run_okr(path: Path, d: date) -> Tuple[Dict[str, float], Tuple[Any, ...]]:
    """One run of okr: load, score, tables() (lazy), the objectives DataFrame (built on read)."""
    times: Dict[str, float] = {}
    t = time.perf_counter()
    doc = okr.load(path)
    times["okr.load"], t = _lap(t)
    card = doc.score(as_of=d)
    times["score"], t = _lap(t)
    tables = card.tables()
    times["tables()"], t = _lap(t)
    frame = tables.objectives
    times["objectives frame"], t = _lap(t)
    return times, (frame, tables)


def _lap(t: float) -> Tuple[float, float]:
    now = time.perf_counter()
    return now - t, now


# --------------------------------------------------------------------------------------
# The check that the peer computes what okr computes.
# --------------------------------------------------------------------------------------


def _unscored(x: Score) -> bool:
    """None on the peer's side, NaN in okr's DataFrames."""
    return x is None or math.isnan(x)


def _same(a: Score, b: Score) -> bool:
    if _unscored(a) or _unscored(b):
        return _unscored(a) and _unscored(b)
    return abs(a - b) <= TOLERANCE  # type: ignore[operator]


def _compare(what: str, peer: Dict[str, Score], ours: Dict[str, Score]) -> int:
    if peer.keys() != ours.keys():
        missing = sorted(set(ours) ^ set(peer))[:5]
        raise SystemExit(f"FAILED: the peer's and okr's {what} differ in ids, e.g. {missing}")
    wrong = [(i, peer[i], ours[i]) for i in ours if not _same(peer[i], ours[i])]
    if wrong:
        sample = "; ".join(f"{i}: peer {p!r}, okr {o!r}" for i, p, o in wrong[:5])
        raise SystemExit(
            f"FAILED: {len(wrong)} of {len(ours)} {what} scores differ from okr's "
            f"by more than {TOLERANCE:g}: {sample}"
        )
    return sum(1 for v in ours.values() if not _unscored(v))


def verify(peer_out: Tuple[Any, ...], okr_out: Tuple[Any, ...]) -> str:
    """Fails loudly unless every objective and key-result score equals okr's."""
    peer_frame_, peer_krs = peer_out
    okr_frame, tables = okr_out
    peer_obj = dict(zip(peer_frame_["id"], peer_frame_["score"]))
    okr_obj = dict(zip(okr_frame["id"], okr_frame["score"]))
    okr_krs_frame = tables.key_results
    okr_krs = dict(zip(okr_krs_frame["id"], okr_krs_frame["score"]))
    scored_obj = _compare("objective", peer_obj, okr_obj)
    scored_krs = _compare("key-result", peer_krs, okr_krs)
    return (
        f"verified: {len(okr_obj)} objective scores ({scored_obj} scored) and "
        f"{len(okr_krs)} key-result scores ({scored_krs} scored) equal okr's within "
        f"{TOLERANCE:g}"
    )


# --------------------------------------------------------------------------------------
# Data, timing and the results file.
# --------------------------------------------------------------------------------------


def parse_size(s: str) -> int:
    """``1000``, ``1k``, ``10K``, ``1M``, ``1_000_000`` (as benches/src/lib.rs reads them)."""
    s = s.strip().replace("_", "")
    mult = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(s[-1:], 1)
    return int(s[:-1] if mult > 1 else s) * mult


def label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def results_path() -> Path:
    env = os.environ.get("OKR_BENCH_RESULTS")
    if env:
        return Path(env)
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    return target / "okr-bench-results.jsonl"


def generated_document(n: int, seed: int, regenerate: bool) -> Path:
    """The generated organisation of ``n`` objectives as JSON, cached beside the results."""
    data_dir = results_path().with_name("okr-bench-data")
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"python-peer-org-{n}-seed{seed}.json"
    if path.exists() and not regenerate:
        return path
    okr_bin = os.environ.get("OKR_BIN")
    cmd = [okr_bin] if okr_bin else [
        "cargo", "run", "--quiet", "--release", "-p", "okr-core", "--features", "cli",
        "--bin", "okr", "--",
    ]  # fmt: skip
    cmd += ["generate", "--objectives", str(n), "--seed", str(seed), "-o", str(path)]
    print(f"generating {path.name}: {' '.join(cmd)}", flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)
    return path


def runs_for(n: int) -> int:
    return 5 if n <= 10_000 else 3


def machine() -> Dict[str, Any]:
    """The same keys as ``machine()`` in benches/src/lib.rs."""

    def first(path: str, prefix: str) -> Optional[str]:
        try:
            with open(path, encoding="utf-8") as f:
                return next((line for line in f if line.startswith(prefix)), None)
        except OSError:
            return None

    cpu_line = first("/proc/cpuinfo", "model name")
    cpu = cpu_line.split(":", 1)[1].strip() if cpu_line else "unknown"
    mem_line = first("/proc/meminfo", "MemTotal:")
    mem_kb = int(mem_line.split()[1]) if mem_line else 0
    try:
        with open("/proc/loadavg", encoding="utf-8") as f:
            loadavg = f.read().split()[0]
    except OSError:
        loadavg = ""
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"nproc": nproc or 0, "cpu": cpu, "mem_bytes": mem_kb * 1024, "loadavg_1m": loadavg}


def fmt(seconds: float) -> str:
    if seconds >= 1.0:
        return f"{seconds:.3f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds * 1e6:.3f} µs"


class Run:
    """One run of this script: its id, date and machine, stamped on every results line."""

    def __init__(self, run_id: int, record: bool) -> None:
        self.id = run_id
        self.date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        self.machine = machine()
        self.record = record

    def emit(self, line: Dict[str, Any]) -> None:
        if not self.record:
            return
        line = {**line, "source": "python-peer", "run": self.id, "date": self.date,
                "machine": self.machine}  # fmt: skip
        path = results_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")

    def time(self, name: str, n: int, seconds: float) -> None:
        print(f"time {name} @{n} = {fmt(seconds)}")
        self.emit({"kind": "time", "name": name, "size": n, "seconds": seconds})

    def ratio(self, n: int, num: float, den: float, note: str) -> None:
        ratio = num / den
        met = ratio >= GOAL
        if n == GOAL_SIZE:
            verdict = "goal met" if met else f"GOAL MISSED (by {GOAL / ratio:.1f}×)"
        else:
            verdict = f"goal applies at {label(GOAL_SIZE)}"
        print(
            f"ratio python_peer/okr @{n} = {ratio:.1f}× (goal >= {GOAL:g}) {verdict} "
            f"(peer {fmt(num)} / okr {fmt(den)})"
        )
        self.emit({
            "kind": "ratio", "name": "python peer/okr", "size": n, "ratio": ratio,
            "numerator_s": num, "denominator_s": den, "goal": f">= {GOAL:g}",
            "goal_size": GOAL_SIZE, "met": met, "note": note,
        })  # fmt: skip


def side_by_side(
    runs: int, sides: Dict[str, Callable[[], Tuple[Dict[str, float], Any]]]
) -> Dict[str, List[Dict[str, float]]]:
    """Runs each side ``runs`` times, alternating, freeing each run's results untimed."""
    times: Dict[str, List[Dict[str, float]]] = {name: [] for name in sides}
    for _ in range(runs):
        for name, fn in sides.items():
            parts, out = fn()
            del out
            gc.collect()
            times[name].append(parts)
    return times


def medians(runs: List[Dict[str, float]], parts: Tuple[str, ...]) -> Tuple[float, Dict[str, float]]:
    """Median total and median of each part (the parts' medians need not add up to it)."""
    total = statistics.median(sum(r.values()) for r in runs)
    return total, {p: statistics.median(r[p] for r in runs) for p in parts}


def bench(path: Path, n_hint: Optional[int], runs: Optional[int], as_of: date, run: Run) -> None:
    mb = path.stat().st_size / 1e6
    # The verification run, which is also the warm-up of both sides.
    peer_parts, peer_out = run_peer(path, as_of)
    okr_parts, okr_out = run_okr(path, as_of)
    n = len(okr_out[0])
    if n_hint is not None and n != n_hint:
        raise SystemExit(f"FAILED: {path} has {n} objectives, not {n_hint}")
    runs = runs or runs_for(n)
    print(f"--- {label(n)} objectives ({path.name}, {mb:.0f} MB of JSON; {runs} timed runs "
          f"per side, alternating, after a verification run)")  # fmt: skip
    print(verify(peer_out, okr_out), flush=True)
    del peer_out, okr_out, peer_parts, okr_parts
    gc.collect()

    times = side_by_side(
        runs, {"peer": lambda: run_peer(path, as_of), "okr": lambda: run_okr(path, as_of)}
    )
    peer_total, peer_parts = medians(times["peer"], PEER_PARTS)
    okr_total, okr_parts = medians(times["okr"], OKR_PARTS)
    for part, s in peer_parts.items():
        run.time(f"python peer: {part}", n, s)
    run.time("python peer (json.load + graph + rollup + frame)", n, peer_total)
    for part, s in okr_parts.items():
        run.time(f"okr: {part}", n, s)
    run.time("okr (load + score + tables)", n, okr_total)
    note = (
        f"{mb:.0f} MB of JSON; python {platform.python_version()}, networkx "
        f"{nx.__version__}, pandas {pd.__version__}, okr {okr.__version__}"
    )
    run.ratio(n, peer_total, okr_total, note)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--objectives", help="sizes to generate, e.g. 1k,10k,100k")
    which.add_argument("--file", type=Path, help="a JSON document to use instead")
    parser.add_argument("--runs", type=int, help="timed runs per side (default: 5 up to 10k, else 3)")
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF, help="default 2021-10-15")
    parser.add_argument("--seed", type=int, default=SEED, help="seed of generated documents (2021)")
    parser.add_argument("--regenerate", action="store_true", help="generate cached documents anew")
    parser.add_argument("--run", type=int, help="run id of the results lines (OKR_BENCH_RUN, else now)")
    parser.add_argument("--no-record", action="store_true", help="print only, append no results")
    args = parser.parse_args(argv)

    run_id = args.run or int(os.environ.get("OKR_BENCH_RUN") or time.time())
    run = Run(run_id, record=not args.no_record)
    if args.file:
        if args.file.suffix.lower() != ".json":
            parser.error("the peer reads JSON (json.load): convert the document first")
        bench(args.file, None, args.runs, args.as_of, run)
        return
    sizes = args.objectives or os.environ.get("OKR_BENCH_SIZES") or "1000,10000"
    for n in (parse_size(s) for s in sizes.split(",") if s.strip()):
        bench(generated_document(n, args.seed, args.regenerate), n, args.runs, args.as_of, run)
    if run.record:
        print(f"results appended to {results_path()}")


if __name__ == "__main__":
    main()
