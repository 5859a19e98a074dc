//! Real 标准目录 as counties published them (`tests/catalogues/*/`: the page's
//! address in `source.md`, the rows in `catalogue.txt`, the same laid out in
//! Word and Excel with their two-row headers and merged cells, and
//! `truth.json` checked by hand): every item, its 事项, tick columns, channels
//! and 公开时限 read exactly as the truth says, from both files.

use gongkai_domain::catalogue::ItemDraft;
use gongkai_io::catalogue::read_catalogue;
use serde_json::Value;
use std::path::Path;

/// Cells are compared without the spaces and line breaks the page wrapped them with.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(squeeze).filter(|s| !s.is_empty())
}

fn texts(value: &Value) -> Vec<String> {
    value.as_array().map(|a| a.iter().filter_map(text).collect()).unwrap_or_default()
}

fn check_item(name: &str, n: usize, got: &ItemDraft, want: &Value) -> Vec<String> {
    let mut wrong = Vec::new();
    let opt = |s: &Option<String>| s.as_deref().map(squeeze).filter(|s| !s.is_empty());
    let fields: [(&str, Option<String>); 10] = [
        ("seq", opt(&got.seq)),
        ("level1", opt(&got.level1)),
        ("level2", opt(&got.level2)),
        ("level3", opt(&got.level3)),
        ("content", Some(squeeze(&got.content)).filter(|s| !s.is_empty())),
        ("basis", Some(squeeze(&got.basis)).filter(|s| !s.is_empty())),
        ("timelimit", Some(squeeze(&got.timelimit)).filter(|s| !s.is_empty())),
        ("subject", Some(squeeze(&got.subject)).filter(|s| !s.is_empty())),
        ("audience", opt(&got.audience)),
        ("mode", opt(&got.mode)),
    ];
    for (key, value) in fields {
        if value != text(&want[key]) {
            wrong.push(format!("{name} item {n} {key}: read {value:?}, truth {:?}", text(&want[key])));
        }
    }
    if want.get("category").is_some() && opt(&got.category) != text(&want["category"]) {
        wrong.push(format!("{name} item {n} category: read {:?}", got.category));
    }
    let channels: Vec<String> = got.channels.iter().map(|c| squeeze(c)).collect();
    if channels != texts(&want["channels"]) {
        wrong.push(format!("{name} item {n} channels: read {channels:?}, truth {:?}", texts(&want["channels"])));
    }
    let level: Vec<String> = got.level.iter().map(|c| squeeze(c)).collect();
    if level != texts(&want["level"]) {
        wrong.push(format!("{name} item {n} level: read {level:?}, truth {:?}", texts(&want["level"])));
    }
    wrong
}

fn check(dir: &Path, file: &str) -> Vec<String> {
    let name = format!("{}/{file}", dir.file_name().unwrap().to_string_lossy());
    let bytes = std::fs::read(dir.join(file)).unwrap();
    let truth: Vec<Value> = serde_json::from_slice(&std::fs::read(dir.join("truth.json")).unwrap()).unwrap();
    let read = match read_catalogue(file, &bytes) {
        Ok(read) => read,
        Err(err) => return vec![format!("{name}: not read: {err}")],
    };
    if read.items.len() != truth.len() {
        return vec![format!("{name}: {} items read, truth has {}", read.items.len(), truth.len())];
    }
    read.items.iter().zip(&truth).enumerate().flat_map(|(n, (got, want))| check_item(&name, n + 1, got, want)).collect()
}

#[test]
fn every_real_catalogue_reads_as_its_truth_from_word_and_excel() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/catalogues");
    let mut dirs: Vec<_> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    assert!(dirs.len() >= 8, "at least eight real catalogues");
    let mut wrong = Vec::new();
    for dir in &dirs {
        for file in ["catalogue.docx", "catalogue.xlsx"] {
            wrong.extend(check(dir, file));
        }
    }
    assert!(wrong.is_empty(), "{} differences:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn a_damaged_catalogue_is_refused_in_plain_words() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/catalogues/qzlj-hujiguanli");
    let bytes = std::fs::read(root.join("catalogue.xlsx")).unwrap();
    let cut = &bytes[..bytes.len() / 2];
    let err = read_catalogue("目录.xlsx", cut).unwrap_err().to_string();
    assert!(err.contains("文件已损坏"), "{err}");
    let err = read_catalogue("目录.txt", b"abc").unwrap_err().to_string();
    assert!(err.contains(".docx") && err.contains(".xlsx"), "{err}");
}
