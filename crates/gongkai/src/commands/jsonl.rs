//! The line-by-line contract `deadline --jsonl` and `timelimit --jsonl` share:
//! one JSON object in, one out, in order; a bad line answers with
//! `{"error", "line"}` so the answers stay aligned, and the exit code is 1.

use anyhow::Context;
use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

/// One input line at most: a cell is at most 10,000 characters.
const MAX_LINE_BYTES: usize = 64 * 1024;

/// Reads `T` from each stdin line and prints what `answer` makes of it.
/// `shape` names the expected input in the message a bad line gets.
pub fn each_line<T, A>(shape: &str, answer: impl Fn(T) -> Result<A, String>) -> anyhow::Result<ExitCode>
where
    T: serde::de::DeserializeOwned,
    A: serde::Serialize,
{
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
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
            serde_json::from_slice::<T>(&line).map_err(|e| e.to_string()).and_then(&answer)
        };
        match parsed {
            Ok(answer) => serde_json::to_writer(&mut out, &answer)?,
            Err(err) => {
                eprintln!("第 {} 行不是 {shape}：{err}", index + 1);
                serde_json::to_writer(&mut out, &serde_json::json!({ "error": err, "line": index + 1 }))?;
                code = ExitCode::FAILURE;
            }
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(code)
}
