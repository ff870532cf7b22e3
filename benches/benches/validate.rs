//! Validation: `validate` from a document (what `okr check` runs: scoring included) and
//! `validate_scored` on an already built scorecard.

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
use okr_benches::{as_of, label, scorecard, sizes};
use okr_core::{validate, validate_scored, Policy};
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("validate");
    for n in sizes() {
        if n >= 100_000 {
            // Seconds per iteration: ten flat samples, short warm-up.
            g.sample_size(10)
                .sampling_mode(SamplingMode::Flat)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(2));
        }
        g.throughput(Throughput::Elements(n as u64));
        let card = scorecard(n);
        let policy = Policy::default();
        g.bench_function(BenchmarkId::new("validate", label(n)), |b| {
            b.iter(|| validate(card.document(), as_of(), &policy))
        });
        g.bench_function(BenchmarkId::new("validate_scored", label(n)), |b| {
            b.iter(|| validate_scored(&card))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
