//! A full import of the seed list into a fresh SQLite ledger: read the .docx,
//! understand every row, save tasks, milestones and obligations.
//! `cargo bench -p gongkai --bench import`

use criterion::{Criterion, criterion_group, criterion_main};
use gongkai_domain::plan::understand;
use gongkai_io::{read_task_list, units_csv};
use gongkai_store::{Store, scratch};

fn import_seed(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seed/conghua-2020-tasklist.docx");
    let bytes = std::fs::read(path).expect("shared/seed beside the project");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut group = c.benchmark_group("import");
    group.sample_size(20);
    group.bench_function("read and understand the seed .docx", |b| {
        let directory = gongkai_domain::units::Directory::new(units_csv::conghua());
        b.iter(|| {
            let list = read_task_list("seed.docx", &bytes).unwrap();
            understand(&list, &directory, 2020)
        })
    });
    group.bench_function("seed .docx into a new SQLite ledger", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let store = Store::connect(
                    &scratch::sqlite_url(dir.path()),
                    &gongkai_domain::secret::SecretKey::from_bytes([7; 32]),
                )
                .await
                .unwrap();
                store.save_units(&units_csv::conghua(), false, "bench").await.unwrap();
                let directory = store.directory().await.unwrap();
                let list = read_task_list("seed.docx", &bytes).unwrap();
                let understood = understand(&list, &directory, 2020);
                let heading = gongkai_store::PlanHeading::new(
                    "清单",
                    "从化区",
                    chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
                );
                let report = store.save_plan(&understood, &heading, &directory, "bench").await.unwrap();
                assert!(report.obligations_added > 500);
                store.close().await;
            })
        })
    });
    group.finish();
}

criterion_group!(benches, import_seed);
criterion_main!(benches);
