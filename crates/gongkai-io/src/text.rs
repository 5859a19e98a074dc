//! Plain-text task lists, as Word's "save as text" writes them: each cell on
//! its own line behind a tab, rows of as many cells as the header has, blank
//! lines anywhere. A line of several tab-separated fields is one whole row.

use crate::grid::{Grid, GridCell};

pub fn read(text: &str) -> (Grid, Option<String>) {
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    let whole_rows = lines.iter().any(|l| l.trim_end().split('\t').filter(|f| !f.trim().is_empty()).count() >= 3);
    let mut title_lines: Vec<String> = Vec::new();
    let mut grid = Grid::default();
    if whole_rows {
        for (index, line) in lines.iter().enumerate() {
            let at = format!("第{}行", index + 1);
            if !line.contains('\t') {
                if grid.rows.is_empty() && !line.trim().is_empty() {
                    title_lines.push(clean_title(line));
                }
                continue;
            }
            let cells = line.split('\t').map(|f| GridCell { text: f.trim().to_string(), cell_ref: None }).collect();
            grid.rows.push((at, cells));
        }
        return (grid, title(title_lines));
    }
    // One cell per line: read the cells, then cut them into rows as wide as the header.
    let mut cells: Vec<(usize, String)> = Vec::new();
    let mut started = false;
    for (index, line) in lines.iter().enumerate() {
        if let Some(cell) = line.strip_prefix('\t') {
            started = true;
            cells.push((index + 1, cell.trim().to_string()));
        } else if !line.trim().is_empty() {
            match (started, cells.last_mut()) {
                // A line break inside a cell: the line belongs to the cell before it.
                (true, Some((_, last))) => {
                    last.push_str(line.trim());
                }
                _ => title_lines.push(clean_title(line)),
            }
        }
    }
    let width = header_width(&cells);
    for chunk in cells.chunks(width) {
        let at = format!("第{}行", chunk[0].0);
        let row = chunk.iter().map(|(_, text)| GridCell { text: text.clone(), cell_ref: None }).collect();
        grid.rows.push((at, row));
    }
    (grid, title(title_lines))
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
    let joined: String = lines.into_iter().filter(|l| !l.starts_with("附件")).collect();
    (!joined.is_empty()).then_some(joined)
}
