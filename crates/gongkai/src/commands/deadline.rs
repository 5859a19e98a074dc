//! `gongkai deadline`: the parser's command-line contract.

use crate::cli::DeadlineArgs;
use anyhow::Context;
use gongkai_domain::DeadlineText;
use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

/// One input line at most: a deadline cell is at most 10,000 characters.
const MAX_LINE_BYTES: usize = 64 * 1024;

#[derive(serde::Deserialize)]
struct Line {
    text: String,
    plan_year: i32,
}

pub fn run(args: DeadlineArgs) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if !args.jsonl {
        let (Some(year), Some(text)) = (args.year, args.text) else {
            anyhow::bail!("需要 --year 和要解析的文字");
        };
        serde_json::to_writer(&mut out, &DeadlineText::parse(&text, year))?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut code = ExitCode::SUCCESS;
    let mut input = std::io::stdin().lock();
    let mut line = Vec::new();
    for index in 0.. {
        // A line is read only up to what a cell can hold; the rest is skipped.
        line.clear();
        let read =
            (&mut input).take(MAX_LINE_BYTES as u64 + 1).read_until(b'\n', &mut line).context("无法读取标准输入")?;
        if read == 0 {
            break;
        }
        let parsed = if line.len() > MAX_LINE_BYTES {
            input.skip_until(b'\n').context("无法读取标准输入")?;
            Err(format!("超过 {} KB", MAX_LINE_BYTES / 1024))
        } else if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        } else {
            serde_json::from_slice::<Line>(&line).map_err(|e| e.to_string()).and_then(|input| {
                if gongkai_domain::calendar::YEARS.contains(&input.plan_year) {
                    Ok(input)
                } else {
                    Err(format!("plan_year {} 应在 2000 到 2100 之间", input.plan_year))
                }
            })
        };
        match parsed {
            Ok(input) => serde_json::to_writer(&mut out, &DeadlineText::parse(&input.text, input.plan_year))?,
            Err(err) => {
                // Keep one output line per input line, so answers stay aligned.
                eprintln!("第 {} 行不是 {{\"text\": …, \"plan_year\": …}}：{err}", index + 1);
                serde_json::to_writer(&mut out, &serde_json::json!({ "error": err, "line": index + 1 }))?;
                code = ExitCode::FAILURE;
            }
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(code)
}
