//! Side-by-side baselines, both sides timed in this one process (median of several runs,
//! `std::time::Instant`), each printing its ratio and its goal:
//!
//! - `rollup/limit`: `Scorecard::recompute` (every key result and objective) against a
//!   hand-written rollup over plain arrays given the key results' values ([`Limit`]);
//!   goal ≤ 2 at 1M. Also `objectives pass/limit`: the objectives pass of `recompute`
//!   alone (`recompute_objectives`), on exactly the limit's inputs (informational).
//! - `load/serde_json_value`: our typed JSON load against `serde_json::Value` parsing the same
//!   bytes; goal ≤ 1.
//! - `full/incremental`: `recompute` against one `check_in` on a leaf key result; goal
//!   ≥ 1000 at 1M; and `incremental 1M/1k` ≤ 2.
//! - `validate/rollup`: `validate` from the document against `recompute`; goal ≤ 3 at 1M.
//! - `peak_rss`: loading and scoring the JSON document in a fresh process; goal ≤ 2 GiB
//!   at 1M.
//!
//! Every figure is appended to the results file as one JSON line (see
//! `okr_benches::results_path`); `benches/report.py` turns the latest run into the table of
//! `benches/README.md`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use okr_benches::*;
use okr_core::{validate, Document, Format, Policy, Scorecard};
use serde_json::json;
use std::time::{Duration, Instant};

const GOAL_SIZE: usize = 1_000_000;

struct Run {
    id: u64,
    date: String,
    machine: serde_json::Value,
}

impl Run {
    fn emit(&self, line: serde_json::Value) {
        let mut line = line;
        line["run"] = json!(self.id);
        line["date"] = json!(self.date);
        line["machine"] = self.machine.clone();
        record(&line);
    }

    /// Prints and records one ratio; `at_most` says which side of the goal is good.
    #[allow(clippy::too_many_arguments)]
    fn ratio(
        &self,
        name: &str,
        n: usize,
        num: f64,
        den: f64,
        goal: f64,
        at_most: bool,
        note: &str,
    ) {
        let ratio = num / den;
        let met = if at_most {
            ratio <= goal
        } else {
            ratio >= goal
        };
        let op = if at_most { "<=" } else { ">=" };
        let verdict = match (n == GOAL_SIZE, met) {
            (true, true) => "goal met",
            (true, false) => "GOAL MISSED",
            (false, _) => "goal applies at 1M",
        };
        println!("ratio {name} @{n} = {ratio:.3} (goal {op} {goal}) {verdict}{note}");
        self.emit(json!({
            "kind": "ratio", "name": name, "size": n, "ratio": ratio,
            "numerator_s": num, "denominator_s": den,
            "goal": format!("{op} {goal}"), "goal_size": GOAL_SIZE, "met": met,
            "note": note.trim(),
        }));
    }

    fn time(&self, name: &str, n: usize, d: Duration) {
        println!("time {name} @{n} = {}", fmt(d));
        self.emit(json!({"kind": "time", "name": name, "size": n, "seconds": d.as_secs_f64()}));
    }
}

fn fmt(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else if s >= 1e-6 {
        format!("{:.3} µs", s * 1e6)
    } else {
        format!("{:.1} ns", s * 1e9)
    }
}

