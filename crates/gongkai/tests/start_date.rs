//! A programme takes effect on its 印发日期: nothing is due before it, the
//! preview says which dates fall away, a correction moves the obligations
//! (and is in the audit log), and the first reminder pass on a database
//! sends nothing dated before the day it ran.

mod common;

use common::gongkai;
use serde_json::Value;
use std::collections::HashMap;

fn seed() -> String {
    format!("{}/../../../shared/seed/conghua-2020-tasklist.docx", env!("CARGO_MANIFEST_DIR"))
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Every obligation's due date by id ("" for open-ended ones).
fn due_dates(db: &str) -> HashMap<i64, String> {
    let all = json(&gongkai(db, &["obligations", "--json"]));
    all.as_array()
        .unwrap()
        .iter()
        .map(|o| (o["id"].as_i64().unwrap(), o["due"].as_str().unwrap_or_default().to_string()))
        .collect()
}

#[test]
fn nothing_is_due_before_the_plan_starts() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    let seed = seed();

    let preview = gongkai(&db, &["import", &seed, "--year", "2020", "--start", "2020-09-01", "--dry-run"]);
    assert!(preview.contains("印发日期 2020年9月1日"), "{preview}");
    assert!(preview.contains("早于印发日期、不生成任务事项：2020年"), "the preview names the dates that fall away");

    gongkai(&db, &["import", &seed, "--year", "2020", "--start", "2020-09-01"]);
    let from_september = due_dates(&db);
    assert!(from_september.values().all(|due| due.is_empty() || due.as_str() >= "2020-09-01"));
    // 每年1月10日前报送上年情况 (task 25) is first due in January 2021.
    assert!(from_september.values().any(|due| due == "2021-01-10"));
    assert!(!from_september.values().any(|due| due == "2020-01-10"));

    // Imported again without --start, the plan keeps its start.
    gongkai(&db, &["import", &seed, "--year", "2020"]);
    assert_eq!(due_dates(&db).len(), from_september.len());

    // The first pass on 2020-09-02 and a later one send nothing about work
    // due before the start.
    for day in ["2020-09-02", "2020-12-31"] {
        let sent = json(&gongkai(&db, &["remind", "run", "--now", day, "--json"]));
        for event in sent.as_array().unwrap() {
            let due = &from_september[&event["obligation"].as_i64().unwrap()];
            assert!(due.as_str() >= "2020-09-01", "{day}: {event}");
            assert_ne!(event["kind"], "督办", "{day}: the machine sent a 督办");
        }
    }
    // By the year's end the rule has drafted 督办 for the office to issue.
    let drafts = json(&gongkai(&db, &["notice", "drafts", "--json"]));
    assert!(!drafts.as_array().unwrap().is_empty());
    assert!(drafts.as_array().unwrap().iter().all(|d| d["due"].as_str().unwrap() >= "2020-09-01"));
}

#[test]
fn a_correction_of_the_start_moves_the_obligations_and_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    // A list of an earlier year starts on January 1 unless told otherwise.
    gongkai(&db, &["import", &seed(), "--year", "2020"]);
    let whole_year = due_dates(&db);
    assert!(whole_year.values().any(|due| due == "2020-01-10"));

    // The CLI path: a new import of the same list with --start moves it.
    gongkai(&db, &["import", &seed(), "--year", "2020", "--start", "2020-09-01"]);
    let from_september = due_dates(&db);
    assert!(from_september.len() < whole_year.len());
    assert!(from_september.values().all(|due| due.is_empty() || due.as_str() >= "2020-09-01"));
    let log = gongkai(&db, &["audit", "list", "--json"]);
    assert!(log.contains("plan.start") && log.contains("2020-01-01") && log.contains("2020-09-01"), "{log}");

    // Back to January: the obligations return.
    gongkai(&db, &["import", &seed(), "--year", "2020", "--start", "2020-01-01"]);
    assert_eq!(due_dates(&db).len(), whole_year.len());
}

#[test]
fn the_first_pass_on_a_programme_under_way_sends_no_backlog() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    gongkai(&db, &["import", &seed(), "--year", "2020"]);
    let due = due_dates(&db);

    // The scheduler's first pass is on 2020-12-31: work overdue since
    // October is on the 台账, but no 催办 or 督办 about it goes out today.
    let first = json(&gongkai(&db, &["remind", "run", "--now", "2020-12-31", "--json"]));
    for event in first.as_array().unwrap() {
        let day = &due[&event["obligation"].as_i64().unwrap()];
        assert!(day.as_str() >= "2020-12-30", "backlog sent: {event}");
    }
    // From then on it chases as usual: by 2021-01-20 the year-end work is overdue.
    let later = json(&gongkai(&db, &["remind", "run", "--now", "2021-01-20", "--json"]));
    assert!(
        later
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "催办" && due[&e["obligation"].as_i64().unwrap()].as_str() == "2020-12-31"),
        "{later}"
    );
}
