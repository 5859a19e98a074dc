//! The command-line contract that scripts rely on, run as a user runs it:
//! the real binary, a real SQLite file, and PostgreSQL when
//! `GONGKAI_TEST_PG_URL` names a server.

mod common;

use common::{add_account, start};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

fn seed(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seed").join(name)
}

fn gongkai(db: &str, args: &[&str]) -> Output {
    common::command().arg("--db").arg(db).args(args).env_remove("GONGKAI__DATABASE__URL").output().expect("run gongkai")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> Value {
    assert!(output.status.success(), "{}", stderr(output));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(output)))
}

#[test]
fn deadline_prints_the_contracted_json() {
    let out = json(&gongkai("unused.db", &["deadline", "--year", "2020", "每年12月25日前"]));
    assert_eq!(out["plan_year"], 2020);
    assert_eq!(out["milestones"][0]["rule"], "yearly 12-25");
    assert_eq!(
        out["occurrences"],
        serde_json::json!([{"kind": "due", "date": "2020-12-25"}, {"kind": "due", "date": "2021-12-25"}])
    );
    assert_eq!(out["aspirational_dates"], serde_json::json!([]));
    assert_eq!(out["unparsed"], serde_json::json!([]));
}

#[test]
fn deadline_jsonl_answers_each_line_in_order() {
    let mut child =
        common::command().args(["deadline", "--jsonl"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let input = "{\"text\": \"12月下旬\", \"plan_year\": 2020}\n{\"text\": \"长期\", \"plan_year\": 2021}\n{\"text\": \"2021年1月起\", \"plan_year\": 2020}\n";
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let lines: Vec<Value> = stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[0]["occurrences"][0],
        serde_json::json!({"kind": "window", "from": "2020-12-21", "to": "2020-12-31"})
    );
    assert_eq!((lines[1]["ongoing"].clone(), lines[1]["plan_year"].clone()), (Value::Bool(true), Value::from(2021)));
    assert_eq!(lines[2]["occurrences"][0], serde_json::json!({"kind": "start", "date": "2021-01-01"}));
}

#[test]
fn a_dry_run_shows_every_row_for_each_format_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let db = db.to_str().unwrap();
    let mut summaries = Vec::new();
    for file in ["000_3f5942bc86aba888.txt", "conghua-2020-tasklist.docx", "conghua-2020-tasklist.xlsx"] {
        let output = gongkai(db, &["import", seed(file).to_str().unwrap(), "--year", "2020", "--dry-run"]);
        assert!(output.status.success(), "{file}: {}", stderr(&output));
        let text = stdout(&output);
        let summary = text.lines().nth(1).unwrap().to_string();
        assert!(summary.starts_with("36 项任务；11 种责任单位表述；引用方案项目 20 项"), "{summary}");
        assert!(text.contains("[36]") && text.contains("2020-11-30 前"), "{file}");
        summaries.push(summary);
    }
    assert!(summaries.windows(2).all(|w| w[0] == w[1]));
    assert!(!dir.path().join("g.db").exists(), "a dry run must not create the database");
}

