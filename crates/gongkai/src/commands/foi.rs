//! `gongkai foi clock --jsonl`: the clocks of 依申请公开 requests
//! (docs/FOI-CLOCKS.md), the same code the register will use.

use super::jsonl;
use gongkai_domain::foi::{Channel, Event, EventKind, clock as foi_clock};
use std::process::ExitCode;

#[derive(serde::Deserialize)]
struct Line {
    channel: String,
    #[serde(default)]
    events: Vec<LineEvent>,
}

#[derive(serde::Deserialize)]
struct LineEvent {
    kind: String,
    date: String,
}

pub fn clock(jsonl: bool) -> anyhow::Result<ExitCode> {
    if !jsonl {
        anyhow::bail!("需要 --jsonl：从标准输入逐行读取 {{\"channel\", \"events\": [{{\"kind\", \"date\"}}]}}");
    }
    let calendar = gongkai_domain::calendar::builtin();
    jsonl::each_line("{\"channel\": …, \"events\": [{\"kind\": …, \"date\": …}]}", |line: Line| {
        let channel = Channel::named(&line.channel).ok_or_else(|| {
            let names: Vec<&str> = Channel::ALL.iter().map(|c| c.label()).collect();
            format!("channel“{}”应为{}之一", line.channel, names.join("、"))
        })?;
        let mut events = Vec::with_capacity(line.events.len());
        for (n, event) in line.events.iter().enumerate().take(1_000) {
            // The clock's kinds: an answer is the register's, not the clock's.
            let kind = EventKind::from_code(&event.kind).filter(|k| *k != EventKind::Answered).ok_or_else(|| {
                let codes: Vec<&str> =
                    EventKind::ALL.iter().filter(|k| **k != EventKind::Answered).map(|k| k.code()).collect();
                format!("第 {} 个事件的 kind“{}”应为 {} 之一", n + 1, event.kind, codes.join("、"))
            })?;
            let date = chrono::NaiveDate::parse_from_str(event.date.trim(), "%Y-%m-%d")
                .ok()
                .filter(|d| gongkai_domain::calendar::in_range(*d))
                .ok_or_else(|| {
                    format!("第 {} 个事件的 date“{}”应为 2000 至 2100 年间的 YYYY-MM-DD", n + 1, event.date)
                })?;
            events.push(Event { kind, date });
        }
        foi_clock(channel, &events, calendar).map_err(|e| e.to_string())
    })
}

/// One request a line (`gongkai foi add --jsonl`).
#[derive(serde::Deserialize)]
struct RequestLine {
    unit: String,
    /// The applicant's kind: 自然人, 商业企业 ….
    applicant: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact: String,
    channel: String,
    text: String,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    events: Vec<gongkai_app::foi::EventInput>,
    #[serde(default)]
    cases: Vec<RequestLineCase>,
}

#[derive(serde::Deserialize)]
struct RequestLineCase {
    kind: String,
    filed: String,
    #[serde(default)]
    result: String,
    #[serde(default)]
    closed: Option<String>,
    #[serde(default)]
    note: String,
}

/// The most one `foi add` reads from standard input.
const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

pub async fn run(store: &gongkai_store::Store, command: crate::cli::FoiCommand) -> anyhow::Result<ExitCode> {
    use crate::cli::FoiCommand;
    let app = gongkai_app::App::new(store.clone());
    let user = super::operator();
    match command {
        FoiCommand::Clock { jsonl } => clock(jsonl),
        FoiCommand::Add { jsonl } => add(&app, &user, jsonl).await,
        FoiCommand::Report { unit, year, json, out } => report(&app, &user, unit.as_deref(), year, json, out).await,
    }
}

