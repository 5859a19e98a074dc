//! 督办 and 延期: the office issues a numbered 督办通知 — its own, or one the
//! rule drafted (`remind`), after changing its deadline and wording if it
//! likes, one by one or a selection at once (一键督办); a unit reads its
//! notices and asks for a later due date, which the office grants or
//! refuses (a granted one moves the notice's deadline too).

use crate::reports::find_obligation;
use crate::{App, Error, Result, optional_date};
use chrono::NaiveDate;
use gongkai_domain::people::Role;
use gongkai_domain::supervision::{Event, EventKind, Wording, working_days_after};
use gongkai_store::{DraftRow, NoticeRow, ObligationId, User};

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
    let message = notice_message(&o.unit, o.task_seq, &o.milestone, due, today, new_due, &calendar);
    let note = if note.trim().is_empty() { "公开办督办" } else { note.trim() };
    Ok(app.store.issue_notice(id, None, today, new_due, note, &message, &user.login).await?)
}

/// What a 督办通知 tells the unit, issued `today` with a new deadline.
fn notice_message(
    unit: &str,
    task_seq: i32,
    milestone: &str,
    due: NaiveDate,
    today: NaiveDate,
    new_due: NaiveDate,
    calendar: &gongkai_domain::calendar::Calendar,
) -> String {
    Wording::obligation(unit, task_seq, milestone, due).notice(working_days_after(due, today, calendar), new_due)
}

/// The rule's drafts waiting for the office (the office only).
pub async fn drafts(app: &App, user: &User) -> Result<Vec<DraftRow>> {
    if user.role != Role::Office {
        return Err(Error::Forbidden);
    }
    Ok(app.store.notice_drafts(None).await?)
}

/// The office issues one of the rule's drafts: its proposed deadline
/// unless `new_due` gives another, with `note` as the notice's 督办意见.
pub async fn issue_draft(app: &App, user: &User, draft: i64, new_due: &str, note: &str) -> Result<NoticeRow> {
    if user.role != Role::Office {
        return Err(Error::Forbidden);
    }
    let new_due = optional_date(new_due, "新的办结期限")?;
    let note = gongkai_domain::input::REASON.clean(note)?;
    issue_draft_as(app, &user.login, draft, new_due, &note).await
}

/// [`issue_draft`] for whoever the caller vouches for (the command line).
pub async fn issue_draft_as(
    app: &App,
    actor: &str,
    draft: i64,
    new_due: Option<NaiveDate>,
    note: &str,
) -> Result<NoticeRow> {
    issue_one(app, actor, draft, new_due, note, &app.store.calendar().await?).await
}

/// One draft issued, on a calendar read once for a whole batch.
async fn issue_one(
    app: &App,
    actor: &str,
    draft: i64,
    new_due: Option<NaiveDate>,
    note: &str,
    calendar: &gongkai_domain::calendar::Calendar,
) -> Result<NoticeRow> {
    let found = app.store.notice_drafts(Some(draft)).await?.into_iter().next().ok_or(Error::NotFound)?;
    let today = app.today();
    let new_due = new_due.unwrap_or(found.new_due);
    if new_due <= today {
        return Err(Error::invalid(format!("新的办结期限 {new_due} 应晚于今天（{today}）")));
    }
    let message = notice_message(&found.unit, found.task_seq, &found.milestone, found.due, today, new_due, calendar);
    let note = if note.trim().is_empty() { "逾期未办，公开办督办" } else { note.trim() };
    Ok(app.store.issue_notice(found.obligation_id, Some(draft), today, new_due, note, &message, actor).await?)
}

/// What 一键督办 did: the notices issued, and for each draft not issued why.
#[derive(Debug, Default, serde::Serialize)]
pub struct Batch {
    pub issued: Vec<NoticeRow>,
    pub refused: Vec<(i64, String)>,
}

/// 一键督办: the selected drafts issued one after another, each with its
/// own proposed deadline; one that cannot be issued does not stop the rest.
pub async fn issue_drafts(app: &App, user: &User, drafts: &[i64]) -> Result<Batch> {
    if user.role != Role::Office {
        return Err(Error::Forbidden);
    }
    if drafts.len() > 1000 {
        return Err(Error::invalid("一次最多督办 1000 项"));
    }
    let mut batch = Batch::default();
    let calendar = app.store.calendar().await?;
    for &draft in drafts {
        match issue_one(app, &user.login, draft, None, "", &calendar).await {
            Ok(notice) => batch.issued.push(notice),
            Err(error) => batch.refused.push((draft, error.to_string())),
        }
    }
    Ok(batch)
}

