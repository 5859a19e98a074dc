//! 导入: a .docx/.xlsx/.txt list read within limits, every row understood
//! against the directory with every problem at its row and cell, saved only
//! when asked and clean. The file waits in the content-addressed store
//! between preview and confirmation, so the confirmed import is exactly the
//! previewed file.

use crate::{App, Error, Result};
use chrono::{Datelike, NaiveDate};
use gongkai_domain::calendar::chinese_date;
use gongkai_domain::plan::{self, Understanding, understand};
use gongkai_store::{ImportReport, PlanHeading, User};
use serde::{Deserialize, Serialize};

/// The upload, or the reference to one already previewed.
#[derive(Debug, Default, Deserialize)]
pub struct ImportRequest {
    #[serde(default)]
    pub file_name: String,
    /// Set when confirming: where the previewed file is kept.
    #[serde(default)]
    pub sha256: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub region: String,
    /// 印发日期, YYYY-MM-DD; empty for the default ([`plan::default_start`]).
    #[serde(default)]
    pub start: String,
    /// "1" to save after a clean preview.
    #[serde(default)]
    pub commit: String,
    /// Column roles the office chose, as `--map` writes them
    /// ("任务=具体要求,牵头=牵头单位"); empty: as read (or as remembered).
    #[serde(default)]
    pub map: String,
    /// For each unit the directory did not know: "create:<kind>" (新建) or
    /// "match:<full name>" (the name becomes that unit's alias).
    #[serde(default)]
    pub units: Vec<(String, String)>,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

#[derive(Debug, Serialize)]
pub struct Outcome {
    pub file_name: String,
    pub sha256: String,
    pub title: String,
    pub region: String,
    pub year: i32,
    /// 印发日期: nothing is due before it.
    pub start: NaiveDate,
    /// Per task (in order), its deadlines before the start, in words: they
    /// bind nobody.
    pub before_start: Vec<Vec<String>>,
    pub understanding: Understanding,
    /// The column roles used, as `--map` writes them ("" when as read).
    pub map: String,
    /// The roles came from an earlier import of a list with this header.
    pub remembered: bool,
    /// Units created or matched by the office's choices, by name.
    pub units: Vec<(String, String)>,
    /// Present once saved.
    pub saved: Option<ImportReport>,
}

/// The header's words, as the remembered roles are filed under.
fn signature(list: &gongkai_domain::plan::SourceList) -> String {
    list.mapping.iter().map(|m| m.header.as_str()).collect::<Vec<_>>().join("|")
}

/// The mapping a list was read with, as `--map` writes it.
fn map_text(list: &gongkai_domain::plan::SourceList) -> String {
    list.mapping
        .iter()
        .filter(|m| !m.header.is_empty())
        .map(|m| format!("{}={}", m.role, m.header))
        .collect::<Vec<_>>()
        .join(",")
}

/// The office's answer for one unknown unit, applied to a copy of the directory.
fn resolve_unit(
    directory: &mut gongkai_domain::units::Directory,
    name: &str,
    choice: &str,
) -> Result<Option<gongkai_domain::units::Unit>> {
    use gongkai_domain::units::{Unit, UnitKind};
    let unit = match choice.split_once(':') {
        Some(("create", kind)) => {
            let kind = UnitKind::ALL
                .into_iter()
                .find(|k| k.as_str() == kind)
                .ok_or_else(|| Error::invalid(format!("新建单位“{name}”的类别无效")))?;
            let mut unit = Unit::new(name, name, kind);
            unit.inferred = true;
            unit.note = "导入任务清单时新建，请核实全称和上级单位".into();
            unit
        }
        Some(("match", full)) => {
            let mut unit = directory
                .find(full)
                .cloned()
                .ok_or_else(|| Error::invalid(format!("单位目录中没有“{full}”，无法与“{name}”对应")))?;
            if !unit.aliases.iter().any(|a| a == name) {
                unit.aliases.push(name.to_string());
            }
            unit
        }
        _ => return Ok(None),
    };
    directory.upsert(unit.clone());
    Ok(Some(unit))
}

/// Reads the list, understands it against the directory, and saves it when
/// asked and when nothing is wrong. Nothing is stored on any problem.
pub async fn run(app: &App, user: &User, mut form: ImportRequest) -> Result<Outcome> {
    if !crate::access::manages(user.role) {
        return Err(Error::Forbidden);
    }
    if form.bytes.is_empty() {
        if form.sha256.is_empty() {
            return Err(Error::invalid("请选择要导入的清单文件（.docx、.xlsx 或 .txt）"));
        }
        if form.sha256.len() != 64 || !form.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::invalid("预览的文件标识无效，请重新上传"));
        }
        form.bytes = crate::files::read(&app.files_dir, &form.sha256)
            .map_err(|_| Error::invalid("预览的文件已不在，请重新上传"))?;
    }
    if form.bytes.len() > gongkai_io::limits::MAX_LIST_BYTES {
        return Err(Error::TooLarge(gongkai_io::limits::list_too_large().to_string()));
    }
    use gongkai_domain::input;
    form.file_name = input::FILE_NAME.clean(&form.file_name)?;
    form.title = input::TITLE.clean(&form.title)?;
    form.region = input::REGION.clean(&form.region)?;
    form.year = input::VALUE.clean(&form.year)?;
    form.start = input::VALUE.clean(&form.start)?;
    form.map = input::COLUMN_MAP.clean(&form.map)?;
    let read = |map: &str| -> Result<gongkai_domain::plan::SourceList> {
        let choices = gongkai_io::parse_map(map).map_err(|e| Error::invalid(format!("列的识别：{e}")))?;
        gongkai_io::read_task_list_mapped(&form.file_name, &form.bytes, &choices)
            .map_err(|e| Error::invalid(format!("{}：{e}。未导入任何内容。", form.file_name)))
    };
    let mut list = read(&form.map)?;
    // A list laid out like one the office mapped before reads the same way.
    let mut remembered = false;
    if form.map.is_empty()
        && let Some(map) = app.store.column_map(&signature(&list)).await?
    {
        list = read(&map)?;
        remembered = true;
    }
    let year = match form.year.as_str() {
        "" => list.title.as_deref().and_then(gongkai_io::year_in).unwrap_or_else(|| app.today().year()),
        y => y
            .parse::<i32>()
            .ok()
            .filter(|y| gongkai_domain::calendar::YEARS.contains(y))
            .ok_or_else(|| Error::invalid(format!("计划年份“{y}”应是 2000 到 2100 之间的年份")))?,
    };
    let title = Some(form.title.clone())
        .filter(|t| !t.is_empty())
        .or_else(|| list.title.clone())
        .unwrap_or_else(|| form.file_name.rsplit_once('.').map_or(form.file_name.clone(), |(stem, _)| stem.into()));
    // A list imported again keeps its plan's start unless one is given.
    let stored = app.store.plans().await?.into_iter().find(|p| p.title == title && p.plan_year == year);
    let start = match crate::optional_date(&form.start, "印发日期")? {
        Some(day) => day,
        None => stored.map_or_else(|| plan::default_start(year, app.today()), |p| p.start_date),
    };
    let mut directory = app.store.directory().await?;
    let mut units_to_write = Vec::new();
    if form.units.len() > 1_000 {
        return Err(Error::invalid("一次最多处理 1000 个单位"));
    }
    for (name, choice) in &form.units {
        let name = input::UNIT_NAME.clean(name)?;
        // "create:<kind>" or "match:<full name>": a unit's name and a few letters.
        let choice = input::TITLE.clean(choice)?;
        if let Some(unit) = resolve_unit(&mut directory, &name, &choice)? {
            units_to_write.push(unit);
        }
    }
    let understanding = understand(&list, &directory, year);
    let before_start = understanding
        .tasks
        .iter()
        .map(|t| plan::before_start(t, start).into_iter().map(chinese_date).collect())
        .collect();
    let region = if form.region.is_empty() { "从化区".to_string() } else { form.region.clone() };
    let sha256 = crate::files::store(&app.files_dir, &form.bytes)
        .map_err(|e| Error::internal(format!("keeping an upload: {e}")))?;
    let map = if form.map.is_empty() && !remembered { String::new() } else { map_text(&list) };
    let saved = if form.commit == "1" && understanding.problems.is_empty() {
        let heading = PlanHeading::new(&title, &region, start);
        let report =
            app.store.save_plan_with_units(&understanding, &heading, &directory, &units_to_write, &user.login).await?;
        if !form.map.is_empty() {
            app.store.remember_column_map(&signature(&list), &map, &user.login).await?;
        }
        Some(report)
    } else {
        None
    };
    let units = form.units.clone();
    Ok(Outcome {
        file_name: form.file_name,
        sha256,
        title,
        region,
        year,
        start,
        before_start,
        understanding,
        map,
        remembered,
        units,
        saved,
    })
}

/// The office corrects a plan's 印发日期: obligations before the new day go
/// (those with history stay, retired) and those from it on are added.
/// Nothing happens when the day is the one stored.
pub async fn correct_start(
    app: &App,
    user: &User,
    plan_id: gongkai_store::PlanId,
    start: NaiveDate,
) -> Result<Option<ImportReport>> {
    if !crate::access::manages(user.role) {
        return Err(Error::Forbidden);
    }
    if !gongkai_domain::calendar::in_range(start) {
        return Err(Error::invalid("印发日期应在 2000 至 2100 年之间"));
    }
    let plan = app.store.plans().await?.into_iter().find(|p| p.id == plan_id);
    let plan = plan.ok_or(Error::NotFound)?;
    if plan.start_date == start {
        return Ok(None);
    }
    let directory = app.store.directory().await?;
    Ok(Some(app.store.set_plan_start(plan_id, start, &directory, &user.login).await?))
}
