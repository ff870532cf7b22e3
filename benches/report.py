#!/usr/bin/env python3
"""Turn the latest benchmark run into Markdown tables.

Reads the side-by-side figures that the `ratios` bench appends to the results file (one
JSON object per line; the latest run is used) and criterion's estimates under
target/criterion, and prints the tables, or writes them into benches/README.md between
the `<!-- results:start -->` and `<!-- results:end -->` markers with --readme.

    python3 benches/report.py                       # print
    python3 benches/report.py --readme benches/README.md
    python3 benches/report.py --check               # exit 1 if the run has no ratio
"""

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- results:start -->", "<!-- results:end -->"


def human_time(seconds):
    if seconds is None:
        return "–"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def label(n):
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


# Where a line comes from: the Rust `ratios` harness writes no `source`; the peers
# (benches/peers/) write theirs. Each source's latest run is reported.
SOURCES = ("ratios", "python-peer", "js-peer")


def source_of(line):
    return line.get("source", "ratios")


def latest_run(path):
    """The lines of the latest run of each source, in SOURCES order, and those runs' ids."""
    lines = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            raw = raw.strip()
            if raw:
                lines.append(json.loads(raw))
    runs = {}
    for line in lines:
        src = source_of(line)
        runs[src] = max(runs.get(src, line["run"]), line["run"])
    rank = {s: i for i, s in enumerate(SOURCES)}
    latest = [line for line in lines if line["run"] == runs[source_of(line)]]
    latest.sort(key=lambda line: rank.get(source_of(line), len(SOURCES)))
    return runs, latest


def criterion_rows(directory):
    rows = []
    for bench in sorted(Path(directory).glob("*/*/*/new/benchmark.json")):
        meta = json.loads(bench.read_text(encoding="utf-8"))
        est_path = bench.with_name("estimates.json")
        if not est_path.exists():
            continue
        est = json.loads(est_path.read_text(encoding="utf-8"))
        median_ns = est["median"]["point_estimate"]
        throughput = (meta.get("throughput") or {}).get("Elements")
        size = meta.get("value_str") or ""
        rows.append(
            {
                "group": meta.get("group_id", ""),
                "function": meta.get("function_id", ""),
                "size": size,
                "median_s": median_ns / 1e9,
                "elements": throughput,
                "mtime": est_path.stat().st_mtime,
            }
        )
    order = {"1k": 0, "10k": 1, "100k": 2, "1M": 3}
    rows.sort(key=lambda r: (r["group"], r["function"], order.get(r["size"], 9), r["size"]))
    return rows


def render(run_lines, crit):
    out = []
    if run_lines:
        seen = set()
        for line in run_lines:
            src = source_of(line)
            if src in seen:
                continue
            seen.add(src)
            machine = line.get("machine", {})
            out.append(
                f"- `{src}`: run of {line.get('date', '?')} on {machine.get('nproc', '?')} logical "
                f"CPUs ({machine.get('cpu', '?')}), {machine.get('mem_bytes', 0) / 2**30:.0f} GiB "
                f"RAM; 1-minute load average at its start: {machine.get('loadavg_1m', '?')}."
            )
        out.append("")
        out.append("### Goals (side by side, same process; median of several runs)")
        out.append("")
        out.append("| figure | size | measured | goal | met at this size |")
        out.append("|---|---:|---:|---|---|")
        for line in run_lines:
            if line["kind"] == "ratio":
                detail = (
                    f"{line['ratio']:.3g}× ({human_time(line['numerator_s'])} / "
                    f"{human_time(line['denominator_s'])})"
                )
                if line.get("note"):
                    detail += f" {line['note']}"
                goal = line["goal"]
                if line.get("goal_size"):
                    goal += f" at {label(line['goal_size'])}"
                if goal.startswith("informational"):
                    met = "–"
                else:
                    met = "yes" if line["met"] else "**no**"
                out.append(f"| {line['name']} | {label(line['size'])} | {detail} | {goal} | {met} |")
            elif line["kind"] == "memory":
                detail = (
                    f"{line['bytes'] / 2**30:.3f} GiB peak RSS, "
                    f"{line['bytes_per_objective']:.0f} B/objective"
                )
                goal = line["goal"] + (f" at {label(line['goal_size'])}" if line.get("goal_size") else "")
                out.append(
                    f"| load + score, peak RSS | {label(line['size'])} | {detail} | {goal} | "
                    f"{'yes' if line['met'] else '**no**'} |"
                )
        out.append("")
        out.append("### Times measured by the side-by-side harness")
        out.append("")
        out.append("| what | size | median |")
        out.append("|---|---:|---:|")
        for line in run_lines:
            if line["kind"] == "time":
                out.append(f"| {line['name']} | {label(line['size'])} | {human_time(line['seconds'])} |")
    if crit:
        out.append("")
        out.append("### Criterion benches (median time per iteration)")
        out.append("")
        out.append("| bench | size | median | objectives/s | measured (UTC) |")
        out.append("|---|---:|---:|---:|---|")
        for r in crit:
            rate = ""
            if r["elements"] and r["median_s"] > 0:
                rate = f"{r['elements'] / r['median_s']:.3g}"
                if r["group"] == "incremental":
                    rate = f"{1 / r['median_s']:.3g} check-ins/s"
            when = datetime.datetime.fromtimestamp(r["mtime"], datetime.timezone.utc)
            out.append(
                f"| {r['group']}/{r['function']} | {r['size']} | {human_time(r['median_s'])} | {rate} "
                f"| {when:%Y-%m-%d %H:%M} |"
            )
    return "\n".join(out) + "\n"


