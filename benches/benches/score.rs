//! Full rollup: `Scorecard::new` (graph build + every key result and objective) and
//! `Scorecard::recompute` (every key result and objective on a built scorecard).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use okr_benches::{as_of, document, label, sizes};
use okr_core::{Policy, Scorecard};
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("score");
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
        g.bench_with_input(BenchmarkId::new("new", label(n)), &doc, |b, doc| {
            b.iter_batched(
                || doc.clone(),
                |d| Scorecard::new(d, as_of(), Policy::default()),
                BatchSize::LargeInput,
            )
        });
        let mut card = Scorecard::new(doc, as_of(), Policy::default());
        g.bench_function(BenchmarkId::new("recompute", label(n)), |b| {
            b.iter(|| card.recompute())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
