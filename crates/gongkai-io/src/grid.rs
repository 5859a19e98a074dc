//! What every file format is turned into first: tables of cells with their
//! places. From here one piece of code finds the header, gives each column
//! its role (`Role`: from the header's words, then from what the cells
//! hold), skips repeated headers and title rows, fills merged cells down,
//! and reads category rows and numbering into each task's group and number.
//! Only a task column is required.

use crate::ImportError;
use gongkai_domain::plan::{ColumnMapping, SourceCell, SourceList, SourceRow};

#[derive(Debug, Clone, Default)]
pub struct GridCell {
    pub text: String,
    /// The spreadsheet's name for the cell ("D5"), where it has one.
    pub cell_ref: Option<String>,
    /// Covered by a merged cell that starts in a row above (empty here).
    pub merged_up: bool,
    /// Covered by a merged cell that starts in a column to the left.
    pub merged_left: bool,
}

/// One table: rows of cells, and how to name a row for messages.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub rows: Vec<(String, Vec<GridCell>)>,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 序号.
    Seq,
    /// A heading over several tasks (一、…; a 工作任务 column beside 具体要求).
    Category,
    /// The task itself (工作任务, 重点任务, 具体要求 …).
    Task,
    /// 牵头单位.
    Lead,
    /// 配合单位.
    Support,
    /// 责任单位: who does it, lead and support not told apart.
    Responsible,
    /// 完成时限.
    Deadline,
    /// 方案项目: the plan's numbered items.
    Items,
    /// 备注, 分值, 责任领导 …: read past.
    Ignore,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Seq,
        Role::Category,
        Role::Task,
        Role::Lead,
        Role::Support,
        Role::Responsible,
        Role::Deadline,
        Role::Items,
        Role::Ignore,
    ];

    /// The role's name in the JSON the command line prints.
    pub fn code(self) -> &'static str {
        match self {
            Role::Seq => "seq",
            Role::Category => "category",
            Role::Task => "task",
            Role::Lead => "lead",
            Role::Support => "support",
            Role::Responsible => "responsible",
            Role::Deadline => "deadline",
            Role::Items => "items",
            Role::Ignore => "ignore",
        }
    }

    /// The role's name as the preview shows it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Seq => "序号",
            Role::Category => "分类",
            Role::Task => "工作任务",
            Role::Lead => "牵头单位",
            Role::Support => "配合单位",
            Role::Responsible => "责任单位",
            Role::Deadline => "完成时限",
            Role::Items => "方案项目",
            Role::Ignore => "不导入",
        }
    }

    /// The role a header's words name, if any. Words seen in real lists:
    /// 工作任务 / 重点任务 / 工作内容 / 具体要求 / 考核内容; 责任单位 / 责任部门 /
    /// 责任科室 / 牵头单位 / 配合单位 / 协同配合单位; 完成时间及方式 / 完成时限 /
    /// 时限要求 / 时间安排; 方案项目.
    pub fn of_header(header: &str) -> Option<Role> {
        let h = header.trim_end_matches([':', '：']);
        let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
        Some(if h.is_empty() {
            return None;
        } else if matches!(h, "序号" | "编号" | "序" | "号") {
            Role::Seq
        } else if has(&["备注", "分值", "分数", "责任领导", "分管领导", "联系人", "联系电话", "完成情况", "进展情况"])
        {
            Role::Ignore
        } else if has(&["配合", "协同", "协办", "参与单位"]) {
            Role::Support
        } else if has(&["牵头"]) || h == "主要责任单位" {
            Role::Lead
        } else if has(&["责任单位", "责任部门", "责任科室", "责任处室", "责任股室", "承办单位", "实施单位", "责任主体"])
            || h == "单位"
            || h == "部门"
        {
            Role::Responsible
        } else if has(&["方案项目", "对应项目", "方案条目"]) || h == "项目" {
            Role::Items
        } else if has(&["时限", "完成时间", "时间安排", "时间节点", "进度安排", "完成期限", "截止时间", "节点任务"])
        {
            Role::Deadline
        } else if has(&["类别", "分类", "板块", "领域"]) {
            Role::Category
        } else if has(&["任务", "内容", "要求", "目标", "实事", "事项", "措施", "举措", "分工", "名称", "工作"])
        {
            Role::Task
        } else {
            return None;
        })
    }
}

