//! A request's legal clock drives its reminders and its 考核 line, on
//! SQLite and PostgreSQL: reminded once when 5 working days are left, once
//! on the due day, chased once after it; an extension starts a new round;
//! an answer ends them; an answer after the due date counts against the
//! unit, one in time does not.

use chrono::NaiveDate;
use gongkai_app::App;
use gongkai_app::channels::Channels;
use gongkai_app::foi::{self, EventInput, RequestInput};
use gongkai_app::remind::{REQUEST, pass};
use gongkai_domain::people::Role;
use gongkai_domain::secret::SecretKey;
use gongkai_store::{Store, User, UserId, scratch};

const BUREAU: &str = "广州市从化区民政局";

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn office() -> User {
    User {
        id: UserId(0),
        login: "测试".into(),
        display_name: "测试".into(),
        role: Role::Office,
        unit: None,
        unit_id: None,
        password_hash: String::new(),
        must_change_password: false,
        disabled: false,
    }
}

fn event(kind: &str, date: &str) -> EventInput {
    EventInput { kind: kind.into(), date: date.into(), ..EventInput::default() }
}

fn request(events: Vec<EventInput>) -> RequestInput {
    RequestInput {
        unit: BUREAU.into(),
        applicant_kind: "自然人".into(),
        channel: "当面".into(),
        text: "申请公开某项信息".into(),
        events,
        ..RequestInput::default()
    }
}

/// The keys told about request `id` by a pass on `on`.
async fn told(store: &Store, on: &str, id: i64) -> Vec<String> {
    let channels = Channels::new(None).unwrap();
    let sent = pass(store, day(on), &channels, "调度").await.unwrap();
    let inbox = store.inbox(BUREAU, 100).await.unwrap();
    sent.iter()
        .filter(|s| s.subject.kind == REQUEST && s.subject.id == id)
        .map(|s| {
            let newest = inbox.iter().find(|m| m.subject_id == id && m.subject_kind == REQUEST && m.as_of == day(on));
            let message = newest.unwrap();
            format!("{}|{}", s.kind, message.message)
        })
        .collect()
}

async fn story(url: &str) {
    let store = Store::connect(url, &SecretKey::from_bytes([5; 32])).await.unwrap();
    store.save_units(&gongkai_io::units_csv::conghua(), false, "测试").await.unwrap();
    let app = App::new(store.clone());
    // Received Mon 2025-03-03: 3-04…07 → 4, 3-10…14 → 9, 3-17…21 → 14, 3-24…28 → 19, 3-31 → 20.
    let ids = foi::add(&app, &office(), &[request(vec![event("submitted", "2025-03-03")])]).await.unwrap();
    let id = ids[0];
    assert_eq!(store.request(id).await.unwrap().due_on, Some(day("2025-03-31")));

    // Fri 3-21: six working days left (3-24…28, 3-31): nothing yet.
    assert!(told(&store, "2025-03-21", id.0).await.is_empty());
    // Mon 3-24: five left: reminded once, not again the next day.
    let first = told(&store, "2025-03-24", id.0).await;
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(first[0].contains("2025-03-31") && first[0].contains("还有 5 个工作日"), "{first:?}");
    assert!(told(&store, "2025-03-25", id.0).await.is_empty(), "once");
    // The due day, then the day after: once each.
    let due_day = told(&store, "2025-03-31", id.0).await;
    assert!(due_day.len() == 1 && due_day[0].contains("今天（2025-03-31）是"), "{due_day:?}");
    let chased = told(&store, "2025-04-01", id.0).await;
    assert!(
        chased.len() == 1 && chased[0].contains("【催办】") && chased[0].contains("答复期限 2025-03-31 已过"),
        "{chased:?}"
    );
    assert!(told(&store, "2025-04-02", id.0).await.is_empty(), "chased once");

    // Extended (recorded late, dated 3-28): due 20 working days more, 2025-04-28
    // (4-01…03 → 23, 清明 4-04 off, 4-07…11 → 28, 4-14…18 → 33, 4-21…25 → 38, 4-27 (Sun) 班 → 39, 4-28 → 40).
    let seen = store.request(id).await.unwrap().revision;
    foi::record(&app, &office(), id, seen, &event("extended", "2025-03-28")).await.unwrap();
    assert_eq!(store.request(id).await.unwrap().due_on, Some(day("2025-04-28")));
    // Mon 4-21 has six working days left (4-22…25, 4-27, 4-28); Tue 4-22 five.
    assert!(told(&store, "2025-04-21", id.0).await.is_empty());
    let again = told(&store, "2025-04-22", id.0).await;
    assert!(again.len() == 1 && again[0].contains("2025-04-28"), "a new round for the new due date: {again:?}");
    // Answered in time: nothing more, and no 考核 deduction.
    let seen = store.request(id).await.unwrap().revision;
    let answer = EventInput { outcome: Some("（一）予以公开".into()), ..event("answered", "2025-04-25") };
    foi::record(&app, &office(), id, seen, &answer).await.unwrap();
    assert!(told(&store, "2025-04-28", id.0).await.is_empty());
    assert!(told(&store, "2025-04-30", id.0).await.is_empty());

    // Another, answered a day after its due date: late in 考核.
    let late = request(vec![
        event("submitted", "2025-03-03"),
        EventInput {
            outcome: Some("1.本机关不掌握相关政府信息".into()), ..event("answered", "2025-04-01")
        },
    ]);
    foi::add(&app, &office(), &[late]).await.unwrap();
    let facts = gongkai_app::catalogues::facts(&app, day("2025-06-30")).await.unwrap();
    assert_eq!(facts.get(BUREAU).map(|f| f.late_requests), Some(1), "one late answer, one in time");
    // Before its due date had passed, it was not yet late.
    let facts = gongkai_app::catalogues::facts(&app, day("2025-03-30")).await.unwrap();
    assert_eq!(facts.get(BUREAU).map_or(0, |f| f.late_requests), 0);
}

