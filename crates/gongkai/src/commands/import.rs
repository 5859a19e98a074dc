//! `gongkai import`: read a task list, show how every cell was understood,
//! and (unless `--dry-run`) save it as a plan with its obligations. Bad input
//! is reported row by row and nothing is stored.

use super::Data;
use crate::cli::ImportArgs;
use chrono::{Datelike, NaiveDate};
use gongkai_domain::calendar::chinese_date;
use gongkai_domain::deadline::Occurrence;
use gongkai_domain::plan::{self, TaskDraft, Understanding, understand};
use gongkai_domain::units::{Directory, Unit, UnitKind};
use gongkai_store::PlanHeading;
use std::fmt::Write as _;
use std::process::ExitCode;

pub async fn run(data: &Data, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let bytes = match super::read_capped(&args.file, gongkai_io::limits::MAX_LIST_BYTES) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("{err}（{}）\n未导入任何内容。", gongkai_io::limits::list_too_large());
            return Ok(ExitCode::FAILURE);
        }
    };
    let name = args.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let map = match args.map.as_deref().map(gongkai_io::parse_map).transpose() {
        Ok(map) => map.unwrap_or_default(),
        Err(message) => {
            eprintln!("--map：{message}\n未导入任何内容。");
            return Ok(ExitCode::FAILURE);
        }
    };
    let list = match gongkai_io::read_task_list_mapped(&name, &bytes, &map) {
        Ok(list) => list,
        Err(err) => {
            eprintln!("{}：{err}", args.file.display());
            eprintln!("未导入任何内容。");
            return Ok(ExitCode::FAILURE);
        }
    };
    let year = match args.year.or_else(|| list.title.as_deref().and_then(gongkai_io::year_in)) {
        Some(year) => year,
        None => {
            let year = gongkai_domain::calendar::china_today().year();
            eprintln!("提示：文件未写明计划年份，按 {year} 年处理（可用 --year 指定）。");
            year
        }
    };
    // A dry run against an embedded database that does not exist yet reads
    // the built-in directory and creates nothing.
    let store = if args.dry_run && !data.exists() { None } else { Some(data.open().await?) };
    let mut directory = match &store {
        Some(store) => store.directory().await?,
        None => Directory::new(gongkai_io::units_csv::conghua()),
    };
    let mut understood = understand(&list, &directory, year);
    // Units the directory does not know, created with the list when asked.
    let new_units: Vec<Unit> = if args.create_units {
        understood.unknown_units.iter().map(|u| new_unit(&u.name)).collect()
    } else {
        Vec::new()
    };
    if !new_units.is_empty() {
        for unit in &new_units {
            directory.upsert(unit.clone());
        }
        understood = understand(&list, &directory, year);
        let names: Vec<&str> = new_units.iter().map(|u| u.name.as_str()).collect();
        eprintln!("将新建 {} 个单位（标为待核实）：{}", names.len(), names.join("、"));
    }
    let title = args
        .title
        .clone()
        .or_else(|| understood.title.clone())
        .unwrap_or_else(|| args.file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());

    // A list imported again keeps its plan's start unless one is given.
    let stored = match &store {
        Some(store) => store.plans().await?.into_iter().find(|p| p.title == title && p.plan_year == year),
        None => None,
    };
    let start = match (args.start, stored) {
        (Some(start), _) => start,
        (None, Some(plan)) => plan.start_date,
        (None, None) => plan::default_start(year, gongkai_domain::calendar::china_today()),
    };
    if args.dry_run {
        if args.json {
            println!("{}", serde_json::to_string_pretty(&dry_run_json(&understood, &title, start))?);
        } else {
            print!("{}", describe(&understood, &title, start, &directory));
        }
    }
    if !understood.problems.is_empty() {
        if !understood.unknown_units.is_empty() {
            eprintln!("单位目录中没有的单位（可加 --create-units 一并新建，或先在单位目录中添加、更正简称）：");
            for unknown in &understood.unknown_units {
                let near = match unknown.suggestions.is_empty() {
                    true => String::new(),
                    false => format!("；相近：{}", unknown.suggestions.join("、")),
                };
                eprintln!("  {}（{}{near}）", unknown.name, unknown.at);
            }
        }
        eprintln!("{} 处问题：", understood.problems.len());
        for problem in &understood.problems {
            eprintln!("  {problem}");
        }
        eprintln!("未导入任何内容。请修改文件后重新导入。");
        return Ok(ExitCode::FAILURE);
    }
    let Some(store) = store.filter(|_| !args.dry_run) else {
        eprintln!("（试导入：未保存任何内容）");
        return Ok(ExitCode::SUCCESS);
    };
    let heading = PlanHeading { title: title.clone(), region: args.region.clone(), start };
    let report = store.save_plan_with_units(&understood, &heading, &directory, &new_units, &super::cli_actor()).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "已导入“{title}”（{year} 年）：新增任务 {}，更新 {}，未变 {}，停用 {}；新增任务事项 {}，删除 {}，保留历史 {}；台账共 {} 条。",
            report.tasks_added,
            report.tasks_updated,
            report.tasks_unchanged,
            report.tasks_retired,
            report.obligations_added,
            report.obligations_removed,
            report.obligations_retired,
            report.obligations_total
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// What `import --dry-run --json` prints: the mapping the reader used, each
/// task as the list has it (number, group, task, deadline, lead, support and
/// responsible units, the dates it is due), the units the directory does not
/// know with its nearest names, and every problem.
fn dry_run_json(u: &Understanding, title: &str, start: NaiveDate) -> serde_json::Value {
    let tasks: Vec<serde_json::Value> = u
        .tasks
        .iter()
        .map(|t| {
            let due: Vec<String> = t
                .deadline
                .milestones
                .iter()
                .filter(|m| !m.aspirational)
                .flat_map(|m| m.occurrences.iter())
                .filter_map(|o| o.from_start(start).and_then(|o| o.deadline()))
                .map(|d| d.to_string())
                .collect();
            serde_json::json!({
                "position": t.seq,
                "seq": t.number,
                "group": t.heading,
                "task": t.task,
                "deadline": Some(&t.deadline.text).filter(|d| !d.trim().is_empty()),
                "due": due,
                "responsible": t.responsible,
                "lead_units": t.lead_units,
                "support_units": t.support_units,
                "units": t.units,
                "needs_confirmation": t.group.needs_confirmation(),
                "unit_group": t.group,
                "items": t.items,
                "milestones": t.deadline.milestones,
                "at": t.source.at,
            })
        })
        .collect();
    serde_json::json!({
        "title": title,
        "format": u.format,
        "layout": if u.mapping.is_empty() { "prose" } else { "table" },
        "plan_year": u.plan_year,
        "start": start,
        "mapping": u.mapping,
        "tasks": tasks,
        "unknown_units": u.unknown_units,
        "problems": u.problems,
    })
}