/// The office's choice for one column: the header as printed, and its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnChoice {
    pub header: String,
    pub role: Role,
}

impl Role {
    /// A role as people or scripts name it: 任务, 牵头, 配合, 责任, 时限, 序号,
    /// 分类, 项目, 忽略 (or the JSON's task, lead …).
    pub fn named(word: &str) -> Option<Role> {
        Some(match word.trim() {
            "序号" | "seq" => Role::Seq,
            "分类" | "类别" | "category" => Role::Category,
            "任务" | "工作任务" | "task" => Role::Task,
            "牵头" | "牵头单位" | "lead" => Role::Lead,
            "配合" | "配合单位" | "support" => Role::Support,
            "责任" | "责任单位" | "responsible" => Role::Responsible,
            "时限" | "完成时限" | "截止" | "deadline" => Role::Deadline,
            "项目" | "方案项目" | "items" => Role::Items,
            "忽略" | "不导入" | "ignore" => Role::Ignore,
            _ => return None,
        })
    }
}

/// Reads "任务=具体要求,牵头=牵头单位" (，or , between pairs).
pub fn parse_map(text: &str) -> Result<Vec<ColumnChoice>, String> {
    let mut choices = Vec::new();
    for pair in text.split([',', '，', ';', '；']).map(str::trim).filter(|p| !p.is_empty()) {
        let Some((role, header)) = pair.split_once(['=', '＝']) else {
            return Err(format!("“{pair}”应写作“角色=列名”，如“任务=具体要求”"));
        };
        let role = Role::named(role).ok_or_else(|| {
            format!("“{}”不是列的角色：可用 序号、分类、任务、牵头、配合、责任、时限、项目、忽略", role.trim())
        })?;
        choices.push(ColumnChoice { header: squeeze(header), role });
    }
    Ok(choices)
}

/// A cell's text without the spaces and line breaks it was typed or wrapped with.
pub(crate) fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Roles in a header row, column by column; `None` if the row is not a
/// header (a header names a task column and one more).
fn header_roles(cells: &[GridCell], map: &[ColumnChoice]) -> Option<Vec<Option<Role>>> {
    let chosen = |text: &str| map.iter().find(|c| c.header == text).map(|c| c.role);
    let roles: Vec<Option<Role>> = cells
        .iter()
        .map(|c| {
            let text = squeeze(&c.text);
            chosen(&text).or_else(|| Role::of_header(&text))
        })
        .collect();
    // The office named this row's columns: it is the header.
    if cells.iter().any(|c| chosen(&squeeze(&c.text)) == Some(Role::Task)) {
        return Some(roles);
    }
    let named = roles.iter().filter(|r| r.is_some()).count();
    let task = roles.contains(&Some(Role::Task));
    // Many words name a task ("工作"); a header is mostly short labels.
    let labels = cells.iter().filter(|c| !c.text.trim().is_empty()).all(|c| c.text.trim().chars().count() <= 16);
    (task && named >= 2 && labels).then_some(roles)
}

