//! Real 政府信息公开工作年度报告 (`tests/annual_reports/*/`: where each came
//! from in `source.md`, the text as published in `report.txt`, tables 三 and
//! 四 typed by hand in `truth.json`): the form's rows are the ones these
//! governments printed, in the same order, and their numbers keep every
//! identity the checker holds a filled form to; a slip in any cell is named.

use gongkai_domain::annual_report::{TABLE3_ROWS, Table3, Table4};
use serde_json::Value;
use std::path::Path;

/// Labels compared as printed, with the punctuation variants offices use
/// (1、 for 1., half-width brackets and quotes).
fn plain(label: &str) -> String {
    label
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '、' => '.',
            '(' => '（',
            ')' => '）',
            '"' | '“' | '”' => '"',
            c => c,
        })
        .collect()
}

fn numbers(value: &Value) -> Vec<i64> {
    value.as_array().unwrap().iter().map(|v| v.as_i64().unwrap_or(0)).collect()
}

fn tables(truth: &Value) -> (Table3, Table4) {
    let mut rows = [[0i64; 7]; 25];
    for (n, row) in truth["table3"].as_array().unwrap().iter().enumerate() {
        rows[n].copy_from_slice(&numbers(&row["values"]));
    }
    let mut four = [0i64; 15];
    four.copy_from_slice(&numbers(&truth["table4"]));
    (Table3(rows), Table4(four))
}

#[test]
fn real_reports_print_the_forms_rows_and_keep_its_identities() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/annual_reports");
    let mut dirs: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    assert!(dirs.len() >= 5);
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        assert!(dir.join("source.md").exists(), "{name}: where it came from");
        let truth: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
        let printed: Vec<String> =
            truth["table3"].as_array().unwrap().iter().map(|r| plain(r["label"].as_str().unwrap())).collect();
        let form: Vec<String> = TABLE3_ROWS.iter().map(|r| plain(r.label)).collect();
        assert_eq!(printed, form, "{name}: the rows as printed");
        let (three, four) = tables(&truth);
        assert!(three.breaks().is_empty(), "{name}: {:?}", three.breaks());
        assert!(four.breaks().is_empty(), "{name}: {:?}", four.breaks());
        // A result typed wrong breaks its row's sum and its column's results;
        // a new request typed wrong, its row's sum and its column's balance.
        let mut slipped = three.clone();
        slipped.0[2][0] += 1;
        let said = slipped.breaks();
        assert_eq!(said.len(), 2, "{name}: {said:?}");
        assert!(said[0].contains("（一）予以公开") && said[1].contains("“自然人”列：办理结果各项之和"), "{said:?}");
        let mut slipped = three.clone();
        slipped.0[0][0] += 1;
        let said = slipped.breaks();
        assert_eq!(said.len(), 2, "{name}: {said:?}");
        assert!(said[1].contains("本年新收加上年结转"), "{said:?}");
    }
}
