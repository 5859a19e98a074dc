//! The papers offices file, assembled from what units actually did: the 台账
//! workbook and the office's 通报 (ranking and overdue list), laid out one at
//! a time off the request threads (a unit's 自查报告 is `self_inspection`).
//! Used by the pages' downloads and by the command line.

use crate::ledger::{self, Row};
use crate::{App, Error, Result};
use chrono::{Datelike, NaiveDate};
use gongkai_domain::status::ObligationStatus;
use gongkai_domain::units::Directory;
use gongkai_io::out::{Block, Document, LedgerLine, Section, chinese_number};
use gongkai_store::{ObligationFilter, Store, StoreError};

/// Rows of the 通报's overdue table; the rest are counted.
const OVERDUE_ROWS: usize = 1_000;

pub use gongkai_domain::calendar::chinese_date;

fn short_name(directory: &Directory, unit: &str) -> String {
    directory.find(unit).map_or(unit, |u| u.short_name()).to_string()
}

/// The 台账 rows the filter selects (a unit's, or all with no filter).
pub async fn ledger_lines(
    store: &Store,
    filter: &ObligationFilter,
    today: NaiveDate,
) -> std::result::Result<Vec<LedgerLine>, StoreError> {
    let directory = store.directory().await?;
    let list = store.obligations(filter).await?;
    let support: std::collections::HashMap<gongkai_store::TaskId, String> = store
        .tasks()
        .await?
        .into_iter()
        .filter(|t| !t.support_units.is_empty())
        .map(|t| (t.id, t.support_units.join("、")))
        .collect();
    Ok(list
        .into_iter()
        .map(|o| {
            let row = ledger::row(o, today);
            LedgerLine {
                task_seq: row.o.task_seq,
                unit_short: short_name(&directory, &row.o.unit),
                unit: row.o.unit.clone(),
                milestone: row.o.milestone.clone(),
                when: row.when.clone(),
                recipient: row.o.recipient.clone().unwrap_or_else(|| "区政务公开办".into()),
                status: row.status_label.to_string(),
                timing: row.timing.clone(),
                light: row.light.to_string(),
                done_on: row.o.done_on.map(|d| d.to_string()).unwrap_or_default(),
                support: support.get(&row.o.task_id).cloned().unwrap_or_default(),
            }
        })
        .collect())
}

/// The office's 通报 for a year: the ranking and what is overdue.
pub async fn bulletin(app: &App, year: i32, today: NaiveDate) -> Result<Document> {
    let store = &app.store;
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| Error::invalid("年份无效"))?;
    let as_of = end.min(today);
    let scores = crate::assessment::scores(app, year, as_of).await?;
    let rows: Vec<Row> = store
        .obligations(&ObligationFilter::default())
        .await?
        .into_iter()
        .map(|o| ledger::row(o, as_of))
        .filter(|r| r.o.due.is_some_and(|d| d.year() == year))
        .collect();
    let done = rows.iter().filter(|r| r.o.status == ObligationStatus::Accepted).count();
    let mut overdue: Vec<&Row> = rows.iter().filter(|r| r.light == "red").collect();
    overdue.sort_by_key(|r| std::cmp::Reverse(r.days));
    let overdue_count = overdue.len();
    overdue.truncate(OVERDUE_ROWS);
    let mut ranking = Vec::new();
    for group in ["部门", "镇街", "村居"] {
        let of_group: Vec<Vec<String>> = scores
            .iter()
            .filter(|s| s.group == group)
            .map(|s| vec![s.place(), s.unit.clone(), format!("{:.2}", s.score)])
            .collect();
        if !of_group.is_empty() {
            ranking.push(Block::Subheading(format!("（{}）{group}", chinese_number(ranking.len() / 2 + 1))));
            ranking
                .push(Block::Table { header: vec!["名次".into(), "单位".into(), "得分".into()], rows: of_group });
        }
    }
    Ok(Document {
        title: format!("关于{year}年政务公开工作任务落实情况的通报"),
        subtitle: Some(format!("（截至{}）", chinese_date(as_of))),
        sections: vec![
            Section {
                heading: "一、总体情况".into(),
                blocks: vec![Block::Paragraph(format!(
                    "{year}年工作任务清单共明确任务事项 {} 项，截至{}已完成并通过审核 {done} 项，逾期未完成 {} 项。",
                    rows.len(),
                    chinese_date(as_of),
                    overdue_count
                ))],
            },
            Section { heading: "二、考核排名".into(), blocks: ranking },
            Section {
                heading: "三、逾期未完成情况".into(),
                blocks: [if overdue.is_empty() {
                    Block::Paragraph("无逾期未完成的任务事项。".into())
                } else {
                    Block::Table {
                        header: vec!["单位".into(), "任务".into(), "截止".into(), "逾期天数".into()],
                        rows: overdue
                            .iter()
                            .map(|r| {
                                vec![
                                    r.o.unit.clone(),
                                    format!("任务{} {}", r.o.task_seq, r.o.milestone),
                                    r.o.due.map(|d| d.to_string()).unwrap_or_default(),
                                    r.days.unwrap_or(0).to_string(),
                                ]
                            })
                            .collect(),
                    }
                }]
                .into_iter()
                .chain((overdue_count > OVERDUE_ROWS).then(|| {
                    Block::Paragraph(format!(
                        "以上为逾期最久的 {OVERDUE_ROWS} 项，另有 {} 项逾期未完成，详见台账。",
                        overdue_count - OVERDUE_ROWS
                    ))
                }))
                .collect(),
            },
            Section {
                heading: "四、工作要求".into(),
                blocks: vec![Block::Paragraph(
                    "请各单位对照本通报，抓紧办理逾期任务，于督办期限内报送办理情况；排名靠后的单位要认真分析原因，切实整改。".into(),
                )],
            },
        ],
        signature: vec!["区政务公开工作办公室".into(), chinese_date(as_of)],
        landscape: false,
    })
}

