//! A task list as read from a file (`SourceList`), what each row means
//! (`TaskDraft`: unit group, deadline, plan items), and the obligations the
//! ledger derives from it: task × milestone × bound unit × occurrence.

use crate::deadline::{DeadlineText, Occurrence};
use crate::responsible::UnitGroup;
use crate::units::Directory;
use chrono::NaiveDate;
use serde::Serialize;

/// One cell of the source file with where it stands, for messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceCell {
    pub text: String,
    /// Where the cell is, in words a user finds it by: "第2张表第3行" or "D5".
    pub at: String,
}

/// One task row as the file has it, merged cells already filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRow {
    /// Where the row is ("第2张表第3行", "第12行").
    pub at: String,
    /// The task's number as printed ("3", "（三）"), if any.
    pub seq: Option<String>,
    /// The heading the task stands under (a category column or row, a
    /// prose list's 一、/（一）), if any.
    pub group: Option<String>,
    /// Who does it: the 责任单位, or the 牵头单位 where `lead`.
    pub responsible: SourceCell,
    /// `responsible` names the lead units (a 牵头 column or line).
    pub lead: bool,
    /// 配合单位, where the list names them apart.
    pub support: SourceCell,
    pub task: SourceCell,
    pub deadline: SourceCell,
    pub items: SourceCell,
}

impl SourceRow {
    /// A row of the seed's shape: responsible units, task, deadline, items.
    pub fn plain(at: &str, responsible: SourceCell, task: SourceCell, deadline: SourceCell, items: SourceCell) -> Self {
        SourceRow {
            at: at.to_string(),
            seq: None,
            group: None,
            responsible,
            lead: false,
            support: SourceCell { text: String::new(), at: at.to_string() },
            task,
            deadline,
            items,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceList {
    pub title: Option<String>,
    /// "docx", "xlsx" or "text".
    pub format: String,
    pub rows: Vec<SourceRow>,
    /// What each column of the table was read as; empty for a prose list.
    pub mapping: Vec<ColumnMapping>,
}

/// One column of a list's table and the role it was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnMapping {
    /// 1-based, as people count columns.
    pub column: usize,
    /// The header as printed (empty where a header cell spans two columns).
    pub header: String,
    /// seq, category, task, lead, support, responsible, deadline, items, ignore.
    pub role: String,
    /// The role in words: 序号, 分类, 工作任务 …
    pub label: String,
}

/// Something wrong with the input, pointed at its row and cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub at: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}：{}", self.at, self.message)
    }
}

/// One task row understood.
#[derive(Debug, Clone, Serialize)]
pub struct TaskDraft {
    /// 1-based position in the list (the file's 序号 is often left to Word).
    pub seq: u32,
    pub responsible: String,
    pub group: UnitGroup,
    pub task: String,
    pub deadline: DeadlineText,
    pub items: Vec<String>,
    /// Full names of the units bound now.
    pub units: Vec<String>,
    /// The task's number as the list printed it ("3", "（三）").
    pub number: Option<String>,
    /// The heading it stands under in the list.
    pub heading: Option<String>,
    /// Units that lead it and report (牵头; where the list does not tell
    /// lead from support, every unit it binds), full names where the
    /// directory knows them, else as written.
    pub lead_units: Vec<String>,
    /// Units the list names as supporting it (配合).
    pub support_units: Vec<String>,
    pub source: SourceRow,
}

/// A unit named in the list that the directory does not know, where it
/// stands, and the directory's nearest names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownUnit {
    pub name: String,
    pub at: String,
    /// Full names, nearest first.
    pub suggestions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Understanding {
    pub title: Option<String>,
    pub format: String,
    pub plan_year: i32,
    pub tasks: Vec<TaskDraft>,
    pub problems: Vec<Problem>,
    /// Each once, in order of first appearance.
    pub unknown_units: Vec<UnknownUnit>,
    /// What each column of the list's table was read as.
    pub mapping: Vec<ColumnMapping>,
}

