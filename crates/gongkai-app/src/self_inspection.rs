//! 自查报告 as offices write it: 一、基本情况 and 二、主要工作及成效 (by plan
//! item, from the accepted reports) assembled from the ledger; 三、存在的问题
//! listed from it (open, late, returned) with the unit's own words beside;
//! 四、下一步工作打算 written by the unit. The unit edits the draft, its head
//! signs one revision, and the signed report becomes the unit's report on
//! that year's "纳入自查报告" obligations. The pages, the API and the command
//! line all come here.

use crate::documents::chinese_date;
use crate::ledger::{self, Row};
use crate::reports::NewReport;
use crate::{App, Error, Result};
use chrono::{Datelike, NaiveDate};
use gongkai_domain::calendar::beijing_day;
use gongkai_domain::people::Role;
use gongkai_domain::status::ObligationStatus;
use gongkai_io::out::{Block, Document, Section, chinese_number};
use gongkai_store::{
    ObligationFilter, ObligationId, ObligationRow, SelfInspectionDraft, Store, StoreError, TaskRow, User,
};
use std::collections::BTreeMap;

/// Characters of one report's text a 自查报告 quotes; the rest stays in the system.
const QUOTED_CHARS: usize = 2_000;
/// Characters the unit may write in each of its two parts.
pub const MAX_WRITTEN_CHARS: usize = 10_000;

/// At most `max` characters of `text`, marked when cut.
fn quoted(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    format!("{}……（全文见系统）", text.chars().take(max).collect::<String>())
}

/// Whether an obligation is discharged by the 自查报告 itself.
pub fn goes_into_report(o: &ObligationRow) -> bool {
    o.milestone.contains("自查报告")
}

/// A unit's 自查报告 for a year as one user may work on it.
pub struct SelfInspection {
    pub unit: String,
    pub year: i32,
    pub draft: SelfInspectionDraft,
    pub document: Document,
    /// That year's "纳入自查报告" obligations and where each stands.
    pub targets: Vec<Row>,
    pub may_edit: bool,
    pub may_sign: bool,
    pub may_submit: bool,
}

/// The unit a user works on: their own, or (the region's roles) the one asked.
async fn unit_for(app: &App, user: &User, asked: Option<&str>) -> Result<String> {
    let directory = app.directory().await?;
    let asked = asked.filter(|a| !a.is_empty());
    match (crate::access::unit_scope(user)?, asked) {
        (Some(own), Some(asked)) if directory.find(asked).map(|u| &u.name) != Some(&own) => Err(Error::NotFound),
        (Some(own), _) => Ok(own),
        (None, Some(asked)) => {
            directory.find(asked).map(|u| u.name.clone()).ok_or_else(|| Error::invalid(format!("找不到单位“{asked}”")))
        }
        (None, None) => Err(Error::invalid("请选择单位")),
    }
}

/// Opens the unit's report for the year with what the user may do.
pub async fn open(app: &App, user: &User, unit: Option<&str>, year: i32) -> Result<SelfInspection> {
    let unit = unit_for(app, user, unit).await?;
    let draft = app.store.self_inspection_draft(&unit, year).await?;
    let parts = assemble(&app.store, &unit, year, app.today(), &draft).await?;
    let own = user.role.is_unit_bound() && user.unit.as_deref() == Some(unit.as_str());
    let open_targets = parts.targets.iter().any(|r| r.o.status.is_open());
    Ok(SelfInspection {
        may_edit: own,
        may_sign: own && user.role == Role::Head && draft.revision > 0 && !draft.signed(),
        may_submit: own && draft.signed() && open_targets,
        unit,
        year,
        draft,
        document: parts.document,
        targets: parts.targets,
    })
}