/// What 一键催办 did.
#[derive(Debug, Default, serde::Serialize)]
pub struct Urged {
    /// 催办 recorded now (work already chased today is not chased again).
    pub chased: usize,
    /// The units told.
    pub units: Vec<String>,
    /// Selected work that was not chased, and why.
    pub skipped: Vec<(ObligationId, String)>,
}

/// 一键催办: the office chases the units of the selected overdue work. Each
/// obligation is chased at most once a day however often it is selected
/// (an event key, as the scheduler's), never the office's own work; the
/// web inbox has it at once, e-mail and robots with the next pass.
pub async fn urge(app: &App, user: &User, ids: &[ObligationId]) -> Result<Urged> {
    if user.role != Role::Office {
        return Err(Error::Forbidden);
    }
    if ids.is_empty() {
        return Err(Error::invalid("请先勾选要催办的逾期事项"));
    }
    if ids.len() > 1000 {
        return Err(Error::invalid("一次最多催办 1000 项"));
    }
    let today = app.today();
    let directory = app.directory().await?;
    let mut urged = Urged::default();
    let mut events = Vec::new();
    for &id in ids {
        let filter = gongkai_store::ObligationFilter { id: Some(id), ..Default::default() };
        let Some(o) = app.store.obligations(&filter).await?.pop() else {
            urged.skipped.push((id, "没有这项任务".into()));
            continue;
        };
        let skip = match o.due {
            _ if !o.status.is_open() => Some("已报送或已通过，无需催办"),
            None => Some("没有截止日期"),
            Some(due) if due >= today => Some("尚未逾期"),
            _ if directory.find(&o.unit).is_some_and(|u| u.is_openness_office()) => Some("公开办自己的任务，不催办"),
            _ => None,
        };
        if let Some(why) = skip {
            urged.skipped.push((id, why.into()));
            continue;
        }
        let due = o.due.unwrap_or(today);
        let wording = Wording::obligation(&o.unit, o.task_seq, &o.milestone, due);
        events.push(gongkai_store::NewEvent {
            subject: gongkai_store::Subject::obligation(id),
            unit: o.unit.clone(),
            message: format!("{}（区政务公开办催办）", wording.overdue()),
            new_due: None,
            event: Event { kind: EventKind::Overdue, key: format!("urge:{today}"), lead: None, date: today },
        });
        if !urged.units.contains(&o.unit) {
            urged.units.push(o.unit);
        }
    }
    urged.chased = app.store.record_events(today, &events, &user.login).await?;
    Ok(urged)
}

/// The office sets a draft aside (不予督办) with its reason.
pub async fn dismiss_draft(app: &App, user: &User, draft: i64, note: &str) -> Result<()> {
    if user.role != Role::Office {
        return Err(Error::Forbidden);
    }
    let note = gongkai_domain::input::REASON.clean(note)?;
    if note.trim().is_empty() {
        return Err(Error::invalid("请写明不予督办的理由"));
    }
    Ok(app.store.dismiss_draft(draft, note.trim(), &user.login).await?)
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

/// The office's 延期 list: waiting requests first, then the latest 100 answered.
pub async fn extension_list(
    app: &App,
    user: &User,
    offset: i64,
    limit: i64,
) -> Result<Vec<gongkai_store::ExtensionListRow>> {
    if user.role != Role::Office {
        return Err(Error::Forbidden);
    }
    Ok(app.store.extension_list(offset, limit).await?)
}

/// One page of the drafts waiting for the office, and how many wait.
pub async fn drafts_page(app: &App, user: &User, offset: i64, limit: i64) -> Result<(Vec<DraftRow>, i64)> {
    if user.role != Role::Office {
        return Err(Error::Forbidden);
    }
    Ok((app.store.notice_drafts_page(offset, limit).await?, app.store.notice_draft_count().await?))
}

/// One page of the notices the user may read, and how many there are.
pub async fn notices_page(app: &App, user: &User, offset: i64, limit: i64) -> Result<(Vec<NoticeRow>, i64)> {
    let scope = crate::access::unit_scope(user)?;
    let unit = scope.as_deref();
    Ok((app.store.notices_page(unit, offset, limit).await?, app.store.notice_count(unit).await?))
}

/// Notices the user may read: a unit's own, or all for the region's roles.
pub async fn visible_notices(app: &App, user: &User, id: Option<i64>) -> Result<Vec<NoticeRow>> {
    let scope = crate::access::unit_scope(user)?;
    Ok(app.store.notices(scope.as_deref(), id).await?)
}
