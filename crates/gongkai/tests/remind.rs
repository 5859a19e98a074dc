//! Reminders, 催办 and 督办 across the seed year, arriving by e-mail at a real
//! SMTP server and at real HTTP receivers for the 企业微信, 钉钉 and 飞书
//! robots (all on loopback, started here), exactly once each: over separate
//! `remind run` processes on SQLite, and with two `gongkai serve` processes
//! sharing one PostgreSQL database, stopped and restarted between dates.

mod common;

use common::{Server, wait_until};

use axum::extract::{Path, Query, State};
use base64::Engine;
use serde_json::Value;
use std::collections::HashMap;
use std::process::Output;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const TOWN: &str = "广州市从化区温泉镇人民政府";
/// The text every message about the 11-30 village report carries.
const MARK: &str = "各镇（街）11月30日前报区民政局汇总";
const DINGTALK_SECRET: &str = "SEC0123456789";

/// What arrived, per channel: the decoded text of each message.
#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Vec<(String, String)>>>);

impl Inbox {
    fn push(&self, channel: &str, text: String) {
        self.0.lock().unwrap().push((channel.to_string(), text));
    }

    /// Messages about the village report, per channel.
    fn about_the_report(&self) -> HashMap<String, Vec<String>> {
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for (channel, text) in self.0.lock().unwrap().iter().filter(|(_, t)| t.contains(MARK)) {
            out.entry(channel.clone()).or_default().push(text.clone());
        }
        out
    }
}

/// A small SMTP server: enough of RFC 5321 for a client to hand over mail.
async fn smtp_server(inbox: Inbox) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let inbox = inbox.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let mut data: Option<Vec<String>> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            inbox.push("email", decode_mail(body));
                            data = None;
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            body.push(line);
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or_default().to_uppercase();
                    let answer: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 test\r\n",
                        "DATA" => {
                            data = Some(Vec::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"250 OK\r\n",
                    };
                    write.write_all(answer).await.unwrap();
                }
            });
        }
    });
    port
}

/// The mail's recipient, subject and body, with the Base64 body decoded.
fn decode_mail(lines: &[String]) -> String {
    let blank = lines.iter().position(String::is_empty).unwrap_or(lines.len());
    let headers = lines[..blank].join("\n");
    let body: String = lines[blank..].concat();
    let text = if headers.to_lowercase().contains("content-transfer-encoding: base64") {
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(body.trim()).unwrap()).unwrap()
    } else {
        body
    };
    format!("{headers}\n\n{text}")
}

#[derive(Clone)]
struct Robots {
    inbox: Inbox,
}

/// The robots' receiving end: checks each format (and 钉钉's signature) and
/// answers as the real services do, `errcode` 0.
async fn robot(
    State(robots): State<Robots>,
    Path(name): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: axum::Json<Value>,
) -> axum::Json<Value> {
    let text = match name.as_str() {
        "wecom" => {
            assert_eq!(body["msgtype"], "text");
            body["text"]["content"].as_str().unwrap().to_string()
        }
        "dingtalk" => {
            assert_eq!(body["msgtype"], "text");
            let timestamp: i64 = query["timestamp"].parse().unwrap();
            assert!((chrono::Utc::now().timestamp_millis() - timestamp).abs() < 60_000, "a fresh timestamp");
            // The signature as 钉钉 checks it: HMAC-SHA256 of "timestamp\nsecret".
            use hmac::{KeyInit, Mac};
            let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(DINGTALK_SECRET.as_bytes()).unwrap();
            mac.update(format!("{timestamp}\n{DINGTALK_SECRET}").as_bytes());
            let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
            assert_eq!(query["sign"], expected, "钉钉 signature");
            body["text"]["content"].as_str().unwrap().to_string()
        }
        "feishu" => {
            assert_eq!(body["msg_type"], "text");
            body["content"]["text"].as_str().unwrap().to_string()
        }
        other => panic!("unknown robot {other}"),
    };
    robots.inbox.push(&name, text);
    let code = if name == "feishu" { "code" } else { "errcode" };
    axum::Json(serde_json::json!({ code: 0, "errmsg": "ok" }))
}

async fn robots_server(inbox: Inbox) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = axum::Router::new().route("/{name}", axum::routing::post(robot)).with_state(Robots { inbox });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    port
}

fn gongkai(db: &str, args: &[&str]) -> Output {
    common::command()
        .args(["--db", db])
        .args(args)
        .env_remove("GONGKAI__DATABASE__URL")
        .env_remove("GONGKAI__SMTP__URL")
        .output()
        .unwrap()
}