/// A request received in December whose 20 working days run into a year
/// whose holidays are not published yet: received, no due date (never
/// estimated), the receipt letter waits; once the year is loaded the next
/// reminder pass works the due date out, once, in the audit log.
async fn into_a_year_not_loaded(url: &str) {
    let store = Store::connect(url, &SecretKey::from_bytes([5; 32])).await.unwrap();
    store.save_units(&gongkai_io::units_csv::conghua(), false, "测试").await.unwrap();
    let mut app = App::new(store.clone());
    let files = tempfile::tempdir().unwrap();
    app.files_dir = files.path().to_path_buf();
    let id = foi::add(&app, &office(), &[request(vec![event("submitted", "2026-12-15")])]).await.unwrap()[0];
    let row = store.request(id).await.unwrap();
    assert_eq!((row.received_on, row.due_on), (Some(day("2026-12-15")), None));
    let view = foi::view(&app, &office(), id).await.unwrap();
    assert!(view.clock.state.contains("答复期限待国务院公布节假日安排后计算"), "{}", view.clock.state);
    let refused = foi::letters::make(&app, &office(), id, row.revision, "receipt", false).await;
    assert!(matches!(&refused, Err(gongkai_app::Error::Invalid(m)) if m.contains("尚未载入节假日安排")), "{refused:?}");
    // Nothing to remind about yet; the pass leaves it as it is.
    assert!(told(&store, "2026-12-20", id.0).await.is_empty());

    // 2027's holidays loaded (here only 元旦, 01-01…03): 12-16…18 → 3, 12-21…25 → 8,
    // 12-28…31 → 12, 2027-01-04…08 → 17, 01-11…13 → 20.
    let rows = gongkai_domain::calendar::parse_rows("2027-01-01,2027-01-03,休,元旦\n").unwrap();
    store.add_calendar_rows(&rows, "测试").await.unwrap();
    assert!(told(&store, "2026-12-21", id.0).await.is_empty(), "more than 5 working days left");
    assert_eq!(store.request(id).await.unwrap().due_on, Some(day("2027-01-13")));
    assert_eq!(foi::settle_due_dates(&store, "调度").await.unwrap(), 0, "settled once");
    let filter = gongkai_store::AuditFilter { action: Some("foi.due".into()), limit: 10, ..Default::default() };
    assert_eq!(store.audit_count(&filter).await.unwrap(), 1);
}

#[tokio::test]
async fn a_due_date_waits_for_next_years_holidays_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    into_a_year_not_loaded(&scratch::sqlite_url(dir.path())).await;
}

#[tokio::test]
async fn a_due_date_waits_for_next_years_holidays_on_postgres() {
    let Some(server) = scratch::postgres_server() else { return };
    into_a_year_not_loaded(&scratch::postgres_url(&server).await.unwrap()).await;
}

#[tokio::test]
async fn a_requests_clock_reminds_and_scores_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(&scratch::sqlite_url(dir.path())).await;
}

#[tokio::test]
async fn a_requests_clock_reminds_and_scores_on_postgres() {
    let Some(server) = scratch::postgres_server() else { return };
    story(&scratch::postgres_url(&server).await.unwrap()).await;
}