/// Imports the seed and checks what scripts read back; then refuses bad
/// input without touching what is stored.
fn import_story(db: &str) {
    let docx = seed("conghua-2020-tasklist.docx");
    let output = gongkai(db, &["import", docx.to_str().unwrap(), "--year", "2020"]);
    assert!(output.status.success(), "{}", stderr(&output));

    let tasks = json(&gongkai(db, &["tasks", "--json"]));
    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), 36);
    let first = &tasks[0];
    for key in ["seq", "responsible", "task", "deadline", "items", "units", "milestones"] {
        assert!(first.get(key).is_some(), "tasks --json lacks {key}");
    }
    assert_eq!(first["items"], serde_json::json!(["（一）"]));
    assert!(first["units"].as_array().unwrap().iter().any(|u| u == "广州市从化区温泉镇人民政府"));

    let town = json(&gongkai(db, &["obligations", "--unit", "温泉镇", "--json"]));
    let town = town.as_array().unwrap();
    for key in ["id", "task_seq", "unit", "milestone", "kind", "due", "from", "to", "status"] {
        assert!(town[0].get(key).is_some(), "obligations --json lacks {key}");
    }
    assert!(town.iter().all(|o| o["unit"] == "广州市从化区温泉镇人民政府"));
    for date in ["2020-09-20", "2020-11-30", "2020-12-21", "2020-12-25"] {
        assert!(town.iter().any(|o| o["due"] == date), "温泉镇 lacks {date}");
    }
    let early = json(&gongkai(db, &["obligations", "--due-before", "2020-09-16", "--json"]));
    assert!(early.as_array().unwrap().iter().all(|o| o["due"].as_str().unwrap() < "2020-09-16"));
    let count_before = json(&gongkai(db, &["obligations", "--json"])).as_array().unwrap().len();

    // Bad input: exit 1, a message naming row and cell, nothing changed.
    let dir = tempfile::tempdir().unwrap();
    let bad_unit = dir.path().join("bad.txt");
    std::fs::write(
        &bad_unit,
        "\t责任单位\n\t工作任务\n\t完成时间及方式\n\t方案项目\n\n\t区火星局\n\t某项任务\n\t9月20日前\n\t（一）\n",
    )
    .unwrap();
    let truncated = dir.path().join("cut.docx");
    let bytes = std::fs::read(&docx).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    let garbage = dir.path().join("garbage.xlsx");
    std::fs::write(&garbage, b"\x00\x01garbage").unwrap();
    for (file, expect) in [(&bad_unit, "第6行“责任单位”列"), (&truncated, "Word"), (&garbage, ".xlsx")] {
        let output = gongkai(db, &["import", file.to_str().unwrap(), "--year", "2020"]);
        assert_eq!(output.status.code(), Some(1), "{}", file.display());
        assert!(stderr(&output).contains(expect), "{}: {}", file.display(), stderr(&output));
    }
    assert_eq!(json(&gongkai(db, &["tasks", "--json"])).as_array().unwrap().len(), 36);
    assert_eq!(json(&gongkai(db, &["obligations", "--json"])).as_array().unwrap().len(), count_before);

    // The same list again changes nothing.
    let again = json(&gongkai(db, &["import", docx.to_str().unwrap(), "--year", "2020", "--json"]));
    assert_eq!((again["tasks_unchanged"].as_u64(), again["obligations_added"].as_u64()), (Some(36), Some(0)));
}

#[test]
fn import_then_read_back_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    import_story(&format!("sqlite://{}", dir.path().join("nested/dir/g.db").display()));
}

#[test]
fn import_then_read_back_on_postgres() {
    let Some(server) = gongkai_store::scratch::postgres_server() else { return };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let url = runtime.block_on(gongkai_store::scratch::postgres_url(&server)).unwrap();
    import_story(&url);
}

#[test]
fn an_unknown_database_scheme_is_refused() {
    let output = gongkai("mysql://localhost/x", &["tasks", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("不支持的数据库地址"), "{}", stderr(&output));
}

#[test]
fn working_days_are_counted_on_the_official_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let db = db.to_str().unwrap();
    let output = gongkai(db, &["calendar", "add-working-days", "2024-09-27", "20"]);
    assert_eq!(stdout(&output).trim(), "2024-10-30", "{}", stderr(&output));
    let output = gongkai(db, &["calendar", "add-working-days", "2027-01-04", "3"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("2027 年的节假日安排尚未载入"));
    let file = dir.path().join("2027.csv");
    std::fs::write(&file, "from,to,kind,name\n2027-01-01,2027-01-03,休,元旦\n2027-01-05,2027-01-05,休,测试\n").unwrap();
    assert!(gongkai(db, &["calendar", "import", file.to_str().unwrap()]).status.success());
    let output = gongkai(db, &["calendar", "add-working-days", "2027-01-04", "3"]);
    assert_eq!(stdout(&output).trim(), "2027-01-08", "{}", stderr(&output));
}

#[test]
fn the_unit_directory_can_be_extended_from_csv() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let db = db.to_str().unwrap();
    let file = dir.path().join("units.csv");
    std::fs::write(
        &file,
        "name,short_name,kind,parent,source\n广州市从化区档案馆,区档案馆,department,广州市从化区人民政府,\n",
    )
    .unwrap();
    assert!(gongkai(db, &["units", "import", file.to_str().unwrap()]).status.success());
    let units = json(&gongkai(db, &["units", "list", "--json"]));
    assert!(units.as_array().unwrap().iter().any(|u| u["name"] == "广州市从化区档案馆"));
    assert!(units.as_array().unwrap().len() > 40);
    std::fs::write(&file, "name,short_name,kind\n某单位,某,planet\n").unwrap();
    let output = gongkai(db, &["units", "import", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("第 2 行") && stderr(&output).contains("planet"), "{}", stderr(&output));
}

#[test]
fn accounts_tokens_and_the_audit_chain_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    add_account(&db, "town", "handler", Some("温泉镇"));
    let refused = gongkai(&db, &["user", "add", "--login", "x", "--role", "handler"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("必须属于一个单位"), "{}", stderr(&refused));

    let token = gongkai(&db, &["token", "create", "--login", "town"]);
    let last_word = stdout(&token).split_whitespace().last().unwrap_or_default().to_string();
    assert_eq!(last_word.len(), 64, "{}", stdout(&token));
    assert!(last_word.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(!String::from_utf8_lossy(&std::fs::read(dir.path().join("g.db")).unwrap()).contains(&last_word));

    let verify = gongkai(&db, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&db).await.unwrap();
        sqlx::query("UPDATE audit_events SET target = '别的账号' WHERE seq = 2").execute(&mut conn).await.unwrap();
    });
    let verify = gongkai(&db, &["audit", "verify"]);
    assert_eq!(verify.status.code(), Some(1));
    assert!(stderr(&verify).contains("第 2 条"), "{}", stderr(&verify));
}

