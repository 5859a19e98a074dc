//! What every request handler shares: the store, the templates, settings.

use crate::error::AppError;
use chrono::NaiveDate;
use gongkai_app::App;
use gongkai_app::cache::Cache;
use gongkai_app::dashboard::{self, Dashboard};
use gongkai_domain::units::Directory;
use gongkai_store::{PlanId, Store, TaskRow, Versions};
use minijinja::Environment;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;

/// Templates are compiled into the binary; a missing variable is an error,
/// never an empty string.
fn templates() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_filter("urlencode", |text: String| gongkai_app::ledger::percent_encode(&text));
    // A milestone (stored or previewed) as a clerk writes it.
    env.add_filter("milestone_words", |m: minijinja::Value| {
        let text =
            |key: &str| m.get_attr(key).ok().filter(|v| !v.is_none() && !v.is_undefined()).map(|v| v.to_string());
        gongkai_domain::deadline::describe::milestone(
            &text("rule").unwrap_or_default(),
            text("action").as_deref(),
            text("recipient").as_deref(),
            text("channel").as_deref(),
            text("actor").as_deref(),
            m.get_attr("aspirational").is_ok_and(|v| v.is_true()),
        )
    });
    // An attachment's type and size in words; whether the browser shows it.
    env.add_filter("file_kind", |t: String| gongkai_app::files::kind_words(&t));
    env.add_filter("file_size", |n: i64| gongkai_app::files::size_words(n));
    env.add_filter("previewable", |t: String| gongkai_app::files::previewable(&t));
    // A stored (UTC) time in 北京时间: "2020-11-25 14:03:02".
    env.add_filter("beijing", |text: String| gongkai_domain::calendar::beijing_time(&text));
    // "2020-09-01" → "2020年9月1日"; anything else is shown as it is.
    env.add_filter("chinese_date", |text: String| match chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        Ok(day) => gongkai_domain::calendar::chinese_date(day),
        Err(_) => text,
    });
    for (name, source) in [
        ("base.html", include_str!("../templates/base.html")),
        ("paging.html", include_str!("../templates/paging.html")),
        ("account/login.html", include_str!("../templates/account/login.html")),
        ("documents/self_inspection.html", include_str!("../templates/documents/self_inspection.html")),
        ("catalogues/list.html", include_str!("../templates/catalogues/list.html")),
        ("catalogues/show.html", include_str!("../templates/catalogues/show.html")),
        ("catalogues/public_list.html", include_str!("../templates/catalogues/public_list.html")),
        ("catalogues/public_show.html", include_str!("../templates/catalogues/public_show.html")),
        ("inspection/runs.html", include_str!("../templates/inspection/runs.html")),
        ("foi/register.html", include_str!("../templates/foi/register.html")),
        ("foi/new.html", include_str!("../templates/foi/new.html")),
        ("foi/request.html", include_str!("../templates/foi/request.html")),
        ("foi/report.html", include_str!("../templates/foi/report.html")),
        ("foi/letters.html", include_str!("../templates/foi/letters.html")),
        ("foi/apply.html", include_str!("../templates/foi/apply.html")),
        ("foi/applied.html", include_str!("../templates/foi/applied.html")),
        ("foi/status.html", include_str!("../templates/foi/status.html")),
        ("inspection/run.html", include_str!("../templates/inspection/run.html")),
        ("inspection/findings.html", include_str!("../templates/inspection/findings.html")),
        ("inspection/finding.html", include_str!("../templates/inspection/finding.html")),
        ("account/password.html", include_str!("../templates/account/password.html")),
        ("account/tokens.html", include_str!("../templates/account/tokens.html")),
        ("account/users.html", include_str!("../templates/account/users.html")),
        ("ledger/dashboard.html", include_str!("../templates/ledger/dashboard.html")),
        ("ledger/dashboard_body.html", include_str!("../templates/ledger/dashboard_body.html")),
        ("ledger/my.html", include_str!("../templates/ledger/my.html")),
        ("reports/obligation.html", include_str!("../templates/reports/obligation.html")),
        ("reports/review.html", include_str!("../templates/reports/review.html")),
        ("plans/tasks.html", include_str!("../templates/plans/tasks.html")),
        ("plans/task.html", include_str!("../templates/plans/task.html")),
        ("import/import.html", include_str!("../templates/import/import.html")),
        ("directory/units.html", include_str!("../templates/directory/units.html")),
        ("directory/unit.html", include_str!("../templates/directory/unit.html")),
        ("supervision/notices.html", include_str!("../templates/supervision/notices.html")),
        ("supervision/notice.html", include_str!("../templates/supervision/notice.html")),
        ("supervision/draft.html", include_str!("../templates/supervision/draft.html")),
        ("supervision/batch.html", include_str!("../templates/supervision/batch.html")),
        ("supervision/urged.html", include_str!("../templates/supervision/urged.html")),
        ("reports/accepted.html", include_str!("../templates/reports/accepted.html")),
        ("supervision/extensions.html", include_str!("../templates/supervision/extensions.html")),
        ("assessment/scores.html", include_str!("../templates/assessment/scores.html")),
        ("assessment/scoring.html", include_str!("../templates/assessment/scoring.html")),
        ("calendar/calendar.html", include_str!("../templates/calendar/calendar.html")),
        ("audit/audit.html", include_str!("../templates/audit/audit.html")),
        ("public/index.html", include_str!("../templates/public/index.html")),
        ("public/plan.html", include_str!("../templates/public/plan.html")),
    ] {
        // The templates are part of the program; a broken one fails every test.
        env.add_template(name, source).unwrap_or_else(|e| panic!("template {name}: {e}"));
    }
    env
}

