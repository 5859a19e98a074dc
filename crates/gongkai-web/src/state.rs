//! What every request handler shares: the store, the templates, settings.

use crate::error::AppError;
use chrono::{Duration, NaiveDate, Utc};
use gongkai_store::Store;
use minijinja::Environment;
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Templates are compiled into the binary; a missing variable is an error,
/// never an empty string.
fn templates() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_filter("urlencode", |text: String| crate::ledger::percent_encode(&text));
    for (name, source) in [
        ("base.html", include_str!("../templates/base.html")),
        ("login.html", include_str!("../templates/login.html")),
        ("dashboard.html", include_str!("../templates/dashboard.html")),
        ("my.html", include_str!("../templates/my.html")),
        ("obligation.html", include_str!("../templates/obligation.html")),
        ("review.html", include_str!("../templates/review.html")),
        ("password.html", include_str!("../templates/password.html")),
        ("tasks.html", include_str!("../templates/tasks.html")),
        ("task.html", include_str!("../templates/task.html")),
        ("audit.html", include_str!("../templates/audit.html")),
        ("calendar.html", include_str!("../templates/calendar.html")),
        ("units.html", include_str!("../templates/units.html")),
        ("unit.html", include_str!("../templates/unit.html")),
        ("import.html", include_str!("../templates/import.html")),
        ("notices.html", include_str!("../templates/notices.html")),
        ("notice.html", include_str!("../templates/notice.html")),
        ("scores.html", include_str!("../templates/scores.html")),
        ("scoring.html", include_str!("../templates/scoring.html")),
        ("public_index.html", include_str!("../templates/public_index.html")),
        ("public_plan.html", include_str!("../templates/public_plan.html")),
    ] {
        // The templates are part of the program; a broken one fails every test.
        env.add_template(name, source).unwrap_or_else(|e| panic!("template {name}: {e}"));
    }
    env
}

/// Failed sign-ins per login: how many, and when the last one was.
pub type Failures = HashMap<String, (u32, chrono::DateTime<Utc>)>;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    templates: Arc<Environment<'static>>,
    pub failures: Arc<Mutex<Failures>>,
    /// Mark cookies Secure (behind HTTPS).
    pub secure_cookies: bool,
    /// A fixed "today" for tests and demos; otherwise China Standard Time.
    pub today: Option<NaiveDate>,
    /// Where evidence files are kept (content-addressed).
    pub files_dir: PathBuf,
    /// The largest file accepted, in bytes.
    pub max_upload: usize,
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        AppState {
            store,
            templates: Arc::new(templates()),
            failures: Arc::default(),
            secure_cookies: false,
            today: None,
            files_dir: PathBuf::from("gongkai-data/files"),
            max_upload: 50 * 1024 * 1024,
        }
    }

    pub fn render(&self, name: &str, context: impl Serialize) -> Result<String, AppError> {
        let template = self.templates.get_template(name).map_err(|e| AppError::internal(e.to_string()))?;
        template.render(minijinja::value::Serde(context)).map_err(|e| AppError::internal(format!("{name}: {e}")))
    }

    /// Today in China Standard Time (UTC+8), where every deadline is.
    pub fn today(&self) -> NaiveDate {
        self.today.unwrap_or_else(|| (Utc::now() + Duration::hours(8)).date_naive())
    }
}
