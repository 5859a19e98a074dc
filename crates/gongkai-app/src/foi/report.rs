//! The 政府信息公开工作年度报告 for a unit and year, or the district's
//! roll-up: table 三 and table 四 counted from the register, table 二 and
//! the written parts as the unit entered them, and the form's identities
//! checked, so that any break is shown before anything is exported.

use crate::documents::{chinese_date, render_bounded};
use crate::{App, Error, Result};
use gongkai_domain::annual_report::{
    TABLE2, TABLE3_COLUMNS, TABLE3_ROWS, TABLE4_COLUMNS, Table3, Table4, Tally, applicant_column, result_row,
    table2_cells,
};
use gongkai_io::out::{Block, Document, Section};
use gongkai_store::{AnnualReportText, User};
use serde::Serialize;
use std::collections::BTreeMap;

/// The longest written part of the report, in characters.
pub const MAX_PART: usize = 20_000;

/// The report as the page, the exports and `gongkai foi report` read it.
#[derive(Debug, Clone, Serialize)]
pub struct AnnualReport {
    /// None: the district's roll-up.
    pub unit: Option<String>,
    pub year: i32,
    pub title: String,
    pub text: AnnualReportText,
    /// Table 二's cells as entered, by "row/column".
    pub table2: BTreeMap<String, String>,
    pub table3: Table3,
    pub table4: Table4,
    pub breaks: Vec<String>,
}

fn key(row: &str, column: &str) -> String {
    format!("{row}/{column}")
}

/// The years a report can be for.
fn check_year(year: i32) -> Result<()> {
    if (2008..=2100).contains(&year) {
        Ok(())
    } else {
        Err(Error::invalid(format!("年份 {year} 不可用：政府信息公开年度报告自 2008 年起")))
    }
}

/// Which unit a user may read the report of: their own, or for the
/// region's roles any unit or (None) the roll-up.
async fn scope(app: &App, user: &User, unit: Option<&str>) -> Result<Option<String>> {
    let asked = unit.map(str::trim).filter(|u| !u.is_empty());
    match (crate::access::unit_scope(user)?, asked) {
        (Some(own), None) => Ok(Some(own)),
        (Some(own), Some(asked)) => {
            let found = app.directory().await?.find(asked).map(|u| u.name.clone());
            if found.as_deref() == Some(own.as_str()) { Ok(Some(own)) } else { Err(Error::NotFound) }
        }
        (None, Some(asked)) => {
            Ok(Some(app.directory().await?.find(asked).map(|u| u.name.clone()).ok_or_else(|| {
                Error::invalid(format!("单位名录中没有“{}”", asked.chars().take(40).collect::<String>()))
            })?))
        }
        (None, None) => Ok(None),
    }
}

fn tally(t: &gongkai_store::RequestTally) -> Option<Tally> {
    Some(Tally {
        column: applicant_column(&t.applicant_kind)?,
        outcome: t.outcome.as_deref().and_then(result_row),
        carried: t.carried,
        concluded: t.concluded,
        count: t.count,
    })
}

async fn table3(app: &App, unit: Option<&str>, year: i32) -> Result<Table3> {
    let tallies: Vec<Tally> = app.store.request_tallies(unit, year).await?.iter().filter_map(tally).collect();
    Ok(Table3::count(&tallies))
}

/// One unit's line in the office's roll-up: its table 三's totals.
#[derive(Debug, Clone, Serialize)]
pub struct UnitLine {
    pub unit: String,
    pub new: i64,
    pub carried: i64,
    pub concluded: i64,
    pub carried_on: i64,
}

/// Every unit with requests in the year, with its totals (the roll-up's
/// breakdown): for the region's roles only.
pub async fn unit_lines(app: &App, user: &User, year: i32) -> Result<Vec<UnitLine>> {
    check_year(year)?;
    if crate::access::unit_scope(user)?.is_some() {
        return Err(Error::Forbidden);
    }
    let mut by_unit: BTreeMap<String, Vec<Tally>> = BTreeMap::new();
    for (unit, t) in app.store.request_tallies_by_unit(year).await? {
        if let Some(t) = tally(&t) {
            by_unit.entry(unit).or_default().push(t);
        }
    }
    Ok(by_unit
        .into_iter()
        .map(|(unit, tallies)| {
            let table = Table3::count(&tallies).0;
            UnitLine { unit, new: table[0][6], carried: table[1][6], concluded: table[23][6], carried_on: table[24][6] }
        })
        .collect())
}