/// The roles settled with the cells below the header: of two task columns
/// the first is the category (工作任务 over 具体要求); a task column of bare
/// numbers is the 序号, its text in the unnamed column beside it (a header
/// cell merged over both); an unnamed column of numbers is the 序号.
fn settle(mut roles: Vec<Option<Role>>, body: &[&[GridCell]]) -> Vec<Option<Role>> {
    let numbers = |col: usize| {
        let cells: Vec<&str> =
            body.iter().filter_map(|r| r.get(col)).map(|c| c.text.trim()).filter(|t| !t.is_empty()).collect();
        !cells.is_empty() && cells.iter().all(|t| seq_number(t).is_some_and(|(_, rest)| rest.is_empty()))
    };
    for col in 0..roles.len() {
        if roles[col] == Some(Role::Task) && numbers(col) && roles.get(col + 1) == Some(&None) {
            roles[col] = Some(Role::Seq);
            roles[col + 1] = Some(Role::Task);
        } else if roles[col].is_none() && numbers(col) && !roles.contains(&Some(Role::Seq)) {
            roles[col] = Some(Role::Seq);
        }
    }
    let tasks: Vec<usize> = (0..roles.len()).filter(|&c| roles[c] == Some(Role::Task)).collect();
    if let [first, .., _] = tasks[..]
        && !roles.contains(&Some(Role::Category))
    {
        roles[first] = Some(Role::Category);
    }
    // Several task columns left: the first is the task, the rest read past.
    let mut seen = false;
    for role in roles.iter_mut().filter(|r| **r == Some(Role::Task)) {
        if seen {
            *role = Some(Role::Ignore);
        }
        seen = true;
    }
    // With a 牵头 column, a 责任单位 column beside it holds the others.
    if roles.contains(&Some(Role::Lead)) {
        for role in roles.iter_mut().filter(|r| **r == Some(Role::Responsible)) {
            *role = Some(Role::Support);
        }
    }
    roles
}

/// A number a list puts before an item: "1." "1、" "（一）" "(3)" "一、" "12";
/// gives the number as printed and the text after it.
pub fn seq_number(text: &str) -> Option<(String, &str)> {
    let text = text.trim_start();
    let digits: String = text.chars().take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty() && digits.len() <= 3 {
        let rest = &text[digits.len()..];
        let rest = rest.strip_prefix(['.', '．', '、', ' ', '\u{3000}']).unwrap_or(rest);
        // "2022年…", "5.5%" and "3月" are words, not numbering.
        if rest.starts_with(|c: char| c.is_ascii_digit() || "年月日%个项万亿元号".contains(c)) {
            return None;
        }
        return Some((digits, rest.trim_start()));
    }
    let (open, close) = if text.starts_with('（') {
        ("（", "）")
    } else if text.starts_with('(') {
        ("(", ")")
    } else {
        ("", "")
    };
    let inner = &text[open.len()..];
    let numeral: String = inner.chars().take_while(|c| "一二三四五六七八九十".contains(*c)).collect();
    if numeral.is_empty() || numeral.chars().count() > 3 {
        return None;
    }
    let rest = &inner[numeral.len()..];
    let rest = if open.is_empty() {
        rest.strip_prefix(['、', '.', '．'])?
    } else {
        rest.strip_prefix(close).or_else(|| rest.strip_prefix([')', '）']))?
    };
    Some((format!("{open}{numeral}{close}"), rest.trim_start()))
}

/// A cell of several numbered requirements ("1.……；2.……" or "（1）……（2）……"),
/// each with its number; `None` for a cell of one.
fn numbered_parts(text: &str) -> Option<Vec<(String, String)>> {
    let text = text.trim();
    let marks = |n: u32| [format!("{n}."), format!("{n}．"), format!("{n}、"), format!("（{n}）"), format!("({n})")];
    if !marks(1).iter().any(|m| text.starts_with(m.as_str())) {
        return None;
    }
    let mut parts = Vec::new();
    let mut rest = text;
    let mut n = 1;
    loop {
        let mark = marks(n).into_iter().find(|m| rest.starts_with(m.as_str()))?;
        let body = &rest[mark.len()..];
        // The next number starts a part only after a break or a full stop.
        let next = marks(n + 1).into_iter().filter_map(|m| {
            body.match_indices(m.as_str())
                .find(|(at, _)| body[..*at].ends_with(['\n', '；', ';', '。', ' ', '\u{3000}']))
                .map(|(at, _)| at)
        });
        match next.min() {
            Some(at) => {
                parts.push((n.to_string(), body[..at].trim().trim_end_matches(['；', ';']).to_string()));
                rest = &body[at..];
                n += 1;
            }
            None => {
                parts.push((n.to_string(), body.trim().to_string()));
                break;
            }
        }
    }
    (parts.len() >= 2).then_some(parts)
}