impl Understanding {
    /// Distinct 责任单位 texts, in order of first appearance.
    pub fn responsible_expressions(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for task in &self.tasks {
            if !out.contains(&task.responsible.as_str()) {
                out.push(&task.responsible);
            }
        }
        out
    }

    /// Distinct plan items referenced, in the plan's order.
    pub fn items_referenced(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.tasks.iter().flat_map(|t| t.items.iter().map(String::as_str)).collect();
        out.sort_by_key(|item| item_number(item));
        out.dedup();
        out
    }
}

/// "（十三）" → 13, for ordering.
pub fn item_number(item: &str) -> u32 {
    let chars: Vec<char> = item.chars().filter(|c| !matches!(c, '（' | '）' | '(' | ')')).collect();
    crate::numerals::read_number(&chars, 0).map_or(u32::MAX, |(n, _)| n)
}

/// "（十三）、（二十一）" → ["（十三）", "（二十一）"].
pub fn parse_items(text: &str) -> Result<Vec<String>, String> {
    let mut items = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || "、，,;；和及".contains(c));
        if rest.is_empty() {
            break;
        }
        let open = rest.chars().next().filter(|c| matches!(c, '（' | '('));
        let Some(open) = open else {
            return Err(format!("方案项目“{}”应写作“（一）”这样的编号", text.trim()));
        };
        let inner_start = open.len_utf8();
        let Some(close) = rest[inner_start..].find(['）', ')']) else {
            return Err(format!("方案项目“{}”缺少右括号", text.trim()));
        };
        let inner = rest[inner_start..inner_start + close].trim();
        let chars: Vec<char> = inner.chars().collect();
        match crate::numerals::read_number(&chars, 0) {
            Some((n, len)) if len == chars.len() && n > 0 => {
                // Arabic numbering is written the plan's way.
                items.push(format!("（{}）", to_chinese(n).unwrap_or_else(|| inner.to_string())));
            }
            _ => return Err(format!("方案项目“{inner}”不是编号")),
        }
        let close_len = rest[inner_start + close..].chars().next().map_or(1, char::len_utf8);
        rest = &rest[inner_start + close + close_len..];
    }
    Ok(items)
}

/// 1..99 as a Chinese numeral: 13 → 十三, 21 → 二十一.
fn to_chinese(n: u32) -> Option<String> {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    Some(match n {
        1..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!("十{}", DIGITS[(n % 10) as usize]),
        20..=99 => format!("{}十{}", DIGITS[(n / 10) as usize], DIGITS[(n % 10) as usize]),
        _ => return None,
    })
}

/// The longest 完成时间及方式 cell read (real ones run to a few hundred).
pub const MAX_DEADLINE_CHARS: usize = 500;