/// A unit the list names that the directory did not know: its kind read
/// from its name (镇, 街道, 村, 社区; otherwise a department), marked
/// inferred for the office to check.
fn new_unit(name: &str) -> Unit {
    let kind = if name.ends_with("街道") || name.ends_with("街道办事处") || name.ends_with("街道办") {
        UnitKind::Street
    } else if name.ends_with('镇')
        || name.ends_with('乡')
        || name.ends_with("镇人民政府")
        || name.ends_with("乡人民政府")
    {
        UnitKind::Town
    } else if name.ends_with("社区") || name.ends_with("社区居委会") {
        UnitKind::Community
    } else if name.ends_with('村') || name.ends_with("村委会") {
        UnitKind::Village
    } else {
        UnitKind::Department
    };
    let mut unit = Unit::new(name, name, kind);
    unit.inferred = true;
    unit.note = "导入任务清单时新建，请核实全称、类别和上级单位".into();
    unit
}

fn occurrence_text(o: &Occurrence) -> String {
    match o {
        Occurrence::Due { date } => format!("{date} 前"),
        Occurrence::Start { date } => format!("{date} 起"),
        Occurrence::Window { from, to } => format!("{from} 至 {to}"),
    }
}

fn group_text(task: &TaskDraft, directory: &Directory) -> String {
    let mut parts = Vec::new();
    if !task.group.kinds.is_empty() {
        parts.push(format!("按类别：{}", task.group.kinds.iter().map(|k| k.label()).collect::<Vec<_>>().join("、")));
    }
    if !task.group.named.is_empty() {
        let names: Vec<&str> =
            task.group.named.iter().map(|n| directory.find(n).map_or(n.as_str(), |u| u.short_name())).collect();
        parts.push(format!("点名：{}", names.join("、")));
    }
    if let Some(pending) = &task.group.pending {
        parts.push(format!("另有“{}”待公开办确认", pending.description));
    }
    format!("{}（现绑定 {} 个单位）", parts.join("；"), task.units.len())
}

