//! Task-list readers under hostile files: spreadsheet and zip bombs, declared
//! sizes that lie, and proptest-generated and mutated archives. Every read
//! ends (Ok or a message), never panics, and never allocates past a bound,
//! measured by a counting allocator around each read.

use gongkai_io::{ImportError, read_task_list};
use proptest::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts the bytes allocated now and the most at any moment.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One measured read at a time: the counts are the process's.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// More than any real list needs and far less than the bombs asked for
/// (512 GiB, 1.5 GB): the readers' limits keep them below this.
const BOUND: usize = 256 * 1024 * 1024;

/// Reads a file as `gongkai import` and the 导入 page do; gives the result
/// and the most bytes allocated during the read beyond what was there before.
fn measured(name: &str, bytes: &[u8]) -> (Result<usize, ImportError>, usize) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = read_task_list(name, bytes).map(|list| list.rows.len());
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    (result, peak)
}

fn zip_of(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(body).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="清单" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// A workbook of one sheet with this `sheetData` (and whatever follows it),
/// and optionally a shared-string table.
fn workbook(sheet_body: &str, shared: Option<Vec<u8>>) -> Vec<u8> {
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sheet_body}</worksheet>"#
    );
    let mut parts = vec![
        ("xl/workbook.xml", WORKBOOK.as_bytes().to_vec()),
        ("xl/_rels/workbook.xml.rels", RELS.as_bytes().to_vec()),
        ("xl/worksheets/sheet1.xml", sheet.into_bytes()),
    ];
    if let Some(shared) = shared {
        parts.push(("xl/sharedStrings.xml", shared));
    }
    zip_of(&parts)
}

fn header_row() -> String {
    r#"<row r="1"><c r="A1" t="inlineStr"><is><t>责任单位</t></is></c><c r="B1" t="inlineStr"><is><t>工作任务</t></is></c><c r="C1" t="inlineStr"><is><t>完成时间及方式</t></is></c><c r="D1" t="inlineStr"><is><t>方案项目</t></is></c></row>"#.to_string()
}

fn assert_bounded(what: &str, name: &str, bytes: &[u8]) -> Result<usize, ImportError> {
    let (result, peak) = measured(name, bytes);
    assert!(peak < BOUND, "{what}: {peak} bytes allocated");
    result
}

#[test]
fn a_sheet_claiming_the_whole_grid_is_refused_without_allocating_it() {
    let body = format!(
        r#"<dimension ref="A1:XFD1048576"/><sheetData>{}<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>末格</t></is></c></row></sheetData>"#,
        header_row()
    );
    let bytes = workbook(&body, None);
    assert!(bytes.len() < 4096, "the bomb is small: {}", bytes.len());
    let err = assert_bounded("A1:XFD1048576", "bomb.xlsx", &bytes).unwrap_err();
    assert!(matches!(err, ImportError::TooLarge(ref m) if m.contains("1048576")), "{err}");
}