/// What many requests read and few change, each kept with the versions it
/// was built at (see `gongkai_app::cache`); the task list and the directory
/// are the app's.
#[derive(Default)]
pub struct Caches {
    dashboard: Cache<(Versions, NaiveDate), Dashboard>,
    /// Public progress pages by plan, as sent.
    public_pages: Cache<(Versions, NaiveDate), String>,
    /// The 工作台's content as rendered from the board it holds.
    dashboard_body: std::sync::Mutex<Option<(Arc<Dashboard>, minijinja::Value)>>,
}

/// The app (`gongkai_app::App`: store, files, today) and what the web adds:
/// templates, page caches, cookie and proxy settings. Handlers reach the
/// app's fields and use-cases through it.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    caches: Arc<Caches>,
    templates: Arc<Environment<'static>>,
    /// Mark cookies Secure always (served over HTTPS).
    pub secure_cookies: bool,
    /// Proxies whose `X-Forwarded-Proto` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The checkpoint file the audit log is verified against (see SECURITY.md).
    pub checkpoint_file: Option<PathBuf>,
    /// How often one address may use the public application form and query.
    pub public_limits: Arc<crate::foi::public::Limits>,
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}

impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut App {
        &mut self.app
    }
}

/// What the web is told at start (the command line's settings).
#[derive(Debug, Clone)]
pub struct WebSettings {
    pub secure_cookies: bool,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub checkpoint_file: Option<PathBuf>,
    pub files_dir: PathBuf,
    pub max_upload: usize,
    /// A fixed "today" for demos and tests.
    pub today: Option<NaiveDate>,
    /// How 网上巡查 reads the units' websites.
    pub inspector: gongkai_app::inspection::Inspector,
}

impl AppState {
    /// The app with every setting as given.
    pub fn configured(store: Store, settings: WebSettings) -> AppState {
        let mut state = AppState::new(store);
        state.secure_cookies = settings.secure_cookies;
        state.trusted_proxies = settings.trusted_proxies;
        state.checkpoint_file = settings.checkpoint_file;
        state.app.files_dir = settings.files_dir;
        state.app.max_upload = settings.max_upload;
        state.app.today = settings.today;
        state.app.inspector = settings.inspector;
        state
    }

