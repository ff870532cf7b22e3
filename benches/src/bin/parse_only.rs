//! The honest limit of loading a file: read it and run only the format's parser over it,
//! building nothing (`serde_json::from_slice::<IgnoredAny>` for JSON, the event loop of
//! saphyr's parser for YAML, `toml::from_str` into the parser's own table for TOML).
//!
//! `parse_only FILE` (format by extension) prints one JSON line: the bytes, the seconds of
//! the parse alone and of the read. `benches/commands.py` runs it as a process beside the
//! `okr` commands, so its wall time and peak RSS are the baseline of every command's load.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use saphyr_parser::{Event, Parser};
use std::time::Instant;

fn main() {
    let file = std::env::args().nth(1).expect("usage: parse_only FILE");
    let t = Instant::now();
    let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let read_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    if file.ends_with(".json") {
        let v: serde::de::IgnoredAny = serde_json::from_slice(&bytes).unwrap();
        std::hint::black_box(v);
    } else {
        let text = std::str::from_utf8(&bytes).unwrap();
        if file.ends_with(".toml") {
            let v: toml::Table = toml::from_str(text).unwrap();
            std::hint::black_box(v);
        } else {
            let mut events = 0usize;
            for event in Parser::new_from_str(text) {
                let (event, _) = event.unwrap();
                if !matches!(event, Event::Nothing) {
                    events += 1;
                }
            }
            std::hint::black_box(events);
        }
    }
    let parse_s = t.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"file": file, "bytes": bytes.len(), "read_s": read_s, "parse_s": parse_s})
    );
}