#[test]
fn a_declared_dimension_and_string_count_are_not_believed() {
    let body = format!(r#"<dimension ref="A1:XFD1048576"/><sheetData>{}</sheetData>"#, header_row());
    let shared = br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>x</t></si></sst>"#;
    let bytes = workbook(&body, Some(shared.to_vec()));
    assert_bounded("declared sizes", "declared.xlsx", &bytes).unwrap();
}

#[test]
fn a_shared_string_table_that_expands_without_bound_stops_at_the_limit() {
    let mut shared =
        br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#.to_vec();
    let item =
        b"<si><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></si>";
    while shared.len() < 40 * 1024 * 1024 {
        shared.extend_from_slice(item);
    }
    let bytes = workbook(&format!("<sheetData>{}</sheetData>", header_row()), Some(shared));
    assert!(bytes.len() < 1024 * 1024, "compressed: {}", bytes.len());
    let err = assert_bounded("shared strings", "strings.xlsx", &bytes).unwrap_err();
    assert!(matches!(err, ImportError::TooLarge(ref m) if m.contains("sharedStrings")), "{err}");
}

#[test]
fn one_long_shared_string_in_every_cell_is_not_copied_into_each() {
    let shared = format!(
        r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{}</t></si></sst>"#,
        "长".repeat(9_000)
    );
    let mut rows = header_row();
    for r in 2..4_000 {
        rows.push_str(&format!(r#"<row r="{r}">"#));
        for c in ["A", "B", "C", "D"] {
            rows.push_str(&format!(r#"<c r="{c}{r}" t="s"><v>0</v></c>"#));
        }
        rows.push_str("</row>");
    }
    let bytes = workbook(&format!("<sheetData>{rows}</sheetData>"), Some(shared.into_bytes()));
    let err = assert_bounded("a string in every cell", "repeat.xlsx", &bytes).unwrap_err();
    assert!(matches!(err, ImportError::TooLarge(_)), "{err}");
}

#[test]
fn merged_areas_over_the_whole_grid_cost_only_the_used_cells() {
    let mut merges = String::new();
    for _ in 0..2_000 {
        merges.push_str(r#"<mergeCell ref="A1:XFD1048576"/>"#);
    }
    let body = format!(r#"<sheetData>{}</sheetData><mergeCells count="2000">{merges}</mergeCells>"#, header_row());
    let bytes = workbook(&body, None);
    let _ = assert_bounded("merged areas", "merges.xlsx", &bytes);
}

#[test]
fn a_word_file_whose_body_expands_past_the_limit_is_refused() {
    let mut body = br#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#.to_vec();
    body.resize(40 * 1024 * 1024, b' ');
    let bytes = zip_of(&[("word/document.xml", body)]);
    let err = assert_bounded("document.xml bomb", "bomb.docx", &bytes).unwrap_err();
    assert!(matches!(err, ImportError::TooLarge(ref m) if m.contains("document.xml")), "{err}");
}

#[test]
fn a_word_table_with_too_many_rows_is_refused() {
    let mut body = String::from(
        r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:tbl>"#,
    );
    for _ in 0..6_000 {
        body.push_str("<w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>");
    }
    body.push_str("</w:tbl></w:body></w:document>");
    let bytes = zip_of(&[("word/document.xml", body.into_bytes())]);
    let err = assert_bounded("rows", "rows.docx", &bytes).unwrap_err();
    assert!(matches!(err, ImportError::TooLarge(ref m) if m.contains("5000")), "{err}");
}

#[test]
fn an_archive_with_thousands_of_entries_is_refused_before_its_directory_is_read() {
    let parts: Vec<(String, Vec<u8>)> = (0..3_000).map(|i| (format!("x/{i}"), Vec::new())).collect();
    let parts: Vec<(&str, Vec<u8>)> = parts.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let bytes = zip_of(&parts);
    let err = assert_bounded("entries", "entries.docx", &bytes).unwrap_err();
    assert!(matches!(err, ImportError::TooLarge(ref m) if m.contains("2000")), "{err}");
}

#[test]
fn text_lists_past_the_size_or_cell_limits_are_refused() {
    let big = vec![b'a'; gongkai_io::limits::MAX_LIST_BYTES + 1];
    assert!(matches!(assert_bounded("size", "big.txt", &big), Err(ImportError::TooLarge(_))));
    let cells = "\tx\n".repeat(gongkai_io::limits::MAX_CELLS + 1);
    assert!(matches!(assert_bounded("cells", "cells.txt", cells.as_bytes()), Err(ImportError::TooLarge(_))));
    let wide = format!("{}\n", "x\t".repeat(200)).repeat(3);
    assert!(matches!(assert_bounded("columns", "wide.txt", wide.as_bytes()), Err(ImportError::TooLarge(_))));
}

fn seed(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../../../shared/seed/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// A cell reference: mostly small, sometimes at the far edges of Excel's grid.
fn reference() -> impl Strategy<Value = String> {
    let col = prop_oneof![0u32..8, Just(16_383u32), 100u32..20_000];
    let row = prop_oneof![1u32..20, Just(1_048_576u32), 5_000u32..2_000_000];
    (col, row).prop_map(|(col, row)| {
        let mut letters = String::new();
        let mut n = col + 1;
        while n > 0 {
            letters.insert(0, char::from(b'A' + ((n - 1) % 26) as u8));
            n = (n - 1) / 26;
        }
        format!("{letters}{row}")
    })
}

/// A sheet's XML: cells of every kind at generated places, merged areas and
/// declared dimensions, with elements sometimes left open.
fn sheet_xml() -> impl Strategy<Value = String> {
    let cell = (reference(), 0usize..5, "[a-z0-9]{0,4}").prop_map(|(r, kind, text)| match kind {
        0 => format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#),
        1 => format!(r#"<c r="{r}" t="s"><v>{}</v></c>"#, text.len()),
        2 => format!(r#"<c r="{r}" s="1"><v>4{}</v></c>"#, text.len()),
        3 => format!(r#"<c t="str"><v>{text}</v></c>"#),
        _ => format!(r#"<c r="{r}"/>"#),
    });
    let merge = (reference(), reference()).prop_map(|(a, b)| format!(r#"<mergeCell ref="{a}:{b}"/>"#));
    (proptest::collection::vec(cell, 0..40), proptest::collection::vec(merge, 0..10), reference(), proptest::bool::ANY)
        .prop_map(|(cells, merges, dimension, truncate)| {
            let xml = format!(
                r#"<dimension ref="A1:{dimension}"/><sheetData><row>{}</row></sheetData><mergeCells>{}</mergeCells>"#,
                cells.concat(),
                merges.concat()
            );
            if truncate { xml[..xml.len() / 2].to_string() } else { xml }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_workbooks_read_or_are_refused_within_bounds(sheet in sheet_xml(), count in proptest::num::u64::ANY) {
        let shared = format!(r#"<sst uniqueCount="{count}"><si><t>a</t></si><si><r><t>b</t></r><rPh><t>c</t></rPh></si></sst>"#);
        let bytes = workbook(&sheet, Some(shared.into_bytes()));
        let _ = assert_bounded("generated workbook", "generated.xlsx", &bytes);
    }

    #[test]
    fn mutated_seed_files_read_or_are_refused_within_bounds(
        which in 0usize..3,
        edits in proptest::collection::vec((proptest::num::usize::ANY, proptest::num::u8::ANY), 1..12),
        cut in proptest::option::of(proptest::num::usize::ANY),
    ) {
        let (name, mut bytes) = match which {
            0 => ("seed.docx", seed("conghua-2020-tasklist.docx")),
            1 => ("seed.xlsx", seed("conghua-2020-tasklist.xlsx")),
            _ => ("seed.txt", seed("000_3f5942bc86aba888.txt")),
        };
        for (at, byte) in edits {
            let at = at % bytes.len();
            bytes[at] = byte;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut % bytes.len().max(1));
        }
        let _ = assert_bounded("mutated seed", name, &bytes);
    }

    #[test]
    fn mutated_backups_are_refused_within_bounds(
        edits in proptest::collection::vec((proptest::num::usize::ANY, proptest::num::u8::ANY), 1..8),
        cut in proptest::option::of(proptest::num::usize::ANY),
    ) {
        let key = gongkai_domain::secret::SecretKey::from_bytes([9; 32]);
        let mut bytes = backup_bytes(&key);
        for (at, byte) in edits {
            let at = at % bytes.len();
            bytes[at] = byte;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut % bytes.len());
        }
        // A change the zip format ignores (a timestamp) may pass; what
        // matters here is that no byte makes the reader panic or balloon.
        let (_, peak) = measured_backup(bytes, &key);
        prop_assert!(peak < BOUND, "{} bytes", peak);
    }

    #[test]
    fn backups_with_rewritten_parts_are_refused(which in 0usize..4, byte in proptest::num::u8::ANY, at in proptest::num::usize::ANY) {
        let key = gongkai_domain::secret::SecretKey::from_bytes([9; 32]);
        let original = backup_bytes(&key);
        let part = ["tables/users.jsonl", "tables/units.jsonl", "files.jsonl", "manifest.json"][which];
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&original)).unwrap();
        let mut parts = Vec::new();
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut body = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut body).unwrap();
            if name == part {
                let at = at % body.len().max(1);
                if body.is_empty() { body.push(byte) } else if body[at] == byte { body.insert(at, byte) } else { body[at] = byte }
            }
            parts.push((name, body));
        }
        let parts: Vec<(&str, Vec<u8>)> = parts.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
        let (accepted, peak) = measured_backup(zip_of(&parts), &key);
        prop_assert!(!accepted, "a rewritten {} was accepted", part);
        prop_assert!(peak < BOUND, "{} bytes", peak);
    }

    #[test]
    fn seed_files_with_mutated_xml_read_or_are_refused_within_bounds(
        which in 0usize..2,
        edits in proptest::collection::vec((proptest::num::usize::ANY, 0usize..SNIPPETS.len()), 1..8),
    ) {
        let (name, file, part) = match which {
            0 => ("seed.docx", "conghua-2020-tasklist.docx", "word/document.xml"),
            _ => ("seed.xlsx", "conghua-2020-tasklist.xlsx", "xl/worksheets/sheet1.xml"),
        };
        let original = seed(file);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&original)).unwrap();
        let mut parts = Vec::new();
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).unwrap();
            let mut body = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut body).unwrap();
            let entry_name = entry.name().unwrap().to_string();
            if entry_name == part {
                for (at, snippet) in &edits {
                    let at = at % body.len();
                    body.splice(at..at, SNIPPETS[*snippet].bytes());
                }
            }
            parts.push((entry_name, body));
        }
        let parts: Vec<(&str, Vec<u8>)> = parts.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
        let _ = assert_bounded("mutated XML", name, &zip_of(&parts));
    }
}

/// A small signed backup: two tables and one file.
fn backup_bytes(key: &gongkai_domain::secret::SecretKey) -> Vec<u8> {
    let mut writer = gongkai_io::backup::BackupWriter::new(std::io::Cursor::new(Vec::new()), key.clone());
    writer.begin_table("users").unwrap();
    for i in 0..20 {
        writer.row(&format!(r#"{{"id":{i},"login":"u{i}","role":"handler"}}"#)).unwrap();
    }
    writer.begin_table("units").unwrap();
    writer.row(r#"{"id":1,"name":"区发改局"}"#).unwrap();
    let body = b"%PDF-1.4 evidence";
    let sha = sha_hex(body);
    writer.file(&sha, body).unwrap();
    writer.finish("2020-11-25T00:00:00Z").unwrap().into_inner()
}

fn sha_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    gongkai_domain::secret::hex(&sha2::Sha256::digest(bytes))
}

/// Opens, verifies and reads a backup the way a restore does; gives whether
/// it was accepted, and the most bytes allocated meanwhile.
fn measured_backup(bytes: Vec<u8>, key: &gongkai_domain::secret::SecretKey) -> (bool, usize) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let accepted = (|| -> Result<(), gongkai_io::backup::BackupError> {
        let mut reader = gongkai_io::backup::BackupReader::open(std::io::Cursor::new(bytes), key.clone())?;
        reader.verify()?;
        for table in reader.manifest.tables.clone() {
            let mut rows = reader.table_rows(&table)?;
            while rows.next_line()?.is_some() {}
        }
        for file in reader.file_list()? {
            reader.copy_file(&file, &mut std::io::sink())?;
        }
        Ok(())
    })()
    .is_ok();
    (accepted, PEAK.load(Ordering::Relaxed).saturating_sub(before))
}

#[test]
fn a_backup_reads_back_only_with_its_key() {
    let key = gongkai_domain::secret::SecretKey::from_bytes([9; 32]);
    let bytes = backup_bytes(&key);
    assert!(measured_backup(bytes.clone(), &key).0);
    let other = gongkai_domain::secret::SecretKey::from_bytes([8; 32]);
    assert!(!measured_backup(bytes, &other).0);
}

#[test]
fn a_backup_line_without_end_is_read_only_to_the_line_limit() {
    // A part whose one line is longer than any row can be: reading stops at
    // the line limit and refuses it.
    let key = gongkai_domain::secret::SecretKey::from_bytes([9; 32]);
    let mut writer = gongkai_io::backup::BackupWriter::new(std::io::Cursor::new(Vec::new()), key.clone());
    writer.begin_table("audit_events").unwrap();
    writer.row(&"x".repeat(gongkai_io::backup::MAX_LINE_BYTES + 10)).unwrap();
    let bytes = writer.finish("2020-11-25T00:00:00Z").unwrap().into_inner();
    let (accepted, peak) = measured_backup(bytes, &key);
    assert!(!accepted, "a line past the limit is refused");
    assert!(peak < BOUND, "{peak}");
}

/// Pieces of markup that break structure, claim sizes, or nest.
const SNIPPETS: &[&str] = &[
    "<row r=\"1048576\">",
    "<c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c>",
    "<c r=\"A1\" t=\"s\"><v>99999999</v></c>",
    "<mergeCell ref=\"A1:XFD1048576\"/>",
    "</row>",
    "<w:tbl><w:tr><w:tc>",
    "</w:tbl>",
    "<w:gridSpan w:val=\"4294967295\"/>",
    "<w:vMerge/>",
    "&#0;&#xFFFFFF;&unknown;",
    "<![CDATA[ x ]]>",
    "\u{0}\u{202E}",
    "<<<>>>",
];
