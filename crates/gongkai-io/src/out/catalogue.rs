//! Catalogues out: the workbook (one sheet per unit and area, laid out as
//! counties publish theirs: a two-row header, √ in the tick columns, so that
//! it reads back in), and the 文件汇编 as a landscape document (one table per
//! unit and area).

use super::{Block, Document, Section, chinese_number};
use gongkai_domain::catalogue::ItemDraft;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// One unit's catalogue for one area.
#[derive(Debug, Clone)]
pub struct CatalogueSheet {
    pub unit: String,
    pub area: String,
    pub items: Vec<ItemDraft>,
}

impl CatalogueSheet {
    fn title(&self) -> String {
        format!("{}{}领域政务公开事项标准目录", self.unit, if self.area == "综合" { "综合" } else { &self.area })
    }

    /// The level columns: every level an item names, in order (县级, 乡级 by default).
    fn levels(&self) -> Vec<String> {
        let mut levels: Vec<String> = Vec::new();
        for level in self.items.iter().flat_map(|i| &i.level) {
            if !levels.contains(level) {
                levels.push(level.clone());
            }
        }
        if levels.is_empty() {
            levels = vec!["县级".into(), "乡级".into()];
        }
        levels
    }
}

const TEXT_COLUMNS: [(&str, f64); 10] = [
    ("序号", 6.0),
    ("一级事项", 12.0),
    ("二级事项", 16.0),
    ("三级事项", 12.0),
    ("公开内容（要素）", 36.0),
    ("公开依据", 30.0),
    ("公开时限", 22.0),
    ("公开主体", 16.0),
    ("公开渠道和载体", 20.0),
    ("栏目地址", 24.0),
];

fn tick(on: bool) -> &'static str {
    if on { "√" } else { "" }
}

/// Excel allows 31 characters and no `[]:*?/\` in a sheet's name.
fn sheet_name(sheet: &CatalogueSheet, taken: &mut Vec<String>) -> String {
    let base: String =
        format!("{}-{}", sheet.unit, sheet.area).chars().filter(|c| !"[]:*?/\\".contains(*c)).take(28).collect();
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// A table's heading cells: bold on grey, centred, wrapped, ruled.
pub(super) fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xEEF0F3))
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
}

/// The workbook: one sheet per catalogue.
pub fn catalogue_xlsx(sheets: &[CatalogueSheet]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let title_format = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let header = header_format();
    let body = Format::new().set_text_wrap().set_align(FormatAlign::Top).set_border(FormatBorder::Thin);
    let centred = body.clone().set_align(FormatAlign::Center);
    let mut taken = Vec::new();
    for catalogue in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(catalogue, &mut taken))?;
        let levels = catalogue.levels();
        let groups: [(&str, Vec<String>); 3] = [
            ("公开对象", vec!["全社会".into(), "特定群体".into()]),
            ("公开方式", vec!["主动".into(), "依申请".into()]),
            ("公开层级", levels.clone()),
        ];
        let width = TEXT_COLUMNS.len() + groups.iter().map(|(_, subs)| subs.len()).sum::<usize>();
        sheet.merge_range(0, 0, 0, width as u16 - 1, &catalogue.title(), &title_format)?;
        // Two header rows: 一级/二级/三级 under 公开事项, ticks under their group.
        sheet.merge_range(1, 1, 1, 3, "公开事项", &header)?;
        for (col, (name, w)) in TEXT_COLUMNS.iter().enumerate() {
            let col = col as u16;
            sheet.set_column_width(col, *w)?;
            if (1..=3).contains(&col) {
                sheet.write_string_with_format(2, col, *name, &header)?;
            } else {
                sheet.merge_range(1, col, 2, col, name, &header)?;
            }
        }
        let mut col = TEXT_COLUMNS.len() as u16;
        for (group, subs) in &groups {
            let last = col + subs.len() as u16 - 1;
            if last > col {
                sheet.merge_range(1, col, 1, last, group, &header)?;
            } else {
                sheet.write_string_with_format(1, col, *group, &header)?;
            }
            for sub in subs {
                sheet.write_string_with_format(2, col, sub, &header)?;
                sheet.set_column_width(col, 7.0)?;
                col += 1;
            }
        }
        for (i, item) in catalogue.items.iter().enumerate() {
            let row = i as u32 + 3;
            let texts = [
                item.seq.clone().unwrap_or_else(|| (i + 1).to_string()),
                item.level1.clone().unwrap_or_default(),
                item.level2.clone().unwrap_or_default(),
                item.level3.clone().unwrap_or_default(),
                item.content.clone(),
                item.basis.clone(),
                item.timelimit.clone(),
                item.subject.clone(),
                item.channels.join("、"),
                item.url.clone().unwrap_or_default(),
            ];
            for (c, text) in texts.iter().enumerate() {
                sheet.write_string_with_format(row, c as u16, text, &body)?;
            }
            let mut col = TEXT_COLUMNS.len() as u16;
            let chosen = [item.audience.as_deref(), item.mode.as_deref()];
            for ((_, subs), value) in groups.iter().take(2).zip(chosen) {
                for sub in subs {
                    sheet.write_string_with_format(row, col, tick(value == Some(sub.as_str())), &centred)?;
                    col += 1;
                }
            }
            for level in &levels {
                sheet.write_string_with_format(row, col, tick(item.level.contains(level)), &centred)?;
                col += 1;
            }
        }
        sheet.set_freeze_panes(3, 0)?;
        sheet.set_landscape();
        sheet.set_paper_size(9);
        sheet.set_repeat_rows(1, 2)?;
    }
    if sheets.is_empty() {
        workbook.add_worksheet().set_name("标准目录")?.write_string(0, 0, "没有可导出的标准目录")?;
    }
    workbook.save_to_buffer()
}

