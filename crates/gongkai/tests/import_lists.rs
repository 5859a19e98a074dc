//! Issue 13's command-line contract on real lists from other governments:
//! `import --dry-run --json` shows the column mapping, each task with its
//! group, lead and supporting units and deadline, and the units the
//! directory does not know; a list naming such units is refused whole
//! unless `--create-units`, which adds them with the list in one step;
//! `--map` overrides a column's role.

mod common;

use common::{command, gongkai};
use serde_json::Value;
use std::path::PathBuf;

fn list(name: &str, file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../gongkai-io/tests/lists").join(name).join(file);
    path.to_string_lossy().into_owned()
}

fn truth(name: &str) -> Vec<Value> {
    serde_json::from_str(&std::fs::read_to_string(list(name, "truth.json")).unwrap()).unwrap()
}

fn dry_run(db: &str, file: &str, extra: &[&str]) -> Value {
    let output = command()
        .args(["--db", db, "import", file, "--year", "2021", "--dry-run", "--json"])
        .args(extra)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)))
}

fn roles(preview: &Value) -> Vec<(String, String)> {
    preview["mapping"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["header"].as_str().unwrap().to_string(), m["role"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn a_province_list_previews_with_its_mapping_groups_and_unknown_units() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    let preview = dry_run(&db, &list("guangdong-wjw-2021-zwgk", "list.docx"), &[]);
    let role = |r: &str| r.to_string();
    assert_eq!(
        roles(&preview),
        [
            ("序号".into(), role("seq")),
            ("工作任务".into(), role("category")),
            ("细化分工".into(), role("task")),
            ("责任处室".into(), role("responsible")),
            ("完成时限".into(), role("deadline")),
            ("备注".into(), role("ignore")),
        ]
    );
    let tasks = preview["tasks"].as_array().unwrap();
    let expected = truth("guangdong-wjw-2021-zwgk");
    assert_eq!(tasks.len(), expected.len());
    for (task, want) in tasks.iter().zip(&expected) {
        assert_eq!(task["task"], want["task"]);
        assert_eq!(task["group"], want["group"]);
        assert_eq!(task["deadline"], want["deadline"]);
        // One 责任处室 column: the units named report (lead), none support.
        assert_eq!(task["lead_units"], want["units"], "{}", task["task"]);
        assert_eq!(task["support_units"], Value::Array(vec![]));
    }
    let unknown: Vec<&str> =
        preview["unknown_units"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert!(unknown.contains(&"疾控处") && unknown.contains(&"应急处"), "{unknown:?}");
    assert!(!dir.path().join("g.db").exists(), "a dry run creates nothing");
}

#[test]
fn a_prose_list_previews_with_lead_and_supporting_units() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    for file in ["list.txt", "list.docx", "list.xlsx"] {
        let preview = dry_run(&db, &list("lishan-2023-fengong-prose", file), &[]);
        assert_eq!(preview["layout"], "prose", "{file}");
        let tasks = preview["tasks"].as_array().unwrap();
        // Names the (从化) directory knows come out as its full names.
        let directory = gongkai_domain::units::Directory::new(gongkai_io::units_csv::conghua());
        let full = |names: &Value| -> Value {
            names
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap())
                .map(|n| directory.find(n).map_or(n.to_string(), |u| u.name.clone()))
                .collect()
        };
        for (task, want) in tasks.iter().zip(truth("lishan-2023-fengong-prose")) {
            assert_eq!((&task["task"], &task["group"]), (&want["task"], &want["group"]), "{file}");
            assert_eq!(task["lead_units"], full(&want["lead_units"]), "{file}");
            assert_eq!(task["support_units"], full(&want["support_units"]), "{file}");
        }
    }
}

#[test]
fn unknown_units_refuse_the_list_whole_unless_created_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    let seed = format!("{}/../../../shared/seed/conghua-2020-tasklist.docx", env!("CARGO_MANIFEST_DIR"));
    gongkai(&db, &["import", &seed, "--year", "2020"]);
    let before = gongkai(&db, &["tasks", "--json"]);
    let file = list("dazhu-2016-minsheng", "list.xlsx");
    let refused = command().args(["--db", &db, "import", &file, "--year", "2021"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("县水务局") && said.contains("--create-units") && said.contains("未导入任何内容"), "{said}");
    assert_eq!(gongkai(&db, &["tasks", "--json"]), before, "nothing stored");

    gongkai(&db, &["import", &file, "--year", "2021", "--create-units", "--title", "大竹县2016年民生实事"]);
    let tasks: Vec<Value> = serde_json::from_str(&gongkai(&db, &["tasks", "--json"])).unwrap();
    let dazhu: Vec<&Value> = tasks.iter().filter(|t| t["task"] == "新建2座人行天桥。").collect();
    assert_eq!(dazhu.len(), 1);
    assert_eq!(dazhu[0]["lead_units"], serde_json::json!(["县住建局"]));
    assert_eq!(dazhu[0]["units"], serde_json::json!(["县住建局"]));
    let obligations = gongkai(&db, &["obligations", "--unit", "县住建局", "--json"]);
    assert!(obligations.contains("新建2座人行天桥") || obligations.contains("9月投入使用"), "{obligations}");
}

#[test]
fn the_office_names_a_columns_role() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    let file = list("jiangmen-tdcb-zwgk", "list.docx");
    let chosen = dry_run(&db, &file, &["--map", "任务=工作任务,忽略=具体要求"]);
    let mapped = roles(&chosen);
    assert!(
        mapped.contains(&("工作任务".into(), "task".into())) && mapped.contains(&("具体要求".into(), "ignore".into()))
    );
    let tasks: Vec<&str> = chosen["tasks"].as_array().unwrap().iter().map(|t| t["task"].as_str().unwrap()).collect();
    assert_eq!(tasks.len(), 5, "one task per 工作任务 cell: {tasks:?}");
    assert_eq!(tasks[0], "做好财政信息公开。");
    let bad = command().args(["--db", &db, "import", &file, "--dry-run", "--map", "甲=工作任务"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("不是列的角色"));
}

#[test]
fn a_list_without_a_deadline_column_takes_dates_from_its_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    let file = dir.path().join("清单.txt");
    std::fs::write(
        &file,
        "序号\t工作任务\t责任单位\n1\t完善政务公开目录，6月底前完成\t区民政局\n2\t持续提升政策解读质量\t区民政局\n",
    )
    .unwrap();
    let preview = dry_run(&db, file.to_str().unwrap(), &[]);
    let tasks = preview["tasks"].as_array().unwrap();
    assert_eq!(tasks[0]["deadline"], "6月底前完成");
    assert_eq!(tasks[0]["due"], serde_json::json!(["2021-06-30"]));
    assert_eq!(tasks[1]["deadline"], Value::Null, "no date, no deadline, no error");
    assert!(preview["problems"].as_array().unwrap().is_empty(), "{}", preview["problems"]);
}
