//! Real task lists as governments published them (`tests/lists/*/`: the
//! page's address in `source.md`, the text in `list.txt`, the same laid out
//! in Word and Excel, and `truth.json` checked by hand): every task, its
//! number, group, units (lead, support or responsible) and deadline read
//! exactly as the truth says, from each of the three files.

use gongkai_domain::responsible::unit_roles;
use gongkai_io::read_task_list;
use serde_json::Value;
use std::path::Path;

/// "3", "（三）", "(三)", "三" → 3.
fn number(printed: &str) -> Option<u64> {
    let inner = printed.trim_matches(|c| "（）()、.．".contains(c));
    if let Ok(n) = inner.parse() {
        return Some(n);
    }
    let digit = |c: char| "一二三四五六七八九".find(c).map(|i| i as u64 / 3 + 1);
    let chars: Vec<char> = inner.chars().collect();
    match chars[..] {
        ['十'] => Some(10),
        [c] => digit(c),
        ['十', c] => digit(c).map(|d| 10 + d),
        [a, '十'] => digit(a).map(|d| d * 10),
        [a, '十', c] => Some(digit(a)? * 10 + digit(c)?),
        _ => None,
    }
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

fn check(dir: &Path, file: &str) -> Vec<String> {
    let name = format!("{}/{file}", dir.file_name().unwrap().to_string_lossy());
    let bytes = std::fs::read(dir.join(file)).unwrap();
    let truth: Vec<Value> = serde_json::from_slice(&std::fs::read(dir.join("truth.json")).unwrap()).unwrap();
    let list = match read_task_list(file, &bytes) {
        Ok(list) => list,
        Err(err) => return vec![format!("{name}: not read: {err}")],
    };
    let mut wrong = Vec::new();
    if list.rows.len() != truth.len() {
        wrong.push(format!("{name}: {} tasks read, {} in the truth", list.rows.len(), truth.len()));
    }
    for (row, expected) in list.rows.iter().zip(&truth) {
        let at = format!("{name} {}", row.at);
        let mut differs = |what: &str, got: String, want: String| {
            if got != want {
                wrong.push(format!("{at}: {what}: read {got:?}, truth {want:?}"));
            }
        };
        differs("task", row.task.text.clone(), expected["task"].as_str().unwrap().to_string());
        differs("group", format!("{:?}", row.group), format!("{:?}", expected["group"].as_str()));
        differs("seq", format!("{:?}", row.seq.as_deref().and_then(number)), format!("{:?}", expected["seq"].as_u64()));
        let deadline = Some(row.deadline.text.clone()).filter(|d| !d.is_empty());
        differs("deadline", format!("{deadline:?}"), format!("{:?}", expected["deadline"].as_str()));
        let roles = unit_roles(&row.responsible.text, row.lead, &row.support.text);
        differs("lead", format!("{:?}", roles.lead), format!("{:?}", strings(&expected["lead_units"])));
        differs("support", format!("{:?}", roles.support), format!("{:?}", strings(&expected["support_units"])));
        differs("units", format!("{:?}", roles.units), format!("{:?}", strings(&expected["units"])));
    }
    wrong
}

#[test]
fn every_real_list_reads_as_its_truth() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lists");
    let mut dirs: Vec<_> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    assert!(dirs.len() >= 10, "the fixture set: {dirs:?}");
    // Each as published (text), and as offices lay it out in Word (merged
    // cells) and Excel (`scripts/fixture-office.py`).
    let wrong: Vec<String> =
        dirs.iter().flat_map(|d| ["list.txt", "list.docx", "list.xlsx"].map(|f| check(d, f))).flatten().collect();
    assert!(wrong.is_empty(), "{} differences:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn printed_numbers_are_read() {
    assert_eq!(number("（十二）"), Some(12));
    assert_eq!(number("三"), Some(3));
    assert_eq!(number("12"), Some(12));
    assert_eq!(number("二十"), Some(20));
}