/// Reads every row against the directory. Problems do not stop the reading:
/// the preview shows all of them at once.
pub fn understand(list: &SourceList, directory: &Directory, plan_year: i32) -> Understanding {
    let mut tasks = Vec::new();
    let mut problems = Vec::new();
    let mut unknown_units: Vec<UnknownUnit> = Vec::new();
    if list.rows.is_empty() {
        problems.push(Problem {
            at: "文件".into(),
            message:
                "没有找到任务行：表格中应有“工作任务”（或重点任务、工作内容、具体要求等）一列，或按“1.……”编号的条目"
                    .into(),
        });
    }
    for (index, row) in list.rows.iter().enumerate() {
        let mut problem = |cell: &SourceCell, message: String| problems.push(Problem { at: cell.at.clone(), message });
        if row.task.text.trim().is_empty() {
            problem(&row.task, "工作任务为空".into());
            continue;
        }
        // Who leads, who supports: the cell as written where the list does
        // not tell them apart (a 责任单位 like "区政府各部门、各镇（街）").
        let roles = crate::responsible::unit_roles(&row.responsible.text, row.lead, &row.support.text);
        let doers = match (roles.lead.is_empty(), roles.support.is_empty()) {
            (true, true) => row.responsible.text.clone(),
            (true, false) => roles.units.join("、"),
            (false, _) => roles.lead.join("、"),
        };
        let (group, unknown) = match UnitGroup::read(&doers, directory) {
            Ok(read) => read,
            Err(err) => {
                problem(&row.responsible, err.to_string());
                continue;
            }
        };
        let full = |names: &[String]| -> Vec<String> {
            names.iter().map(|n| directory.find(n).map_or_else(|| n.clone(), |u| u.name.clone())).collect()
        };
        let support_units = full(&roles.support);
        // Unknown names as the list wrote them (the group reads brackets full-width).
        let written = |name: &String| -> String {
            let plain = |n: &str| {
                n.replace('(', "（").replace(')', "）").chars().filter(|c| !c.is_whitespace()).collect::<String>()
            };
            roles.units.iter().chain(&roles.lead).find(|n| plain(n) == *name).cloned().unwrap_or_else(|| name.clone())
        };
        let mut unknown: Vec<String> = unknown.iter().map(written).collect();
        // Who reports: the lead units, or every unit the cell binds; names
        // the directory does not know stay as written until matched or created.
        let units = group.bound_units(directory, &[]);
        let mut lead_units = if roles.lead.is_empty() { units.clone() } else { full(&roles.lead) };
        for name in &unknown {
            if !lead_units.contains(name) {
                lead_units.push(name.clone());
            }
        }
        unknown.extend(
            roles
                .support
                .iter()
                .filter(|n| directory.find(n).is_none() && !crate::responsible::is_collective(n))
                .cloned(),
        );
        for name in unknown {
            let suggestions: Vec<String> = directory.suggest(&name, 3).iter().map(|u| u.name.clone()).collect();
            let hint = match suggestions.first() {
                Some(near) => format!("，最接近的是“{near}”"),
                None => String::new(),
            };
            problem(
                &row.responsible,
                format!("单位目录中没有“{name}”{hint}：请在导入预览中选择对应单位或新建该单位，或先在单位目录中添加"),
            );
            if !unknown_units.iter().any(|u: &UnknownUnit| u.name == name) {
                unknown_units.push(UnknownUnit { name, at: row.responsible.at.clone(), suggestions });
            }
        }
        // A deadline cell is a sentence or two; a long one would make a
        // milestone of every clause and the preview grow with them.
        if row.deadline.text.chars().count() > MAX_DEADLINE_CHARS {
            problem(&row.deadline, format!("完成时间及方式超过 {MAX_DEADLINE_CHARS} 字，请精简后再导入"));
            continue;
        }
        // No deadline cell (or an empty one): the task's own words may give one.
        let deadline_text = match row.deadline.text.trim() {
            "" => DeadlineText::find_in(&row.task.text, plan_year).unwrap_or_default(),
            cell => cell.to_string(),
        };
        let deadline = DeadlineText::parse(&deadline_text, plan_year);
        // No deadline is no due date (the office may add one later), not an error.
        for text in &deadline.unparsed {
            problem(&row.deadline, format!("无法识别的时间：“{text}”"));
        }
        for milestone in &deadline.milestones {
            if let Some(actor) = &milestone.actor
                && directory.find(actor).is_none()
            {
                problem(&row.deadline, format!("“{actor}”不在单位目录中"));
            }
        }
        let items = match parse_items(&row.items.text) {
            Ok(items) => items,
            Err(message) => {
                problem(&row.items, message);
                Vec::new()
            }
        };
        tasks.push(TaskDraft {
            seq: index as u32 + 1,
            responsible: row.responsible.text.trim().to_string(),
            group,
            task: row.task.text.trim().to_string(),
            deadline,
            items,
            units,
            number: row.seq.clone(),
            heading: row.group.clone(),
            lead_units,
            support_units,
            source: row.clone(),
        });
    }
    Understanding {
        title: list.title.clone(),
        format: list.format.clone(),
        plan_year,
        tasks,
        problems,
        unknown_units,
        mapping: list.mapping.clone(),
    }
}

/// The 印发日期 a plan is given when the office names none: the day of
/// import for this year's list; January 1 for a list of another year (an
/// earlier year's list is loaded as its record, a later one's is not yet
/// in force).
pub fn default_start(plan_year: i32, today: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    if today.year() == plan_year { today } else { NaiveDate::from_ymd_opt(plan_year, 1, 1).unwrap_or(today) }
}

