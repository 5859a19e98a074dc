//! One module per subcommand. Each returns the process's exit code: 0 on
//! success, 1 when the input was refused (after saying why and where).
//! They read arguments and print answers; the work is `gongkai_app`'s (or
//! the store's, for plain listings). They never call the web crate, except
//! `serve`, which starts it.

mod audit;
mod backup;
mod calendar;
mod catalogue;
mod deadline;
mod demo;
mod documents;
mod foi;
mod import;
mod inspect;
mod jsonl;
mod ledger;
mod people;
mod remind;
mod serve;
mod units;

use crate::cli::{Cli, Command, ConfigCommand};
use crate::config::Settings;
use anyhow::Context;
use gongkai_domain::secret::SecretKey;
use gongkai_store::{Backend, Store};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut settings = Settings::load(cli.config.as_deref(), |name| std::env::var(name).ok())?;
    if let Some(db) = cli.db {
        settings.database.url = db;
    }
    if let Some(key_file) = cli.key_file {
        settings.secret.key_file = Some(key_file);
    }
    let data = Data { db: settings.database.url.clone(), key_file: settings.secret.key_file.clone(), settings };
    let files = |given: Option<PathBuf>| given.unwrap_or_else(|| data.settings.files.dir.clone());
    match cli.command {
        Command::Serve(args) => serve::run(&data, args).await,
        Command::Deadline(args) => deadline::run(args),
        Command::Timelimit(args) => deadline::timelimit(args),
        Command::Import(args) => import::run(&data, args).await,
        Command::Catalogue(command) => catalogue::run(&data.open().await?, command).await,
        Command::Inspect(command) => inspect::run(&data, command).await,
        Command::Foi(crate::cli::FoiCommand::Clock { jsonl }) => foi::clock(jsonl),
        Command::Foi(command) => foi::run(&data.open().await?, command).await,
        Command::Tasks(args) => ledger::tasks(&data.open().await?, args).await,
        Command::Obligations(args) => ledger::obligations(&data.open().await?, args).await,
        Command::Units(command) => units::run(&data.open().await?, command).await,
        Command::Calendar(command) => calendar::run(&data, command).await,
        Command::User(command) => people::user(&data.open().await?, command).await,
        Command::Token(command) => people::token(&data.open().await?, command).await,
        Command::Audit(command) => audit::run(&data, command).await,
        Command::Remind(command) => remind::run(&data.open().await?, command, &data.settings.smtp).await,
        Command::Notice(command) => remind::notice(&data.open().await?, command).await,
        Command::Contact(command) => remind::contact(&data.open().await?, command).await,
        Command::Score(args) => score(&data.open().await?, args).await,
        Command::Export(command) => documents::export(&data.open().await?, command).await,
        Command::Report(command) => documents::report(&data.open().await?, command).await,
        Command::DemoData(args) => demo::run(&data.open().await?, args).await,
        Command::Backup { file, files: dir } => backup::backup(&data.open().await?, &file, &files(dir)).await,
        Command::Restore { file, files: dir } => backup::restore(&data, &file, &files(dir)).await,
        Command::Config(ConfigCommand::Example) => {
            print!("{}", crate::config::EXAMPLE);
            Ok(ExitCode::SUCCESS)
        }
        Command::Config(ConfigCommand::Show) => {
            println!("{:#?}", data.settings);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Where the data is — the database, and the server's key that signs its
/// audit log and backups (kept outside the database on purpose) — and the
/// settings it was found by.
#[derive(Debug, Clone)]
pub struct Data {
    pub db: String,
    pub key_file: Option<PathBuf>,
    pub settings: Settings,
}

/// The environment variable that may hold the key itself (64 hex digits),
/// for servers that share one PostgreSQL database.
const KEY_VARIABLE: &str = "GONGKAI__SECRET__KEY";

impl Data {
    /// The key file: as given, else beside an embedded database's file, else
    /// in `gongkai-data/`.
    pub fn key_path(&self) -> PathBuf {
        if let Some(path) = &self.key_file {
            return path.clone();
        }
        match Backend::from_url(&self.db) {
            Ok(Backend::Sqlite) => Path::new(sqlite_path(&self.db))
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("secret.key"), |dir| dir.join("secret.key")),
            _ => PathBuf::from("gongkai-data/secret.key"),
        }
    }

    /// Where signed checkpoints of this database's audit log are published:
    /// beside the key, one file per database ("audit-checkpoints-gongkai.jsonl"
    /// for `gongkai.db`, "…-host-port-name.jsonl" on PostgreSQL).
    pub fn checkpoint_path(&self) -> PathBuf {
        let name = match Backend::from_url(&self.db) {
            Ok(Backend::Postgres) => {
                let rest = self.db.split_once("://").map_or(self.db.as_str(), |(_, rest)| rest);
                let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
                rest.split('?').next().unwrap_or(rest).to_string()
            }
            _ => Path::new(sqlite_path(&self.db))
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        let slug: String =
            name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '_' { c } else { '-' }).collect();
        self.key_path().with_file_name(format!("audit-checkpoints-{slug}.jsonl"))
    }

    /// The server's key (from the environment, else the key file, made on
    /// first use), and whether its file was made just now.
    fn key_made(&self) -> anyhow::Result<(SecretKey, bool)> {
        if let Ok(text) = std::env::var(KEY_VARIABLE) {
            let key = SecretKey::from_hex(&text).map_err(|e| anyhow::anyhow!("环境变量 {KEY_VARIABLE}：{e}"))?;
            return Ok((key, false));
        }
        Ok(gongkai_store::key_file::load_or_create(&self.key_path())?)
    }

    /// False only for an embedded database whose file is not there yet.
    pub fn exists(&self) -> bool {
        exists(&self.db)
    }

    /// Opens the database, creating the embedded SQLite file (and its folder) on
    /// first use and loading the built-in unit directory into an empty one.
    pub async fn open(&self) -> anyhow::Result<Store> {
        let store = self.connect().await?;
        if store.unit_count().await? == 0 {
            store.save_units(&gongkai_io::units_csv::conghua(), false, &cli_actor()).await?;
        }
        Ok(store)
    }

    /// Opens the database as it is (a restore needs it empty).
    pub async fn connect(&self) -> anyhow::Result<Store> {
        prepare_sqlite_dir(&self.db)?;
        let (key, made) = self.key_made()?;
        let store = match Store::connect(&self.db, &key).await {
            Ok(store) => store,
            Err(err) => {
                // A key made for a database that already has one is no use.
                if made && matches!(err, gongkai_store::StoreError::WrongKey) {
                    let _ = std::fs::remove_file(self.key_path());
                }
                let key_path = self.key_path();
                return Err(anyhow::Error::new(err).context(format!(
                    "无法打开数据库 {}（密钥文件 {}）",
                    redact(&self.db),
                    key_path.display()
                )));
            }
        };
        Ok(store)
    }
}

/// Reads a file given on the command line, at most `max` bytes: a larger
/// one (or a device that never ends) is refused, not read into memory.
pub fn read_capped(path: &Path, max: usize) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).with_context(|| format!("无法读取文件 {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(max as u64 + 1).read_to_end(&mut bytes).with_context(|| format!("无法读取文件 {}", path.display()))?;
    if bytes.len() > max {
        anyhow::bail!("文件 {} 超过 {} MB 上限，未读取", path.display(), max / (1024 * 1024));
    }
    Ok(bytes)
}

/// `gongkai score`: each unit's score with every point explained.
async fn score(store: &Store, args: crate::cli::ScoreArgs) -> anyhow::Result<ExitCode> {
    let year_end = chrono::NaiveDate::from_ymd_opt(args.year, 12, 31).context("年份无效")?;
    let as_of = args.now.unwrap_or_else(|| year_end.min(remind::china_today()));
    let scores = gongkai_app::assessment::scores(&gongkai_app::App::new(store.clone()), args.year, as_of).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&scores)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} 年考核（考核日 {as_of}）", args.year);
    for s in &scores {
        println!("\n{} {}  {}  {:.2} 分", s.group, s.place(), s.unit, s.score);
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

/// Who the audit log names for changes made from the command line.
/// The directory's full name for a unit as typed, or None after saying it is not there.
pub async fn unit_named(store: &Store, name: &str) -> anyhow::Result<Option<String>> {
    match store.directory().await?.find(name) {
        Some(found) => Ok(Some(found.name.clone())),
        None => {
            eprintln!("单位“{name}”不在单位目录中。");
            Ok(None)
        }
    }
}

/// The command line acts as the office, recorded under the system user's name.
pub fn operator() -> gongkai_store::User {
    gongkai_store::User {
        id: gongkai_store::UserId(0),
        login: cli_actor(),
        display_name: cli_actor(),
        role: gongkai_domain::people::Role::Office,
        unit: None,
        unit_id: None,
        password_hash: String::new(),
        must_change_password: false,
        disabled: false,
    }
}

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
