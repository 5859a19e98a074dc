//! Real 公开时限 cells from catalogues governments published
//! (`tests/timelimits/cells.jsonl`: each cell exactly as printed, the page
//! it came from, and its reading under docs/TIMELIMIT-SEMANTICS.md checked
//! by hand), read by the same parser `gongkai timelimit` uses.

use gongkai_domain::timelimit::TimeLimit;
use serde_json::Value;

#[test]
fn every_real_cell_reads_as_checked_by_hand() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/timelimits/cells.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let cells: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let sources: std::collections::HashSet<&str> = cells.iter().map(|c| c["source"].as_str().unwrap()).collect();
    assert!(cells.len() >= 100 && sources.len() >= 30, "{} cells from {} pages", cells.len(), sources.len());
    let mut wrong = Vec::new();
    for cell in &cells {
        let read = serde_json::to_value(TimeLimit::parse(cell["text"].as_str().unwrap())).unwrap();
        if read != cell["expected"] {
            wrong.push(format!("{}\n  read:  {read}\n  truth: {}", cell["text"], cell["expected"]));
        }
    }
    assert!(wrong.is_empty(), "{} of {} cells differ:\n{}", wrong.len(), cells.len(), wrong.join("\n"));
}

#[test]
fn every_reading_keeps_its_text_and_describes_itself() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/timelimits/cells.jsonl");
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let cell: Value = serde_json::from_str(line).unwrap();
        let text = cell["text"].as_str().unwrap();
        let read = TimeLimit::parse(text);
        assert_eq!(read.text, text);
        let said = read.describe();
        assert!(!said.is_empty() && !said.chars().any(|c| c.is_ascii_alphabetic()), "{text}: {said}");
    }
}