/// One document is laid out at a time, off the request threads, so that a
/// large one cannot starve the pages; a request waits this long for its turn.
const WAIT_FOR_TURN: std::time::Duration = std::time::Duration::from_secs(30);
/// How long a request waits for its document before it is told to retry
/// (the layout finishes in the background and frees the turn).
const LAYOUT_TIME: std::time::Duration = std::time::Duration::from_secs(120);
static ONE_LAYOUT: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Runs `make` (a document's layout or a workbook) on the blocking pool, one
/// at a time, within the waiting and layout times above.
pub async fn bounded<T: Send + 'static>(
    make: impl FnOnce() -> std::result::Result<T, String> + Send + 'static,
) -> Result<T> {
    let busy = || Error::Busy("正在生成其他文书，请稍等一两分钟后再试".into());
    let permit = tokio::time::timeout(WAIT_FOR_TURN, ONE_LAYOUT.acquire()).await.map_err(|_| busy())?;
    let permit = permit.map_err(Error::internal)?;
    let job = tokio::task::spawn_blocking(move || {
        let _turn = permit;
        make()
    });
    match tokio::time::timeout(LAYOUT_TIME, job).await {
        Ok(Ok(result)) => result.map_err(Error::Invalid),
        Ok(Err(e)) => Err(Error::internal(format!("document layout: {e}"))),
        Err(_) => Err(busy()),
    }
}

/// Lays a document out as .docx or .pdf, on the blocking pool, one at a time.
pub async fn render_bounded(document: Document, pdf: bool) -> Result<Vec<u8>> {
    if document.chars() > gongkai_io::out::MAX_DOCUMENT_CHARS {
        return Err(Error::TooLarge(format!(
            "文书内容超过 {} 字，请按单位或年份分开生成",
            gongkai_io::out::MAX_DOCUMENT_CHARS
        )));
    }
    bounded(move || render(&document, pdf)).await
}

/// Lays a document out as .docx or .pdf.
pub fn render(document: &Document, pdf: bool) -> std::result::Result<Vec<u8>, String> {
    match pdf {
        #[cfg(feature = "pdf")]
        true => gongkai_io::out::pdf(document).map_err(|e| e.to_string()),
        #[cfg(not(feature = "pdf"))]
        true => Err("这个版本构建时未包含 PDF 输出：请导出 .docx，或使用默认构建".into()),
        false => Ok(gongkai_io::out::docx(document)),
    }
}

#[cfg(test)]
mod tests {
    use gongkai_io::out::{Block, Document, Section};

    #[tokio::test]
    async fn a_document_past_its_size_is_refused_before_layout() {
        let paragraph = Block::Paragraph("字".repeat(1_000));
        let document = Document {
            title: "自查报告".into(),
            sections: vec![Section { heading: "一、".into(), blocks: vec![paragraph; 600] }],
            ..Default::default()
        };
        let refused = super::render_bounded(document, false).await.unwrap_err();
        assert!(matches!(refused, crate::Error::TooLarge(ref m) if m.contains("500000")));
        let small = Document { title: "通报".into(), ..Default::default() };
        assert!(!super::render_bounded(small, false).await.unwrap().is_empty());
    }
}