/// Reads tables into task rows. Text before the first header is the title.
pub fn rows_from_grids(
    grids: &[Grid],
    format: &str,
    title: Option<String>,
    map: &[ColumnChoice],
) -> Result<SourceList, ImportError> {
    let mut rows = Vec::new();
    let mut found_header = false;
    let mut mapping: Vec<ColumnMapping> = Vec::new();
    for grid in grids {
        let mut at = 0;
        while at < grid.rows.len() {
            let Some(named) = header_roles(&grid.rows[at].1, map) else {
                at += 1;
                continue;
            };
            found_header = true;
            // This header's rows run to the next header.
            let end = (at + 1..grid.rows.len())
                .find(|&r| header_roles(&grid.rows[r].1, map).is_some())
                .unwrap_or(grid.rows.len());
            let body: Vec<&[GridCell]> = grid.rows[at + 1..end].iter().map(|(_, cells)| cells.as_slice()).collect();
            let mut roles = settle(named, &body);
            // What the office chose stands over what the cells suggested.
            for (col, cell) in grid.rows[at].1.iter().enumerate() {
                if let Some(choice) = map.iter().find(|c| c.header == squeeze(&cell.text)) {
                    roles[col] = Some(choice.role);
                }
            }
            let headers: Vec<String> = grid.rows[at].1.iter().map(|c| squeeze(&c.text)).collect();
            if mapping.is_empty() {
                mapping = roles
                    .iter()
                    .enumerate()
                    .map(|(i, role)| {
                        let role = role.unwrap_or(Role::Ignore);
                        ColumnMapping {
                            column: i + 1,
                            header: headers.get(i).cloned().unwrap_or_default(),
                            role: role.code().into(),
                            label: role.label().into(),
                        }
                    })
                    .collect();
            }
            read_rows(&grid.rows[at + 1..end], &roles, &headers, &mut rows);
            at = end;
        }
    }
    if !found_header {
        return Err(ImportError::Columns {
            at: "文件".into(),
            message: "没有找到表头：表格中应有一行列名，其中一列是工作任务（也可写作重点任务、工作内容、具体要求等）"
                .into(),
        });
    }
    Ok(SourceList { title, format: format.into(), rows, mapping })
}

