//! `gongkai deadline`: the parser's command-line contract.

use crate::cli::DeadlineArgs;
use anyhow::Context;
use gongkai_domain::DeadlineText;
use std::io::{BufRead, Write};
use std::process::ExitCode;

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
    for (index, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.context("无法读取标准输入")?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(&line) {
            Ok(input) => serde_json::to_writer(&mut out, &DeadlineText::parse(&input.text, input.plan_year))?,
            Err(err) => {
                // Keep one output line per input line, so answers stay aligned.
                eprintln!("第 {} 行不是 {{\"text\": …, \"plan_year\": …}}：{err}", index + 1);
                serde_json::to_writer(&mut out, &serde_json::json!({ "error": err.to_string(), "line": index + 1 }))?;
                code = ExitCode::FAILURE;
            }
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(code)
}