/// Mean time of one `check_in` on a leaf key result: a batch of check-ins on distinct
/// leaves, timed together; median over runs, the scorecard restored between runs.
fn incremental(pristine: &Scorecard, runs: usize) -> Duration {
    let leaves = leaf_metric_krs(pristine.document());
    let batch = leaves.len().min(2_000);
    let mut times = Vec::new();
    for _ in 0..runs.max(3) {
        let mut card = pristine.clone();
        let t = Instant::now();
        for kr in &leaves[..batch] {
            std::hint::black_box(card.check_in(kr, a_check_in()).unwrap());
        }
        times.push(t.elapsed() / batch as u32);
    }
    times.sort();
    times[times.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects nothing here.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let run = Run {
        id: now_unix(),
        date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        machine: machine(),
    };
    let policy = Policy::default();
    let parse_max = parse_max();
    let data_dir = results_path().with_file_name("okr-bench-data");
    std::fs::create_dir_all(&data_dir).unwrap();
    let mut incremental_by_size = Vec::new();
    for n in sizes() {
        let runs = runs_for(n);
        println!("--- {} objectives ({runs} runs per figure)", label(n));
        let mut card = Scorecard::new(document(n), as_of(), policy.clone());

        // Rollup against the limit.
        let rollup = median(runs, || card.recompute());
        let mut limit = Limit::new(&card);
        let limit_t = median(runs, || limit.run());
        let agrees = limit.agrees_with(&card);
        assert!(
            agrees,
            "the limit must compute exactly what okr-core computes"
        );
        run.time("rollup (recompute)", n, rollup);
        run.time("limit (plain arrays)", n, limit_t);
        run.ratio(
            "rollup/limit",
            n,
            rollup.as_secs_f64(),
            limit_t.as_secs_f64(),
            2.0,
            true,
            "",
        );

        // The objectives pass alone, on the same inputs as the limit (informational: the
        // full rollup above also evaluates every key result from its check-ins).
        let objectives_pass = median(runs, || card.recompute_objectives());
        run.time("objectives pass (recompute_objectives)", n, objectives_pass);
        run.ratio(
            "objectives pass/limit",
            n,
            objectives_pass.as_secs_f64(),
            limit_t.as_secs_f64(),
            2.0,
            true,
            " (informational: same inputs as the limit)",
        );

        // Incremental against full.
        let incr = incremental(&card, runs);
        run.time("incremental (one check_in)", n, incr);
        incremental_by_size.push((n, incr));
        run.ratio(
            "full/incremental",
            n,
            rollup.as_secs_f64(),
            incr.as_secs_f64(),
            1000.0,
            false,
            "",
        );

        // Validation against the rollup.
        let val = median(runs, || validate(card.document(), as_of(), &policy));
        run.time("validate", n, val);
        run.ratio(
            "validate/rollup",
            n,
            val.as_secs_f64(),
            rollup.as_secs_f64(),
            3.0,
            true,
            "",
        );

        // Typed load against serde_json::Value on the same bytes (nothing else in memory).
        let text = card.document().to_text(Format::Json).unwrap();
        drop(card);
        if n > parse_max {
            println!("ratio load/serde_json_value @{n}: skipped above OKR_BENCH_PARSE_MAX");
        } else {
            let ours = median(runs, || Document::from_str(&text, Format::Json).unwrap());
            let value = median(runs, || {
                serde_json::from_str::<serde_json::Value>(&text).unwrap()
            });
            run.time("load json (typed)", n, ours);
            run.time("serde_json::Value", n, value);
            run.ratio(
                "load/serde_json_value",
                n,
                ours.as_secs_f64(),
                value.as_secs_f64(),
                1.0,
                true,
                &format!(" ({} MB of JSON)", text.len() / 1_000_000),
            );
        }

        // Peak memory of loading and scoring, in a fresh process.
        let file = data_dir.join(format!("org-{n}.json"));
        std::fs::write(&file, &text).unwrap();
        drop(text);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_mem"))
            .arg(&file)
            .output()
            .unwrap();
        let _ = std::fs::remove_file(&file);
        assert!(
            out.status.success(),
            "mem: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mem: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let peak = mem["peak_rss"].as_u64().unwrap_or(0);
        let gib = peak as f64 / (1u64 << 30) as f64;
        let per = peak as f64 / n.max(1) as f64;
        let verdict = match (n == GOAL_SIZE, gib <= 2.0) {
            (true, true) => "goal met",
            (true, false) => "GOAL MISSED",
            (false, _) => "goal applies at 1M",
        };
        println!(
            "memory peak_rss @{n} = {gib:.3} GiB, {per:.0} bytes/objective (goal <= 2 GiB) {verdict}"
        );
        let mut line = json!({
            "kind": "memory", "name": "peak_rss", "size": n, "bytes": peak,
            "bytes_per_objective": per, "goal": "<= 2 GiB", "goal_size": GOAL_SIZE,
            "met": gib <= 2.0,
        });
        line["detail"] = mem;
        run.emit(line);
    }
    if let (Some(&(small, a)), Some(&(large, b))) =
        (incremental_by_size.first(), incremental_by_size.last())
    {
        if large > small {
            run.ratio(
                &format!("incremental {}/{}", label(large), label(small)),
                large,
                b.as_secs_f64(),
                a.as_secs_f64(),
                2.0,
                true,
                "",
            );
        }
    }
}
