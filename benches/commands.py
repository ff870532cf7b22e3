#!/usr/bin/env python3
"""The `okr` commands as users run them: one process per run, wall time and peak RSS.

Every command of the CLI (`check` in its four formats, `score`, `tree`, `export` of each
table, `report`, `convert`, `diff`, `explain`, `check-in`) runs on generated organisations
(`okr generate`, JSON at every size, YAML and TOML up to --text-max) and on other shapes
(--shapes: the same org as compact one-line JSON, one with a fifth of its alignment
targets missing so that findings abound, a deep chain, a wide fan-in). Beside them runs
the honest limit of any command that reads the file: `parse_only` (benches/src/bin), the
format's parser over the same bytes building nothing.

Each run is a fresh process started with its output going to /dev/null (or a scratch
file for `-o`); wall time is measured around it and peak RSS is the child's `ru_maxrss`
from `os.wait4`. The median of --runs runs is kept (--runs-large at 1M and above). One JSON
line per command and size goes to --results (default target/okr-bench-commands.jsonl);
a Markdown table of the medians is printed, ready for benches/README.md.

    python3 benches/commands.py --sizes 10k,100k           # JSON, YAML and TOML
    python3 benches/commands.py --sizes 1M --formats json --runs-large 1
    python3 benches/commands.py --sizes 100k --shapes --formats json
    python3 benches/commands.py --sizes 1k --runs 1        # CI's quick pass

Needs the release binaries; builds them unless --no-build.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2021-10-15"


def size(text: str) -> int:
    m = re.fullmatch(r"(\d+)([kKmM]?)", text.strip())
    if not m:
        raise SystemExit(f"commands.py: `{text}` is not a size: write 10000, 10k or 1M")
    return int(m.group(1)) * {"": 1, "k": 1000, "K": 1000, "m": 10**6, "M": 10**6}[m.group(2)]


def label(n: int) -> str:
    if n >= 10**6 and n % 10**6 == 0:
        return f"{n // 10**6}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def table_names() -> List[str]:
    """The export tables, as the core lists them (TABLE_NAMES in analysis/mod.rs)."""
    text = (ROOT / "okr-core/src/analysis/mod.rs").read_text()
    m = re.search(r"pub const TABLE_NAMES: \[&str; \d+\] = \[(.*?)\];", text, re.S)
    if not m:
        raise SystemExit("commands.py: TABLE_NAMES not found in okr-core/src/analysis/mod.rs")
    return re.findall(r'"([a-z_]+)"', m.group(1))


def run_once(argv: Sequence[str], stdout: Optional[Path] = None) -> Tuple[float, int, int]:
    """(wall seconds, peak RSS bytes, exit status) of one process."""
    out = open(stdout or os.devnull, "wb")
    try:
        t = time.perf_counter()
        p = subprocess.Popen(list(argv), stdout=out, stderr=subprocess.DEVNULL)
        _, status, rusage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
    finally:
        out.close()
    code = os.waitstatus_to_exitcode(status)
    return wall, rusage.ru_maxrss * 1024, code


def first_ids(path: Path) -> Tuple[str, str]:
    """The first objective's id and its first key result's id, read from the start of
    the file (the generator writes objectives' ids before their key results)."""
    marker = {".json": b'"objectives"', ".toml": b"[[objectives]]"}.get(path.suffix, b"\nobjectives:")
    head = ""
    with open(path, "rb") as f:
        offset = 0
        while True:
            chunk = f.read(8 << 20)
            if not chunk:
                break
            at = chunk.find(marker)
            if at >= 0:
                f.seek(offset + at)
                head = f.read(1 << 20).decode("utf-8", "replace")
                break
            offset += len(chunk) - len(marker)
            f.seek(offset)
    if path.suffix == ".json":
        ids = re.findall(r'"id":\s*"([^"]+)"', head)
    elif path.suffix == ".toml":
        ids = re.findall(r'^\s*id\s*=\s*"([^"]+)"', head, re.M)
    else:
        ids = re.findall(r"^\s*-?\s*id:\s*['\"]?([^'\"\s]+)", head, re.M)
    if len(ids) < 2:
        raise SystemExit(f"commands.py: no objective and key result ids at the start of {path}")
    return ids[0], ids[1]


def generate(okr: Path, n: int, fmt: str, data: Path) -> Path:
    path = data / f"gen-{label(n)}.{fmt}"
    if not path.exists():
        print(f"generating {path.name}", file=sys.stderr, flush=True)
        subprocess.run([str(okr), "generate", "--objectives", str(n), "-o", str(path)], check=True)
    return path


def shapes(okr: Path, n: int, data: Path) -> Dict[str, Path]:
    """Other organisations of n objectives, in JSON."""
    out: Dict[str, Path] = {}
    base = generate(okr, n, "json", data)
    compact = data / f"compact-{label(n)}.json"
    broken = data / f"broken-refs-{label(n)}.json"
    if not compact.exists() or not broken.exists():
        doc = json.loads(base.read_text())
        with open(compact, "w") as f:
            json.dump(doc, f, separators=(",", ":"))
        # A fifth of the alignment targets point at objectives that do not exist.
        for i, o in enumerate(doc.get("objectives", [])):
            if i % 5 == 0:
                links = o.get("aligns_to") or []
                for j, link in enumerate(links):
                    if isinstance(link, str):
                        links[j] = link + "-gone"
                    elif isinstance(link, dict) and "id" in link:
                        link["id"] = str(link["id"]) + "-gone"
        with open(broken, "w") as f:
            json.dump(doc, f, indent=1)
    out["compact one-line JSON"] = compact
    out["a fifth of alignments broken"] = broken
    for shape in ("chain", "fan-in"):
        path = data / f"{shape}-{label(n)}.json"
        if not path.exists():
            write_synthetic(path, n, shape)
        out[f"{shape} of {label(n)}"] = path
    return out


def write_synthetic(path: Path, n: int, shape: str) -> None:
    """A deep chain (each objective aligns to the one before) or a wide fan-in (every
    objective aligns to the first), one metric key result with one check-in each."""
    with open(path, "w") as f:
        f.write('{"version":1,"cycles":[{"id":"2021-H2","start":"2021-07-01","end":"2021-12-31"}],')
        f.write('"objectives":[')
        for i in range(n):
            parent = "" if i == 0 else f"o{i - 1}" if shape == "chain" else "o0"
            links = f'[{{"id":"{parent}"}}]' if parent else "[]"
            level = "company" if i == 0 else "team"
            f.write(
                ("," if i else "")
                + f'{{"id":"o{i}","title":"Objective {i}","cycle":"2021-H2","level":"{level}",'
                + f'"aligns_to":{links},"key_results":[{{"id":"k{i}","title":"KR {i}",'
                + '"kind":"metric","start":0,"target":10,'
                + f'"check_ins":[{{"date":"2021-09-01","value":{i % 11}}}]}}]}}'
            )
        f.write("]}\n")


def commands(okr: Path, file: Path, scratch: Path, tables: List[str]) -> List[Tuple[str, List[str], Optional[Path]]]:
    """(name, argv, file to copy the document to before each run) of every command."""
    o, kr = first_ids(file)
    ext = file.suffix
    copy = scratch / f"edit{ext}"
    after = scratch / f"after{ext}"
    a = ["--as-of", AS_OF]
    cmds: List[Tuple[str, List[str], Optional[Path]]] = [
        ("check", [str(okr), "check", str(file), *a], None),
        ("check --format json", [str(okr), "check", str(file), "--format", "json", *a], None),
        ("check --format sarif", [str(okr), "check", str(file), "--format", "sarif", *a], None),
        ("check --format github", [str(okr), "check", str(file), "--format", "github", *a], None),
        ("score", [str(okr), "score", str(file), *a], None),
        ("score --format json", [str(okr), "score", str(file), "--format", "json", *a], None),
        ("tree", [str(okr), "tree", str(file), *a], None),
    ]
    for t in tables:
        cmds.append((f"export --table {t}", [str(okr), "export", str(file), "--table", t, *a], None))
    cmds += [
        ("report", [str(okr), "report", str(file), *a, "-o", str(scratch / "report.html")], None),
        ("convert", [str(okr), "convert", str(file), "-o", str(scratch / f"converted{ext}")], None),
        ("explain", [str(okr), "explain", str(file), o, *a], None),
        ("diff", [str(okr), "diff", str(file), str(after), *a], None),
        ("check-in", [str(okr), "check-in", str(copy), kr, "1", "--date", AS_OF], copy),
    ]
    # `diff` compares the file with a copy that has one check-in more.
    if not after.exists() or after.stat().st_mtime < file.stat().st_mtime:
        shutil.copyfile(file, after)
        subprocess.run(
            [str(okr), "check-in", str(after), kr, "1", "--date", AS_OF],
            check=True, stdout=subprocess.DEVNULL,
        )
    return cmds


def measure(argv: List[str], runs: int, copy_to: Optional[Path], source: Path) -> Dict[str, object]:
    walls, rss, codes = [], [], set()
    for _ in range(runs):
        if copy_to is not None:
            shutil.copyfile(source, copy_to)
        w, r, c = run_once(argv)
        walls.append(w)
        rss.append(r)
        codes.add(c)
    return {
        "wall_s": statistics.median(walls),
        "peak_rss_bytes": int(statistics.median(rss)),
        "runs": runs,
        "exit": sorted(codes),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,100k")
    ap.add_argument("--formats", default="json,yaml,toml")
    ap.add_argument("--text-max", default="100k", help="largest size for YAML and TOML")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--runs-large", type=int, default=1, help="runs at 1M and above")
    ap.add_argument("--shapes", action="store_true", help="also the other org shapes (JSON)")
    ap.add_argument("--only", default="", help="comma-separated command names to run")
    ap.add_argument("--results", type=Path, default=ROOT / "target/okr-bench-commands.jsonl")
    ap.add_argument("--data", type=Path, default=ROOT / "target/okr-bench-data")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if any command of a generated org does not exit 0 (CI)")
    args = ap.parse_args()

    if not args.no_build:
        subprocess.run(
            ["cargo", "build", "--release", "-q", "-p", "okr-core", "--features", "cli", "--bin", "okr",
             "-p", "okr-benches", "--bin", "parse_only"],
            check=True, cwd=ROOT,
        )
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    okr = target / "release/okr"
    parse_only = target / "release/parse_only"
    args.data.mkdir(parents=True, exist_ok=True)
    scratch = args.data / "scratch"
    scratch.mkdir(exist_ok=True)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    tables = table_names()
    only = {c.strip() for c in args.only.split(",") if c.strip()}
    text_max = size(args.text_max)

    files: List[Tuple[str, int, Path]] = []
    for n in [size(s) for s in args.sizes.split(",")]:
        for fmt in args.formats.split(","):
            if fmt != "json" and n > text_max:
                continue
            files.append((f"generated {fmt}", n, generate(okr, n, fmt, args.data)))
        if args.shapes:
            for shape, path in shapes(okr, n, args.data).items():
                files.append((shape, n, path))

    rows = []
    with open(args.results, "a") as results:
        for shape, n, file in files:
            runs = args.runs_large if n >= 10**6 else args.runs
            todo = [("parse only (baseline)", [str(parse_only), str(file)], None)]
            todo += commands(okr, file, scratch, tables)
            for name, argv, copy_to in todo:
                if only and name not in only and not name.startswith("parse only"):
                    continue
                m = measure(argv, runs, copy_to, file)
                line = {"source": "commands", "shape": shape, "objectives": n, "file": file.name,
                        "bytes": file.stat().st_size, "command": name, **m}
                results.write(json.dumps(line) + "\n")
                results.flush()
                rows.append(line)
                print(f"{shape} {label(n)} {name}: {m['wall_s']:.3f} s, "
                      f"{m['peak_rss_bytes'] / 2**20:.0f} MiB, exit {m['exit']}", file=sys.stderr, flush=True)
    print_table(rows)
    failed = [r for r in rows if str(r["shape"]).startswith("generated") and r["exit"] != [0]]
    if args.check and failed:
        for r in failed:
            print(f"commands.py: `{r['command']}` on {r['file']} exited {r['exit']}", file=sys.stderr)
        raise SystemExit(1)


def print_table(rows: List[Dict[str, object]]) -> None:
    """Markdown: one row per command, the sizes side by side (time, peak RSS, × parse)."""
    groups: Dict[Tuple[str, int], Dict[str, Dict[str, object]]] = {}
    for r in rows:
        groups.setdefault((str(r["shape"]), int(r["objectives"])), {})[str(r["command"])] = r
    for (shape, n), by in groups.items():
        base = by.get("parse only (baseline)")
        print(f"\n**{shape}, {label(n)} objectives** "
              f"({int(next(iter(by.values()))['bytes']) / 2**20:.0f} MiB)\n")
        print("| command | wall | peak RSS | × parse-only time | exit |")
        print("|---|---:|---:|---:|---|")
        for name, r in by.items():
            ratio = ""
            if base and name != "parse only (baseline)" and float(base["wall_s"]) > 0:
                ratio = f"{float(r['wall_s']) / float(base['wall_s']):.1f}"
            print(f"| `{name}` | {float(r['wall_s']):.3f} s | {int(r['peak_rss_bytes']) / 2**20:.0f} MiB "
                  f"| {ratio} | {','.join(str(c) for c in r['exit'])} |")


if __name__ == "__main__":
    main()
