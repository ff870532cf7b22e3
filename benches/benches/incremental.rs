//! Incremental update: one check-in on a leaf key result (its objective and ancestors are
//! recomputed, nothing else).
//!
//! Each timed check-in goes to a different leaf key result, so that no key result piles up
//! check-ins over millions of iterations (which would make its evaluation slower and the
//! sizes incomparable); when every leaf has had one, the scorecard is restored, untimed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use okr_benches::{a_check_in, label, leaf_metric_krs, scorecard, sizes};
use std::time::{Duration, Instant};

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("incremental");
    for n in sizes() {
        g.throughput(Throughput::Elements(1));
        let pristine = scorecard(n);
        let leaves = leaf_metric_krs(pristine.document());
        assert!(!leaves.is_empty());
        let mut card = pristine.clone();
        let mut next = 0usize;
        g.bench_function(BenchmarkId::new("check_in", label(n)), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    if next == leaves.len() {
                        card = pristine.clone();
                        next = 0;
                    }
                    let kr = &leaves[next];
                    next += 1;
                    let ci = a_check_in();
                    let t = Instant::now();
                    let changed = card.check_in(kr, ci).unwrap();
                    total += t.elapsed();
                    std::hint::black_box(changed);
                }
                total
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
