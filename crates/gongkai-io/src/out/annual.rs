//! The 政府信息公开工作年度报告's tables as a workbook, laid out as the
//! 2021 form prints them: table 二 in its four parts, table 三 with its
//! applicant columns under 申请人情况 (法人或其他组织 over five of them) and
//! its rows under their headings, table 四 with its three column groups.

use gongkai_domain::annual_report::{TABLE2, TABLE3_COLUMNS, TABLE3_ROWS, TABLE4_COLUMNS, Table3, Table4};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

/// Table 二's entered cells, by (row, column) as printed.
pub type Table2Values<'a> = &'a dyn Fn(&str, &str) -> String;

struct Formats {
    title: Format,
    header: Format,
    label: Format,
    number: Format,
}

fn formats() -> Formats {
    Formats {
        title: Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center),
        label: Format::new().set_text_wrap().set_align(FormatAlign::VerticalCenter).set_border(FormatBorder::Thin),
        number: Format::new()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin),
        header: super::catalogue::header_format(),
    }
}

/// Merges a range, or writes one cell where the range is a single cell.
fn put(sheet: &mut Worksheet, (r1, c1, r2, c2): (u32, u16, u32, u16), text: &str, f: &Format) -> Result<(), XlsxError> {
    if r1 == r2 && c1 == c2 {
        sheet.write_string_with_format(r1, c1, text, f)?;
    } else {
        sheet.merge_range(r1, c1, r2, c2, text, f)?;
    }
    Ok(())
}

