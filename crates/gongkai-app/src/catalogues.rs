//! 标准目录 (tasks 1, 2 and 14): a unit drafts its catalogue for an area
//! (from a file, an area template, or another unit's), submits it; the
//! office reviews, returns or accepts, records the 区政府's approval and
//! publishes. The submission is the unit's report on its task-1 obligations.
//! Under each item the unit records what it published, on time or late by
//! working days. The pages, the API and the command line call these.

use crate::reports::NewReport;
use crate::{App, Error, Result};
use gongkai_domain::calendar::Calendar;
use gongkai_domain::catalogue::{self, CatalogueAct, CatalogueStatus, ItemDraft, Timeliness};
use gongkai_domain::scoring::Catalogued;
use gongkai_domain::timelimit::TimeLimit;
use gongkai_io::catalogue::{CatalogueSource, read_catalogue};
use gongkai_io::out::{CatalogueSheet, Document, catalogue_document, catalogue_xlsx};
use gongkai_store::{CatalogueFilter, CatalogueId, CatalogueRow, ItemId, ItemRow, RecordRow, User};
use serde::Serialize;

/// The account an act is recorded under; the command line (id 0) has none.
pub(crate) fn author(user: &User) -> Option<gongkai_store::UserId> {
    (user.id.0 > 0).then_some(user.id)
}

/// The area name a catalogue outside the 26 pilot areas uses.
pub const GENERAL_AREA: &str = "综合";

/// The area's canonical name: one of the 26, or 综合.
pub fn area_name(given: &str) -> Result<String> {
    let given = given.trim();
    if given == GENERAL_AREA || given == "综合政务" {
        return Ok(GENERAL_AREA.into());
    }
    catalogue::area_named(given)
        .map(|a| a.name.clone())
        .ok_or_else(|| Error::Invalid(format!("“{given}”不是26个试点领域之一，也不是“综合”：请从领域列表中选择")))
}

/// The department that supervises an area (task 14), as the directory names it.
pub fn area_department(app_directory: &gongkai_domain::units::Directory, area: &str) -> Option<String> {
    let found = catalogue::pilot_areas().iter().find(|a| a.name == area)?;
    app_directory.find(&found.typical_unit).map(|u| u.name.clone())
}

/// Who the user is to a catalogue.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CatalogueAccess {
    pub see: bool,
    /// The unit's own staff: edit a draft, submit, revise.
    pub own: bool,
    /// The office: accept, approve, publish, return, correct readings.
    pub office: bool,
    /// The area's department: return with comments.
    pub area_department: bool,
}

impl CatalogueAccess {
    /// The unit submits and revises; the office does the rest; the area's
    /// department may return.
    pub fn may(&self, act: CatalogueAct) -> bool {
        match act {
            CatalogueAct::Submit | CatalogueAct::Revise => self.own,
            CatalogueAct::Return => self.office || self.area_department,
            CatalogueAct::Accept | CatalogueAct::Approve | CatalogueAct::Publish => self.office,
        }
    }
}

pub async fn access(app: &App, user: &User, row: &CatalogueRow) -> Result<CatalogueAccess> {
    let own = user.role.is_unit_bound() && user.unit.as_deref() == Some(row.unit.as_str());
    let office = crate::access::manages(user.role);
    let department = user.role.is_unit_bound()
        && area_department(&*app.directory().await?, &row.area)
            .is_some_and(|d| Some(d.as_str()) == user.unit.as_deref());
    let see = own || department || crate::access::sees_region(user.role) || row.public;
    Ok(CatalogueAccess { see, own, office, area_department: department })
}

/// A catalogue the user may see, with what they may do; otherwise not-found.
pub async fn find(app: &App, user: &User, id: CatalogueId) -> Result<(CatalogueRow, CatalogueAccess)> {
    let row = app.store.catalogue(id).await?;
    let access = access(app, user, &row).await?;
    if !access.see {
        return Err(Error::NotFound);
    }
    Ok((row, access))
}

/// The catalogues a user may see: a unit's own and those of the areas it
/// supervises; the whole region for the office, leaders and admins.
pub async fn list(app: &App, user: &User, filter: CatalogueFilter) -> Result<Vec<CatalogueRow>> {
    let rows = app.store.catalogues(&filter).await?;
    if !user.role.is_unit_bound() {
        return Ok(rows);
    }
    let directory = app.directory().await?;
    Ok(rows
        .into_iter()
        .filter(|r| {
            user.unit.as_deref() == Some(r.unit.as_str())
                || area_department(&directory, &r.area).as_deref() == user.unit.as_deref()
        })
        .collect())
}

