//! `gongkai timelimit` and `gongkai catalogue`: the 公开时限 contract on the
//! real cells, a real catalogue imported (dry run, then for real), a broken
//! one refused with its row and cell and nothing stored, and the exports
//! read back: the workbook re-imports to the same items, the 文件汇编 PDF
//! reads as text.

mod common;

use common::{command, gongkai};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../gongkai-io/tests/catalogues")
}

#[test]
fn timelimit_reads_one_cell_and_a_stream_of_real_cells() {
    let one: Value = serde_json::from_str(&gongkai(
        "sqlite://unused.db",
        &["timelimit", "自该信息形成或者变更之日起20个工作日内予以公开"],
    ))
    .unwrap();
    assert_eq!(one["kind"], "relative");
    assert_eq!(one["clauses"][0]["event"], "形成或变更");
    assert_eq!(one["clauses"][0]["amount"], 20);
    assert_eq!(one["clauses"][0]["unit"], "working_day");

    let cells = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../gongkai-domain/tests/timelimits/cells.jsonl"),
    )
    .unwrap();
    let cells: Vec<Value> = cells.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let input: String =
        cells.iter().map(|c| format!("{}\n", serde_json::json!({ "text": c["text"] }))).collect::<String>()
            + "not json\n";
    let mut child = command()
        .args(["timelimit", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success(), "a bad line makes the exit code 1");
    let lines: Vec<Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), cells.len() + 1, "one answer per line, the bad one included");
    let exact = cells.iter().zip(&lines).filter(|(c, got)| c["expected"] == **got).count();
    assert_eq!(exact, cells.len(), "every real cell reads as its truth");
    assert_eq!(lines.last().unwrap()["line"], cells.len() + 1);
    assert!(String::from_utf8_lossy(&output.stderr).contains(&format!("第 {} 行", cells.len() + 1)));
}

fn items_of(json: &str) -> Vec<Value> {
    let preview: Value = serde_json::from_str(json).unwrap();
    preview["items"].as_array().unwrap().clone()
}

#[test]
fn a_real_catalogue_imports_exports_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    let file = fixtures().join("qzlj-hujiguanli/catalogue.docx");
    let truth: Vec<Value> =
        serde_json::from_slice(&std::fs::read(fixtures().join("qzlj-hujiguanli/truth.json")).unwrap()).unwrap();

    // A dry run shows every row and its reading, and stores nothing.
    let shown = gongkai(
        &db,
        &[
            "catalogue",
            "import",
            file.to_str().unwrap(),
            "--unit",
            "区公安分局",
            "--area",
            "户籍管理",
            "--dry-run",
            "--json",
        ],
    );
    let items = items_of(&shown);
    assert_eq!(items.len(), truth.len());
    for (item, want) in items.iter().zip(&truth) {
        assert_eq!(item["level2"], want["level2"]);
        assert_eq!(item["plain"], "信息形成或变更之日起20个工作日内公开", "{item}");
    }
    assert!(gongkai(&db, &["catalogue", "list"]).contains("还没有标准目录"));

    // For real; then a broken file for the same unit is refused where it breaks, and nothing changes.
    let said =
        gongkai(&db, &["catalogue", "import", file.to_str().unwrap(), "--unit", "区公安分局", "--area", "户籍管理"]);
    assert!(said.contains(&format!("{} 项", truth.len())), "{said}");
    let broken = dir.path().join("broken.xlsx");
    let mut bytes = std::fs::read(fixtures().join("qzlj-hujiguanli/catalogue.xlsx")).unwrap();
    bytes.truncate(bytes.len() / 3);
    std::fs::write(&broken, &bytes).unwrap();
    let refused = command()
        .args([
            "--db",
            &db,
            "catalogue",
            "import",
            broken.to_str().unwrap(),
            "--unit",
            "区公安分局",
            "--area",
            "户籍管理",
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("文件已损坏") && message.contains("未导入任何内容"), "{message}");
    let listed: Value = serde_json::from_str(&gongkai(&db, &["catalogue", "list", "--json"])).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["items"], truth.len());

    // The workbook reads back in as the same items.
    let xlsx = dir.path().join("目录.xlsx");
    gongkai(&db, &["catalogue", "export", "--unit", "区公安分局", "--out", xlsx.to_str().unwrap()]);
    let again = items_of(&gongkai(
        &db,
        &[
            "catalogue",
            "import",
            xlsx.to_str().unwrap(),
            "--unit",
            "区民政局",
            "--area",
            "户籍管理",
            "--dry-run",
            "--json",
        ],
    ));
    assert_eq!(again.len(), items.len());
    for (a, b) in again.iter().zip(&items) {
        for key in
            ["level1", "level2", "content", "basis", "timelimit", "subject", "channels", "audience", "mode", "level"]
        {
            let squeeze = |v: &Value| v.to_string().chars().filter(|c| !c.is_whitespace()).collect::<String>();
            assert_eq!(squeeze(&a[key]), squeeze(&b[key]), "{key}");
        }
    }

    // The 文件汇编 only holds published catalogues; one unit's may be exported in any state.
    let none = command()
        .args(["--db", &db, "catalogue", "export", "--out", dir.path().join("汇编.pdf").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("文件汇编只收已发布的目录"));
    let pdf = dir.path().join("公安.pdf");
    gongkai(&db, &["catalogue", "export", "--unit", "区公安分局", "--out", pdf.to_str().unwrap()]);
    if tool("pdftotext") {
        let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
        let text: String = String::from_utf8_lossy(&text.stdout).chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains("政务公开事项标准目录汇编"), "{text}");
        assert!(text.contains("户籍管理领域政务公开事项标准目录"), "{text}");
        assert!(text.contains("恢复户口") && text.contains("区公安分局"), "{text}");
    }
}

fn tool(name: &str) -> bool {
    let found =
        Command::new("sh").args(["-c", &format!("command -v {name}")]).output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("GONGKAI_REQUIRE_DOCUMENT_TOOLS").is_none(), "{name} must be installed");
    }
    found
}

#[test]
fn an_unknown_unit_or_area_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    let file = fixtures().join("gaizhou-shehuijiuzhu/catalogue.xlsx");
    let run = |unit: &str, area: &str| {
        command()
            .args(["--db", &db, "catalogue", "import", file.to_str().unwrap(), "--unit", unit, "--area", area])
            .output()
            .unwrap()
    };
    let out = run("区民证局", "社会救助");
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("单位目录中没有“区民证局”") && said.contains("未导入任何内容"), "{said}");
    let out = run("区民政局", "社会治安");
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是26个试点领域之一"));
}