def value_of(line):
    if line["kind"] == "ratio":
        return f"{line['ratio']:.3g}×"
    if line["kind"] == "time":
        return human_time(line["seconds"])
    if line["kind"] == "memory":
        return f"{line['bytes'] / 2**30:.3f} GiB ({line['bytes_per_objective']:.0f} B/objective)"
    return "?"


def render_before_after(before_lines, after_lines):
    after = {(l["kind"], l["name"], l["size"]): l for l in after_lines}
    out = ["", "### Before and after (same harness, same sizes)", ""]
    b0 = before_lines[0] if before_lines else {}
    out.append(f"Before: the run of {b0.get('date', '?')} (`--before`). After: the run above.")
    out.append("")
    out.append("| figure | size | before | after |")
    out.append("|---|---:|---:|---:|")
    rows = 0
    for line in before_lines:
        key = (line["kind"], line["name"], line["size"])
        if key in after:
            out.append(f"| {line['name']} | {label(line['size'])} | {value_of(line)} | {value_of(after[key])} |")
            rows += 1
    return "\n".join(out) + "\n" if rows else ""


def main():
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", default=target / "okr-bench-results.jsonl")
    ap.add_argument("--criterion", default=target / "criterion")
    ap.add_argument("--readme", help="write the tables into this file between the markers")
    ap.add_argument(
        "--check",
        action="store_true",
        help="fail unless the latest runs have the harness's ratios and memory figure, and a "
        "ratio from each source named by --require",
    )
    ap.add_argument(
        "--require",
        default="ratios",
        help="comma-separated sources that --check requires (default: ratios)",
    )
    ap.add_argument("--before", help="results of an earlier run: adds a before/after table")
    args = ap.parse_args()

    if not Path(args.results).exists():
        print(f"no results file {args.results}", file=sys.stderr)
        return 1
    runs, lines = latest_run(args.results)
    if args.check:
        ratios = [line for line in lines if line["kind"] == "ratio"]
        memory = [line for line in lines if line["kind"] == "memory"]
        if not memory:
            print("the latest run has no memory figure", file=sys.stderr)
            return 1
        for src in args.require.split(","):
            if not any(source_of(line) == src for line in ratios):
                print(f"no ratio from `{src}` in the results", file=sys.stderr)
                return 1
        print(f"bench report: {len(ratios)} ratios and {len(memory)} memory figures in runs {runs}")
        return 0
    text = render(lines, criterion_rows(args.criterion))
    if args.before:
        _, before = latest_run(args.before)
        text += render_before_after(before, lines)
    if args.readme:
        readme = Path(args.readme)
        body = readme.read_text(encoding="utf-8")
        if START not in body or END not in body:
            print(f"{readme} lacks the markers {START} … {END}", file=sys.stderr)
            return 1
        head, rest = body.split(START, 1)
        _, tail = rest.split(END, 1)
        readme.write_text(head + START + "\n" + text + END + tail, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