/// How an item's 公开时限 reads: the office's correction, or the parser's.
#[derive(Debug, Clone, Serialize)]
pub struct Reading {
    pub rule: TimeLimit,
    /// "信息形成或变更之日起20个工作日内公开".
    pub plain: String,
    pub corrected: bool,
}

pub fn reading(item: &ItemRow) -> Reading {
    let corrected = corrected_rule(item.rule.as_deref());
    let rule = rule_of(&item.timelimit, item.rule.as_deref());
    Reading { plain: rule.describe(), rule, corrected: corrected.is_some() }
}

/// The office's correction of a reading, stored as JSON.
fn corrected_rule(rule: Option<&str>) -> Option<TimeLimit> {
    rule.and_then(|json| serde_json::from_str::<TimeLimit>(json).ok())
}

/// How a 公开时限 cell reads: the office's correction, or the parser's.
pub fn rule_of(timelimit: &str, rule: Option<&str>) -> TimeLimit {
    corrected_rule(rule).unwrap_or_else(|| TimeLimit::parse(timelimit))
}

/// What an import would store (or stored): the items, each with its reading.
#[derive(Debug, Clone, Serialize)]
pub struct ImportPreview {
    pub unit: String,
    pub area: String,
    pub title: Option<String>,
    pub columns: Vec<(String, String)>,
    pub items: Vec<PreviewItem>,
    pub saved: Option<CatalogueId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviewItem {
    #[serde(flatten)]
    pub item: ItemDraft,
    pub rule: TimeLimit,
    pub plain: String,
}

fn preview(unit: &str, area: &str, source: CatalogueSource) -> ImportPreview {
    let items = source
        .items
        .into_iter()
        .map(|item| {
            let rule = TimeLimit::parse(&item.timelimit);
            PreviewItem { plain: rule.describe(), rule, item }
        })
        .collect();
    ImportPreview {
        unit: unit.into(),
        area: area.into(),
        title: source.title,
        columns: source.columns,
        items,
        saved: None,
    }
}

/// The unit whose catalogue the user may write: their own, or (for the
/// office) any unit of the directory.
async fn writable_unit(app: &App, user: &User, unit: &str) -> Result<String> {
    let directory = app.directory().await?;
    let found = directory.find(unit).map(|u| u.name.clone()).ok_or_else(|| {
        let near: Vec<String> = directory.suggest(unit, 3).iter().map(|u| u.name.clone()).collect();
        let hint = if near.is_empty() { String::new() } else { format!("（是否指：{}）", near.join("、")) };
        Error::Invalid(format!("单位目录中没有“{unit}”{hint}"))
    })?;
    let own = user.role.is_unit_bound() && user.unit.as_deref() == Some(found.as_str());
    if !own && !crate::access::manages(user.role) {
        return Err(Error::Forbidden);
    }
    Ok(found)
}

/// Reads a catalogue file for `unit` and `area`; unless `dry_run`, stores it
/// as the unit's draft (a new one, or over its draft or returned one).
pub async fn import(
    app: &App,
    user: &User,
    unit: &str,
    area: &str,
    file_name: &str,
    bytes: &[u8],
    dry_run: bool,
) -> Result<ImportPreview> {
    let unit = writable_unit(app, user, unit).await?;
    let area = area_name(area)?;
    let source = read_catalogue(file_name, bytes).map_err(|e| Error::Invalid(e.to_string()))?;
    let mut shown = preview(&unit, &area, source);
    if dry_run {
        return Ok(shown);
    }
    let items: Vec<ItemDraft> = shown.items.iter().map(|p| p.item.clone()).collect();
    let title = shown.title.clone().unwrap_or_default();
    shown.saved = Some(save(app, user, &unit, &area, &title, &format!("导入文件：{file_name}"), &items).await?);
    Ok(shown)
}

/// Stores items as the unit's draft for the area.
async fn save(
    app: &App,
    user: &User,
    unit: &str,
    area: &str,
    title: &str,
    source: &str,
    items: &[ItemDraft],
) -> Result<CatalogueId> {
    if items.is_empty() {
        return Err(Error::Invalid("标准目录至少要有一个事项".into()));
    }
    let existing = app
        .store
        .catalogues(&CatalogueFilter { unit: Some(unit.into()), area: Some(area.into()), ..Default::default() })
        .await?;
    let seen = match existing.first() {
        Some(row) if !row.status().editable() => {
            return Err(Error::Conflict(format!(
                "{unit}的《{area}》标准目录{}，现在不能修改{}",
                row.status().label(),
                if row.status() == CatalogueStatus::Published { "：请先“修订”开始新版本" } else { "" }
            )));
        }
        Some(row) => row.revision,
        None => 0,
    };
    Ok(app.store.save_catalogue(unit, area, seen, title, source, items, author(user), &user.login).await?)
}

/// A draft from another unit's catalogue (a template: its items, unit names left as they are).
pub async fn copy_from(app: &App, user: &User, unit: &str, area: &str, from: CatalogueId) -> Result<CatalogueId> {
    let unit = writable_unit(app, user, unit).await?;
    let area = area_name(area)?;
    let (source_row, _) = find(app, user, from).await?;
    let items: Vec<ItemDraft> = app.store.catalogue_items(from).await?.iter().map(ItemRow::draft).collect();
    let note = format!("复制自{}的《{}》标准目录", source_row.unit, source_row.area);
    save(app, user, &unit, &area, "", &note, &items).await
}

/// An act on a catalogue: the unit submits or revises; the office accepts,
/// approves, publishes or returns; the area's department may return.
pub async fn act(
    app: &App,
    user: &User,
    id: CatalogueId,
    act_code: &str,
    seen: i32,
    comment: &str,
    approval: &str,
) -> Result<CatalogueStatus> {
    let act = CatalogueAct::from_code(act_code).ok_or_else(|| Error::Invalid(format!("未知的办理动作“{act_code}”")))?;
    let (row, access) = find(app, user, id).await?;
    if !access.may(act) {
        return Err(Error::Forbidden);
    }
    let comment = gongkai_domain::input::REASON.clean(comment)?;
    if act == CatalogueAct::Return && comment.is_empty() {
        return Err(Error::Invalid("退回时请写明修改意见".into()));
    }
    let approval = gongkai_domain::input::APPROVAL.clean(approval)?;
    if act == CatalogueAct::Approve && approval.is_empty() {
        return Err(Error::Invalid("请填写区政府批准的文号或日期（如“从府办函〔2020〕35号”）".into()));
    }
    if !act.transition().0.contains(&row.status()) {
        return Err(Error::Conflict(format!("这份标准目录{}，不能“{}”", row.status().label(), act.label())));
    }
    let approval = (act == CatalogueAct::Approve).then_some(approval.as_str());
    let status = app.store.catalogue_act(id, act, seen, &comment, approval, author(user), &user.login).await?;
    if act == CatalogueAct::Submit {
        report_task_one(app, user, &row).await?;
    }
    Ok(status)
}

/// The unit's open obligations of the plan's 编制标准目录 task take the
/// submitted catalogue (as .xlsx) as their report.
async fn report_task_one(app: &App, user: &User, row: &CatalogueRow) -> Result<()> {
    let tasks = app.tasks().await?;
    let task_ids: Vec<_> =
        tasks.iter().filter(|t| t.task.contains("标准目录") && t.task.contains("编制")).map(|t| t.id).collect();
    if task_ids.is_empty() {
        return Ok(());
    }
    let obligations = app
        .store
        .obligations(&gongkai_store::ObligationFilter { unit: Some(row.unit.clone()), ..Default::default() })
        .await?;
    let open: Vec<_> =
        obligations.into_iter().filter(|o| task_ids.contains(&o.task_id) && o.status.is_open()).collect();
    if open.is_empty() {
        return Ok(());
    }
    let items = app.store.catalogue_items(row.id).await?;
    let sheet = CatalogueSheet {
        unit: row.unit.clone(),
        area: row.area.clone(),
        items: items.iter().map(ItemRow::draft).collect(),
    };
    let bytes = catalogue_xlsx(std::slice::from_ref(&sheet)).map_err(|e| Error::Internal(e.to_string()))?;
    let text =
        format!("已在系统中提交《{}》领域政务公开事项标准目录（{} 项），待区政务公开办审核。", row.area, items.len());
    for o in open.iter().take(1) {
        let report = NewReport {
            text: text.clone(),
            url: String::new(),
            date: String::new(),
            files: vec![(format!("{}-{}标准目录.xlsx", row.unit, row.area), bytes.clone())],
            keep_files: false,
        };
        // A report already waiting for review (an earlier area's) is enough.
        match crate::reports::file_report(app, user, o.id, report).await {
            Ok(_) | Err(Error::Conflict(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(())
}

/// The office corrects how an item's 公开时限 reads (None: back to the parser's).
pub async fn correct_rule(app: &App, user: &User, item: ItemId, rule: Option<TimeLimit>) -> Result<()> {
    if !crate::access::manages(user.role) {
        return Err(Error::Forbidden);
    }
    let found = app.store.catalogue_item(item).await?;
    let json = rule.map(|mut r| {
        r.text = found.timelimit.clone();
        serde_json::to_string(&r).unwrap_or_default()
    });
    Ok(app.store.set_item_rule(item, json.as_deref(), &user.login).await?)
}

/// An item's column address: the unit's own while it may edit, the office's
/// at any time (the inspection reads the column there).
pub async fn set_url(app: &App, user: &User, item: ItemId, url: &str) -> Result<()> {
    let found = app.store.catalogue_item(item).await?;
    let (row, access) = find(app, user, found.catalogue_id).await?;
    if !(access.office || (access.own && row.status().editable())) {
        return Err(if access.own {
            Error::Conflict("目录提交后，栏目地址由区政务公开办修改；或先“修订”开始新版本".into())
        } else {
            Error::Forbidden
        });
    }
    let url = crate::web_address(&gongkai_domain::input::URL.clean(url)?, "栏目地址")?;
    Ok(app.store.set_item_url(item, url.as_deref(), &user.login).await?)
}

/// A record of what was published under an item, as the unit enters it.
pub struct NewRecord {
    pub title: String,
    pub url: String,
    pub published_on: chrono::NaiveDate,
    pub event_on: Option<chrono::NaiveDate>,
}

/// A record as it may be kept: title and address cleaned and within their
/// limits, dates in order and not ahead of today.
fn checked_record(item: ItemId, record: NewRecord, today: chrono::NaiveDate) -> Result<gongkai_store::NewRecordRow> {
    let title = gongkai_domain::input::RECORD_TITLE.clean(&record.title)?;
    if title.is_empty() {
        return Err(Error::Invalid("请填写信息标题".into()));
    }
    let url = crate::web_address(&gongkai_domain::input::URL.clean(&record.url)?, "网址")?.unwrap_or_default();
    if record.event_on.is_some_and(|e| e > record.published_on) {
        return Err(Error::Invalid("起算日期不能晚于发布日期".into()));
    }
    if record.published_on > today {
        return Err(Error::Invalid("发布日期不能晚于今天".into()));
    }
    Ok(gongkai_store::NewRecordRow { item, title, url, published_on: record.published_on, event_on: record.event_on })
}

/// The published catalogue a user may record under: its unit's staff or the office.
async fn recordable(app: &App, user: &User, id: CatalogueId) -> Result<CatalogueRow> {
    let (row, access) = find(app, user, id).await?;
    if !access.own && !access.office {
        return Err(Error::Forbidden);
    }
    if row.status() != CatalogueStatus::Published {
        return Err(Error::Conflict("标准目录发布后才能登记按目录公开的信息".into()));
    }
    Ok(row)
}

pub async fn add_record(app: &App, user: &User, item: ItemId, record: NewRecord) -> Result<()> {
    let found = app.store.catalogue_item(item).await?;
    recordable(app, user, found.catalogue_id).await?;
    let record = checked_record(item, record, app.today())?;
    // The same title on the same day under the same item is kept once (a second click).
    if app.store.add_published_records(&[record], author(user), &user.login).await? == 0 {
        return Err(Error::Conflict("这条信息已经登记过".into()));
    }
    Ok(())
}

/// A date as clerks write it: 2020-10-22, 2020/10/22, 2020.10.22, 2020年10月22日.
pub fn written_date(text: &str) -> Option<chrono::NaiveDate> {
    let parts: Vec<u32> = text
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    match parts[..] {
        [y, m, d] => chrono::NaiveDate::from_ymd_opt(y as i32, m, d).filter(|d| gongkai_domain::calendar::in_range(*d)),
        _ => None,
    }
}

/// How a column of an item reads as text, to compare two versions.
type Field = fn(&ItemDraft) -> String;

/// One difference between a revision and the version the public reads.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub item: String,
    pub what: String,
}

/// What a revision in progress changes against the version last published:
/// items added and removed, each changed field from what to what. Empty
/// when nothing was published or the catalogue is published as it stands.
pub async fn changes(store: &gongkai_store::Store, row: &CatalogueRow, current: &[ItemView]) -> Result<Vec<Change>> {
    if row.status() == CatalogueStatus::Published {
        return Ok(Vec::new());
    }
    let Some(before) = store.published_items(row.id).await? else { return Ok(Vec::new()) };
    let now: Vec<&ItemRow> = current.iter().map(|v| &v.item).collect();
    let fields: [(&str, Field); 12] = [
        ("一级事项", |i| i.level1.clone().unwrap_or_default()),
        ("二级事项", |i| i.level2.clone().unwrap_or_default()),
        ("三级事项", |i| i.level3.clone().unwrap_or_default()),
        ("公开内容", |i| i.content.clone()),
        ("公开依据", |i| i.basis.clone()),
        ("公开时限", |i| i.timelimit.clone()),
        ("公开主体", |i| i.subject.clone()),
        ("公开渠道和载体", |i| i.channels.join("、")),
        ("栏目地址", |i| i.url.clone().unwrap_or_default()),
        ("公开对象", |i| i.audience.clone().unwrap_or_default()),
        ("公开方式", |i| i.mode.clone().unwrap_or_default()),
        ("公开层级", |i| i.level.join("、")),
    ];
    let short = |text: String| -> String {
        let text: String = text.split_whitespace().collect();
        if text.chars().count() > 40 { format!("{}…", text.chars().take(40).collect::<String>()) } else { text }
    };
    let mut out = Vec::new();
    for item in now.iter().copied() {
        let draft = item.draft();
        match before.iter().find(|b| b.id == item.id) {
            None => out.push(Change { item: draft.name().to_string(), what: "新增事项".into() }),
            Some(old) => {
                let old = old.draft();
                for (label, get) in &fields {
                    let (was, is) = (get(&old), get(&draft));
                    if was.split_whitespace().collect::<String>() != is.split_whitespace().collect::<String>() {
                        out.push(Change {
                            item: draft.name().to_string(),
                            what: format!("{label}：由“{}”改为“{}”", short(was), short(is)),
                        });
                    }
                }
            }
        }
    }
    for old in before.iter().filter(|b| !now.iter().any(|n| n.id == b.id)) {
        out.push(Change { item: old.draft().name().to_string(), what: "删除事项".into() });
    }
    Ok(out)
}

/// The 公开信息登记表 of a published catalogue, for its unit to fill.
pub async fn records_template(app: &App, user: &User, id: CatalogueId) -> Result<(String, Vec<u8>)> {
    let row = recordable(app, user, id).await?;
    let views = items(&app.store, &row).await?;
    let lines: Vec<gongkai_io::out::RecordItem> = views
        .iter()
        .enumerate()
        .map(|(i, v)| gongkai_io::out::RecordItem {
            id: v.item.id.0,
            seq: v.item.seq.clone().unwrap_or_else(|| (i + 1).to_string()),
            name: v.name.clone(),
            rule: v.reading.plain.clone(),
            event_label: v.event_label.clone(),
        })
        .collect();
    let title = format!("{}《{}》标准目录公开信息登记表", row.unit, row.area);
    let bytes = gongkai_io::out::records_xlsx(&title, &lines).map_err(|e| Error::Internal(e.to_string()))?;
    Ok((format!("{title}.xlsx"), bytes))
}

/// A filled-in 登记表: every line checked first (its item is this
/// catalogue's, its dates real and in order); one wrong line refuses the
/// file with its row, and nothing is stored.
pub async fn import_records(app: &App, user: &User, id: CatalogueId, name: &str, bytes: &[u8]) -> Result<usize> {
    recordable(app, user, id).await?;
    let lines = gongkai_io::catalogue::read_records(name, bytes).map_err(|e| Error::Invalid(e.to_string()))?;
    let ids: Vec<ItemId> = app.store.catalogue_items(id).await?.iter().map(|i| i.id).collect();
    let today = app.today();
    let mut records = Vec::with_capacity(lines.len());
    for line in lines {
        let wrong = |what: String| Error::Invalid(format!("{}：{what}；文件未导入，请改正后重新上传", line.at));
        let item =
            line.item.trim_end_matches(".0").parse::<i64>().ok().map(ItemId).filter(|i| ids.contains(i)).ok_or_else(
                || wrong(format!("事项编号“{}”不是这份目录的事项（请使用本目录下载的登记表）", line.item)),
            )?;
        let published_on = written_date(&line.published_on)
            .ok_or_else(|| wrong(format!("发布日期“{}”不是日期，应写作 2020-10-22", line.published_on)))?;
        let event_on = match line.event_on.trim() {
            "" => None,
            text => {
                Some(written_date(text).ok_or_else(|| wrong(format!("起算日期“{text}”不是日期，应写作 2020-09-28")))?)
            }
        };
        let record = NewRecord { title: line.title.clone(), url: line.url.clone(), published_on, event_on };
        records.push(checked_record(item, record, today).map_err(|e| wrong(e.to_string()))?);
    }
    Ok(app.store.add_published_records(&records, author(user), &user.login).await?)
}

/// A published record with its timeliness.
#[derive(Debug, Clone, Serialize)]
pub struct JudgedRecord {
    #[serde(flatten)]
    pub record: RecordRow,
    pub timeliness: String,
    pub late: bool,
    pub due: Option<chrono::NaiveDate>,
}

/// Per item: its reading, its records, counts and the late ones.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    #[serde(flatten)]
    pub item: ItemRow,
    pub name: String,
    pub channel_list: Vec<String>,
    pub level_list: Vec<String>,
    pub reading: Reading,
    /// The date the time limit counts from, as a record must give it.
    pub event_label: String,
    pub records: Vec<JudgedRecord>,
    pub latest: Option<chrono::NaiveDate>,
    pub late: usize,
}

/// The catalogue's items with their readings and records.
pub async fn items(store: &gongkai_store::Store, row: &CatalogueRow) -> Result<Vec<ItemView>> {
    items_on(store, row, &store.calendar().await?).await
}

/// The same, on a calendar already read (for many catalogues at once).
pub async fn items_on(store: &gongkai_store::Store, row: &CatalogueRow, calendar: &Calendar) -> Result<Vec<ItemView>> {
    views(store, row, store.catalogue_items(row.id).await?, calendar).await
}

/// The version the public reads (kept while a revision is drafted), with
/// its records; None if no version was published.
pub async fn public_items(store: &gongkai_store::Store, row: &CatalogueRow) -> Result<Option<Vec<ItemView>>> {
    let Some(mut items) = store.published_items(row.id).await? else { return Ok(None) };
    // A column address the office corrected since applies to the published version too.
    let live = store.catalogue_items(row.id).await?;
    for item in &mut items {
        if let Some(now) = live.iter().find(|l| l.id == item.id) {
            item.url = now.url.clone();
        }
    }
    Ok(Some(views(store, row, items, &store.calendar().await?).await?))
}

async fn views(
    store: &gongkai_store::Store,
    row: &CatalogueRow,
    items: Vec<ItemRow>,
    calendar: &Calendar,
) -> Result<Vec<ItemView>> {
    let mut records = store.published_records(row.id).await?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let reading = reading(&item);
        let clause = reading.rule.main_clause().cloned();
        let mine: Vec<RecordRow> = {
            let (mine, rest): (Vec<RecordRow>, Vec<RecordRow>) =
                records.into_iter().partition(|r| r.item_id == item.id);
            records = rest;
            mine
        };
        let mut judged = Vec::with_capacity(mine.len());
        for record in mine {
            let t = catalogue::timeliness(clause.as_ref(), record.event_on, record.published_on, calendar)
                .unwrap_or(Timeliness::Unknown);
            let due = match &t {
                Timeliness::OnTime { due } | Timeliness::Late { due, .. } => Some(*due),
                Timeliness::Unknown => None,
            };
            judged.push(JudgedRecord { timeliness: t.label(), late: t.is_late(), due, record });
        }
        let draft = item.draft();
        let event_label = clause.as_ref().and_then(|c| c.event).map_or("起算日期", |e| e.date_label()).to_string();
        out.push(ItemView {
            name: draft.name().to_string(),
            channel_list: draft.channels.clone(),
            level_list: draft.level.clone(),
            latest: judged.iter().map(|r| r.record.published_on).max(),
            late: judged.iter().filter(|r| r.late).count(),
            records: judged,
            reading,
            event_label,
            item,
        });
    }
    Ok(out)
}

/// Per unit, what its catalogues published by `as_of` show on that day:
/// records published late, and items with nothing published (考核's line).
pub async fn facts(app: &App, as_of: chrono::NaiveDate) -> Result<std::collections::HashMap<String, Catalogued>> {
    let rows = app
        .store
        .catalogues(&CatalogueFilter { status: Some(CatalogueStatus::Published.code().into()), ..Default::default() })
        .await?;
    let calendar = app.store.calendar().await?;
    let mut out: std::collections::HashMap<String, Catalogued> = std::collections::HashMap::new();
    for row in rows {
        // An item is missing only in a catalogue published by the day; a
        // late record counts by its own date.
        let published_by = row.published_at.map(gongkai_domain::calendar::beijing_day).is_some_and(|day| day <= as_of);
        let facts = out.entry(row.unit.clone()).or_default();
        for view in items_on(&app.store, &row, &calendar).await? {
            let counted: Vec<&JudgedRecord> = view.records.iter().filter(|r| r.record.published_on <= as_of).collect();
            if counted.is_empty() && published_by {
                facts.missing += 1;
            }
            facts.late += counted.iter().filter(|r| r.late).count() as u32;
        }
    }
    // 网上巡查: problems found by the day and not fixed by their due date;
    // dismissed ones do not count.
    let findings =
        app.store.findings(&gongkai_store::FindingFilter { limit: Some(i64::MAX), ..Default::default() }).await?;
    for f in findings.iter().filter(|f| f.found_on <= as_of && f.due_date < as_of && f.status != "dismissed") {
        // In time: the unit reported its fix, or a run found it fixed, by the due date.
        let answered = f.answered_at.map(gongkai_domain::calendar::beijing_day);
        let in_time = answered.is_some_and(|d| d <= f.due_date) || f.closed_on.is_some_and(|d| d <= f.due_date);
        if !in_time {
            out.entry(f.unit.clone()).or_default().unfixed += 1;
        }
    }
    // 依申请公开: requests past their legal due date without an answer by it.
    for (unit, count) in app.store.late_request_counts(as_of).await? {
        out.entry(unit).or_default().late_requests += u32::try_from(count).unwrap_or(u32::MAX);
    }
    Ok(out)
}

/// The sheets of the catalogues the user may export (published ones for
/// everyone; the office may export any state with `all`).
async fn sheets(app: &App, rows: &[CatalogueRow]) -> Result<Vec<CatalogueSheet>> {
    let mut sheets = Vec::with_capacity(rows.len());
    for row in rows {
        let items = app.store.catalogue_items(row.id).await?;
        sheets.push(CatalogueSheet {
            unit: row.unit.clone(),
            area: row.area.clone(),
            items: items.iter().map(ItemRow::draft).collect(),
        });
    }
    Ok(sheets)
}

/// Catalogues for export: one unit's (any state, for its staff and the
/// office), or every published one (the 文件汇编).
pub async fn for_export(app: &App, user: &User, unit: Option<&str>) -> Result<Vec<CatalogueRow>> {
    let mut filter = CatalogueFilter { unit: unit.map(str::to_string), ..Default::default() };
    let own = unit.is_some() && user.role.is_unit_bound() && user.unit.as_deref() == unit;
    if !own && !crate::access::sees_region(user.role) {
        filter.status = Some(CatalogueStatus::Published.code().into());
    }
    let rows = list(app, user, filter).await?;
    Ok(rows)
}

pub async fn export_xlsx(app: &App, rows: &[CatalogueRow]) -> Result<Vec<u8>> {
    catalogue_xlsx(&sheets(app, rows).await?).map_err(|e| Error::Internal(e.to_string()))
}

/// The 文件汇编 as a document (landscape; .docx or PDF by the caller).
pub async fn compilation(app: &App, rows: &[CatalogueRow], region: &str) -> Result<Document> {
    let sheets = sheets(app, rows).await?;
    let title = format!("{region}政务公开事项标准目录汇编");
    let subtitle =
        Some(format!("（{}，共 {} 份目录）", gongkai_domain::calendar::chinese_date(app.today()), sheets.len()));
    Ok(catalogue_document(&title, subtitle, &sheets))
}
