//! One supervision code path for every kind of work: an obligation, a
//! request with a legal clock and an inspection finding (the last two stand
//! in here for the modules to come) are reminded, chased and told through
//! the same events, keys, outbox and channels, once each, on SQLite and
//! PostgreSQL.

use chrono::NaiveDate;
use gongkai_app::channels::Channels;
use gongkai_app::remind::{DueWork, events_for, tell};
use gongkai_domain::secret::SecretKey;
use gongkai_domain::supervision::Rules;
use gongkai_store::{Store, Subject, scratch};

const TOWN: &str = "广州市从化区温泉镇人民政府";

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn work(kind: &str, id: i64, what: &str, due: &str) -> DueWork {
    DueWork {
        subject: Subject { kind: kind.into(), id },
        unit: TOWN.into(),
        what: what.into(),
        due: day(due),
        open: true,
        rules: Rules::default(),
        notices: false,
        not_before: day("2020-01-01"),
    }
}

async fn story(url: &str) {
    let store = Store::connect(url, &SecretKey::from_bytes([5; 32])).await.unwrap();
    store.save_units(&gongkai_io::units_csv::conghua(), false, "测试").await.unwrap();
    let calendar = store.calendar().await.unwrap();
    let as_of = day("2020-11-27");
    // Three kinds of work, one unit: due in 3 days, due today-3, long overdue.
    let works = [
        work("request", 41, "依申请公开 2020-0041 号申请的答复", "2020-11-30"),
        work("finding", 7, "网上巡查发现“政策解读”栏目三个月未更新的整改", "2020-11-24"),
        work("request", 42, "依申请公开 2020-0042 号申请的答复", "2020-11-10"),
    ];
    let events: Vec<_> = works.iter().flat_map(|w| events_for(w, as_of, &calendar)).collect();
    let keys: Vec<(&str, &str)> = events.iter().map(|e| (e.subject.kind.as_str(), e.event.key.as_str())).collect();
    assert_eq!(
        keys,
        [
            ("request", "reminder:3:2020-11-30"),
            ("finding", "overdue:2020-11-24"),
            ("request", "overdue:2020-11-10"),
            ("request", "escalation:2020-11-10"),
        ]
    );
    let channels = Channels::new(None).unwrap();
    let sent = tell(&store, as_of, &events, &channels, "测试").await.unwrap();
    assert_eq!(sent.len(), 4, "one web delivery per event: {sent:?}");
    assert!(sent.iter().all(|s| s.unit == TOWN && s.obligation.is_none() && s.error.is_none()));
    // The unit's inbox holds them, with their subjects; a second pass tells nothing again.
    let inbox = store.inbox(TOWN, 10).await.unwrap();
    assert_eq!(inbox.len(), 4);
    assert!(
        inbox.iter().any(|m| m.subject_kind == "finding" && m.message.contains("整改") && m.message.contains("催办"))
    );
    assert!(inbox.iter().any(|m| m.subject_id == 41 && m.message.contains("还有 3 天")));
    assert!(tell(&store, as_of, &events, &channels, "测试").await.unwrap().is_empty());
    // Different jobs hold different locks; the same job one at a time.
    let reminders = store.try_job_lock("reminders").await.unwrap();
    assert!(reminders.is_some());
    assert!(store.try_job_lock("clocks").await.unwrap().is_some());
    if store.backend() == gongkai_store::Backend::Postgres {
        assert!(store.try_job_lock("reminders").await.unwrap().is_none(), "held by the first");
    }
}

#[tokio::test]
async fn every_kind_of_work_is_told_through_one_path_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(&scratch::sqlite_url(dir.path())).await;
}

#[tokio::test]
async fn every_kind_of_work_is_told_through_one_path_on_postgres() {
    let Some(server) = scratch::postgres_server() else { return };
    story(&scratch::postgres_url(&server).await.unwrap()).await;
}
