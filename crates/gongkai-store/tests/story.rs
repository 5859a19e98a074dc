//! One story of the ledger, run on SQLite and, when `GONGKAI_TEST_PG_URL`
//! names a server, on PostgreSQL: load the directory, import the seed list,
//! check who holds what and when, re-import, correct, keep history.

use chrono::NaiveDate;
use gongkai_domain::audit::ChainBreak;
use gongkai_domain::plan::understand;
use gongkai_domain::units::Directory;
use gongkai_io::{read_task_list, units_csv};
use gongkai_store::{ObligationFilter, PlanHeading, Store, scratch};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn seed_text() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seed/000_3f5942bc86aba888.txt"))
        .unwrap()
}

async fn import(store: &Store, text: &str) -> gongkai_store::ImportReport {
    let directory = store.directory().await.unwrap();
    let list = read_task_list("seed.txt", text.as_bytes()).unwrap();
    let understood = understand(&list, &directory, 2020);
    assert!(understood.problems.is_empty(), "{:?}", understood.problems);
    store
        .save_plan(
            &understood,
            &PlanHeading::new(
                "从化区基层政务公开标准化规范化工作任务清单",
                "从化区",
                chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            ),
            &directory,
            "测试",
        )
        .await
        .unwrap()
}

async fn story(url: &str) {
    let store = Store::connect(url, &gongkai_domain::secret::SecretKey::from_bytes([7; 32])).await.unwrap();
    store.save_units(&units_csv::conghua(), false, "测试").await.unwrap();
    let directory: Directory = store.directory().await.unwrap();
    assert_eq!(directory.find("区政务服务局").unwrap().name, "广州市从化区政务服务数据管理局");

    let first = import(&store, &seed_text()).await;
    assert_eq!(first.tasks_added, 36);
    assert!(first.obligations_added > 500, "{first:?}");
    assert_eq!(store.tasks().await.unwrap().len(), 36);

    // A town holds the dates the list gives it, the 村居 report going to 区民政局.
    let town = "广州市从化区温泉镇人民政府";
    let filter = ObligationFilter { unit: Some(town.into()), ..Default::default() };
    let own = store.obligations(&filter).await.unwrap();
    assert!(own.iter().all(|o| o.unit == town));
    for date in ["2020-09-20", "2020-11-30", "2020-12-21", "2020-12-25"] {
        assert!(own.iter().any(|o| o.due == Some(d(date))), "温泉镇 lacks {date}");
    }
    let village_report = own.iter().find(|o| o.due == Some(d("2020-11-30"))).unwrap();
    assert_eq!(village_report.task_seq, 12);
    let tasks = store.tasks().await.unwrap();
    let recipient = tasks[11].milestones[0].recipient.as_deref();
    assert_eq!(recipient, Some("区民政局"));
    // The ongoing task: one open obligation, no date.
    assert_eq!(own.iter().filter(|o| o.kind == "ongoing").count(), 2);

    // 区政务服务局 holds the quarterly 通报.
    let service =
        ObligationFilter { unit: Some("广州市从化区政务服务数据管理局".into()), ..Default::default() };
    let quarterly: Vec<_> =
        store.obligations(&service).await.unwrap().into_iter().filter(|o| o.task_seq == 19).collect();
    assert_eq!(quarterly.iter().filter(|o| o.milestone.starts_with("每季度")).count(), 8);

    // Nobody outside 区民政局 holds 区民政局's tasks (22 and 23).
    let all = store.obligations(&ObligationFilter::default()).await.unwrap();
    for o in all.iter().filter(|o| o.task_seq == 22 || o.task_seq == 23) {
        assert_eq!(o.unit, "广州市从化区民政局");
    }
    // The office, not each unit, publishes the compiled catalogue (由区政务公开办…).
    let published: Vec<_> = all.iter().filter(|o| o.task_seq == 1 && o.due == Some(d("2020-10-25"))).collect();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].unit, "广州市从化区政务公开工作办公室");
    let before =
        store.obligations(&ObligationFilter { due_before: Some(d("2020-09-16")), ..Default::default() }).await.unwrap();
    assert!(before.iter().all(|o| o.due.is_some_and(|due| due < d("2020-09-16"))) && !before.is_empty());

    // Importing the same list again changes nothing.
    let again = import(&store, &seed_text()).await;
    assert_eq!((again.tasks_added, again.tasks_updated, again.tasks_unchanged), (0, 0, 36));
    assert_eq!((again.obligations_added, again.obligations_removed), (0, 0));
    assert_eq!(store.obligations(&ObligationFilter::default()).await.unwrap().len(), all.len());

    // A corrected list moves a date; work that already has history is kept.
    let submitted = own.iter().find(|o| o.due == Some(d("2020-09-20")) && o.task_seq == 3).unwrap();
    store.set_obligation_status(submitted.id, "submitted", "测试").await.unwrap();
    let corrected = seed_text().replace("9月20日前，报区政务公开办", "9月30日前，报区政务公开办");
    let report = import(&store, &corrected).await;
    assert_eq!(report.tasks_updated, 1);
    let units_bound = tasks[2].units.len();
    assert_eq!(report.obligations_added, units_bound);
    assert_eq!(report.obligations_removed, units_bound - 1);
    assert_eq!(report.obligations_retired, 1);
    let now = store.obligations(&filter).await.unwrap();
    assert!(now.iter().any(|o| o.task_seq == 3 && o.due == Some(d("2020-09-30"))));

    // Every change is in the audit log, and the chain holds; the same list
    // imported again left no entry.
    let entries = store.audit_entries(None, None, 100).await.unwrap();
    let actions: Vec<&str> = entries.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["units.import", "plan.import", "obligation.status", "plan.import"]);
    assert_eq!(store.verify_audit(&[]).await.unwrap(), Ok(4));
    store.close().await;

    // An entry edited behind the application's back is found and named.
    tamper(url, "UPDATE audit_events SET actor = '某人' WHERE seq = 2").await;
    let store = Store::connect(url, &gongkai_domain::secret::SecretKey::from_bytes([7; 32])).await.unwrap();
    assert_eq!(store.verify_audit(&[]).await.unwrap(), Err(ChainBreak::Edited { seq: 2 }));
    store.close().await;
}

/// Runs SQL on the database directly, as someone with database access could.
async fn tamper(url: &str, sql: &'static str) {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
}

#[tokio::test]
async fn the_ledger_story_holds_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(&scratch::sqlite_url(dir.path())).await;
}

#[tokio::test]
async fn the_ledger_story_holds_on_postgres() {
    let Some(server) = scratch::postgres_server() else { return };
    story(&scratch::postgres_url(&server).await.unwrap()).await;
}