/// How every row was understood, for people.
fn describe(u: &Understanding, title: &str, start: NaiveDate, directory: &Directory) -> String {
    let mut out = String::new();
    let items = u.items_referenced();
    let _ = writeln!(out, "{title}（{}，计划年份 {}，印发日期 {}）", u.format, u.plan_year, chinese_date(start));
    let _ = writeln!(
        out,
        "{} 项任务；{} 种责任单位表述；引用方案项目 {} 项：{}",
        u.tasks.len(),
        u.responsible_expressions().len(),
        items.len(),
        items.join("")
    );
    let _ = writeln!(out, "\n责任单位表述：");
    for expression in u.responsible_expressions() {
        if let Some(task) = u.tasks.iter().find(|t| t.responsible == expression) {
            let _ = writeln!(out, "  {expression} → {}", group_text(task, directory));
        }
    }
    for task in &u.tasks {
        let _ = writeln!(out, "\n[{}] {}", task.seq, task.source.at);
        let _ = writeln!(out, "  责任单位：{} → {}", task.responsible, group_text(task, directory));
        let _ = writeln!(out, "  工作任务：{}", task.task);
        let _ = writeln!(out, "  方案项目：{}", task.items.join("、"));
        let _ = writeln!(out, "  完成时间及方式：{}", task.deadline.text);
        if task.deadline.ongoing {
            let _ = writeln!(out, "    长期任务：每个单位一条无截止日期的任务事项");
        }
        for (i, m) in task.deadline.milestones.iter().enumerate() {
            let mut facts = vec![gongkai_domain::deadline::describe::rule_words(&m.rule)];
            if let Some(action) = &m.action {
                facts.push(format!("动作 {action}"));
            }
            if let Some(recipient) = &m.recipient {
                facts.push(format!("报送对象 {recipient}"));
            }
            if !m.channels.is_empty() {
                facts.push(format!("公开渠道 {}", m.channels.join("、")));
            }
            if let Some(actor) = &m.actor {
                facts.push(format!("由 {actor} 承办"));
            }
            if m.aspirational {
                facts.push("争取（不计入考核日期）".into());
            }
            let _ = writeln!(out, "    里程碑{}：{} — {}", i + 1, m.text, facts.join("；"));
            if !m.occurrences.is_empty() {
                let dates: Vec<String> = m.occurrences.iter().map(occurrence_text).collect();
                let _ = writeln!(out, "      日期：{}", dates.join("，"));
            }
        }
        let dropped: Vec<String> = plan::before_start(task, start).into_iter().map(chinese_date).collect();
        if !dropped.is_empty() {
            let _ = writeln!(out, "    早于印发日期、不生成任务事项：{}", dropped.join("，"));
        }
    }
    if !u.problems.is_empty() {
        let _ = writeln!(out, "\n问题：");
        for problem in &u.problems {
            let _ = writeln!(out, "  {problem}");
        }
    }
    out
}
