//! The papers offices file, read back by other programs: the 台账 workbook
//! opened by LibreOffice, the 自查报告 as .docx (its XML) and as PDF
//! (`pdftotext`), and the 通报.

mod common;

use common::{REPORTED, TOWN, gongkai, scripted};
use gongkai_store::ObligationFilter;
use std::io::Read;
use std::path::Path;
use std::process::Command;

fn tool(name: &str) -> bool {
    let found =
        Command::new("sh").args(["-c", &format!("command -v {name}")]).output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("GONGKAI_REQUIRE_DOCUMENT_TOOLS").is_none(), "{name} must be installed");
        eprintln!("{name} is not installed: this check is left to scripts/test.sh");
    }
    found
}

fn docx_text(path: &Path) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    archive.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    xml
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_workbook_opens_in_libreoffice_with_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = scripted(dir.path()).await;
    let out = dir.path().join("台账.xlsx");
    let said = tokio::task::block_in_place(|| {
        gongkai(&db, &["export", "ledger", "--out", out.to_str().unwrap(), "--now", "2020-12-01"])
    });
    let total = store.obligations(&ObligationFilter::default()).await.unwrap().len();
    assert!(said.contains(&format!("{total} 条")), "{said}");
    if !tool("soffice") {
        return;
    }
    let converted = tokio::task::block_in_place(|| {
        Command::new("soffice")
            .args(["--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir"])
            .arg(dir.path())
            .arg(&out)
            .env("HOME", dir.path())
            .output()
            .unwrap()
    });
    assert!(converted.status.success(), "{}", String::from_utf8_lossy(&converted.stderr));
    let csv = std::fs::read_to_string(dir.path().join("台账.csv")).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..3], ["任务序号", "责任单位", "任务要求"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), total, "one row per obligation on the 总台账 sheet");
    let done = rows.iter().find(|r| &r[1] == TOWN && &r[6] == "按时完成").expect("the accepted report");
    assert_eq!(&done[7], "2020-11-28");
    assert!(rows.iter().any(|r| r[6].starts_with("已逾期")), "overdue rows say by how much");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_self_inspection_report_as_word_and_pdf_and_the_bulletin() {
    let dir = tempfile::tempdir().unwrap();
    let (db, store) = scripted(dir.path()).await;
    let docx = dir.path().join("自查报告.docx");
    let run = |args: &[&str]| tokio::task::block_in_place(|| gongkai(&db, args));
    run(&["report", "self-inspection", "--unit", "温泉镇", "--year", "2020", "--out", docx.to_str().unwrap()]);
    let xml = docx_text(&docx);
    for expected in [
        "温泉镇2020年政务公开工作自查报告",
        "一、基本情况",
        "二、主要工作及成效",
        "三、存在的问题",
        "四、下一步工作打算",
        REPORTED,
        "督导记录.pdf",
        TOWN,
    ] {
        assert!(xml.contains(expected), "the .docx lacks {expected}");
    }
    // Exactly the town's 2020 tasks (work due within 2020 or undated), each once.
    let own = store.obligations(&ObligationFilter { unit: Some(TOWN.into()), ..Default::default() }).await.unwrap();
    let mut in_2020: Vec<_> =
        own.iter().filter(|o| o.due.is_none_or(|d| chrono::Datelike::year(&d) == 2020)).map(|o| o.task_id).collect();
    in_2020.sort();
    in_2020.dedup();
    let tasks = store.tasks().await.unwrap();
    assert!(in_2020.len() > 5);
    for task in tasks.iter().filter(|t| in_2020.contains(&t.id)) {
        assert_eq!(xml.matches(&format!("．{}<", task.task)).count(), 1, "task {} once", task.seq);
    }
    let listed = tasks.iter().filter(|t| xml.contains(&format!("．{}<", t.task))).count();
    assert_eq!(listed, in_2020.len(), "no other year's task");
    let counted = format!(
        "{} 项工作任务、{} 项任务事项",
        in_2020.len(),
        own.iter().filter(|o| o.due.is_none_or(|d| chrono::Datelike::year(&d) == 2020)).count()
    );
    assert!(xml.contains(&counted), "counts: {counted}");

    let pdf = dir.path().join("自查报告.pdf");
    run(&["report", "self-inspection", "--unit", "温泉镇", "--year", "2020", "--out", pdf.to_str().unwrap()]);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    if tool("pdftotext") {
        let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
        let text: String = String::from_utf8_lossy(&text.stdout).split_whitespace().collect();
        for expected in ["温泉镇2020年政务公开工作自查报告", "主要工作及成效", "存在的问题", REPORTED, TOWN]
        {
            assert!(text.contains(expected), "the PDF lacks {expected}: {text}");
        }
    }

    let bulletin = dir.path().join("通报.docx");
    run(&["report", "bulletin", "--year", "2020", "--out", bulletin.to_str().unwrap()]);
    let xml = docx_text(&bulletin);
    assert!(xml.contains("考核排名") && xml.contains("逾期未完成情况") && xml.contains(TOWN));

    let refused = common::command()
        .args(["--db", &db, "report", "self-inspection", "--unit", "温泉镇", "--year", "2020", "--out", "x.txt"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains(".docx 或 .pdf"));
}
