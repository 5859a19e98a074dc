//! 督办 and 延期: the office issues a numbered 督办通知 by hand (the scheduler
//! also issues them by rule, see `remind`); a unit reads its notices and
//! asks for a later due date, which the office grants or refuses.

use crate::reports::find_obligation;
use crate::{App, Error, Result, optional_date};
use gongkai_domain::people::Role;
use gongkai_domain::supervision::{Wording, working_days_after};
use gongkai_store::{NoticeRow, ObligationId, User};

/// The office issues a 督办通知 for an obligation: a new deadline (by default
/// the plan's number of working days from today) and a note.
pub async fn issue(app: &App, user: &User, id: ObligationId, new_due: &str, note: &str) -> Result<NoticeRow> {
    let note = gongkai_domain::input::REASON.clean(note)?;
    let (o, _) = find_obligation(app, user, id).await?;
    if user.role != Role::Office {
        return Err(Error::Forbidden);
    }
    let Some(due) = o.due else {
        return Err(Error::invalid("这项任务没有截止日期，不能督办"));
    };
    if !o.status.is_open() {
        return Err(Error::Conflict("这项任务已报送或已通过，无需督办".into()));
    }
    let today = app.today();
    let calendar = app.store.calendar().await?;
    let rules = app.store.plan_rules().await?.remove(&o.plan_id).unwrap_or_default();
    let new_due = match optional_date(new_due, "新的办结期限")? {
        Some(date) if date <= today => return Err(Error::invalid("新的办结期限应晚于今天")),
        Some(date) => date,
        None => {
            calendar.add_working_days(today, rules.notice_working_days).map_err(|e| Error::invalid(e.to_string()))?
        }
    };
    let wording = Wording::obligation(&o.unit, o.task_seq, &o.milestone, due);
    let message = wording.notice(working_days_after(due, today, &calendar), new_due);
    let note = if note.trim().is_empty() { "公开办督办" } else { note.trim() };
    Ok(app.store.issue_notice(id, today, new_due, note, &message, &user.login).await?)
}

/// A unit asks for a later due date.
pub async fn request(app: &App, user: &User, id: ObligationId, due: &str, reason: &str) -> Result<i64> {
    let reason = gongkai_domain::input::REASON.clean(reason)?;
    let reason = reason.as_str();
    let (_, access) = find_obligation(app, user, id).await?;
    if !access.submit {
        return Err(Error::Forbidden);
    }
    let due = optional_date(due, "申请的截止日期")?.ok_or_else(|| Error::invalid("请填写申请延至的日期"))?;
    Ok(app.store.request_extension(id, due, reason, &user.login).await?)
}

/// The office grants or refuses.
pub async fn decide(app: &App, user: &User, id: ObligationId, decision: &str, note: &str) -> Result<()> {
    let note = gongkai_domain::input::REASON.clean(note)?;
    let note = note.as_str();
    find_obligation(app, user, id).await?;
    if user.role != Role::Office {
        return Err(Error::Forbidden);
    }
    let grant = match decision {
        "grant" => true,
        "refuse" => false,
        _ => return Err(Error::invalid("请选择“同意”(grant)或“不同意”(refuse)")),
    };
    app.store.decide_extension(id, grant, note, &user.login).await?;
    Ok(())
}

/// Notices the user may read: a unit's own, or all for the region's roles.
pub async fn visible_notices(app: &App, user: &User, id: Option<i64>) -> Result<Vec<NoticeRow>> {
    let scope = crate::access::unit_scope(user)?;
    Ok(app.store.notices(scope.as_deref(), id).await?)
}
