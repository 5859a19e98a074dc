//! Task lists written as prose, not tables: headings (一、 （一） and short
//! unnumbered lines), numbered items ("1.…"), and after each item, or in
//! brackets at its end, lines that say who does it ("牵头单位：…",
//! "责任单位：…", "配合单位：…"). Each item becomes a task under its nearest
//! heading.

use crate::ImportError;
use crate::grid::seq_number;
use gongkai_domain::plan::{SourceCell, SourceList, SourceRow};

/// A heading is a short line: longer unnumbered lines continue an item.
const MAX_HEADING_CHARS: usize = 30;

/// What a labelled line gives: the label's role and its text.
enum Label {
    Lead,
    Responsible,
    Support,
    Deadline,
    /// 责任领导, 联系人 …: read past.
    Other,
}

/// "牵头单位：区发改局" → (Lead, "区发改局"); None for a line without a label.
fn labelled(line: &str) -> Option<(Label, &str)> {
    let (label, text) = line.split_once(['：', ':'])?;
    let label = label.trim();
    if label.chars().count() > 8 {
        return None;
    }
    let role = if label.contains("牵头") {
        Label::Lead
    } else if label.contains("配合") || label.contains("协同") || label.contains("协办") {
        Label::Support
    } else if label.contains("责任") && !label.contains("领导") && !label.contains("人") {
        Label::Responsible
    } else if label.contains("时限") || label.contains("完成时间") {
        Label::Deadline
    } else if label.contains("领导") || label.contains("联系") || label.contains("分管") {
        Label::Other
    } else {
        return None;
    };
    Some((role, text.trim()))
}

#[derive(Default)]
struct Item {
    at: String,
    seq: String,
    group: Option<String>,
    text: String,
    lead: Vec<String>,
    responsible: Vec<String>,
    support: Vec<String>,
    deadline: Vec<String>,
}

impl Item {
    /// Takes the labelled parts of `text` ("牵头单位：…；责任单位：…").
    fn take_labels(&mut self, text: &str) -> bool {
        let mut any = false;
        for part in text.split(['；', ';']) {
            let Some((label, value)) = labelled(part.trim()) else { continue };
            any = true;
            let value = value.trim_end_matches(['。', '.']).to_string();
            match label {
                Label::Lead => self.lead.push(value),
                Label::Responsible => self.responsible.push(value),
                Label::Support => self.support.push(value),
                Label::Deadline => self.deadline.push(value),
                Label::Other => {}
            }
        }
        any
    }

    fn row(self) -> SourceRow {
        let cell = |parts: &[String]| SourceCell { text: parts.join("、"), at: self.at.clone() };
        let lead = !self.lead.is_empty();
        // 责任单位 named beside a 牵头单位 are those who work with it.
        let (responsible, support) = if lead {
            (cell(&self.lead), cell(&[self.responsible.clone(), self.support.clone()].concat()))
        } else {
            (cell(&self.responsible), cell(&self.support))
        };
        SourceRow {
            at: self.at.clone(),
            seq: Some(self.seq.clone()),
            group: self.group.clone(),
            responsible,
            lead,
            support,
            task: SourceCell { text: self.text.trim().to_string(), at: self.at.clone() },
            deadline: cell(&self.deadline),
            items: cell(&[]),
        }
    }
}

/// The bracketed unit note at an item's end, "(责任领导：…；牵头单位：…)":
/// the text before it and the note's inside.
fn trailing_note(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_end().trim_end_matches(['。', '.']);
    let inner = text.strip_suffix(['）', ')'])?;
    let open = inner.rfind(['（', '('])?;
    let note = &inner[open..];
    let note = note.trim_start_matches(['（', '(']);
    labelled(note.split(['；', ';']).next().unwrap_or(note))?;
    Some((&text[..open], note))
}

/// Reads numbered prose into tasks; `lines` are (where, paragraph text).
pub fn rows_from_paragraphs(lines: &[(String, String)], format: &str) -> Result<SourceList, ImportError> {
    let mut title: Vec<String> = Vec::new();
    let mut heading: Option<String> = None;
    let mut items: Vec<Item> = Vec::new();
    let mut current: Option<Item> = None;
    for (at, line) in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        // A line of labels belongs to the item above it.
        if labelled(line).is_some() {
            if let Some(item) = current.as_mut() {
                item.take_labels(line);
            }
            continue;
        }
        match seq_number(line) {
            Some((number, rest)) if number.chars().all(|c| c.is_ascii_digit()) && !rest.is_empty() => {
                items.extend(current.take());
                let mut item = Item { at: at.clone(), seq: number, group: heading.clone(), ..Default::default() };
                match trailing_note(rest) {
                    Some((text, note)) => {
                        item.text = text.to_string();
                        item.take_labels(note);
                    }
                    None => item.text = rest.to_string(),
                }
                current = Some(item);
            }
            Some(_) => {
                items.extend(current.take());
                heading = Some(line.to_string());
            }
            None if current.is_none() && heading.is_none() && items.is_empty() => title.push(line.to_string()),
            None if line.chars().count() <= MAX_HEADING_CHARS && !line.ends_with(['。', '；', ';', '，', ',']) => {
                items.extend(current.take());
                heading = Some(line.to_string());
            }
            None => {
                if let Some(item) = current.as_mut() {
                    item.text.push_str(line);
                }
            }
        }
    }
    items.extend(current.take());
    if items.is_empty() {
        return Err(ImportError::Columns {
            at: "文件".into(),
            message: "没有找到任务：既没有含“工作任务”等列名的表格，也没有“1.……”这样编号的条目".into(),
        });
    }
    let title = Some(title.join("")).filter(|t| !t.is_empty());
    Ok(SourceList {
        title,
        format: format.into(),
        rows: items.into_iter().map(Item::row).collect(),
        mapping: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(String, String)> {
        text.lines().enumerate().map(|(i, l)| (format!("第{}段", i + 1), l.to_string())).collect()
    }

    #[test]
    fn items_under_headings_with_their_unit_lines() {
        let list = rows_from_paragraphs(
            &lines(
                "某区2023年重点工作分工方案\n一、主要预期目标\n1.地区生产总值增长6%。\n牵头单位：区发改局\n责任单位：开发区，各街道\n（一）做强工业\n加强基础设施建设\n2.建设公路。（责任领导：张三；牵头单位：区交通局；配合单位：区财政局）",
            ),
            "text",
        )
        .unwrap();
        assert_eq!(list.title.as_deref(), Some("某区2023年重点工作分工方案"));
        assert_eq!(list.rows.len(), 2);
        let first = &list.rows[0];
        assert_eq!((first.seq.as_deref(), first.group.as_deref()), (Some("1"), Some("一、主要预期目标")));
        assert_eq!((first.responsible.text.as_str(), first.lead), ("区发改局", true));
        assert_eq!(first.support.text, "开发区，各街道");
        let second = &list.rows[1];
        assert_eq!(second.task.text, "建设公路。");
        assert_eq!(second.group.as_deref(), Some("加强基础设施建设"));
        assert_eq!((second.responsible.text.as_str(), second.support.text.as_str()), ("区交通局", "区财政局"));
    }
}
