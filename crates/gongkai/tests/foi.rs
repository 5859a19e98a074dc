//! `gongkai foi clock --jsonl`: the 依申请公开 clock contract, one request a
//! line, on the official calendar (the cases are worked by hand in
//! gongkai-domain/src/foi.rs); a bad line answers with its error and line
//! number, the others still answered, exit 1.

mod common;

use common::command;
use serde_json::{Value, json};
use std::io::Write;
use std::process::Stdio;

#[test]
fn one_clock_a_line() {
    let lines = [
        // Signed for on Friday 2022-09-30, across 国庆 and its make-up weekend.
        json!({"channel": "邮寄", "events": [{"kind": "submitted", "date": "2022-09-28"}, {"kind": "signed", "date": "2022-09-30"}]}),
        // Not yet signed for: nothing is due.
        json!({"channel": "邮寄", "events": [{"kind": "submitted", "date": "2024-06-10"}]}),
        // Extended once across 中秋 and 国庆 2024.
        json!({"channel": "当面", "events": [{"kind": "submitted", "date": "2024-09-04"}, {"kind": "extended", "date": "2024-10-08"}]}),
        // Confirmed online; a 补正 never came: withdrawn.
        json!({"channel": "网络", "events": [{"kind": "submitted", "date": "2024-06-01"}, {"kind": "confirmed", "date": "2024-06-03"},
            {"kind": "correction_requested", "date": "2024-06-05"}, {"kind": "correction_lapsed", "date": "2024-06-20"}]}),
        // A consultation without a reply (2025, 清明).
        json!({"channel": "当面", "events": [{"kind": "submitted", "date": "2025-03-03"}, {"kind": "third_party_sent", "date": "2025-03-11"}]}),
        json!({"channel": "当面", "events": [{"kind": "answered", "date": "2025-03-03"}]}),
    ];
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let mut child = command()
        .args(["foi", "clock", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "a bad line makes the exit code 1");
    let answers: Vec<Value> =
        String::from_utf8_lossy(&output.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(answers.len(), lines.len(), "one answer a line, in order");
    assert_eq!(answers[0], json!({"received": "2022-09-30", "due": "2022-11-02", "extended_due": null}));
    assert_eq!(answers[1], json!({"received": null, "due": null, "extended_due": null}));
    assert_eq!(answers[2], json!({"received": "2024-09-04", "due": "2024-10-09", "extended_due": "2024-11-05"}));
    assert_eq!(answers[3], json!({"received": "2024-06-03", "due": null, "extended_due": null}));
    assert_eq!(answers[4]["due"], "2025-04-23");
    assert_eq!(answers[5]["line"], 6);
    assert!(answers[5]["error"].as_str().unwrap().contains("kind“answered”"), "{}", answers[5]);
}