/// The report for `unit` (None: the roll-up of every unit) and `year`.
pub async fn annual(app: &App, user: &User, unit: Option<&str>, year: i32) -> Result<AnnualReport> {
    check_year(year)?;
    let unit = scope(app, user, unit).await?;
    let this = table3(app, unit.as_deref(), year).await?;
    let last = table3(app, unit.as_deref(), year - 1).await?;
    let cases = app.store.case_tallies(unit.as_deref(), year).await?;
    let table4 = Table4::count(cases.iter().map(|c| (c.kind.as_str(), c.result.as_str(), c.count)));
    let mut breaks = this.breaks();
    breaks.extend(this.carried_from(&last));
    breaks.extend(table4.breaks());
    let (text, table2) = match &unit {
        Some(name) => {
            let text = app.store.annual_report_text(name, year).await?;
            let table2: BTreeMap<String, String> = serde_json::from_str(&text.table2).unwrap_or_default();
            (text, table2)
        }
        None => (AnnualReportText::default(), BTreeMap::new()),
    };
    let title = match &unit {
        Some(name) => format!("{name}{year}年政府信息公开工作年度报告"),
        None => format!("{year}年政府信息公开工作年度报告（各单位汇总）"),
    };
    Ok(AnnualReport { unit, year, title, text, table2, table3: this, table4, breaks })
}

/// Table 二's cells that gongkai can count from the unit's 标准目录: the
/// information published in the year under items named for 规章, 行政规范性
/// 文件, 行政许可, 行政处罚 and 行政强制 — a suggestion the unit checks
/// and saves, never put in the report by itself.
pub async fn table2_suggestions(app: &App, unit: &str, year: i32) -> Result<BTreeMap<String, i64>> {
    const COUNTED: [(&str, &str, &str); 5] = [
        ("规章", "本年制发件数", "规章"),
        ("行政规范性文件", "本年制发件数", "规范性文件"),
        ("行政许可", "本年处理决定数量", "行政许可"),
        ("行政处罚", "本年处理决定数量", "行政处罚"),
        ("行政强制", "本年处理决定数量", "行政强制"),
    ];
    let mut out = BTreeMap::new();
    for (names, count) in app.store.published_in_year(unit, year).await? {
        for (row, column, word) in COUNTED {
            if names.contains(word) {
                *out.entry(key(row, column)).or_insert(0) += count;
            }
        }
    }
    Ok(out)
}

/// What the unit writes: sections 一, 五, 六 and table 二's cells.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub overview: String,
    pub problems: String,
    pub other: String,
    /// (row, column, value) as entered; an empty value is none.
    pub table2: Vec<(String, String, String)>,
}

/// Saves what the unit wrote, over the revision it saw: the unit's own
/// staff, or the office for any unit.
pub async fn save(app: &App, user: &User, unit: &str, year: i32, seen: i32, written: &Written) -> Result<i32> {
    check_year(year)?;
    let Some(unit) = scope(app, user, Some(unit)).await? else { return Err(Error::NotFound) };
    if !matches!(
        user.role,
        gongkai_domain::people::Role::Office
            | gongkai_domain::people::Role::Handler
            | gongkai_domain::people::Role::Head
    ) {
        return Err(Error::Forbidden);
    }
    let part = |text: &str, what: &str| -> Result<String> {
        let text = text.replace("\r\n", "\n");
        if text.chars().count() > MAX_PART {
            return Err(Error::invalid(format!("“{what}”超过 {MAX_PART} 字")));
        }
        Ok(text.trim().to_string())
    };
    let cells = table2_cells();
    let mut table2 = BTreeMap::new();
    for (row, column, value) in &written.table2 {
        let Some((row, column)) = cells.iter().find(|(r, c)| r == row && c == column) else {
            return Err(Error::invalid(format!("表二没有“{row}”的“{column}”一栏")));
        };
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let money = column.contains("金额");
        let ok = if money {
            value.parse::<f64>().is_ok_and(|n| (0.0..1e9).contains(&n))
                && value.split('.').nth(1).is_none_or(|d| d.len() <= 4)
        } else {
            value.parse::<u32>().is_ok()
        };
        if !ok {
            let want =
                if money { "不小于 0 的数（万元，最多四位小数）" } else { "不小于 0 的整数" };
            return Err(Error::invalid(format!(
                "表二“{row}”的“{column}”应为{want}，现为“{}”",
                value.chars().take(20).collect::<String>()
            )));
        }
        table2.insert(key(row, column), value.to_string());
    }
    let text = AnnualReportText {
        overview: part(&written.overview, "一、总体情况")?,
        problems: part(&written.problems, "五、存在的主要问题及改进情况")?,
        other: part(&written.other, "六、其他需要报告的事项")?,
        table2: serde_json::to_string(&table2).map_err(Error::internal)?,
        ..AnnualReportText::default()
    };
    Ok(app.store.save_annual_report_text(&unit, year, seen, &text, &user.login).await?)
}

impl AnnualReport {
    /// The tables as scripts read them (`gongkai foi report --json`).
    pub fn json(&self) -> serde_json::Value {
        let rows: Vec<serde_json::Value> = TABLE3_ROWS
            .iter()
            .zip(self.table3.0.iter())
            .map(|(row, values)| {
                serde_json::json!({ "label": row.label, "parents": row.parents.join(" / "), "values": values })
            })
            .collect();
        let columns4: Vec<String> = TABLE4_COLUMNS
            .iter()
            .map(|c| c.parents.iter().copied().chain([c.label]).collect::<Vec<_>>().join(" / "))
            .collect();
        let table2: Vec<serde_json::Value> = table2_cells()
            .into_iter()
            .map(|(row, column)| {
                let value = self.table2.get(&key(row, column)).cloned();
                serde_json::json!({ "row": row, "column": column, "value": value })
            })
            .collect();
        serde_json::json!({
            "unit": self.unit,
            "year": self.year,
            "title": self.title,
            "table2": table2,
            "table3": { "columns": TABLE3_COLUMNS, "rows": rows },
            "table4": {
                "columns": columns4,
                "rows": [{ "label": "四、政府信息公开行政复议、行政诉讼情况", "parents": "", "values": self.table4.0 }],
            },
            "breaks": self.breaks,
        })
    }

