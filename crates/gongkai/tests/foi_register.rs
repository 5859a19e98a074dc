//! The 依申请公开 register through the command line, on SQLite and on
//! PostgreSQL: a scripted 2025 of 区民政局's requests (every result row of
//! the annual report used, requests carried in from 2024 and on to 2026,
//! one never confirmed, one of another unit) entered with `gongkai foi add
//! --jsonl`; `gongkai foi report --json` gives tables three and four equal
//! to the count by hand below, with every identity holding; the report
//! exported as .docx, .pdf and .xlsx reads back in LibreOffice and
//! pdftotext. A bad line refuses the whole input, naming its line.

mod common;

use common::command;
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

const BUREAU: &str = "广州市从化区民政局";
const TOWN: &str = "广州市从化区温泉镇人民政府";

fn gongkai(db: &str, args: &[&str], input: Option<&str>) -> Output {
    let mut child = command()
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    if let Some(input) = input {
        stdin.write_all(input.as_bytes()).unwrap();
    }
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// A request answered with `outcome`, received face to face on `on`, answered on `answered`.
fn answered(applicant: &str, on: &str, answered: &str, outcome: &str) -> Value {
    json!({"unit": BUREAU, "applicant": applicant, "channel": "当面", "text": "申请公开有关信息", "name": "申请人",
           "events": [{"kind": "submitted", "date": on}, {"kind": "answered", "date": answered, "outcome": outcome}]})
}

/// The year, one request a line.
fn year() -> Vec<Value> {
    vec![
        // Carried in from 2024: answered in 2025.
        answered("自然人", "2024-12-20", "2025-01-10", "（一）予以公开"),
        json!({"unit": BUREAU, "applicant": "商业企业", "channel": "邮寄", "text": "申请公开某项目批复",
               "events": [{"kind": "submitted", "date": "2024-12-25"}, {"kind": "signed", "date": "2024-12-27"},
                          {"kind": "answered", "date": "2025-01-20", "outcome": "2.其他法律行政法规禁止公开"}]}),
        // Received and answered in 2024: not in 2025's report at all.
        answered("自然人", "2024-06-03", "2024-06-20", "（一）予以公开"),
        // New in 2025, one or more for every result row.
        answered("自然人", "2025-02-10", "2025-02-20", "（一）予以公开"),
        answered("自然人", "2025-03-03", "2025-03-20", "（一）予以公开"),
        json!({"unit": BUREAU, "applicant": "自然人", "channel": "网络", "text": "网上申请",
               "events": [{"kind": "submitted", "date": "2025-04-05"}, {"kind": "confirmed", "date": "2025-04-07"},
                          {"kind": "answered", "date": "2025-04-30", "outcome": "予以公开"}]}),
        answered("商业企业", "2025-03-10", "2025-03-28", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
        answered("自然人", "2025-03-11", "2025-03-28", "1.属于国家秘密"),
        answered("科研机构", "2025-03-12", "2025-03-28", "2.其他法律行政法规禁止公开"),
        answered("自然人", "2025-03-13", "2025-03-28", "3.危及“三安全一稳定”"),
        json!({"unit": BUREAU, "applicant": "社会公益组织", "channel": "当面", "text": "申请公开某企业的检查记录",
               "events": [{"kind": "submitted", "date": "2025-05-06"}, {"kind": "third_party_sent", "date": "2025-05-08", "note": "某企业"},
                          {"kind": "third_party_replied", "date": "2025-05-15"},
                          {"kind": "answered", "date": "2025-06-03", "outcome": "4.保护第三方合法权益"}]}),
        answered("自然人", "2025-05-12", "2025-05-30", "5.属于三类内部事务信息"),
        answered("法律服务机构", "2025-05-13", "2025-05-30", "6.属于四类过程性信息"),
        answered("自然人", "2025-05-14", "2025-05-30", "7.属于行政执法案卷"),
        answered("其他", "2025-05-15", "2025-05-30", "8.属于行政查询事项"),
        answered("自然人", "2025-06-03", "2025-06-20", "1.本机关不掌握相关政府信息"),
        answered("自然人", "2025-06-04", "2025-06-20", "本机关不掌握"),
        answered("商业企业", "2025-06-05", "2025-06-20", "2.没有现成信息需要另行制作"),
        json!({"unit": BUREAU, "applicant": "自然人", "channel": "当面", "text": "申请公开有关文件",
               "events": [{"kind": "submitted", "date": "2025-07-01"}, {"kind": "correction_requested", "date": "2025-07-03"},
                          {"kind": "correction_received", "date": "2025-07-10"},
                          {"kind": "answered", "date": "2025-07-25", "outcome": "3.补正后申请内容仍不明确"}]}),
        answered("自然人", "2025-07-07", "2025-07-20", "1.信访举报投诉类申请"),
        answered("自然人", "2025-07-08", "2025-07-20", "2.重复申请"),
        answered("科研机构", "2025-07-09", "2025-07-20", "3.要求提供公开出版物"),
        answered("自然人", "2025-07-10", "2025-07-20", "4.无正当理由大量反复申请"),
        answered("法律服务机构", "2025-07-11", "2025-07-20", "5.要求行政机关确认或重新出具已获取信息"),
        // No correction came: withdrawn, counted under （六）1 without an answer.
        json!({"unit": BUREAU, "applicant": "自然人", "channel": "当面", "text": "申请公开相关材料",
               "events": [{"kind": "submitted", "date": "2025-08-04"}, {"kind": "correction_requested", "date": "2025-08-06"},
                          {"kind": "correction_lapsed", "date": "2025-09-01"}]}),
        answered(
            "商业企业",
            "2025-08-05",
            "2025-09-10",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ),
        json!({"unit": BUREAU, "applicant": "其他", "channel": "当面", "text": "申请后撤回",
               "events": [{"kind": "submitted", "date": "2025-08-06"}, {"kind": "answered", "date": "2025-08-08", "outcome": "3.其他"}],
               "cases": [{"kind": "行政复议", "filed": "2025-09-01", "result": "结果维持", "closed": "2025-10-20"},
                         {"kind": "未经复议直接起诉", "filed": "2025-11-03"},
                         {"kind": "复议后起诉", "filed": "2025-12-01", "result": "结果纠正", "closed": "2026-02-01"}]}),
        // Still open at the year's end: carried on to 2026.
        json!({"unit": BUREAU, "applicant": "自然人", "channel": "当面", "text": "年底的申请",
               "events": [{"kind": "submitted", "date": "2025-12-22"}]}),
        answered("商业企业", "2025-12-10", "2026-01-05", "（一）予以公开"),
        // Sent online and never confirmed: not received, not counted.
        json!({"unit": BUREAU, "applicant": "自然人", "channel": "网络", "text": "未确认的申请",
               "events": [{"kind": "submitted", "date": "2025-12-30"}]}),
        // Another unit's: only in the roll-up.
        json!({"unit": "温泉镇", "applicant": "自然人", "channel": "当面", "text": "镇里的申请",
               "events": [{"kind": "submitted", "date": "2025-03-03"}, {"kind": "answered", "date": "2025-03-10", "outcome": "（一）予以公开"}]}),
    ]
}

/// Table 三 of 区民政局's 2025, counted by hand from the lines above:
/// columns 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计.
fn by_hand() -> Vec<[i64; 7]> {
    vec![
        [15, 4, 2, 1, 2, 2, 26], // 一、本年新收
        [1, 1, 0, 0, 0, 0, 2],   // 二、上年结转 (12-20 自然人, 12-27 商业企业)
        [4, 0, 0, 0, 0, 0, 4],   // （一）予以公开: 1 carried + 3 new
        [0, 1, 0, 0, 0, 0, 1],   // （二）部分公开
        [1, 0, 0, 0, 0, 0, 1],   // 1.属于国家秘密
        [0, 1, 1, 0, 0, 0, 2],   // 2.其他法律行政法规禁止公开: the carried 商业企业 + 科研机构
        [1, 0, 0, 0, 0, 0, 1],   // 3.危及“三安全一稳定”
        [0, 0, 0, 1, 0, 0, 1],   // 4.保护第三方合法权益
        [1, 0, 0, 0, 0, 0, 1],   // 5.属于三类内部事务信息
        [0, 0, 0, 0, 1, 0, 1],   // 6.属于四类过程性信息
        [1, 0, 0, 0, 0, 0, 1],   // 7.属于行政执法案卷
        [0, 0, 0, 0, 0, 1, 1],   // 8.属于行政查询事项
        [2, 0, 0, 0, 0, 0, 2],   // 1.本机关不掌握相关政府信息
        [0, 1, 0, 0, 0, 0, 1],   // 2.没有现成信息需要另行制作
        [1, 0, 0, 0, 0, 0, 1],   // 3.补正后申请内容仍不明确
        [1, 0, 0, 0, 0, 0, 1],   // 1.信访举报投诉类申请
        [1, 0, 0, 0, 0, 0, 1],   // 2.重复申请
        [0, 0, 1, 0, 0, 0, 1],   // 3.要求提供公开出版物
        [1, 0, 0, 0, 0, 0, 1],   // 4.无正当理由大量反复申请
        [0, 0, 0, 0, 1, 0, 1],   // 5.要求行政机关确认或重新出具已获取信息
        [1, 0, 0, 0, 0, 0, 1],   // （六）1. 逾期不补正 (withdrawn 09-01)
        [0, 1, 0, 0, 0, 0, 1],   // （六）2. 逾期未缴费
        [0, 0, 0, 0, 0, 1, 1],   // （六）3.其他
        [15, 4, 2, 1, 2, 2, 26], // （七）总计
        [1, 1, 0, 0, 0, 0, 2],   // 四、结转下年度 (12-22 open, 12-10 answered in 2026)
    ]
}

fn story(db: &str, dir: &Path) {
    let seed = format!("{}/../../../shared/seed/conghua-2020-tasklist.docx", env!("CARGO_MANIFEST_DIR"));
    let output = gongkai(db, &["import", &seed, "--year", "2020"], None);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    // One bad line (an outcome not on the form) refuses the whole input.
    let mut lines = year();
    lines.insert(3, answered("自然人", "2025-02-10", "2025-02-20", "（八）酌情处理"));
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let output = gongkai(db, &["foi", "add", "--jsonl"], Some(&input));
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("第 4 行") && said.contains("（八）酌情处理") && said.contains("未登记任何申请"), "{said}");
    let report = gongkai(db, &["foi", "report", "--unit", BUREAU, "--year", "2025", "--json"], None);
    let tables: Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(tables["table3"]["rows"][0]["values"][6], 0, "nothing of the refused input was kept");

    let input: String = year().iter().map(|l| format!("{l}\n")).collect();
    let output = gongkai(db, &["foi", "add", "--jsonl"], Some(&input));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let added: Vec<Value> =
        String::from_utf8_lossy(&output.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(added.len(), year().len());
    // The 邮寄 request counts from the day it was signed for; the withdrawn one has no answer due.
    assert_eq!(added[1]["received"], "2024-12-27");
    assert_eq!(added[24]["outcome"], "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请");
    assert_eq!(added[24]["due"], Value::Null);
    // Open over the year's end: received Mon 2025-12-22; 12-23…26 → 4, 12-29…31 → 7,
    // 元旦 01-01…03 off, 01-04 (Sun) 班 → 8, 01-05…09 → 13, 01-12…16 → 18, 01-19, 01-20 → 20.
    assert_eq!(added[27]["due"], "2026-01-20", "{}", added[27]);
    let number = added[29]["number"].as_str().unwrap();
    assert!(number.starts_with("2025-") && number.len() == 19, "{number}");
    assert_eq!(added[29]["received"], Value::Null, "never confirmed");

    let output = gongkai(db, &["foi", "report", "--unit", BUREAU, "--year", "2025", "--json"], None);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let tables: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        tables["table3"]["columns"],
        json!(["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"])
    );
    let rows = tables["table3"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 25);
    assert_eq!(rows[4]["label"], "1.属于国家秘密");
    assert_eq!(rows[4]["parents"], "三、本年度办理结果 / （三）不予公开");
    assert_eq!(rows[0]["parents"], "");
    for (row, expected) in rows.iter().zip(by_hand()) {
        assert_eq!(row["values"], json!(expected), "{}", row["label"]);
    }
    // Table 四: 行政复议 upheld; a suit not yet decided; a suit after review decided only in 2026.
    assert_eq!(tables["table4"]["rows"][0]["values"], json!([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1]));
    assert_eq!(tables["table4"]["columns"][10], "行政诉讼 / 复议后起诉 / 结果维持");
    assert_eq!(tables["breaks"], json!([]));

    // The roll-up adds 温泉镇's one.
    let output = gongkai(db, &["foi", "report", "--year", "2025", "--json"], None);
    let all: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(all["table3"]["rows"][0]["values"], json!([16, 4, 2, 1, 2, 2, 27]));
    assert_eq!(all["breaks"], json!([]));
    // 2026 carries in what 2025 carried on.
    let output = gongkai(db, &["foi", "report", "--unit", "区民政局", "--year", "2026", "--json"], None);
    let next: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(next["table3"]["rows"][1]["values"], json!([1, 1, 0, 0, 0, 0, 2]));
    assert_eq!(next["table3"]["rows"][2]["values"], json!([0, 1, 0, 0, 0, 0, 1]));

    // The exports read back.
    for extension in ["docx", "pdf", "xlsx"] {
        let file = dir.join(format!("年报.{extension}"));
        let output =
            gongkai(db, &["foi", "report", "--unit", BUREAU, "--year", "2025", "--out", file.to_str().unwrap()], None);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        if let Some(text) = read_back(&file, dir) {
            // Words that fit in their cell (a long label wraps inside it).
            for words in
                ["三、收到和处理政府信息公开申请情况", "属于国家秘密", "四、政府信息公开行政复议、行政诉讼情况"]
            {
                assert!(text.contains(words), "{extension}: {words} in {text}");
            }
            if extension != "xlsx" {
                assert!(text.contains("广州市从化区民政局2025年政府信息公开工作年度报告"), "{extension}");
            }
        }
    }
}

/// The file's text as LibreOffice (.docx, .xlsx) or pdftotext (.pdf) reads
/// it, without spaces; None where the tool is not installed (scripts/test.sh
/// installs both and requires them).
fn read_back(file: &Path, dir: &Path) -> Option<String> {
    let pdf = file.extension().is_some_and(|e| e == "pdf");
    let tool = if pdf { "pdftotext" } else { "soffice" };
    let found = std::process::Command::new("sh").args(["-c", &format!("command -v {tool}")]).output();
    if !found.is_ok_and(|o| o.status.success()) {
        assert!(std::env::var_os("GONGKAI_REQUIRE_DOCUMENT_TOOLS").is_none(), "{tool} must be installed");
        return None;
    }
    let text = if pdf {
        let out = std::process::Command::new("pdftotext").arg(file).arg("-").output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    } else {
        let to = if file.extension().is_some_and(|e| e == "xlsx") {
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
        } else {
            "txt:Text"
        };
        let out = std::process::Command::new("soffice")
            .args(["--headless", "--convert-to", to, "--outdir"])
            .arg(dir.join("converted"))
            .arg(file)
            .env("HOME", dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let converted = std::fs::read_dir(dir.join("converted"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.file_stem() == file.file_stem())
            .collect::<Vec<_>>();
        converted.iter().map(|p| std::fs::read_to_string(p).unwrap_or_default()).collect::<Vec<_>>().join("\n")
    };
    Some(text.split_whitespace().collect())
}

#[test]
fn a_scripted_year_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    story(&format!("sqlite://{}", dir.path().join("g.db").display()), dir.path());
}

#[test]
fn a_scripted_year_on_postgres() {
    let Some(server) = gongkai_store::scratch::postgres_server() else { return };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let url = runtime.block_on(gongkai_store::scratch::postgres_url(&server)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    story(&url, dir.path());
}

#[test]
fn the_register_refuses_what_cannot_have_happened() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    let seed = format!("{}/../../../shared/seed/conghua-2020-tasklist.docx", env!("CARGO_MANIFEST_DIR"));
    assert!(gongkai(&db, &["import", &seed, "--year", "2020"], None).status.success());
    let cases = [
        (
            json!({"unit": "不存在的局", "applicant": "自然人", "channel": "当面", "text": "x", "events": [{"kind": "submitted", "date": "2025-01-02"}]}),
            "单位名录中没有“不存在的局”",
        ),
        (
            json!({"unit": TOWN, "applicant": "个体户", "channel": "当面", "text": "x", "events": [{"kind": "submitted", "date": "2025-01-02"}]}),
            "申请人类型“个体户”",
        ),
        (
            json!({"unit": TOWN, "applicant": "自然人", "channel": "飞鸽", "text": "x", "events": [{"kind": "submitted", "date": "2025-01-02"}]}),
            "申请方式“飞鸽”",
        ),
        (
            json!({"unit": TOWN, "applicant": "自然人", "channel": "当面", "text": "x", "events": [{"kind": "submitted", "date": "2025-13-02"}]}),
            "日期“2025-13-02”",
        ),
        (
            json!({"unit": TOWN, "applicant": "自然人", "channel": "当面", "text": "x",
                "events": [{"kind": "submitted", "date": "2025-01-02"}, {"kind": "extended", "date": "2025-01-20"}, {"kind": "extended", "date": "2025-01-21"}]}),
            "只能延长一次",
        ),
        (
            json!({"unit": TOWN, "applicant": "自然人", "channel": "当面", "text": "x",
                "events": [{"kind": "submitted", "date": "2025-01-02"}, {"kind": "answered", "date": "2025-01-10"}]}),
            "须写明处理结果",
        ),
    ];
    for (line, words) in cases {
        let input = format!("{}\n{line}\n", answered("自然人", "2025-01-02", "2025-01-10", "（一）予以公开"));
        let output = gongkai(&db, &["foi", "add", "--jsonl"], Some(&input));
        let said = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{said}");
        assert!(said.contains("第 2 行") && said.contains(words), "{words}: {said}");
    }
    let output = gongkai(&db, &["foi", "report", "--year", "2025", "--json"], None);
    let all: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(all["table3"]["rows"][0]["values"][6], 0, "nothing was entered");
}
