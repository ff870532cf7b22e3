//! Analysis: every SPEC §7 table (findings computed first, as `tables` does) and the
//! contributions table alone, through `tables_with` on precomputed findings.

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
use okr_benches::{label, scorecard, sizes};
use okr_core::validate_scored;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("analysis");
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
        if n < 1_000_000 {
            g.bench_function(BenchmarkId::new("tables", label(n)), |b| {
                b.iter(|| card.tables())
            });
        } else {
            // Tens of seconds per iteration at 1M: validation has its own bench, and
            // `tables_with_findings` below is the rest of `tables`.
            println!(
                "analysis/tables/{}: skipped (validate + tables_with_findings)",
                label(n)
            );
        }
        let findings = validate_scored(&card);
        g.bench_function(BenchmarkId::new("tables_with_findings", label(n)), |b| {
            b.iter(|| card.tables_with(&findings))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