    /// The app with the default settings (tests change what they need).
    pub fn new(store: Store) -> AppState {
        AppState {
            app: App::new(store),
            caches: Arc::default(),
            templates: Arc::new(templates()),
            secure_cookies: false,
            trusted_proxies: vec![std::net::Ipv4Addr::LOCALHOST.into(), std::net::Ipv6Addr::LOCALHOST.into()],
            checkpoint_file: None,
            public_limits: Arc::default(),
        }
    }

    pub fn render(&self, name: &str, context: impl Serialize) -> Result<String, AppError> {
        let template = self.templates.get_template(name).map_err(|e| AppError::internal(e.to_string()))?;
        template.render(minijinja::value::Serde(context)).map_err(|e| AppError::internal(format!("{name}: {e}")))
    }

    /// The audit log's checkpoints published outside the database.
    pub fn published_checkpoints(&self) -> Result<Vec<gongkai_domain::audit::Checkpoint>, AppError> {
        match &self.checkpoint_file {
            Some(path) => gongkai_store::checkpoint_file::read(path)
                .map_err(|e| AppError::internal(format!("reading the checkpoint file: {e}"))),
            None => Ok(Vec::new()),
        }
    }

    /// The active tasks of every plan, as stored now.
    pub async fn tasks(&self) -> Result<Arc<Vec<TaskRow>>, AppError> {
        Ok(self.app.tasks().await?)
    }

    /// The unit directory, as stored now.
    pub async fn directory(&self) -> Result<Arc<Directory>, AppError> {
        Ok(self.app.directory().await?)
    }

    /// The office dashboard for today, from the database's counts (see
    /// `cache.rs` for how fresh a province's is).
    pub async fn dashboard(&self) -> Result<Arc<Dashboard>, AppError> {
        let versions = self.store.versions().await?;
        let today = self.today();
        let state = self.clone();
        self.caches
            .dashboard
            .get(0, (versions, today), || async move {
                let tasks = state.app.tasks_at(versions).await?;
                Ok(dashboard::read(&state.store, None, &tasks, today).await?)
            })
            .await
    }

    /// The 工作台's content for `board`, rendered once per board: the page
    /// around it (who is signed in) is all that is rendered per request.
    pub fn dashboard_body(&self, board: &Arc<Dashboard>) -> Result<minijinja::Value, AppError> {
        let held = |slot: &Option<(Arc<Dashboard>, minijinja::Value)>| {
            slot.as_ref().filter(|(of, _)| Arc::ptr_eq(of, board)).map(|(_, body)| body.clone())
        };
        let lock = || self.caches.dashboard_body.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(body) = held(&lock()) {
            return Ok(body);
        }
        let charts = serde_json::json!({
            "by_item": crate::ledger::chart::bar_chart("按方案项目的完成情况", &board.by_item),
            "by_unit": crate::ledger::chart::bar_chart("按单位的完成情况", &board.by_unit),
        });
        let html =
            self.render("ledger/dashboard_body.html", serde_json::json!({ "board": &**board, "charts": charts }))?;
        let body = minijinja::Value::from_safe_string(html);
        // Holding the board keeps its address from being reused by another.
        *lock() = Some((board.clone(), body.clone()));
        Ok(body)
    }

    /// A public page of one plan, built by `build` from the plan's dashboard
    /// and the tasks; kept until the ledger changes or the day turns.
    pub async fn public_page<F, Fut>(&self, plan_id: PlanId, build: F) -> Result<Arc<String>, AppError>
    where
        F: FnOnce(Arc<Vec<TaskRow>>, Dashboard) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<String, AppError>> + Send,
    {
        let versions = self.store.versions().await?;
        let today = self.today();
        let state = self.clone();
        self.caches
            .public_pages
            .get(plan_id.into(), (versions, today), || async move {
                let tasks = state.app.tasks_at(versions).await?;
                let board = dashboard::read(&state.store, Some(plan_id), &tasks, today).await?;
                build(tasks, board).await
            })
            .await
    }
}