/// The 文件汇编: a title, then one section and table per unit and area.
pub fn catalogue_document(title: &str, subtitle: Option<String>, sheets: &[CatalogueSheet]) -> Document {
    let header: Vec<String> = [
        "序号",
        "一级事项",
        "二级事项",
        "公开内容（要素）",
        "公开依据",
        "公开时限",
        "公开主体",
        "公开渠道和载体",
        "公开对象",
        "公开方式",
        "公开层级",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let sections = sheets
        .iter()
        .enumerate()
        .map(|(n, catalogue)| {
            let rows = catalogue
                .items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let second = [item.level2.as_deref(), item.level3.as_deref()]
                        .into_iter()
                        .flatten()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join("／");
                    vec![
                        item.seq.clone().unwrap_or_else(|| (i + 1).to_string()),
                        item.level1.clone().unwrap_or_default(),
                        second,
                        item.content.clone(),
                        item.basis.clone(),
                        item.timelimit.clone(),
                        item.subject.clone(),
                        item.channels.join("、"),
                        item.audience.clone().unwrap_or_default(),
                        item.mode.clone().unwrap_or_default(),
                        item.level.join("、"),
                    ]
                })
                .collect();
            Section {
                heading: format!("{}、{}", chinese_number(n + 1), catalogue.title()),
                blocks: vec![Block::Table { header: header.clone(), rows }],
            }
        })
        .collect();
    Document { title: title.to_string(), subtitle, sections, signature: Vec::new(), landscape: true }
}

/// One item as the 公开信息登记表 lists it.
#[derive(Debug, Clone)]
pub struct RecordItem {
    pub id: i64,
    pub seq: String,
    pub name: String,
    /// The rule in plain words.
    pub rule: String,
    /// What the date the time limit counts from is called (形成日期 …).
    pub event_label: String,
}

/// The 公开信息登记表: one row per item for the unit to fill (a row may be
/// copied for more records of the same item); it reads back through
/// `catalogue::read_records`.
pub fn records_xlsx(title: &str, items: &[RecordItem]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xEEF0F3))
        .set_text_wrap()
        .set_border(FormatBorder::Thin);
    let locked =
        Format::new().set_text_wrap().set_background_color(Color::RGB(0xF6F7F9)).set_border(FormatBorder::Thin);
    let open = Format::new().set_text_wrap().set_border(FormatBorder::Thin);
    let note = Format::new().set_text_wrap().set_font_color(Color::RGB(0x555555));
    let sheet = workbook.add_worksheet();
    sheet.set_name("公开信息登记表")?;
    let columns: [(&str, f64); 8] = [
        ("事项编号", 9.0),
        ("序号", 6.0),
        ("公开事项", 24.0),
        ("公开时限", 28.0),
        ("信息标题", 36.0),
        ("网址", 36.0),
        ("发布日期", 13.0),
        ("起算日期（形成、决定、收到……）", 16.0),
    ];
    sheet.merge_range(0, 0, 0, 7, title, &Format::new().set_bold().set_font_size(14))?;
    sheet.merge_range(
        1,
        0,
        1,
        7,
        "填写说明：每条已公开的信息填一行，同一事项有多条的复制该行；信息标题、发布日期必填，日期写作 2020-10-22；起算日期按该事项公开时限的起算事件填写（形成日期、决定日期、收到日期等），用于判断是否按时公开。前四列请勿修改。",
        &note,
    )?;
    sheet.set_row_height(1, 36)?;
    for (col, (name, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(2, col as u16, *name, &header)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    for (i, item) in items.iter().enumerate() {
        let row = i as u32 + 3;
        sheet.write_number_with_format(row, 0, item.id as f64, &locked)?;
        sheet.write_string_with_format(row, 1, &item.seq, &locked)?;
        sheet.write_string_with_format(row, 2, &item.name, &locked)?;
        sheet.write_string_with_format(row, 3, format!("{}（起算：{}）", item.rule, item.event_label), &locked)?;
        for col in 4..8 {
            sheet.write_blank(row, col, &open)?;
        }
    }
    sheet.set_freeze_panes(3, 0)?;
    workbook.save_to_buffer()
}