fn read_rows(body: &[(String, Vec<GridCell>)], roles: &[Option<Role>], headers: &[String], rows: &mut Vec<SourceRow>) {
    let column = |role: Role| roles.iter().position(|r| *r == Some(role));
    let task_col = column(Role::Task);
    // Merged cells read as empty below their first row: these carry down.
    let mut above: std::collections::HashMap<Role, String> = std::collections::HashMap::new();
    let mut heading: Option<String> = None;
    for (row_at, cells) in body {
        let filled: Vec<&GridCell> = cells.iter().filter(|c| !c.text.trim().is_empty()).collect();
        if filled.is_empty() {
            continue;
        }
        // A row of one text across the table (or in the first cell only) is a heading.
        let task_text = task_col.and_then(|c| cells.get(c)).map_or("", |c| c.text.trim());
        if filled.len() == 1 && task_text.is_empty() && cells.len() > 1 {
            heading = Some(filled[0].text.trim().to_string());
            above.clear();
            continue;
        }
        let cell = |role: Role| -> SourceCell {
            let Some(col) = column(role) else {
                return SourceCell { text: String::new(), at: row_at.clone() };
            };
            let found = cells.get(col).cloned().unwrap_or_default();
            let name = headers.get(col).filter(|h| !h.is_empty()).map_or(role.label(), String::as_str);
            let mut at = format!("{row_at}“{name}”列");
            if let Some(cell_ref) = &found.cell_ref {
                at.push_str(&format!("（{cell_ref}）"));
            }
            SourceCell { text: found.text.trim().to_string(), at }
        };
        let mut carried = |role: Role| {
            let mut found = cell(role);
            if found.text.is_empty() {
                if let Some(text) = above.get(&role) {
                    found.text = text.clone();
                }
            } else {
                above.insert(role, found.text.clone());
            }
            found
        };
        let category = carried(Role::Category);
        let lead = column(Role::Lead).is_some();
        let responsible = carried(if lead { Role::Lead } else { Role::Responsible });
        let support = carried(Role::Support);
        let deadline = carried(Role::Deadline);
        let items = carried(Role::Items);
        // A merged 序号 covers the rows of one task split over several.
        let column_seq = Some(carried(Role::Seq).text).filter(|s| !s.is_empty());
        let group = Some(category.text).filter(|c| !c.is_empty()).or_else(|| heading.clone());
        let task = cell(Role::Task);
        let row = |seq: Option<String>, text: &str| SourceRow {
            at: row_at.clone(),
            seq,
            group: group.clone(),
            responsible: responsible.clone(),
            lead,
            support: support.clone(),
            task: SourceCell { text: text.to_string(), at: task.at.clone() },
            deadline: deadline.clone(),
            items: items.clone(),
        };
        // Several numbered requirements in one cell, sharing its units: a task
        // each, numbered under the row's 序号 where it has one ("3.1").
        if let Some(parts) = numbered_parts(&task.text) {
            for (number, text) in parts {
                let seq = column_seq.as_ref().map_or_else(|| number.clone(), |outer| format!("{outer}.{number}"));
                rows.push(row(Some(seq), &text));
            }
            continue;
        }
        // A number written inside the task cell ("1.…") is its number.
        match seq_number(&task.text) {
            Some((number, rest)) if !rest.is_empty() => rows.push(row(column_seq.or(Some(number)), rest)),
            _ if !task.text.is_empty() => rows.push(row(column_seq, &task.text)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_before_items_are_read_and_words_are_not() {
        assert_eq!(seq_number("1.积极推进"), Some(("1".into(), "积极推进")));
        assert_eq!(seq_number("12、完成"), Some(("12".into(), "完成")));
        assert_eq!(seq_number("（三）加强"), Some(("（三）".into(), "加强")));
        assert_eq!(seq_number("(一)坚定不移"), Some(("(一)".into(), "坚定不移")));
        assert_eq!(seq_number("二、做好"), Some(("二".into(), "做好")));
        assert_eq!(seq_number("7"), Some(("7".into(), "")));
        assert_eq!(seq_number("2022年预期目标"), None);
        assert_eq!(seq_number("5.5%左右"), None);
        assert_eq!(seq_number("3月底前"), None);
        assert_eq!(seq_number("一般公共预算"), None);
    }

    #[test]
    fn several_numbered_requirements_in_one_cell_are_several_tasks() {
        let parts = numbered_parts("1.完善目录；2.按目录公开信息。3.每季度更新").unwrap();
        assert_eq!(
            parts,
            [
                ("1".to_string(), "完善目录".to_string()),
                ("2".to_string(), "按目录公开信息。".to_string()),
                ("3".to_string(), "每季度更新".to_string())
            ]
        );
        assert!(numbered_parts("（1）编制\n（2）公开").is_some_and(|p| p.len() == 2));
        assert_eq!(numbered_parts("1.积极推进预算公开"), None);
        assert_eq!(numbered_parts("完成2.5%的增长"), None);
    }

    #[test]
    fn headers_name_roles_in_the_words_offices_use() {
        for (header, role) in [
            ("工作任务", Role::Task),
            ("重点任务", Role::Task),
            ("具体要求", Role::Task),
            ("考核内容", Role::Task),
            ("2022年预期目标", Role::Task),
            ("责任科室", Role::Responsible),
            ("牵头单位", Role::Lead),
            ("协同配合单位", Role::Support),
            ("完成时间及方式", Role::Deadline),
            ("时限要求", Role::Deadline),
            ("方案项目", Role::Items),
            ("备注", Role::Ignore),
            ("序号", Role::Seq),
        ] {
            assert_eq!(Role::of_header(header), Some(role), "{header}");
        }
    }
}
