//! The 审计日志 page and its filters.

use crate::auth::{self, PageUser};
use crate::error::{AppError, AppResult};
use crate::ledger::{self};
use crate::page::frame;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::{Deserialize, Serialize};

/// The audit log's filters, from a page's form or the API's query.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub actor: Option<String>,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub limit: Option<i64>,
    /// Which page of `limit` entries, newest first.
    #[serde(default)]
    pub page: Option<i64>,
}

impl AuditQuery {
    pub fn filter(&self) -> AppResult<gongkai_store::AuditFilter> {
        let text = |v: &Option<String>| ledger::given(v).map(String::from);
        Ok(gongkai_store::AuditFilter {
            actor: text(&self.actor),
            action: text(&self.action),
            target: text(&self.target),
            from: ledger::date(&self.from, "起始日期")?,
            to: ledger::date(&self.to, "截止日期")?,
            limit: self.limit.unwrap_or(500).clamp(0, 10_000),
            offset: 0,
        })
    }

    /// This list's address on page `page`.
    fn link(&self, page: i64) -> String {
        let fields = [
            ("actor", &self.actor),
            ("action", &self.action),
            ("target", &self.target),
            ("from", &self.from),
            ("to", &self.to),
        ];
        let mut link = String::from("/audit?");
        for (name, value) in fields {
            if let Some(value) = ledger::given(value) {
                link.push_str(&format!("{name}={}&", ledger::percent_encode(value)));
            }
        }
        link + &format!("page={page}")
    }
}

/// 审计日志: who did what and when, for the office and the admin.
pub async fn audit_log(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<AuditQuery>,
) -> AppResult<Html<String>> {
    if !auth::manages(page.user.role) {
        return Err(AppError::forbidden());
    }
    let at = crate::page::Pager::new(query.page);
    let filter = gongkai_store::AuditFilter { limit: at.limit(), offset: at.offset(), ..query.filter()? };
    let entries = state.store.audit_search(&filter).await?;
    let total = state.store.audit_count(&filter).await?;
    let intact = state.store.verify_audit(&state.published_checkpoints()?).await?;
    // People by their names and units, times in Beijing, actions and changes in words.
    let people: std::collections::HashMap<String, String> = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| {
            let unit = u.unit.as_deref().map(|n| format!("，{n}")).unwrap_or_default();
            (u.login.clone(), format!("{}（{}{unit}）", u.display_name, u.role.label()))
        })
        .collect();
    let rows: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            use gongkai_domain::audit::{action_words, change_words};
            serde_json::json!({
                "seq": e.seq,
                "at": gongkai_domain::calendar::beijing_time(&e.at),
                "actor": people.get(&e.actor).cloned().unwrap_or_else(|| e.actor.clone()),
                "action": action_words(&e.action, e.after.as_deref()),
                "target": e.target,
                "before": e.before.as_deref().map(change_words),
                "after": e.after.as_deref().map(|a| change_words(a).chars().take(300).collect::<String>()),
            })
        })
        .collect();
    let actions: Vec<(&str, &str)> = gongkai_domain::audit::ACTIONS.to_vec();
    let html = state.render(
        "audit/audit.html",
        serde_json::json!({
            "frame": frame(&state, &page), "entries": rows, "actions": actions,
            "paging": at.view(total, |n| query.link(n)), "query": query,
            "intact": intact.is_ok(), "problem": intact.err().map(|e| e.to_string()),
        }),
    )?;
    Ok(Html(html))
}
