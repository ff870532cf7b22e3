//! Peak memory of loading and scoring one document, measured in a fresh process.
//!
//! `mem FILE` loads FILE (format by extension), scores it as of the benchmark
//! date, and prints one JSON line: the peak resident set size (VmHWM from
//! /proc/self/status) and the resident size after each step, in bytes. `mem --value FILE`
//! reports the peak of parsing the same JSON into a `serde_json::Value` instead.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use okr_benches::{as_of, load_options, peak_rss, rss};
use okr_core::{Document, Policy, Scorecard};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().is_some_and(|a| a == "--value") {
        // The baseline's memory: serde_json::Value of the same text.
        args.next();
        let file = args.next().expect("usage: mem --value FILE");
        let text = std::fs::read_to_string(&file).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        std::hint::black_box(&value);
        let line = serde_json::json!({"file": file, "value_peak_rss": peak_rss().unwrap_or(0)});
        println!("{line}");
        return;
    }
    let file = args.next().expect("usage: mem [--value] FILE");
    let start = rss().unwrap_or(0);
    let t = Instant::now();
    let doc =
        Document::from_path_with(&file, &load_options()).unwrap_or_else(|e| panic!("{file}: {e}"));
    let load_s = t.elapsed().as_secs_f64();
    let after_load = rss().unwrap_or(0);
    let objectives = doc.objectives.len();
    let t = Instant::now();
    let card = Scorecard::new(doc, as_of(), Policy::default());
    let score_s = t.elapsed().as_secs_f64();
    let after_score = rss().unwrap_or(0);
    std::hint::black_box(&card);
    let line = serde_json::json!({
        "file": file,
        "objectives": objectives,
        "file_bytes": std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0),
        "rss_start": start,
        "rss_after_load": after_load,
        "rss_after_score": after_score,
        "peak_rss": peak_rss().unwrap_or(0),
        "load_s": load_s,
        "score_s": score_s,
    });
    println!("{line}");
}
