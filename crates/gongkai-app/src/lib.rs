//! gongkai's use-cases: what a person does with the platform — report,
//! review, remind and chase, correct the directory, import a list, score,
//! produce documents, back up — one module per area, each a plain function
//! over the store and the domain, answering with [`Error`]. The pages, the
//! API and the command line all call these; none calls another.
//!
//! May depend on: `gongkai-domain`, `gongkai-io`, `gongkai-store`. Knows
//! nothing of HTTP or the command line.

pub mod access;
pub mod assessment;
pub mod backup;
pub mod cache;
pub mod catalogues;
pub mod channels;
pub mod dashboard;
pub mod directory;
pub mod documents;
mod error;
pub mod files;
pub mod foi;
pub mod import;
pub mod inspection;
pub mod ledger;
pub mod people;
pub mod remind;
pub mod reports;
pub mod secrets;
pub mod self_inspection;
pub mod supervision;

pub use error::{Error, Result};

use cache::Cache;
use chrono::NaiveDate;
use gongkai_domain::units::Directory;
use gongkai_store::{Store, TaskRow};
use std::path::PathBuf;
use std::sync::Arc;

/// An optional web address as a form gives it: empty is none, anything else
/// must be http(s) without spaces (`what` names the field in the message).
pub fn web_address(text: &str, what: &str) -> Result<Option<String>> {
    match text.trim() {
        "" => Ok(None),
        u if (u.starts_with("http://") || u.starts_with("https://")) && !u.contains(char::is_whitespace) => {
            Ok(Some(u.to_string()))
        }
        _ => Err(Error::Invalid(format!("{what}应以 http:// 或 https:// 开头，且不含空格"))),
    }
}

/// An optional date as a form gives it: empty is none, anything else must
/// be YYYY-MM-DD in the years a programme can have (2000–2100).
pub fn optional_date(text: &str, what: &str) -> Result<Option<NaiveDate>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|d| gongkai_domain::calendar::in_range(*d))
        .map(Some)
        .ok_or_else(|| {
            let shown: String = text.chars().take(20).collect();
            Error::Invalid(format!("{what}“{shown}”应写作 YYYY-MM-DD（2000 至 2100 年）"))
        })
}

/// What every use-case works with: the store, where evidence files are
/// kept, and what "today" is.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    /// Where evidence files are kept (content-addressed).
    pub files_dir: PathBuf,
    /// The largest evidence file accepted, in bytes.
    pub max_upload: usize,
    /// A fixed "today" for tests and demos; otherwise China Standard Time.
    pub today: Option<NaiveDate>,
    /// How 网上巡查 reads the units' websites.
    pub inspector: inspection::Inspector,
    caches: Arc<Caches>,
}

/// The task list and the directory, read by most requests and changed by
/// few, each kept with the ledger version it was read at.
#[derive(Default)]
struct Caches {
    tasks: Cache<i64, Vec<TaskRow>>,
    directory: Cache<i64, Directory>,
}

impl App {
    pub fn new(store: Store) -> App {
        App {
            store,
            files_dir: PathBuf::from("gongkai-data/files"),
            max_upload: 50 * 1024 * 1024,
            today: None,
            inspector: inspection::Inspector::default(),
            caches: Arc::default(),
        }
    }

    /// Today in China Standard Time (UTC+8), where every deadline is.
    pub fn today(&self) -> NaiveDate {
        self.today.unwrap_or_else(gongkai_domain::calendar::china_today)
    }

    /// The active tasks of every plan, as stored now.
    pub async fn tasks(&self) -> Result<Arc<Vec<TaskRow>>> {
        let versions = self.store.versions().await?;
        self.tasks_at(versions).await
    }

    /// The tasks as they were at `versions` (read once per version).
    pub async fn tasks_at(&self, versions: gongkai_store::Versions) -> Result<Arc<Vec<TaskRow>>> {
        let store = self.store.clone();
        self.caches.tasks.get(0, versions.plans, || async move { Ok(store.tasks().await?) }).await
    }

    /// The unit directory, as stored now.
    pub async fn directory(&self) -> Result<Arc<Directory>> {
        let versions = self.store.versions().await?;
        let store = self.store.clone();
        self.caches.directory.get(0, versions.units, || async move { Ok(store.directory().await?) }).await
    }
}