/// Saves the unit's two parts over the revision the writer saw.
pub async fn save(app: &App, user: &User, year: i32, seen: i32, problems: &str, next_steps: &str) -> Result<i32> {
    let unit = crate::access::unit_scope(user)?.ok_or(Error::Forbidden)?;
    let (problems, next_steps) = (problems.trim(), next_steps.trim());
    for (text, part) in [(problems, "存在的问题"), (next_steps, "下一步工作打算")] {
        if text.chars().count() > MAX_WRITTEN_CHARS {
            return Err(Error::invalid(format!("“{part}”最多 {MAX_WRITTEN_CHARS} 字，未保存")));
        }
    }
    if next_steps.is_empty() {
        return Err(Error::invalid("请填写“四、下一步工作打算”后再保存"));
    }
    Ok(app.store.save_self_inspection(&unit, year, seen, problems, next_steps, user.id, &user.login).await?)
}

/// The unit head signs the revision they read.
pub async fn sign(app: &App, user: &User, year: i32, seen: i32) -> Result<()> {
    let unit = crate::access::unit_scope(user)?.ok_or(Error::Forbidden)?;
    if user.role != Role::Head {
        return Err(Error::Forbidden);
    }
    Ok(app.store.sign_self_inspection(&unit, year, seen, user.id, &user.login).await?)
}

/// The signed report, as .docx, becomes the unit's report on each of that
/// year's open "纳入自查报告" obligations; where the plan asks for the head's
/// sign-off, the signature on the report is that sign-off.
pub async fn submit(app: &App, user: &User, year: i32) -> Result<Vec<ObligationId>> {
    let unit = crate::access::unit_scope(user)?.ok_or(Error::Forbidden)?;
    let draft = app.store.self_inspection_draft(&unit, year).await?;
    let (Some(signer), Some(signed_at)) = (draft.signed_by_id, draft.signed_at) else {
        return Err(Error::Conflict("自查报告须经单位负责人签发后才能报送".into()));
    };
    let parts = assemble(&app.store, &unit, year, app.today(), &draft).await?;
    let open: Vec<&Row> = parts.targets.iter().filter(|r| r.o.status.is_open()).collect();
    if open.is_empty() {
        return Err(Error::Conflict(format!("{year}年没有待报送的“纳入自查报告”任务事项")));
    }
    let name = format!("{}.docx", parts.document.title);
    let text = format!(
        "已纳入《{}》报送，单位负责人{}于{}签发。",
        parts.document.title,
        draft.signed_by.as_deref().unwrap_or(""),
        chinese_date(beijing_day(signed_at))
    );
    let bytes = crate::documents::render_bounded(parts.document, false).await?;
    let mut done = Vec::new();
    for row in open {
        let report = NewReport {
            text: text.clone(),
            url: String::new(),
            date: String::new(),
            files: vec![(name.clone(), bytes.clone())],
            keep_files: false,
        };
        crate::reports::file_report(app, user, row.o.id, report).await?;
        if row.o.signoff {
            app.store.review(row.o.id, signer, gongkai_store::Decision::SignOff, "", &user.login).await?;
        }
        done.push(row.o.id);
    }
    Ok(done)
}

/// The document as it stands, for a download or the command line.
pub async fn document(store: &Store, unit: &str, year: i32, today: NaiveDate) -> Result<Document> {
    let directory = store.directory().await?;
    let unit = directory.find(unit).ok_or_else(|| Error::invalid(format!("找不到单位“{unit}”")))?.name.clone();
    let draft = store.self_inspection_draft(&unit, year).await?;
    Ok(assemble(store, &unit, year, today, &draft).await?.document)
}

struct Parts {
    document: Document,
    targets: Vec<Row>,
}

