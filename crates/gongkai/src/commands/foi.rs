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
            let kind = EventKind::from_code(&event.kind).ok_or_else(|| {
                let codes: Vec<&str> = EventKind::ALL.iter().map(|k| k.code()).collect();
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
