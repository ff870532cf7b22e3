//! Loading a document from text: JSON, YAML and TOML (the texts `okr generate` writes).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use okr_benches::{document, label, sizes};
use okr_core::{Document, Format};

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    for n in sizes() {
        if n >= 100_000 {
            g.sample_size(10);
        }
        g.throughput(Throughput::Elements(n as u64));
        let doc = document(n);
        for format in [Format::Json, Format::Yaml, Format::Toml] {
            let text = doc.to_text(format).unwrap();
            g.bench_with_input(
                BenchmarkId::new(format.name(), label(n)),
                &text,
                |b, text| b.iter(|| Document::from_str(text, format).unwrap()),
            );
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