/// That year's work of the unit: the year's plans' obligations due within
/// the year or without a date, each task once, in plan-item order.
async fn assemble(
    store: &Store,
    unit: &str,
    year: i32,
    today: NaiveDate,
    draft: &SelfInspectionDraft,
) -> std::result::Result<Parts, StoreError> {
    let directory = store.directory().await?;
    let short = directory.find(unit).map_or(unit, |u| u.short_name()).to_string();
    let plans: Vec<_> = store.plans().await?.into_iter().filter(|p| p.plan_year == year).collect();
    if plans.is_empty() {
        return Err(StoreError::NotFound(format!("{year} 年的方案")));
    }
    let as_of = today.min(NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today));
    let tasks: Vec<TaskRow> =
        store.tasks().await?.into_iter().filter(|t| plans.iter().any(|p| p.id == t.plan_id)).collect();
    let rows: Vec<Row> = store
        .obligations(&ObligationFilter { unit: Some(unit.to_string()), ..Default::default() })
        .await?
        .into_iter()
        .filter(|o| plans.iter().any(|p| p.id == o.plan_id) && o.due.is_none_or(|d| d.year() == year))
        .map(|o| ledger::row(o, today))
        .collect();
    // Each task once, grouped by the plan item it serves (its first one).
    let mut by_item: BTreeMap<(usize, String), Vec<&TaskRow>> = BTreeMap::new();
    for task in &tasks {
        if !rows.iter().any(|r| r.o.task_id == task.id) {
            continue;
        }
        let item = task.items.first().cloned().unwrap_or_default();
        let order = tasks.iter().position(|t| t.items.first() == task.items.first()).unwrap_or(usize::MAX);
        by_item.entry((order, item)).or_default().push(task);
    }
    let task_count: usize = by_item.values().map(Vec::len).sum();

    let done: Vec<&Row> = rows.iter().filter(|r| r.o.status == ObligationStatus::Accepted).collect();
    let late = done.iter().filter(|r| r.late).count();
    let waiting = rows.iter().filter(|r| r.o.status.is_waiting()).count();
    let open = rows.iter().filter(|r| r.o.status.is_open()).count();
    let titles: Vec<String> = plans.iter().map(|p| format!("《{}》", p.title)).collect();
    let basics = format!(
        "{year}年，我单位承担{}中的 {task_count} 项工作任务、{} 项任务事项。截至{}，已完成并通过审核 {} 项（其中按时完成 {} 项，逾期完成 {} 项），已报送待审核 {waiting} 项，尚未完成 {open} 项。",
        titles.join("、"),
        rows.len(),
        chinese_date(as_of),
        done.len(),
        done.len() - late,
        late,
    );

    let mut work = Vec::new();
    let mut problems: Vec<Vec<String>> = Vec::new();
    for (n, ((_, item), item_tasks)) in by_item.iter().enumerate() {
        let heading = if item.is_empty() { "其他工作".to_string() } else { format!("落实方案{item}") };
        work.push(Block::Subheading(format!("（{}）{heading}", chinese_number(n + 1))));
        for (k, task) in item_tasks.iter().enumerate() {
            work.push(Block::Paragraph(format!("{}．{}", k + 1, task.task)));
            for row in rows.iter().filter(|r| r.o.task_id == task.id) {
                let submissions = store.submissions(row.o.id).await?;
                let returns: Vec<&str> = submissions
                    .iter()
                    .flat_map(|s| &s.reviews)
                    .filter(|r| r.decision == "returned")
                    .map(|r| r.reason.as_str())
                    .collect();
                let accepted = submissions.iter().find(|s| s.reviews.iter().any(|r| r.decision == "accepted"));
                let task_words = format!("任务{} {}", row.o.task_seq, row.o.milestone);
                match accepted.filter(|_| row.o.status == ObligationStatus::Accepted) {
                    Some(s) => {
                        let on = s.submitted_on.unwrap_or_else(|| beijing_day(s.submitted_at));
                        let mut text = format!(
                            "{}：{}报送，{}。{}",
                            row.o.milestone,
                            chinese_date(on),
                            row.timing,
                            if s.text.is_empty() { "（见附件）".into() } else { quoted(&s.text, QUOTED_CHARS) }
                        );
                        if let Some(url) = &s.published_url {
                            text.push_str(&format!("　公开网址：{url}"));
                        }
                        if !s.attachments.is_empty() {
                            let files: Vec<&str> = s.attachments.iter().map(|a| a.file_name.as_str()).collect();
                            text.push_str(&format!("　佐证材料：{}", files.join("、")));
                        }
                        work.push(Block::Paragraph(text));
                        if row.late {
                            problems.push(vec![
                                task_words.clone(),
                                row.when.clone(),
                                "逾期完成".into(),
                                row.timing.clone(),
                            ]);
                        }
                    }
                    None => {
                        work.push(Block::Paragraph(format!(
                            "{}（{}）：{}，见“三、存在的问题”。",
                            row.o.milestone, row.when, row.status_label
                        )));
                        problems.push(vec![
                            task_words.clone(),
                            row.when.clone(),
                            row.status_label.to_string(),
                            row.timing.clone(),
                        ]);
                    }
                }
                if let Some(reason) = returns.last() {
                    problems.push(vec![
                        task_words,
                        row.when.clone(),
                        format!("被退回 {} 次", returns.len()),
                        format!("退回理由：{reason}"),
                    ]);
                }
            }
        }
    }
    let catalogued = catalogue_work(store, unit, year, as_of, by_item.len() + 1, &mut work, &mut problems).await?;
    inspection_work(store, unit, year, as_of, by_item.len() + 1 + usize::from(catalogued), &mut work, &mut problems)
        .await?;
    if work.is_empty() {
        work.push(Block::Paragraph(format!("{year}年本单位没有承担的任务事项。")));
    }

    let mut issues = Vec::new();
    if !draft.problems.is_empty() {
        issues
            .extend(draft.problems.lines().filter(|l| !l.trim().is_empty()).map(|l| Block::Paragraph(l.trim().into())));
    }
    if problems.is_empty() {
        issues.push(Block::Paragraph("本年度承担的任务事项均已按时完成并通过审核，未发现逾期或退回情况。".into()));
    } else {
        issues.push(Block::Paragraph(format!("对照任务清单，以下 {} 项情况需要改进：", problems.len())));
        issues.push(Block::Table {
            header: vec!["任务".into(), "要求时间".into(), "情况".into(), "说明".into()],
            rows: problems,
        });
    }
    let next: Vec<Block> = if draft.next_steps.is_empty() {
        vec![Block::Paragraph("（待本单位填写）".into())]
    } else {
        draft.next_steps.lines().filter(|l| !l.trim().is_empty()).map(|l| Block::Paragraph(l.trim().into())).collect()
    };
    let signed_on = draft.signed_at.map(beijing_day);
    let mut signature = vec![unit.to_string(), chinese_date(signed_on.unwrap_or(as_of))];
    if let Some(head) = &draft.signed_by {
        signature.insert(1, format!("单位负责人：{head}"));
    }
    let targets = rows.iter().filter(|r| goes_into_report(&r.o)).cloned().collect();
    Ok(Parts {
        document: Document {
            title: format!("{short}{year}年政务公开工作自查报告"),
            subtitle: None,
            sections: vec![
                Section { heading: "一、基本情况".into(), blocks: vec![Block::Paragraph(basics)] },
                Section { heading: "二、主要工作及成效".into(), blocks: work },
                Section { heading: "三、存在的问题".into(), blocks: issues },
                Section { heading: "四、下一步工作打算".into(), blocks: next },
            ],
            signature,
            landscape: false,
        },
        targets,
    })
}

