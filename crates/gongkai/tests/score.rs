//! 考核 with the default rule over a scripted year of the seed programme:
//! 温泉镇 reports one item on time, one three days late, one after a return,
//! misses the rest and earns a bonus; 良口镇 does nothing. `gongkai score`
//! must give what the hand calculation below gives, and say why.

mod common;

use chrono::NaiveDate;
use common::user;
use gongkai_domain::people::Role;
use gongkai_store::{Decision, NewSubmission, ObligationFilter, ObligationId, PlanId, Store, UserId};
use serde_json::Value;

use common::TOWN;
const QUIET_TOWN: &str = "广州市从化区良口镇人民政府";

/// Reports on `day`, then the office decides each of `decisions` in turn
/// (a return is followed by a report again on the same day).
async fn report(
    store: &Store,
    author: UserId,
    office: UserId,
    obligation: ObligationId,
    day: NaiveDate,
    decisions: &[Decision],
) {
    let new = NewSubmission {
        obligation_id: obligation,
        author_id: author,
        text: "已完成".into(),
        published_url: None,
        evidence_date: None,
        submitted_on: day,
        files: Vec::new(),
    };
    store.submit(&new, "town").await.unwrap();
    for decision in decisions {
        store.review(obligation, office, *decision, "材料不全", "office").await.unwrap();
        if *decision == Decision::Return {
            store.submit(&new, "town").await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_rule_scores_a_scripted_year_as_a_hand_calculation_does() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    let seed = format!("{}/../../../shared/seed/conghua-2020-tasklist.xlsx", env!("CARGO_MANIFEST_DIR"));
    let gongkai = |args: &[&str]| common::command().args(["--db", &db]).args(args).output().unwrap();
    assert!(tokio::task::block_in_place(|| gongkai(&["import", &seed, "--year", "2020"])).status.success());

    let store = Store::connect(&db, &common::key()).await.unwrap();
    let town = user(&store, "town", Role::Handler, Some(TOWN)).await;
    let office = user(&store, "office", Role::Office, None).await;
    let year_end = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap();
    let mine: Vec<_> = store
        .obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() })
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.due.is_some_and(|d| d <= year_end))
        .collect();
    let n = mine.len();
    assert!(n >= 4, "the seed gives 温泉镇 work across the year");
    let due = |i: usize| mine[i].due.unwrap();
    report(&store, town, office, mine[0].id, due(0), &[Decision::Accept]).await;
    report(&store, town, office, mine[1].id, due(1) + chrono::Days::new(3), &[Decision::Accept]).await;
    report(&store, town, office, mine[2].id, due(2), &[Decision::Return, Decision::Accept]).await;
    store.award_bonus(PlanId(1), TOWN, "政策解读优秀案例", "2020 年度优秀案例", "office").await.unwrap();
    assert!(store.award_bonus(PlanId(1), TOWN, "不存在的加分项", "", "office").await.is_err());

    // By hand: each item is worth 100 / n; on time full, three days late 70 %,
    // one return 80 %, the rest nothing; plus 2 for the bonus.
    let weight = 100.0 / n as f64;
    let expected = ((weight * (1.0 + 0.7 + 0.8) + 2.0) * 100.0).round() / 100.0;

    let output = tokio::task::block_in_place(|| gongkai(&["score", "--year", "2020", "--json"]));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let scores: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let of = |unit: &str| scores.iter().find(|s| s["unit"] == unit).unwrap().clone();
    let wenquan = of(TOWN);
    assert_eq!(wenquan["score"].as_f64().unwrap(), expected, "{wenquan:#}");
    assert_eq!((wenquan["group"].as_str(), wenquan["rank"].as_u64()), (Some("镇街"), Some(1)));
    let reasons: Vec<&str> =
        wenquan["explanation"].as_array().unwrap().iter().map(|l| l["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons.iter().filter(|r| r.contains("按时完成")).count(), 2, "{reasons:#?}");
    assert_eq!(reasons.iter().filter(|r| r.contains("逾期 3 天")).count(), 1);
    assert_eq!(reasons.iter().filter(|r| r.contains("被退回 1 次")).count(), 1);
    assert_eq!(reasons.iter().filter(|r| r.contains("不得分")).count(), n - 3);
    assert!(reasons.contains(&"加分项"));
    let explained: f64 = wenquan["explanation"].as_array().unwrap().iter().map(|l| l["points"].as_f64().unwrap()).sum();
    assert!((explained - expected).abs() < 0.05, "the lines add up to the score: {explained} vs {expected}");

    let quiet = of(QUIET_TOWN);
    assert_eq!(quiet["score"].as_f64().unwrap(), 0.0);
    assert!(scores.iter().all(|s| (0.0..=100.0).contains(&s["score"].as_f64().unwrap())));

    // The text form says the same for people.
    let text = tokio::task::block_in_place(|| gongkai(&["score", "--year", "2020"]));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&format!("镇街 第1名  {TOWN}  {expected:.2} 分")), "{text}");
}