    /// The report as an official document, in the form's six parts.
    pub fn document(&self, today: chrono::NaiveDate) -> Document {
        let paragraphs = |text: &str| -> Vec<Block> {
            let blocks: Vec<Block> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| Block::Paragraph(l.to_string()))
                .collect();
            if blocks.is_empty() { vec![Block::Paragraph("（未填写）".into())] } else { blocks }
        };
        let mut table2 = Vec::new();
        for part in &TABLE2 {
            table2.push(Block::Subheading(part.heading.to_string()));
            table2.push(Block::Table {
                header: std::iter::once("信息内容").chain(part.columns.iter().copied()).map(String::from).collect(),
                rows: part
                    .rows
                    .iter()
                    .map(|row| {
                        std::iter::once(row.to_string())
                            .chain(
                                part.columns.iter().map(|c| self.table2.get(&key(row, c)).cloned().unwrap_or_default()),
                            )
                            .collect()
                    })
                    .collect(),
            });
        }
        // Table 三: each heading once, as a row of its own above the rows under it.
        let mut rows3: Vec<Vec<String>> = Vec::new();
        let mut shown: Vec<&str> = Vec::new();
        for (row, values) in TABLE3_ROWS.iter().zip(self.table3.0.iter()) {
            for heading in row.parents {
                if !shown.contains(heading) {
                    shown.push(heading);
                    rows3.push(
                        std::iter::once(heading.to_string()).chain(std::iter::repeat_n(String::new(), 7)).collect(),
                    );
                }
            }
            let indent = "　".repeat(row.parents.len());
            rows3.push(
                std::iter::once(format!("{indent}{}", row.label)).chain(values.iter().map(i64::to_string)).collect(),
            );
        }
        let header3: Vec<String> = std::iter::once("申请人情况").chain(TABLE3_COLUMNS).map(String::from).collect();
        let mut table4 = Vec::new();
        for (group, title) in ["行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"].iter().enumerate()
        {
            table4.push(Block::Subheading(title.to_string()));
            let columns = &TABLE4_COLUMNS[group * 5..group * 5 + 5];
            table4.push(Block::Table {
                header: columns.iter().map(|c| c.label.to_string()).collect(),
                rows: vec![self.table4.0[group * 5..group * 5 + 5].iter().map(i64::to_string).collect()],
            });
        }
        Document {
            title: self.title.clone(),
            subtitle: None,
            sections: vec![
                Section { heading: "一、总体情况".into(), blocks: paragraphs(&self.text.overview) },
                Section { heading: "二、主动公开政府信息情况".into(), blocks: table2 },
                Section {
                    heading: "三、收到和处理政府信息公开申请情况".into(),
                    blocks: vec![
                        Block::Paragraph(
                            "商业企业、科研机构、社会公益组织、法律服务机构、其他均为法人或其他组织。".into(),
                        ),
                        Block::Table { header: header3, rows: rows3 },
                    ],
                },
                Section { heading: "四、政府信息公开行政复议、行政诉讼情况".into(), blocks: table4 },
                Section {
                    heading: "五、存在的主要问题及改进情况".into(), blocks: paragraphs(&self.text.problems)
                },
                Section { heading: "六、其他需要报告的事项".into(), blocks: paragraphs(&self.text.other) },
            ],
            signature: vec![self.unit.clone().unwrap_or_default(), chinese_date(today)]
                .into_iter()
                .filter(|l| !l.is_empty())
                .collect(),
            landscape: false,
        }
    }
}

/// The report as .docx or .pdf; refused while an identity is broken.
pub async fn export_document(report: &AnnualReport, pdf: bool, today: chrono::NaiveDate) -> Result<Vec<u8>> {
    refuse_broken(report)?;
    render_bounded(report.document(today), pdf).await
}

/// The report's tables as a workbook; refused while an identity is broken.
pub async fn export_workbook(report: &AnnualReport) -> Result<Vec<u8>> {
    refuse_broken(report)?;
    let report = report.clone();
    crate::documents::bounded(move || {
        let title = report.title.trim_end_matches("政府信息公开工作年度报告").to_string();
        let cell = |row: &str, column: &str| report.table2.get(&key(row, column)).cloned().unwrap_or_default();
        gongkai_io::out::annual_report_xlsx(&title, &cell, &report.table3, &report.table4).map_err(|e| e.to_string())
    })
    .await
}

fn refuse_broken(report: &AnnualReport) -> Result<()> {
    if report.breaks.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(format!("报告的表格数据不相符，未导出：{}", report.breaks.join("；"))))
    }
}