/// The unit's 标准目录 (tasks 1 and 2): what it compiled and published, and
/// what it published under each item in the year, late records and items
/// still empty among the problems.
async fn catalogue_work(
    store: &Store,
    unit: &str,
    year: i32,
    as_of: NaiveDate,
    number: usize,
    work: &mut Vec<Block>,
    problems: &mut Vec<Vec<String>>,
) -> std::result::Result<bool, StoreError> {
    use gongkai_domain::catalogue::CatalogueStatus;
    let rows = store
        .catalogues(&gongkai_store::CatalogueFilter { unit: Some(unit.to_string()), ..Default::default() })
        .await?;
    if rows.is_empty() {
        return Ok(false);
    }
    let in_year = |day: NaiveDate| day.year() == year && day <= as_of;
    let calendar = store.calendar().await?;
    let (mut published, mut items, mut records, mut late) = (Vec::new(), 0, 0, 0);
    let mut empty: Vec<String> = Vec::new();
    for row in &rows {
        let views =
            crate::catalogues::items_on(store, row, &calendar).await.map_err(|e| StoreError::Invalid(e.to_string()))?;
        items += views.len();
        if row.status() != CatalogueStatus::Published {
            continue;
        }
        published.push(format!("《{}》", row.area));
        for view in &views {
            let counted: Vec<_> = view.records.iter().filter(|r| in_year(r.record.published_on)).collect();
            records += counted.len();
            if counted.is_empty() {
                empty.push(format!("{}·{}", row.area, view.name));
            }
            for record in counted.iter().filter(|r| r.late) {
                late += 1;
                problems.push(vec![
                    format!("标准目录《{}》{}", row.area, view.name),
                    record.due.map(chinese_date).unwrap_or_default(),
                    record.timeliness.clone(),
                    format!("《{}》{}发布", record.record.title, chinese_date(record.record.published_on)),
                ]);
            }
        }
    }
    let areas: Vec<String> = rows.iter().map(|r| format!("《{}》", r.area)).collect();
    work.push(Block::Subheading(format!("（{}）标准目录编制和按目录公开", chinese_number(number))));
    work.push(Block::Paragraph(format!(
        "本单位编制{}领域政务公开事项标准目录 {} 份，共 {items} 项，其中{}。{year}年按目录登记公开信息 {records} 条，其中按时 {} 条，逾期 {late} 条。",
        areas.join("、"),
        rows.len(),
        if published.is_empty() { "尚未发布".to_string() } else { format!("{}已发布", published.join("、")) },
        records - late,
    )));
    if !empty.is_empty() {
        let shown: Vec<&str> = empty.iter().take(10).map(String::as_str).collect();
        let more = if empty.len() > shown.len() { format!("等 {} 项", empty.len()) } else { String::new() };
        problems.push(vec![
            "标准目录按目录公开".into(),
            format!("{year}年"),
            format!("{} 个事项尚无公开信息", empty.len()),
            format!("{}{more}", shown.join("、")),
        ]);
    }
    Ok(true)
}

