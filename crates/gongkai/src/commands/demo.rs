//! `gongkai demo-data`: a synthetic but realistic province for trying the
//! platform at scale and for the load tests — districts with the 从化区
//! directory's kinds of units, villages under their towns, the seed list
//! (plus the villages' own 村务公开 rows) as each district's programme for
//! each year, and a year of reports and reviews in realistic proportions.

use super::cli_actor;
use crate::cli::DemoArgs;
use chrono::{Datelike, NaiveDate};
use gongkai_domain::people::Role;
use gongkai_domain::plan::{SourceCell, SourceRow, understand};
use gongkai_domain::units::{Directory, Unit, UnitKind};
use gongkai_store::{DemoReport, NewUser, ObligationFilter, ObligationId, PlanHeading, Store, UserId};
use std::io::Write;
use std::process::ExitCode;

/// What villages do every year, in the words task lists use.
const VILLAGE_ROWS: [(&str, &str, &str); 3] = [
    ("按月公开村（居）级财务收支情况", "每月10日前在村（居）务公开栏公开上月财务收支", "（二十二）"),
    ("按季度公开村（居）务、党务事项", "每季度末公开村务", "（二十二）"),
    ("公开集体资产资源管理情况", "6月30日前、12月31日前公开集体资产", "（二十二）"),
];

fn progress(what: &str, done: usize, total: usize) {
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    let bar = "█".repeat(percent / 5) + &"░".repeat(20 - percent / 5);
    eprint!("\r{what} {bar} {percent:>3}%（{done}/{total}）");
    if done >= total {
        eprintln!();
    }
    let _ = std::io::stderr().flush();
}

/// A district's copy of a 从化区 unit: "广州市从化区教育局" → "示范省第3区教育局".
fn district_name(name: &str, district: usize) -> String {
    let region = format!("示范省第{district}区");
    name.replacen("广州市从化区", &region, 1).replacen("从化", &region, 1)
}

/// A number from 0 to 99 that is the same for the same id on every run.
fn dice(id: i64, salt: u64) -> u64 {
    let mut x = (id as u64) ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (x ^ (x >> 31)) % 100
}