fn ok(output: Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A database with the seed programme, a user, and 温泉镇's channels.
fn prepare(db: &str, robots: u16) {
    let seed = format!("{}/../../../shared/seed/conghua-2020-tasklist.docx", env!("CARGO_MANIFEST_DIR"));
    ok(gongkai(db, &["import", &seed, "--year", "2020"]));
    common::add_account(db, "office", "office", None);
    let url = |name: &str| format!("http://127.0.0.1:{robots}/{name}");
    ok(gongkai(
        db,
        &[
            "contact",
            "set",
            "--unit",
            "温泉镇",
            "--email",
            "wenquan@example.gov.cn",
            "--wecom",
            &url("wecom"),
            "--dingtalk",
            &url("dingtalk"),
            "--dingtalk-secret",
            DINGTALK_SECRET,
            "--feishu",
            &url("feishu"),
        ],
    ));
}

/// The dates of the sequence for the report due Monday 2020-11-30, and what
/// each brings: reminders 7, 3 and 1 days before, 催办 the day after, 督办
/// five working days after — drafted by the rule, sent once the office
/// issues it.
const SEQUENCE: [(&str, &str); 5] = [
    ("2020-11-23", "到期提醒"),
    ("2020-11-27", "到期提醒"),
    ("2020-11-29", "到期提醒"),
    ("2020-12-01", "催办"),
    ("2020-12-07", "督办通知"),
];

/// The office issues the rule's draft about the village report, as of `date`.
fn issue_the_draft(db: &str, date: &str) -> bool {
    let drafts: Vec<Value> = serde_json::from_str(&ok(gongkai(db, &["notice", "drafts", "--json"]))).unwrap();
    let Some(draft) = drafts.iter().find(|d| d["unit"] == TOWN && d["milestone"].as_str().unwrap().contains(MARK))
    else {
        return false;
    };
    ok(gongkai(db, &["notice", "issue", &draft["id"].to_string(), "--now", date]));
    true
}

fn check_sequence(inbox: &Inbox, upto: usize) {
    let got = inbox.about_the_report();
    for channel in ["email", "wecom", "dingtalk", "feishu"] {
        let messages = got.get(channel).cloned().unwrap_or_default();
        assert_eq!(messages.len(), upto, "{channel}: {messages:#?}");
        for (message, (_, word)) in messages.iter().zip(SEQUENCE) {
            assert!(message.contains(word), "{channel}: {message}");
            assert!(message.contains(TOWN), "{channel}: {message}");
        }
    }
    if upto == SEQUENCE.len() {
        let notice = &got["wecom"][4];
        assert!(notice.contains("督办〔2020〕") && notice.contains("已逾期 5 个工作日"), "{notice}");
        assert!(got["email"][0].contains("To: wenquan@example.gov.cn"), "{}", got["email"][0]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sequence_arrives_once_by_mail_and_robots_over_separate_runs() {
    let inbox = Inbox::default();
    let smtp = smtp_server(inbox.clone()).await;
    let robots = robots_server(inbox.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    let smtp_url = format!("smtp://127.0.0.1:{smtp}");
    tokio::task::block_in_place(|| prepare(&db, robots));
    for (n, (date, word)) in SEQUENCE.iter().enumerate() {
        let run = || ok(gongkai(&db, &["remind", "run", "--now", date, "--json", "--smtp", &smtp_url]));
        let mut first = tokio::task::block_in_place(run);
        if *word == "督办通知" {
            // The rule drafts the 督办: nothing reaches the unit until the office issues it.
            let sent: Vec<Value> = serde_json::from_str(&first).unwrap();
            assert!(sent.iter().all(|s| s["kind"] != "督办"), "the machine sent a 督办: {first}");
            check_sequence(&inbox, n);
            assert!(tokio::task::block_in_place(|| issue_the_draft(&db, date)), "no draft about the report");
            first = tokio::task::block_in_place(run);
        }
        let sent: Vec<Value> = serde_json::from_str(&first).unwrap();
        assert!(sent.iter().all(|s| s.get("error").is_none()), "{first}");
        assert!(sent.iter().any(|s| s["unit"] == TOWN && s["channel"] == "dingtalk"), "{date}: {first}");
        let kinds: Vec<&str> = sent.iter().map(|s| s["kind"].as_str().unwrap()).collect();
        assert!(kinds.iter().all(|k| ["reminder", "催办", "督办"].contains(k)));
        // The same day again: nothing new.
        let again = tokio::task::block_in_place(|| {
            ok(gongkai(&db, &["remind", "run", "--now", date, "--json", "--smtp", &smtp_url]))
        });
        assert_eq!(serde_json::from_str::<Vec<Value>>(&again).unwrap().len(), 0, "{date} again: {again}");
        check_sequence(&inbox, n + 1);
    }
    let verify = tokio::task::block_in_place(|| gongkai(&db, &["audit", "verify"]));
    assert!(verify.status.success());
}

fn serve(db: &str, now: &str, smtp: &str) -> Server {
    common::start(db, &["--now", now, "--remind-every-seconds", "1", "--smtp", smtp])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_database_send_each_once_across_restarts() {
    let Some(server) = gongkai_store::scratch::postgres_server() else { return };
    let db = gongkai_store::scratch::postgres_url(&server).await.unwrap();
    let inbox = Inbox::default();
    let smtp = format!("smtp://127.0.0.1:{}", smtp_server(inbox.clone()).await);
    let robots = robots_server(inbox.clone()).await;
    tokio::task::block_in_place(|| prepare(&db, robots));
    for (n, (date, word)) in SEQUENCE.iter().enumerate() {
        let servers = [serve(&db, date, &smtp), serve(&db, date, &smtp)];
        if *word == "督办通知" {
            // A server's pass drafts it; the office issues it from the command line.
            wait_until("the draft", || issue_the_draft(&db, date)).await;
        }
        // Wait for the date's messages on every channel, then for two more
        // passes of each server: a pass that sent again would show here.
        wait_until("the date's messages", || {
            let got = inbox.about_the_report();
            ["email", "wecom", "dingtalk", "feishu"].iter().all(|c| got.get(*c).map_or(0, Vec::len) > n)
        })
        .await;
        let seen = servers.each_ref().map(Server::passes);
        wait_until("two more passes", || servers.iter().zip(seen).all(|(s, before)| s.passes() >= before + 2)).await;
        drop(servers);
        check_sequence(&inbox, n + 1);
    }
}
