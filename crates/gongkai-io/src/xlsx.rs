//! Excel (.xlsx) task lists: the first sheet that has a header row, merged
//! cells read as empty below their first cell, a title row above the header.

use crate::ImportError;
use crate::grid::{Grid, GridCell};
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

fn corrupt(detail: impl std::fmt::Display) -> ImportError {
    ImportError::Corrupt { format: "Excel 文件（.xlsx）", detail: detail.to_string() }
}

/// "D5" for row 4, column 3 (both 0-based).
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = String::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

fn text_of(value: &Data) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

pub fn read(bytes: &[u8]) -> Result<(Vec<Grid>, Option<String>), ImportError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(corrupt)?;
    let mut grids = Vec::new();
    let mut title = None;
    for name in workbook.sheet_names().to_owned() {
        let range = workbook.worksheet_range(&name).map_err(corrupt)?;
        let merged = workbook.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let Some((first_row, first_col)) = range.start() else { continue };
        let (last_row, last_col) = range.end().unwrap_or((first_row, first_col));
        let mut grid = Grid::default();
        for row in first_row..=last_row {
            let mut cells = Vec::new();
            for col in 0..=last_col {
                // Below (or right of) the first cell of a merge Excel keeps nothing.
                let covered = merged.iter().any(|m| m.contains(row, col) && m.start != (row, col));
                let text =
                    if covered { String::new() } else { range.get_value((row, col)).map(text_of).unwrap_or_default() };
                cells.push(GridCell { text, cell_ref: Some(cell_name(row, col)) });
            }
            let non_empty: Vec<&GridCell> = cells.iter().filter(|c| !c.text.trim().is_empty()).collect();
            if title.is_none() && grid.rows.is_empty() && non_empty.len() == 1 && !non_empty[0].text.starts_with("附件")
            {
                title = Some(non_empty[0].text.trim().to_string());
            }
            grid.rows.push((format!("工作表“{name}”第{}行", row + 1), cells));
        }
        grids.push(grid);
    }
    Ok((grids, title))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(super::cell_name(4, 3), "D5");
        assert_eq!(super::cell_name(0, 26), "AA1");
    }
}
