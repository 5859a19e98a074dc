//! Word (.docx) task lists: every table in the body, with horizontal merges
//! (`gridSpan`) kept in their columns and vertical merges (`vMerge`) read as
//! empty below their first row, as a merged cell looks. Paragraphs before the
//! first table are the title.

use crate::ImportError;
use crate::archive::Archive;
use crate::grid::{Grid, GridCell};
use crate::limits::{self, Budget};
use crate::xml::{attr, entity};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

const FORMAT: &str = "Word 文件（.docx）";
/// A title is a line or two; text before the first table beyond this is not.
const MAX_TITLE_CHARS: usize = 200;

fn corrupt(detail: impl std::fmt::Display) -> ImportError {
    ImportError::Corrupt { format: FORMAT, detail: detail.to_string() }
}

fn document_xml(bytes: &[u8]) -> Result<String, ImportError> {
    let mut archive = Archive::open(bytes, FORMAT, limits::ARCHIVE)?;
    archive.read_text("word/document.xml")?.ok_or_else(|| corrupt("缺少 word/document.xml"))
}

struct CellBuild {
    text: String,
    span: usize,
    continues_merge: bool,
}

/// What a Word file holds: its tables, its title, and its paragraphs
/// outside tables (where, text): a list written as prose.
pub struct Read {
    pub grids: Vec<Grid>,
    pub title: Option<String>,
    pub paragraphs: Vec<(String, String)>,
}

pub fn read(bytes: &[u8]) -> Result<Read, ImportError> {
    let xml = document_xml(bytes)?;
    let mut reader = Reader::from_str(&xml);
    let mut grids: Vec<Grid> = Vec::new();
    let mut title = String::new();
    let mut table_depth = 0usize;
    let mut row: Option<Vec<CellBuild>> = None;
    let mut cell: Option<CellBuild> = None;
    let mut in_text = false;
    let mut paragraph_text = String::new();
    let mut in_paragraph = false;
    let mut budget = Budget::default();
    let mut paragraphs: Vec<(String, String)> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|_| corrupt(format!("正文的 XML 在第 {} 字节处出错", reader.buffer_position())))?;
        // A paragraph past a cell's size is cut here (and refused below).
        if paragraph_text.len() > limits::MAX_CELL_CHARS * 4 {
            let mut end = limits::MAX_CELL_CHARS * 4;
            while !paragraph_text.is_char_boundary(end) {
                end -= 1;
            }
            paragraph_text.truncate(end);
        }
        match event {
            // Text of nested tables joins the cell that holds them.
            Event::Start(e) if table_depth > 1 && e.local_name().into_inner() == "t" => in_text = true,
            Event::Start(e) | Event::Empty(e) if table_depth > 1 && e.local_name().into_inner() != "tbl" => {}
            Event::Start(e) => match e.local_name().into_inner() {
                "tbl" => {
                    table_depth += 1;
                    if table_depth == 1 {
                        grids.push(Grid::default());
                    }
                }
                "tr" if table_depth == 1 => row = Some(Vec::new()),
                "tc" if table_depth == 1 => {
                    cell = Some(CellBuild { text: String::new(), span: 1, continues_merge: false })
                }
                "p" => {
                    in_paragraph = true;
                    if let Some(c) = cell.as_mut()
                        && !c.text.is_empty()
                    {
                        c.text.push('\n');
                    }
                }
                "t" => in_text = true,
                "vMerge" => mark_merge(&e, cell.as_mut()),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().into_inner() {
                "vMerge" => mark_merge(&e, cell.as_mut()),
                "gridSpan" => {
                    if let (Some(c), Some(v)) = (cell.as_mut(), attr(&e, "w:val")) {
                        c.span = v.parse::<usize>().unwrap_or(1).clamp(1, 8);
                    }
                }
                "br" | "cr" => push_text(&mut cell, &mut paragraph_text, table_depth, "\n"),
                "tab" => push_text(&mut cell, &mut paragraph_text, table_depth, "\t"),
                _ => {}
            },
            Event::Text(t) if in_text => {
                let text = t.xml10_content();
                push_text(&mut cell, &mut paragraph_text, table_depth, &text);
            }
            Event::GeneralRef(r) if in_text => {
                push_text(&mut cell, &mut paragraph_text, table_depth, &entity(&r));
            }
            Event::End(e) => match e.local_name().into_inner() {
                "t" => in_text = false,
                "tbl" => table_depth = table_depth.saturating_sub(1),
                "tc" if table_depth == 1 => {
                    if let (Some(r), Some(c)) = (row.as_mut(), cell.take()) {
                        if c.text.chars().count() > limits::MAX_CELL_CHARS {
                            return Err(limits::cell_too_long(&format!(
                                "第{}张表第{}行",
                                grids.len(),
                                grids.last().map_or(0, |g| g.rows.len()) + 1
                            )));
                        }
                        r.push(c);
                        if r.len() > limits::MAX_COLUMNS {
                            return Err(ImportError::TooLarge(format!(
                                "第{}张表有一行超过 {} 个单元格",
                                grids.len(),
                                limits::MAX_COLUMNS
                            )));
                        }
                    }
                }
                "tr" if table_depth == 1 => {
                    let table = grids.len();
                    if let (Some(cells), Some(grid)) = (row.take(), grids.last_mut()) {
                        let at = format!("第{table}张表第{}行", grid.rows.len() + 1);
                        budget.row(&at, cells.iter().map(|c| c.span).sum())?;
                        let mut laid = Vec::new();
                        for c in cells {
                            let text = if c.continues_merge { String::new() } else { c.text };
                            laid.push(GridCell {
                                text,
                                cell_ref: None,
                                merged_up: c.continues_merge,
                                merged_left: false,
                            });
                            // A cell spanning columns leaves the ones it covers empty.
                            laid.extend((1..c.span).map(|_| GridCell { merged_left: true, ..GridCell::default() }));
                        }
                        grid.rows.push((at, laid));
                    }
                }
                "p" if table_depth == 0 && in_paragraph => {
                    in_paragraph = false;
                    let text = paragraph_text.trim().to_string();
                    paragraph_text.clear();
                    if !text.is_empty() {
                        let at = format!("第{}段", paragraphs.len() + 1);
                        budget.row(&at, 1)?;
                        if text.chars().count() > limits::MAX_CELL_CHARS {
                            return Err(limits::cell_too_long(&at));
                        }
                        paragraphs.push((at, text.clone()));
                    }
                    if grids.is_empty()
                        && !text.is_empty()
                        && !text.starts_with("附件")
                        && title.chars().count() < MAX_TITLE_CHARS
                    {
                        title.extend(text.chars().filter(|c| *c != '\n').take(MAX_TITLE_CHARS));
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if table_depth != 0 {
        return Err(corrupt("表格未结束，文件可能不完整"));
    }
    Ok(Read { grids, title: (!title.is_empty()).then_some(title), paragraphs })
}

fn mark_merge(e: &BytesStart<'_>, cell: Option<&mut CellBuild>) {
    if let Some(c) = cell {
        // <w:vMerge/> and <w:vMerge w:val="continue"/> continue the cell above.
        c.continues_merge = attr(e, "w:val").is_none_or(|v| v == "continue");
    }
}

fn push_text(cell: &mut Option<CellBuild>, paragraph: &mut String, table_depth: usize, text: &str) {
    match cell.as_mut() {
        Some(c) if table_depth >= 1 => c.text.push_str(text),
        _ => paragraph.push_str(text),
    }
}
