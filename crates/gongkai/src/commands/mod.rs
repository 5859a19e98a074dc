//! One module per subcommand. Each returns the process's exit code: 0 on
//! success, 1 when the input was refused (after saying why and where).

mod audit;
mod backup;
mod calendar;
mod deadline;
mod demo;
mod documents;
mod import;
mod ledger;
mod people;
mod remind;
mod serve;
mod units;

use crate::cli::{Cli, Command};
use anyhow::Context;
use gongkai_store::{Backend, Store};
use std::process::ExitCode;

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => serve::run(&cli.db, args).await,
        Command::Deadline(args) => deadline::run(args),
        Command::Import(args) => import::run(&cli.db, args).await,
        Command::Tasks(args) => ledger::tasks(&open(&cli.db).await?, args).await,
        Command::Obligations(args) => ledger::obligations(&open(&cli.db).await?, args).await,
        Command::Units(command) => units::run(&open(&cli.db).await?, command).await,
        Command::Calendar(command) => calendar::run(&cli.db, command).await,
        Command::User(command) => people::user(&open(&cli.db).await?, command).await,
        Command::Token(command) => people::token(&open(&cli.db).await?, command).await,
        Command::Audit(command) => audit::run(&open(&cli.db).await?, command).await,
        Command::Remind(command) => remind::run(&open(&cli.db).await?, command).await,
        Command::Contact(command) => remind::contact(&open(&cli.db).await?, command).await,
        Command::Score(args) => score(&open(&cli.db).await?, args).await,
        Command::Export(command) => documents::export(&open(&cli.db).await?, command).await,
        Command::Report(command) => documents::report(&open(&cli.db).await?, command).await,
        Command::DemoData(args) => demo::run(&open(&cli.db).await?, args).await,
        Command::Backup { file, files } => backup::backup(&open(&cli.db).await?, &file, &files).await,
        Command::Restore { file, files } => backup::restore(&cli.db, &file, &files).await,
    }
}

/// `gongkai score`: each unit's score with every point explained.
async fn score(store: &Store, args: crate::cli::ScoreArgs) -> anyhow::Result<ExitCode> {
    let year_end = chrono::NaiveDate::from_ymd_opt(args.year, 12, 31).context("年份无效")?;
    let as_of = args.now.unwrap_or_else(|| year_end.min(remind::china_today()));
    let scores = store.assess(args.year, as_of).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&scores)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} 年考核（考核日 {as_of}）", args.year);
    for s in &scores {
        println!("\n{} 第 {} 名  {}  {:.2} 分", s.group, s.rank, s.unit, s.score);
        for line in &s.explanation {
            println!("  {:+7.2}  {}：{}", line.points, line.item, line.reason);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url)
}

/// False only for an embedded database whose file is not there yet.
pub fn exists(url: &str) -> bool {
    Backend::from_url(url).is_ok_and(|b| b == Backend::Postgres) || std::path::Path::new(sqlite_path(url)).exists()
}

/// Creates the folder an embedded database file goes in.
pub fn prepare_sqlite_dir(url: &str) -> anyhow::Result<()> {
    if Backend::from_url(url)? == Backend::Sqlite
        && let Some(dir) = std::path::Path::new(sqlite_path(url)).parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    }
    Ok(())
}

/// Opens the database, creating the embedded SQLite file (and its folder) on
/// first use and loading the built-in unit directory into an empty one.
pub async fn open(url: &str) -> anyhow::Result<Store> {
    prepare_sqlite_dir(url)?;
    let store = Store::connect(url).await.with_context(|| format!("无法打开数据库 {}", redact(url)))?;
    if store.unit_count().await? == 0 {
        store.save_units(&gongkai_io::units_csv::conghua(), false, &cli_actor()).await?;
    }
    Ok(store)
}

/// Who the audit log names for changes made from the command line.
pub fn cli_actor() -> String {
    let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "未知用户".into());
    format!("命令行（{user}）")
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(super::redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(super::redact("sqlite://gongkai.db"), "sqlite://gongkai.db");
    }
}