/// The deadlines of a task that lie before the plan's start and so bind
/// nobody, for the import preview to say so.
pub fn before_start(task: &TaskDraft, start: NaiveDate) -> Vec<NaiveDate> {
    let mut out: Vec<NaiveDate> = task
        .deadline
        .milestones
        .iter()
        .filter(|m| !m.aspirational)
        .flat_map(|m| m.occurrences.iter())
        .filter(|o| o.from_start(start).is_none())
        .filter_map(|o| o.deadline())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// What kind of obligation: its occurrence's kind, or open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ObligationKind {
    Due,
    Start,
    Window,
    /// 长期: one open obligation with no due date.
    Ongoing,
    /// Counted from an event not yet recorded.
    Relative,
}

impl ObligationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObligationKind::Due => "due",
            ObligationKind::Start => "start",
            ObligationKind::Window => "window",
            ObligationKind::Ongoing => "ongoing",
            ObligationKind::Relative => "relative",
        }
    }

    pub fn parse(s: &str) -> Option<ObligationKind> {
        [
            ObligationKind::Due,
            ObligationKind::Start,
            ObligationKind::Window,
            ObligationKind::Ongoing,
            ObligationKind::Relative,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One obligation before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewObligation {
    pub milestone: usize,
    /// Full name of the unit held to it.
    pub unit: String,
    pub kind: ObligationKind,
    pub due: Option<NaiveDate>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl NewObligation {
    /// The key that makes re-importing idempotent: kind and dates.
    pub fn slot(&self) -> String {
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        match self.kind {
            ObligationKind::Due => format!("due:{}", date(self.due)),
            ObligationKind::Start => format!("start:{}", date(self.from)),
            ObligationKind::Window => format!("window:{}..{}", date(self.from), date(self.to)),
            ObligationKind::Ongoing => "ongoing".into(),
            ObligationKind::Relative => "relative".into(),
        }
    }
}

/// The obligations of one task in a plan that takes effect on `start`: each
/// milestone × each unit it binds × each occurrence from the start on (see
/// [`Occurrence::from_start`]). A milestone with another actor ("由区政务公开办…")
/// binds that actor alone; an aspirational one binds nobody.
pub fn obligations(task: &TaskDraft, directory: &Directory, units: &[String], start: NaiveDate) -> Vec<NewObligation> {
    let mut out = Vec::new();
    for (index, milestone) in task.deadline.milestones.iter().enumerate() {
        if milestone.aspirational {
            continue;
        }
        let actor = milestone.actor.as_deref().and_then(|a| directory.find(a)).map(|u| vec![u.name.clone()]);
        let bound = actor.as_deref().unwrap_or(units);
        for unit in bound {
            let new = |kind, due, from, to| NewObligation { milestone: index, unit: unit.clone(), kind, due, from, to };
            if milestone.ongoing {
                out.push(new(ObligationKind::Ongoing, None, None, None));
            }
            if milestone.relative && milestone.occurrences.is_empty() {
                out.push(new(ObligationKind::Relative, None, None, None));
            }
            for occurrence in milestone.occurrences.iter().filter_map(|o| o.from_start(start)) {
                out.push(match occurrence {
                    Occurrence::Due { date } => new(ObligationKind::Due, Some(date), None, None),
                    Occurrence::Start { date } => new(ObligationKind::Start, None, Some(date), None),
                    Occurrence::Window { from, to } => new(ObligationKind::Window, Some(to), Some(from), Some(to)),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_items_are_read_in_either_numbering() {
        assert_eq!(parse_items("（十三）、（二十一）").unwrap(), vec!["（十三）", "（二十一）"]);
        assert_eq!(parse_items("(13)").unwrap(), vec!["（十三）"]);
        assert_eq!(parse_items("").unwrap(), Vec::<String>::new());
        assert!(parse_items("第三项").is_err());
        assert_eq!(item_number("（二十二）"), 22);
    }
}