/// The workbook: 表二, 表三 and 表四 on their own sheets, under `title`.
pub fn annual_report_xlsx(
    title: &str,
    table2: Table2Values<'_>,
    table3: &Table3,
    table4: &Table4,
) -> Result<Vec<u8>, XlsxError> {
    let f = formats();
    let mut workbook = Workbook::new();

    let sheet = workbook.add_worksheet();
    sheet.set_name("表二 主动公开")?;
    put(sheet, (0, 0, 0, 3), &format!("{title} 二、主动公开政府信息情况"), &f.title)?;
    sheet.set_column_width(0, 22.0)?;
    for c in 1..4 {
        sheet.set_column_width(c, 16.0)?;
    }
    let mut row = 1;
    for part in &TABLE2 {
        put(sheet, (row, 0, row, 3), part.heading, &f.header)?;
        row += 1;
        sheet.write_string_with_format(row, 0, "信息内容", &f.header)?;
        for (c, column) in part.columns.iter().enumerate() {
            sheet.write_string_with_format(row, c as u16 + 1, *column, &f.header)?;
        }
        row += 1;
        for name in part.rows {
            sheet.write_string_with_format(row, 0, *name, &f.label)?;
            for (c, column) in part.columns.iter().enumerate() {
                let value = table2(name, column);
                match value.parse::<f64>() {
                    Ok(n) => sheet.write_number_with_format(row, c as u16 + 1, n, &f.number)?,
                    Err(_) => sheet.write_string_with_format(row, c as u16 + 1, &value, &f.number)?,
                };
            }
            row += 1;
        }
    }

    // 表三: three label columns (heading, group, item), then seven numbers.
    let sheet = workbook.add_worksheet();
    sheet.set_name("表三 依申请公开")?;
    put(sheet, (0, 0, 0, 9), &format!("{title} 三、收到和处理政府信息公开申请情况"), &f.title)?;
    sheet.set_column_width(0, 14.0)?;
    sheet.set_column_width(1, 14.0)?;
    sheet.set_column_width(2, 40.0)?;
    put(sheet, (1, 0, 3, 2), "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", &f.header)?;
    put(sheet, (1, 3, 1, 9), "申请人情况", &f.header)?;
    put(sheet, (2, 3, 3, 3), TABLE3_COLUMNS[0], &f.header)?;
    put(sheet, (2, 4, 2, 8), "法人或其他组织", &f.header)?;
    put(sheet, (2, 9, 3, 9), TABLE3_COLUMNS[6], &f.header)?;
    for (c, name) in TABLE3_COLUMNS[1..6].iter().enumerate() {
        sheet.write_string_with_format(3, c as u16 + 4, *name, &f.header)?;
        sheet.set_column_width(c as u16 + 4, 10.0)?;
    }
    sheet.set_column_width(3, 10.0)?;
    sheet.set_column_width(9, 10.0)?;
    let first = 4u32;
    for (n, form_row) in TABLE3_ROWS.iter().enumerate() {
        let r = first + n as u32;
        for (c, value) in table3.0[n].iter().enumerate() {
            sheet.write_number_with_format(r, c as u16 + 3, *value as f64, &f.number)?;
        }
        if form_row.parents.is_empty() {
            put(sheet, (r, 0, r, 2), form_row.label, &f.label)?;
        } else if form_row.parents.len() == 1 {
            put(sheet, (r, 1, r, 2), form_row.label, &f.label)?;
        } else {
            sheet.write_string_with_format(r, 2, form_row.label, &f.label)?;
        }
    }
    // The headings, merged down the rows under them.
    let span = |pick: &dyn Fn(&gongkai_domain::annual_report::Row) -> Option<&'static str>| {
        let mut spans: Vec<(&'static str, u32, u32)> = Vec::new();
        for (n, row) in TABLE3_ROWS.iter().enumerate() {
            let r = first + n as u32;
            match (pick(row), spans.last_mut()) {
                (Some(h), Some((last, _, end))) if *last == h && *end + 1 == r => *end = r,
                (Some(h), _) => spans.push((h, r, r)),
                (None, _) => {}
            }
        }
        spans
    };
    for (heading, from, to) in span(&|row| row.parents.first().copied()) {
        put(sheet, (from, 0, to, 0), heading, &f.label)?;
    }
    for (group, from, to) in span(&|row| row.parents.get(1).copied()) {
        put(sheet, (from, 1, to, 1), group, &f.label)?;
    }

    // 表四: a group row, a sub-group row, the result labels, one row of numbers.
    let sheet = workbook.add_worksheet();
    sheet.set_name("表四 复议诉讼")?;
    put(sheet, (0, 0, 0, 14), &format!("{title} 四、政府信息公开行政复议、行政诉讼情况"), &f.title)?;
    put(sheet, (1, 0, 2, 4), "行政复议", &f.header)?;
    put(sheet, (1, 5, 1, 14), "行政诉讼", &f.header)?;
    put(sheet, (2, 5, 2, 9), "未经复议直接起诉", &f.header)?;
    put(sheet, (2, 10, 2, 14), "复议后起诉", &f.header)?;
    for (c, column) in TABLE4_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(3, c as u16, column.label, &f.header)?;
        sheet.write_number_with_format(4, c as u16, table4.0[c] as f64, &f.number)?;
        sheet.set_column_width(c as u16, 9.0)?;
    }
    sheet.set_landscape();
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workbook_holds_every_row_and_number() {
        let mut rows = [[0i64; 7]; 25];
        rows[0] = [3, 1, 0, 0, 0, 0, 4];
        let bytes = annual_report_xlsx(
            "测试局2025年",
            &|r, c| if r == "行政许可" && c == "本年处理决定数量" { "12".into() } else { String::new() },
            &Table3(rows),
            &Table4([0; 15]),
        )
        .unwrap();
        let (grids, _) = crate::xlsx::read(&bytes).unwrap();
        let text: String = grids
            .iter()
            .flat_map(|g| g.rows.iter().flat_map(|(_, cells)| cells.iter().map(|c| c.text.clone())))
            .collect::<Vec<_>>()
            .join("|");
        for row in TABLE3_ROWS {
            assert!(text.contains(row.label), "{}", row.label);
        }
        assert!(text.contains("法人或其他组织") && text.contains("复议后起诉") && text.contains("12"));
    }
}