#[test]
fn serve_loads_the_seed_takes_reports_and_keeps_an_intact_audit_chain() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    let files = dir.path().join("evidence");
    let server =
        start(&db, &["--demo", "--today", "2020-11-25", "--files", files.to_str().unwrap(), "--max-upload-mb", "1"]);
    let said = server.output.join("\n");
    assert!(said.contains("已载入示例清单") && said.contains("已创建管理员账号 admin"), "{said}");
    let town_login = server
        .output
        .iter()
        .find(|l| l.contains("温泉镇") && l.contains("承办人"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();
    let token = stdout(&gongkai(&db, &["token", "create", "--login", &town_login]))
        .split_whitespace()
        .last()
        .unwrap()
        .to_string();

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        // The binary's HTTP client has no built-in TLS provider; it installs ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::new();
        let base = format!("http://{}", server.address);
        assert_eq!(client.get(format!("{base}/login")).send().await.unwrap().status(), 200);
        let list: Vec<Value> = client
            .get(format!("{base}/api/v1/obligations?to=2020-11-30&from=2020-11-30"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = list[0]["id"].as_i64().unwrap();
        let report = |bytes: Vec<u8>| {
            let part = reqwest::multipart::Part::bytes(bytes).file_name("督导报告.pdf");
            client
                .post(format!("{base}/api/v1/obligations/{id}/submissions"))
                .bearer_auth(&token)
                .multipart(reqwest::multipart::Form::new().text("text", "已完成").part("files", part))
                .send()
        };
        let mut large = b"%PDF-1.4\n".to_vec();
        large.resize(1024 * 1024 + 10, b'0');
        let refused = report(large).await.unwrap();
        assert_eq!(refused.status(), 413, "--max-upload-mb 1");
        assert!(refused.text().await.unwrap().contains("1 MB"));
        let accepted = report(b"%PDF-1.4\n%%EOF\n".to_vec()).await.unwrap();
        assert_eq!(accepted.status(), 201);
    });
    assert_eq!(std::fs::read_dir(&files).unwrap().count(), 1, "the evidence is in --files");
    drop(server);

    let verify = gongkai(&db, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    runtime.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&db).await.unwrap();
        sqlx::query(
            "UPDATE audit_events SET after = replace(after, '已完成', '未完成') WHERE action = 'obligation.submit'",
        )
        .execute(&mut conn)
        .await
        .unwrap();
    });
    let verify = gongkai(&db, &["audit", "verify"]);
    assert_eq!(verify.status.code(), Some(1));
    assert!(stderr(&verify).contains("第") && stderr(&verify).contains("条"), "{}", stderr(&verify));
}

#[test]
fn demo_data_builds_a_small_province_on_either_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut targets = vec![format!("sqlite://{}", dir.path().join("demo.db").display())];
    if let Some(server) = gongkai_store::scratch::postgres_server() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        targets.push(runtime.block_on(gongkai_store::scratch::postgres_url(&server)).unwrap());
    }
    for db in &targets {
        let args = ["demo-data", "--districts", "2", "--units-per-district", "60", "--villages", "40", "--years", "2"];
        let output = gongkai(db, &args);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(stdout(&output).contains("2 个区"), "{}", stdout(&output));
        let plans = json(&gongkai(db, &["tasks", "--json"]));
        assert_eq!(
            plans.as_array().unwrap().len(),
            2 * 2 * 39,
            "36 seed rows and 3 village rows per district and year"
        );
        let village = "示范省第2区温泉镇第1村";
        let theirs = json(&gongkai(db, &["obligations", "--unit", village, "--json"]));
        assert!(theirs.as_array().unwrap().len() >= 2 * 12, "a village reports monthly: {theirs}");
        let statuses: Vec<&str> = theirs.as_array().unwrap().iter().map(|o| o["status"].as_str().unwrap()).collect();
        assert!(statuses.contains(&"accepted") && statuses.contains(&"pending"), "{statuses:?}");
        assert!(gongkai(db, &["audit", "verify"]).status.success());
    }
}