async fn add(app: &gongkai_app::App, user: &gongkai_store::User, jsonl: bool) -> anyhow::Result<ExitCode> {
    use std::io::Read;
    if !jsonl {
        anyhow::bail!(
            "需要 --jsonl：从标准输入逐行读取 {{\"unit\", \"applicant\", \"channel\", \"text\", \"events\"}}"
        );
    }
    let mut input = String::new();
    std::io::stdin().take(MAX_INPUT_BYTES + 1).read_to_string(&mut input)?;
    if input.len() as u64 > MAX_INPUT_BYTES {
        eprintln!("输入超过 {} MB，未登记任何申请。", MAX_INPUT_BYTES / 1024 / 1024);
        return Ok(ExitCode::FAILURE);
    }
    let mut inputs = Vec::new();
    let mut lines = Vec::new();
    for (n, line) in input.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let parsed: RequestLine = match serde_json::from_str(line) {
            Ok(parsed) => parsed,
            Err(e) => {
                eprintln!("第 {} 行不是一件申请的 JSON：{e}\n未登记任何申请。", n + 1);
                return Ok(ExitCode::FAILURE);
            }
        };
        inputs.push(gongkai_app::foi::RequestInput {
            unit: parsed.unit,
            applicant_kind: parsed.applicant,
            applicant: parsed.name,
            contact: parsed.contact,
            channel: parsed.channel,
            text: parsed.text,
            number: parsed.number,
            submission_key: None,
            events: parsed.events,
            cases: parsed
                .cases
                .into_iter()
                .map(|c| gongkai_app::foi::CaseInput {
                    kind: c.kind,
                    filed: c.filed,
                    result: c.result,
                    closed: c.closed.unwrap_or_default(),
                    note: c.note,
                })
                .collect(),
        });
        lines.push(n + 1);
    }
    let ids = match gongkai_app::foi::add(app, user, &inputs).await {
        Ok(ids) => ids,
        Err(gongkai_app::Error::Invalid(message)) => {
            // "第 3 件：…" names the request; say its line.
            let message = match message.strip_prefix("第 ").and_then(|m| m.split_once(" 件：")) {
                Some((n, rest)) => match n.parse::<usize>().ok().and_then(|n| lines.get(n - 1)) {
                    Some(line) => format!("第 {line} 行：{rest}"),
                    None => message.clone(),
                },
                None => message.clone(),
            };
            eprintln!("{message}\n未登记任何申请。");
            return Ok(ExitCode::FAILURE);
        }
        Err(other) => {
            eprintln!("{other}\n未登记任何申请。");
            return Ok(ExitCode::FAILURE);
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (line, id) in lines.iter().zip(&ids) {
        let r = app.store.request(*id).await?;
        serde_json::to_writer(
            &mut out,
            &serde_json::json!({
                "line": line, "id": r.id, "number": r.number, "received": r.received_on, "due": r.due_on,
                "outcome": r.outcome, "concluded": r.concluded_on,
            }),
        )?;
        std::io::Write::write_all(&mut out, b"\n")?;
    }
    std::io::Write::flush(&mut out)?;
    eprintln!("已登记 {} 件申请。", ids.len());
    Ok(ExitCode::SUCCESS)
}

async fn report(
    app: &gongkai_app::App,
    user: &gongkai_store::User,
    unit: Option<&str>,
    year: i32,
    json: bool,
    out: Option<std::path::PathBuf>,
) -> anyhow::Result<ExitCode> {
    use gongkai_app::foi::report;
    let found = match report::annual(app, user, unit, year).await {
        Ok(found) => found,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    if let Some(path) = out {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_lowercase();
        let bytes = match extension.as_str() {
            "docx" => report::export_document(&found, false, app.today()).await,
            "pdf" => report::export_document(&found, true, app.today()).await,
            "xlsx" => report::export_workbook(&found).await,
            _ => {
                eprintln!("--out 的文件应以 .docx、.pdf 或 .xlsx 结尾");
                return Ok(ExitCode::FAILURE);
            }
        };
        match bytes {
            Ok(bytes) => std::fs::write(&path, bytes)?,
            Err(e) => {
                eprintln!("{e}");
                return Ok(ExitCode::FAILURE);
            }
        }
        eprintln!("已导出 {}", path.display());
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&found.json())?);
    } else if !found.breaks.is_empty() {
        for b in &found.breaks {
            eprintln!("不相符：{b}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
