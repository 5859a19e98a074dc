//! Plain-text task lists, as Word's "save as text" writes them: each cell on
//! its own line behind a tab, rows of as many cells as the header has, blank
//! lines anywhere. A line of several tab-separated fields is one whole row.

use crate::ImportError;
use crate::grid::{Grid, GridCell};
use crate::limits::{self, Budget};

/// A title is a line or two.
const MAX_TITLE_CHARS: usize = 200;

fn checked(at: &str, text: &str) -> Result<String, ImportError> {
    if text.chars().count() > limits::MAX_CELL_CHARS {
        return Err(limits::cell_too_long(at));
    }
    Ok(text.to_string())
}

pub fn read(text: &str) -> Result<(Grid, Option<String>), ImportError> {
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    let whole_rows = lines.iter().any(|l| l.trim_end().split('\t').filter(|f| !f.trim().is_empty()).count() >= 3);
    let mut title_lines: Vec<String> = Vec::new();
    let mut grid = Grid::default();
    let mut budget = Budget::default();
    if whole_rows {
        for (index, line) in lines.iter().enumerate() {
            let at = format!("第{}行", index + 1);
            if !line.contains('\t') {
                if grid.rows.is_empty() && !line.trim().is_empty() && title_lines.len() < 5 {
                    title_lines.push(clean_title(line));
                }
                continue;
            }
            budget.row(&at, line.matches('\t').count() + 1)?;
            let cells = line
                .split('\t')
                .map(|f| {
                    Ok(GridCell { text: checked(&at, f.trim())?, cell_ref: None, merged_up: false, merged_left: false })
                })
                .collect::<Result<_, ImportError>>()?;
            grid.rows.push((at, cells));
        }
        return Ok((grid, title(title_lines)));
    }
    // One cell per line: read the cells, then cut them into rows as wide as the header.
    let mut cells: Vec<(usize, String)> = Vec::new();
    let mut started = false;
    for (index, line) in lines.iter().enumerate() {
        if let Some(cell) = line.strip_prefix('\t') {
            started = true;
            if cells.len() >= limits::MAX_CELLS {
                return Err(ImportError::TooLarge(format!(
                    "第{}行超出可读范围：清单最多 {} 个单元格",
                    index + 1,
                    limits::MAX_CELLS
                )));
            }
            cells.push((index + 1, checked(&format!("第{}行", index + 1), cell.trim())?));
        } else if !line.trim().is_empty() {
            match (started, cells.last_mut()) {
                // A line break inside a cell: the line belongs to the cell before it.
                (true, Some((_, last))) => {
                    last.push_str(line.trim());
                    if last.len() > limits::MAX_CELL_CHARS * 4 {
                        return Err(limits::cell_too_long(&format!("第{}行", index + 1)));
                    }
                }
                _ if title_lines.len() < 5 => title_lines.push(clean_title(line)),
                _ => {}
            }
        }
    }
    let width = header_width(&cells);
    for chunk in cells.chunks(width) {
        let at = format!("第{}行", chunk[0].0);
        budget.row(&at, chunk.len())?;
        let row = chunk
            .iter()
            .map(|(_, text)| GridCell { text: text.clone(), cell_ref: None, merged_up: false, merged_left: false })
            .collect();
        grid.rows.push((at, row));
    }
    Ok((grid, title(title_lines)))
}

/// The number of header cells: from the first cell to the last one that
/// names a column, before the first cell that does not look like a header.
fn header_width(cells: &[(usize, String)]) -> usize {
    const HEADERS: &[&str] =
        &["序号", "责任单位", "工作任务", "完成时间", "方案项目", "牵头单位", "时限", "备注", "任务"];
    let width = cells
        .iter()
        .take_while(|(_, text)| HEADERS.iter().any(|h| text.contains(h)) && text.chars().count() <= 12)
        .count();
    width.max(1)
}

/// "[bookmark: _GoBack]从化区…" → "从化区…"; "附件2" is not part of a title.
fn clean_title(line: &str) -> String {
    let mut line = line.trim();
    while let Some(rest) = line.strip_prefix('[')
        && let Some(end) = rest.find(']')
    {
        line = rest[end + 1..].trim();
    }
    line.to_string()
}

fn title(lines: Vec<String>) -> Option<String> {
    let joined: String = lines
        .into_iter()
        .filter(|l| !l.starts_with("附件"))
        .collect::<String>()
        .chars()
        .take(MAX_TITLE_CHARS)
        .collect();
    (!joined.is_empty()).then_some(joined)
}
