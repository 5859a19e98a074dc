//! The seed list as text, Word and Excel gives the same 36 tasks; broken and
//! wrong files give messages that say what and where.

use gongkai_domain::plan::{Understanding, understand};
use gongkai_domain::units::Directory;
use gongkai_io::{ImportError, read_task_list, units_csv};
use std::io::Write;

fn seed(name: &str) -> Vec<u8> {
    let path = format!("{}/../../../shared/seed/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn understood(name: &str) -> Understanding {
    let list = read_task_list(name, &seed(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    understand(&list, &Directory::new(units_csv::conghua()), 2020)
}

/// What must be equal across formats: every cell's text, as understood.
fn essence(u: &Understanding) -> Vec<(String, String, String, Vec<String>)> {
    u.tasks.iter().map(|t| (t.responsible.clone(), t.task.clone(), t.deadline.text.clone(), t.items.clone())).collect()
}

#[test]
fn the_three_seed_files_give_the_same_36_tasks() {
    let text = understood("000_3f5942bc86aba888.txt");
    let docx = understood("conghua-2020-tasklist.docx");
    let xlsx = understood("conghua-2020-tasklist.xlsx");
    for u in [&text, &docx, &xlsx] {
        assert!(u.problems.is_empty(), "{}: {:?}", u.format, u.problems);
        assert_eq!(u.tasks.len(), 36, "{}", u.format);
        assert_eq!(u.responsible_expressions().len(), 11, "{}", u.format);
        let items = u.items_referenced();
        assert_eq!(items.len(), 20, "{}", u.format);
        assert!(!items.contains(&"（五）") && !items.contains(&"（二十）"));
        assert_eq!(u.title.as_deref(), Some("从化区基层政务公开标准化规范化工作任务清单"), "{}", u.format);
    }
    assert_eq!(essence(&text), essence(&docx));
    assert_eq!(essence(&text), essence(&xlsx));
    // The merged cell of the first group covers its seven rows.
    assert!(text.tasks[..7].iter().all(|t| t.responsible == "区政府各部门、各镇（街）"));
    assert_eq!(text.tasks[35].items, vec!["（二十二）"]);
    assert_eq!(text.tasks[34].items, vec!["（十三）", "（二十一）"]);
}

#[test]
fn the_built_in_directory_reads_with_its_aliases() {
    let directory = Directory::new(units_csv::conghua());
    assert!(directory.len() >= 40);
    assert_eq!(directory.find("区政务服务局").unwrap().name, "广州市从化区政务服务数据管理局");
    assert_eq!(directory.find("温泉镇").unwrap().name, "广州市从化区温泉镇人民政府");
    assert!(directory.find("区发改局").unwrap().inferred);
}

#[test]
fn a_truncated_word_file_is_refused_with_a_clear_message() {
    let bytes = seed("conghua-2020-tasklist.docx");
    let err = read_task_list("list.docx", &bytes[..bytes.len() / 2]).unwrap_err();
    assert!(matches!(err, ImportError::Corrupt { .. }), "{err:?}");
    let said = err.to_string();
    assert!(said.starts_with("文件已损坏或不是Word/Excel文件"), "{said}");
    // The zip and XML readers' own words never reach the clerk.
    let latin: String = said
        .replace("Word", "")
        .replace("Excel", "")
        .replace("docx", "")
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect();
    assert!(latin.is_empty(), "{said}");
    // Damaged inside: the XML broken halfway, the archive whole.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut part, &mut data).unwrap();
        if name == "word/document.xml" {
            data.truncate(data.len() / 2);
            data.extend_from_slice(b"<w:p><</w:tbl>");
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut out, &data).unwrap();
    }
    let damaged = out.finish().unwrap().into_inner();
    let said = read_task_list("list.docx", &damaged).unwrap_err().to_string();
    assert!(said.starts_with("文件已损坏或不是Word/Excel文件"), "{said}");
    let latin: String = ["Word", "Excel", "docx", "XML"]
        .iter()
        .fold(said.clone(), |s, allowed| s.replace(allowed, ""))
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect();
    assert!(latin.is_empty(), "{said}");
}

#[test]
fn garbage_and_renamed_files_are_refused() {
    let err = read_task_list("list.docx", b"not a zip at all").unwrap_err();
    assert!(err.to_string().contains(".docx"), "{err}");
    let err = read_task_list("list.pdf", b"%PDF-1.4").unwrap_err();
    assert_eq!(err, ImportError::UnknownFormat("pdf".into()));
    let err = read_task_list("list.txt", "随便写的一段话，没有表格".as_bytes()).unwrap_err();
    assert!(err.to_string().contains("表头"), "{err}");
}

/// A minimal .xlsx with one sheet of inline strings.
fn xlsx_with_rows(rows: &[&[&str]]) -> Vec<u8> {
    let mut sheet =
        String::from(r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#);
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, text) in row.iter().enumerate() {
            let col = char::from(b'A' + c as u8);
            sheet.push_str(&format!(r#"<c r="{col}{}" t="inlineStr"><is><t>{text}</t></is></c>"#, r + 1));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let files = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="清单" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (name, body) in files {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

#[test]
fn only_a_task_column_is_needed_and_its_absence_is_named() {
    // No deadline or plan-item column: the tasks load without them.
    let bytes = xlsx_with_rows(&[&["序号", "责任单位", "工作任务", "备注"], &["1", "区发改局", "某项任务", "无"]]);
    let list = read_task_list("short.xlsx", &bytes).unwrap();
    assert_eq!(list.rows.len(), 1);
    assert_eq!((list.rows[0].task.text.as_str(), list.rows[0].responsible.text.as_str()), ("某项任务", "区发改局"));
    assert_eq!(list.rows[0].seq.as_deref(), Some("1"));
    // No column a task could be in: the message says what is needed.
    let bytes = xlsx_with_rows(&[&["序号", "责任单位", "备注"], &["1", "区发改局", "无"]]);
    let message = read_task_list("wrong.xlsx", &bytes).unwrap_err().to_string();
    assert!(message.contains("没有找到表头") && message.contains("工作任务"), "{message}");
}

#[test]
fn an_unknown_unit_and_an_odd_deadline_are_pointed_at_their_cells() {
    let bytes = xlsx_with_rows(&[
        &["责任单位", "工作任务", "完成时间及方式", "方案项目"],
        &["区火星局", "某项任务", "9月20日前", "（一）"],
        &["区发改局", "另一项任务", "看情况再说", "（二）"],
    ]);
    let list = read_task_list("bad.xlsx", &bytes).unwrap();
    let u = understand(&list, &Directory::new(units_csv::conghua()), 2020);
    assert_eq!(u.problems.len(), 2, "{:?}", u.problems);
    assert!(u.problems[0].at.contains("A2") && u.problems[0].message.contains("区火星局"), "{}", u.problems[0]);
    assert!(u.problems[1].at.contains("C3") && u.problems[1].message.contains("看情况再说"), "{}", u.problems[1]);
}
