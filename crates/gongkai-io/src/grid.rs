//! What every file format is turned into first: tables of cells with their
//! places. From here one piece of code finds the header, maps the columns,
//! skips repeated headers and fills merged 责任单位 cells down.

use crate::ImportError;
use gongkai_domain::plan::{SourceCell, SourceList, SourceRow};

#[derive(Debug, Clone, Default)]
pub struct GridCell {
    pub text: String,
    /// The spreadsheet's name for the cell ("D5"), where it has one.
    pub cell_ref: Option<String>,
}

/// One table: rows of cells, and how to name a row for messages.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub rows: Vec<(String, Vec<GridCell>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Responsible,
    Task,
    Deadline,
    Items,
}

impl Column {
    const REQUIRED: [Column; 4] = [Column::Responsible, Column::Task, Column::Deadline, Column::Items];

    fn label(self) -> &'static str {
        match self {
            Column::Responsible => "责任单位",
            Column::Task => "工作任务",
            Column::Deadline => "完成时间及方式",
            Column::Items => "方案项目",
        }
    }

    /// Header texts offices use for the column.
    fn matches(self, header: &str) -> bool {
        match self {
            Column::Responsible => header.contains("责任单位") || header == "牵头单位" || header.contains("责任部门"),
            Column::Task => header.contains("工作任务") || header == "任务" || header.contains("任务内容"),
            Column::Deadline => header.contains("完成时间") || header.contains("时限") || header.contains("完成时限"),
            Column::Items => header.contains("方案项目") || header.contains("对应项目") || header == "项目",
        }
    }
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Finds the columns in a header row; `None` if the row is not a header.
fn header_columns(cells: &[GridCell]) -> Option<[Option<usize>; 4]> {
    let mut found = [None; 4];
    for (index, cell) in cells.iter().enumerate() {
        let text = squeeze(&cell.text);
        for (slot, column) in Column::REQUIRED.iter().enumerate() {
            if found[slot].is_none() && column.matches(&text) {
                found[slot] = Some(index);
                break;
            }
        }
    }
    // Two of the named columns make a header; the caller reports what is missing.
    (found.iter().filter(|f| f.is_some()).count() >= 2).then_some(found)
}

/// Reads tables into task rows. Text before the first header is the title.
pub fn rows_from_grids(grids: &[Grid], format: &str, title: Option<String>) -> Result<SourceList, ImportError> {
    let mut columns: Option<[usize; 4]> = None;
    let mut rows = Vec::new();
    let mut above_responsible: Option<String> = None;
    for grid in grids {
        for (row_at, cells) in &grid.rows {
            if let Some(found) = header_columns(cells) {
                let missing: Vec<&str> =
                    Column::REQUIRED.iter().zip(found).filter(|(_, f)| f.is_none()).map(|(c, _)| c.label()).collect();
                if !missing.is_empty() {
                    let headers: Vec<String> =
                        cells.iter().map(|c| squeeze(&c.text)).filter(|t| !t.is_empty()).collect();
                    return Err(ImportError::Columns {
                        at: row_at.clone(),
                        message: format!("表头缺少“{}”列（表头为：{}）", missing.join("”“"), headers.join("、")),
                    });
                }
                columns = Some(found.map(|f| f.unwrap_or(0)));
                continue;
            }
            let Some(cols) = columns else { continue };
            if cells.iter().all(|c| c.text.trim().is_empty()) {
                continue;
            }
            let cell = |slot: usize| {
                let found = cells.get(cols[slot]).cloned().unwrap_or_default();
                let mut at = format!("{row_at}“{}”列", Column::REQUIRED[slot].label());
                if let Some(cell_ref) = &found.cell_ref {
                    at.push_str(&format!("（{cell_ref}）"));
                }
                SourceCell { text: found.text.trim().to_string(), at }
            };
            let mut responsible = cell(0);
            // A merged 责任单位 cell reads as empty below its first row.
            if responsible.text.trim().is_empty()
                && let Some(above) = &above_responsible
            {
                responsible.text = above.clone();
            }
            above_responsible = Some(responsible.text.clone());
            rows.push(SourceRow { at: row_at.clone(), responsible, task: cell(1), deadline: cell(2), items: cell(3) });
        }
    }
    if columns.is_none() {
        return Err(ImportError::Columns {
            at: "文件".into(),
            message: "没有找到表头（需要“责任单位、工作任务、完成时间及方式、方案项目”各列）".into(),
        });
    }
    Ok(SourceList { title, format: format.into(), rows })
}
