//! Word (.docx) task lists: every table in the body, with horizontal merges
//! (`gridSpan`) kept in their columns and vertical merges (`vMerge`) read as
//! empty below their first row, as a merged cell looks. Paragraphs before the
//! first table are the title.

use crate::ImportError;
use crate::grid::{Grid, GridCell};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use std::io::{Cursor, Read};

fn corrupt(detail: impl std::fmt::Display) -> ImportError {
    ImportError::Corrupt { format: "Word 文件（.docx）", detail: detail.to_string() }
}

fn document_xml(bytes: &[u8]) -> Result<String, ImportError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let mut file = archive.by_name("word/document.xml").map_err(|_| corrupt("缺少 word/document.xml"))?;
    if file.size() > 64 * 1024 * 1024 {
        return Err(corrupt("正文超过 64 MB"));
    }
    let mut xml = String::new();
    file.read_to_string(&mut xml).map_err(corrupt)?;
    Ok(xml)
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.into_inner() == name)
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

struct CellBuild {
    text: String,
    span: usize,
    continues_merge: bool,
}

pub fn read(bytes: &[u8]) -> Result<(Vec<Grid>, Option<String>), ImportError> {
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
    loop {
        let event = reader
            .read_event()
            .map_err(|e| corrupt(format!("XML 在第 {} 字节处出错：{e}", reader.buffer_position())))?;
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
                let text = match r.as_ref() {
                    "amp" => "&".to_string(),
                    "lt" => "<".to_string(),
                    "gt" => ">".to_string(),
                    "quot" => "\"".to_string(),
                    "apos" => "'".to_string(),
                    _ => r.resolve_char_ref().ok().flatten().map(String::from).unwrap_or_default(),
                };
                push_text(&mut cell, &mut paragraph_text, table_depth, &text);
            }
            Event::End(e) => match e.local_name().into_inner() {
                "t" => in_text = false,
                "tbl" => table_depth = table_depth.saturating_sub(1),
                "tc" if table_depth == 1 => {
                    if let (Some(r), Some(c)) = (row.as_mut(), cell.take()) {
                        r.push(c);
                    }
                }
                "tr" if table_depth == 1 => {
                    let table = grids.len();
                    if let (Some(cells), Some(grid)) = (row.take(), grids.last_mut()) {
                        let at = format!("第{table}张表第{}行", grid.rows.len() + 1);
                        let mut laid = Vec::new();
                        for c in cells {
                            let text = if c.continues_merge { String::new() } else { c.text };
                            laid.push(GridCell { text, cell_ref: None });
                            // A cell spanning columns leaves the ones it covers empty.
                            laid.extend((1..c.span).map(|_| GridCell::default()));
                        }
                        grid.rows.push((at, laid));
                    }
                }
                "p" if table_depth == 0 && in_paragraph => {
                    in_paragraph = false;
                    let text = paragraph_text.trim().to_string();
                    paragraph_text.clear();
                    if grids.is_empty() && !text.is_empty() && !text.starts_with("附件") {
                        title.push_str(&text.replace('\n', ""));
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
    Ok((grids, (!title.is_empty()).then_some(title)))
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
