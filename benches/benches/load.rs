//! Loading a document from text: JSON, YAML and TOML (the texts `okr generate` writes).
//!
//! YAML and TOML are read through the spanned tree (no fast path yet), which needs about
//! 20 KB of memory per objective, and writing TOML is slow; they run up to
//! `OKR_BENCH_TEXT_MAX` objectives (default 100k) so that a full run fits in memory.
//! JSON runs at every size, without the default 1 GiB size cap (`load_options`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use okr_benches::{document, label, load_options, sizes, text_max};
use okr_core::{Document, Format};
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    let options = load_options();
    for n in sizes() {
        if n >= 100_000 {
            // Seconds per iteration: ten flat samples, short warm-up.
            g.sample_size(10)
                .sampling_mode(SamplingMode::Flat)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(2));
        }
        g.throughput(Throughput::Elements(n as u64));
        let doc = document(n);
        for format in [Format::Json, Format::Yaml, Format::Toml] {
            if format != Format::Json && n > text_max() {
                println!(
                    "load/{}/{}: skipped above OKR_BENCH_TEXT_MAX",
                    format.name(),
                    label(n)
                );
                continue;
            }
            let text = doc.to_text(format).unwrap();
            g.bench_with_input(
                BenchmarkId::new(format.name(), label(n)),
                &text,
                |b, text| b.iter(|| Document::from_str_with(text, format, &options).unwrap()),
            );
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
