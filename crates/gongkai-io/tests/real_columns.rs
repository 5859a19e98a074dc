//! Real column pages of government websites (`tests/columns/*/`: the page as
//! stored in `page.html`, where it came from and how its builder lays the
//! list out in `source.md`, the items checked by hand in `truth.json`):
//! every listed item with its title, date and address, nothing from the
//! navigation or side boxes, and the next page where the pager names one.

use chrono::NaiveDate;
use gongkai_io::column::{decode, read_column};
use serde_json::Value;
use std::path::Path;
use url::Url;

/// Where a fixture's page address is not known, its links are resolved
/// against this one (the truth keeps them as written).
const UNKNOWN_HOST: &str = "http://unknown.invalid/column/index.html";

#[test]
fn every_item_of_real_column_pages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/columns");
    let mut dirs: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    assert!(dirs.len() >= 7, "the real pages are there");
    let (mut listed, mut right, mut wrong) = (0, 0, Vec::new());
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        assert!(dir.join("source.md").exists(), "{name}: where the page came from");
        let truth: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
        let page = Url::parse(truth["url"].as_str().unwrap_or(UNKNOWN_HOST)).unwrap();
        let bytes = std::fs::read(dir.join("page.html")).unwrap();
        // The day the fixture was kept settles dates written without a year; none here lacks one.
        let read = read_column(&decode(&bytes, None), &page, NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
        let want = truth["items"].as_array().unwrap();
        listed += want.len();
        if read.items.len() != want.len() {
            wrong.push(format!("{name}: {} items read, {} listed", read.items.len(), want.len()));
        }
        for (n, want) in want.iter().enumerate() {
            let address = want["url"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| page.join(want["href"].as_str().unwrap()).unwrap().to_string());
            let got = read
                .items
                .iter()
                .find(|i| i.url == address)
                .or_else(|| read.items.iter().find(|i| i.title == want["title"].as_str().unwrap()));
            match got {
                Some(got)
                    if got.title == want["title"].as_str().unwrap()
                        && got.date.to_string() == want["date"].as_str().unwrap()
                        && got.url == address =>
                {
                    right += 1
                }
                other => wrong.push(format!("{name} item {}: want {want}, read {other:?}", n + 1)),
            }
        }
        if let Some(next) = truth["next"].as_array().and_then(|n| n.first()).and_then(Value::as_str) {
            let next = page.join(next).unwrap().to_string();
            if read.pages.first() != Some(&next) {
                wrong.push(format!(
                    "{name}: next page {next}, read {:?}",
                    read.pages.iter().take(3).collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{right} of {listed} items right:\n{}", wrong.join("\n"));
}
