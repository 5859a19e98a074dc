//! How fast the deadline parser reads the seed's 36 cells (cells per second).
//! `cargo bench -p gongkai-domain --bench deadline`

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gongkai_domain::DeadlineText;
use std::hint::black_box;

fn seed_cells() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seed/seed-deadlines.expected.jsonl");
    let text = std::fs::read_to_string(path).expect("shared/seed beside the project");
    text.lines()
        .filter_map(|line| {
            let start = line.find("\"text\": \"")? + 9;
            let end = start + line[start..].find('"')?;
            Some(line[start..end].to_string())
        })
        .collect()
}

fn parse_seed_cells(c: &mut Criterion) {
    let cells = seed_cells();
    assert_eq!(cells.len(), 36);
    let mut group = c.benchmark_group("deadline");
    group.throughput(Throughput::Elements(cells.len() as u64));
    group.bench_function("parse the 36 seed cells", |b| {
        b.iter(|| {
            for cell in &cells {
                black_box(DeadlineText::parse(black_box(cell), 2020));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, parse_seed_cells);
criterion_main!(benches);