pub async fn run(store: &Store, args: DemoArgs) -> anyhow::Result<ExitCode> {
    if args.districts == 0 || args.years == 0 {
        eprintln!("--districts 和 --years 至少为 1");
        return Ok(ExitCode::FAILURE);
    }
    let started = std::time::Instant::now();
    let template: Vec<Unit> = gongkai_io::units_csv::conghua()
        .into_iter()
        .filter(|u| !matches!(u.kind, UnitKind::Village | UnitKind::Community))
        .collect();
    let mut list = gongkai_io::read_task_list("seed.txt", gongkai_io::SEED_TASK_LIST.as_bytes())?;
    for (n, (task, deadline, item)) in VILLAGE_ROWS.iter().enumerate() {
        let at = format!("村务第{}行", n + 1);
        let cell = |text: &str| SourceCell { text: text.to_string(), at: at.clone() };
        list.rows.push(SourceRow::plain(&at, cell("各村（居）"), cell(task), cell(deadline), cell(item)));
    }
    let villages_per_district = args.villages / args.districts;
    let mut obligations_total = 0;
    for district in 1..=args.districts {
        // The district's units: the 从化区 kinds, extra departments up to the
        // number asked for, and its villages spread over its towns.
        let mut units: Vec<Unit> = template
            .iter()
            .map(|u| Unit {
                name: district_name(&u.name, district),
                parent: u.parent.as_deref().map(|p| district_name(p, district)),
                ..u.clone()
            })
            .collect();
        for k in units.len()..args.units_per_district {
            units.push(Unit::new(
                &format!("示范省第{district}区第{k}部门"),
                &format!("区第{k}部门"),
                UnitKind::Department,
            ));
        }
        let towns: Vec<Unit> =
            units.iter().filter(|u| matches!(u.kind, UnitKind::Town | UnitKind::Street)).cloned().collect();
        for k in 0..villages_per_district {
            let town = &towns[k % towns.len().max(1)];
            let name = format!("示范省第{district}区{}第{}村", town.short_name(), k / towns.len().max(1) + 1);
            let mut village = Unit::new(&name, "", UnitKind::Village);
            village.parent = Some(town.name.clone());
            units.push(village);
        }
        // In the database, aliases name the district too, so that no two
        // districts share one; the district's own list reads its short names.
        let stored: Vec<Unit> = units
            .iter()
            .map(|u| Unit {
                aliases: u.aliases.iter().map(|a| format!("示范省第{district}{a}")).collect(),
                ..u.clone()
            })
            .collect();
        store.save_units(&stored, false, &cli_actor()).await?;
        let directory = Directory::new(units);
        for year in 0..args.years {
            let plan_year = args.year + year as i32;
            let understood = understand(&list, &directory, plan_year);
            anyhow::ensure!(understood.problems.is_empty(), "示范清单无法理解：{:?}", understood.problems.first());
            let title = format!("示范省第{district}区{plan_year}年政务公开工作任务清单");
            // The demonstration's plans are in force all year.
            let start = NaiveDate::from_ymd_opt(plan_year, 1, 1).unwrap_or_default();
            let heading = PlanHeading::new(title, format!("示范省第{district}区"), start);
            let report = store.save_plan(&understood, &heading, &directory, &cli_actor()).await?;
            obligations_total += report.obligations_added;
        }
        progress("单位与清单", district, args.districts);
    }

    // A year of reports: what fell due by the year's 12月20日, in the
    // proportions offices see.
    let last_year = args.year + args.years as i32 - 1;
    let as_of = NaiveDate::from_ymd_opt(last_year, 12, 20).unwrap_or_default();
    let author = demo_user(store, "demo-handler", Role::Viewer).await?;
    let reviewer = demo_user(store, "demo-office", Role::Office).await?;
    let due: Vec<(ObligationId, NaiveDate)> = store
        .obligations(&ObligationFilter { due_before: Some(as_of), ..Default::default() })
        .await?
        .into_iter()
        .filter(|o| {
            o.status == gongkai_domain::status::ObligationStatus::Pending
                && o.due.is_some_and(|d| d.year() >= args.year)
        })
        .filter_map(|o| o.due.map(|d| (o.id, d)))
        .collect();
    let reports: Vec<DemoReport> = due
        .iter()
        .filter_map(|&(id, due)| {
            let late = chrono::Days::new(1 + dice(id.0, 2) % 20);
            let (outcome, on) = match dice(id.0, 1) {
                0..60 => ("accepted", due),
                60..72 => ("accepted", due + late),
                72..80 => ("submitted", due),
                80..85 => ("returned", due),
                _ => return None,
            };
            Some(DemoReport { obligation_id: id, author_id: author, reviewer_id: reviewer, submitted_on: on, outcome })
        })
        .collect();
    store.write_demo_history(&reports, 5_000, &cli_actor(), |done| progress("报送与审核", done, reports.len())).await?;
    println!(
        "已生成 {} 个区、{} 个单位（其中村 {}）、{} 条任务事项、{} 份报送，用时 {:.0} 秒。",
        args.districts,
        store.unit_count().await?,
        villages_per_district * args.districts,
        obligations_total,
        reports.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

async fn demo_user(store: &Store, login: &str, role: Role) -> anyhow::Result<UserId> {
    if let Some(user) = store.user_by_login(login).await? {
        return Ok(user.id);
    }
    let new = NewUser {
        login: login.into(),
        display_name: login.into(),
        role,
        unit: None,
        // Nobody signs in as these: a hash no password matches.
        password_hash: "!".into(),
        must_change_password: false,
    };
    Ok(store.create_user(&new, &cli_actor()).await?)
}