/// 网上巡查 (tasks 27–29): what the year's inspections found on the unit's
/// columns, what it fixed, and what is still open among the problems.
async fn inspection_work(
    store: &Store,
    unit: &str,
    year: i32,
    as_of: NaiveDate,
    number: usize,
    work: &mut Vec<Block>,
    problems: &mut Vec<Vec<String>>,
) -> std::result::Result<(), StoreError> {
    use gongkai_domain::inspection::FindingKind;
    let filter =
        gongkai_store::FindingFilter { unit: Some(unit.to_string()), limit: Some(i64::MAX), ..Default::default() };
    let findings: Vec<_> = store
        .findings(&filter)
        .await?
        .into_iter()
        .filter(|f| f.found_on.year() == year && f.found_on <= as_of)
        .collect();
    if findings.is_empty() {
        return Ok(());
    }
    let fixed = findings.iter().filter(|f| f.status == "fixed").count();
    let dismissed = findings.iter().filter(|f| f.status == "dismissed").count();
    let open: Vec<_> = findings.iter().filter(|f| f.is_open()).collect();
    work.push(Block::Subheading(format!("（{}）网上巡查发现问题的整改", chinese_number(number))));
    work.push(Block::Paragraph(format!(
        "{year}年区政务公开办网上巡查共发现本单位网站栏目问题 {} 个，经复核已整改 {fixed} 个，不予整改 {dismissed} 个，尚在整改 {} 个。",
        findings.len(),
        open.len(),
    )));
    for f in open {
        let label = FindingKind::from_code(&f.kind).map_or("", |k| k.label());
        problems.push(vec![
            format!("网上巡查：{}", f.item_name()),
            chinese_date(f.due_date),
            format!("{label}{}", if f.status == "answered" { "（已报整改，待复核）" } else { "" }),
            f.evidence.clone(),
        ]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_long_report_is_quoted_in_part_and_marked() {
        assert_eq!(super::quoted("已公开", 10), "已公开");
        let quoted = super::quoted(&"字".repeat(50), 10);
        assert_eq!(quoted, format!("{}……（全文见系统）", "字".repeat(10)));
    }
}
