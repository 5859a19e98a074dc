//! A deadline-day surge of reports with attachments, and the server killed
//! with SIGKILL several times in the middle of it: every report that got a
//! success answer is there after the restart, with its file, and the
//! database passes its integrity check.

mod common;

use common::{add_account, gongkai, start};
use gongkai_store::{ObligationId, SubmissionId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The towns and streets whose handlers report at once.
const UNITS: [&str; 8] = ["温泉镇", "良口镇", "吕田镇", "太平镇", "鳌头镇", "街口街道", "城郊街道", "江埔街道"];

/// A PDF of about 200 KB whose bytes say which report it belongs to.
fn evidence(obligation: i64) -> Vec<u8> {
    let mut bytes = format!("%PDF-1.4\n% report for obligation {obligation}\n").into_bytes();
    bytes.resize(200 * 1024, b'.');
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_reports_survive_sigkill_during_a_surge() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    let files = dir.path().join("files");
    let seed = format!("{}/../../../shared/seed/conghua-2020-tasklist.docx", env!("CARGO_MANIFEST_DIR"));
    // Accounts and tokens for each unit, and each unit's open work.
    let mut work: Vec<(String, i64)> = Vec::new();
    tokio::task::block_in_place(|| {
        gongkai(&db, &["import", &seed, "--year", "2020"]);
        for (n, unit) in UNITS.iter().enumerate() {
            let login = format!("unit{n}");
            add_account(&db, &login, "handler", Some(unit));
            let token =
                gongkai(&db, &["token", "create", "--login", &login]).split_whitespace().last().unwrap().to_string();
            let list: Vec<serde_json::Value> =
                serde_json::from_str(&gongkai(&db, &["obligations", "--unit", unit, "--json"])).unwrap();
            work.extend(
                list.iter().filter(|o| o["due"].is_string()).map(|o| (token.clone(), o["id"].as_i64().unwrap())),
            );
        }
    });
    assert!(work.len() > 100, "a surge: {}", work.len());

    let queue = Arc::new(Mutex::new(work));
    let acknowledged: Arc<Mutex<HashMap<i64, i64>>> = Arc::default();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    for round in 0..4 {
        let server = tokio::task::block_in_place(|| {
            start(&db, &["--files", files.to_str().unwrap(), "--remind-every-seconds", "0"])
        });
        let address = server.address.clone();
        let mut workers = Vec::new();
        for _ in 0..8 {
            let (queue, acknowledged, client, address) =
                (queue.clone(), acknowledged.clone(), client.clone(), address.clone());
            workers.push(tokio::spawn(async move {
                loop {
                    let Some((token, id)) = queue.lock().unwrap().pop() else { return };
                    let form = reqwest::multipart::Form::new()
                        .text("text", format!("第 {id} 项已完成"))
                        .part("files", reqwest::multipart::Part::bytes(evidence(id)).file_name(format!("{id}.pdf")));
                    let sent = client
                        .post(format!("http://{address}/api/v1/obligations/{id}/submissions"))
                        .bearer_auth(&token)
                        .multipart(form)
                        .send()
                        .await;
                    match sent {
                        Ok(response) if response.status() == 201 => {
                            let body: serde_json::Value = response.json().await.unwrap_or_default();
                            if let Some(submission) = body["submission"].as_i64() {
                                acknowledged.lock().unwrap().insert(id, submission);
                            }
                        }
                        // Refused because an earlier attempt did land: it is
                        // there, but this client was never told so.
                        Ok(_) => {}
                        // The server died under this request: try it again later.
                        Err(_) => {
                            queue.lock().unwrap().insert(0, (token, id));
                            return;
                        }
                    }
                }
            }));
        }
        // Three times the server dies mid-surge; the fourth time it sees the rest through.
        let last = if round < 3 {
            // Mid-surge: once twenty more reports were answered this round.
            let before = acknowledged.lock().unwrap().len();
            common::wait_until("twenty more answers", || {
                acknowledged.lock().unwrap().len() >= before + 20 || queue.lock().unwrap().is_empty()
            })
            .await;
            drop(server); // SIGKILL: no shutdown, no flush.
            None
        } else {
            Some(server)
        };
        for worker in workers {
            worker.await.unwrap();
        }
        drop(last);
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > 50, "reports were answered: {}", acknowledged.len());
    eprintln!("{} reports acknowledged across three SIGKILLs", acknowledged.len());

    // After the last restart: every acknowledged report, with its file.
    let store = gongkai_store::Store::connect(&db, &common::key()).await.unwrap();
    for (obligation, submission) in &acknowledged {
        let reports = store.submissions(ObligationId(*obligation)).await.unwrap();
        let report = reports
            .iter()
            .find(|s| s.id == SubmissionId(*submission))
            .unwrap_or_else(|| panic!("report {submission} lost"));
        let file = &report.attachments[0];
        assert_eq!(
            gongkai_web::files::read(&files, &file.sha256).unwrap(),
            evidence(*obligation),
            "file of {submission}"
        );
    }
    use sqlx::Connection;
    let mut connection = sqlx::SqliteConnection::connect(&db).await.unwrap();
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&mut connection).await.unwrap();
    assert_eq!(check, "ok");
    assert!(store.verify_audit(&[]).await.unwrap().is_ok(), "the audit chain survived too");
}
