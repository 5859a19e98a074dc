//! 标准目录: the 26 pilot areas, a catalogue item with the standard columns,
//! the states a unit's catalogue goes through, and a published record's
//! timeliness under its item's 公开时限.

use crate::calendar::{Calendar, CalendarError};
use crate::timelimit::{Clause, TimeLimit};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The 26 pilot areas (国办发〔2019〕54号 and the ministries' guides).
pub struct Area {
    pub seq: u32,
    /// Short name, as catalogues title themselves ("社会救助").
    pub name: String,
    /// The district unit that usually owns it, as the reference data guesses.
    pub typical_unit: String,
}

const PILOT_AREAS: &str = include_str!("../data/pilot-areas.csv");

/// The pilot areas, in their official order (read once). A catalogue
/// outside them (a unit's 综合政务 catalogue) uses the area name "综合".
pub fn pilot_areas() -> &'static [Area] {
    static AREAS: std::sync::OnceLock<Vec<Area>> = std::sync::OnceLock::new();
    AREAS.get_or_init(read_pilot_areas)
}

fn read_pilot_areas() -> Vec<Area> {
    PILOT_AREAS
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields = csv_fields(line);
            let seq = fields.first()?.parse().ok()?;
            let name = fields.get(1)?.split(['（', '(']).next()?.trim().to_string();
            // "区民政局 — inferred", "区城市管理和综合执法局 / 区住房城乡建设局 (按事项分担)": the first unit named.
            let typical_unit = fields.get(3)?.split(['(', '（', '[', '—', '/']).next()?.trim().to_string();
            Some(Area { seq, name, typical_unit })
        })
        .collect()
}

/// One line of the reference file's CSV: fields split at commas outside quotes.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().expect("one field at least").push(c),
        }
    }
    fields
}

/// The area a name means: exact, or contained either way ("社会救助领域").
pub fn area_named(name: &str) -> Option<&'static Area> {
    let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    let name = name.trim_end_matches("领域");
    let areas = pilot_areas();
    areas
        .iter()
        .find(|a| a.name == name)
        .or_else(|| areas.iter().find(|a| !name.is_empty() && (name.contains(&a.name) || a.name.contains(name))))
}

/// One row of a catalogue as a file or a form gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemDraft {
    /// Where it came from, for messages ("第2张表第5行").
    #[serde(default)]
    pub at: String,
    pub seq: Option<String>,
    /// A 类别 column some catalogues put before the 事项 (综合政务).
    #[serde(default)]
    pub category: Option<String>,
    pub level1: Option<String>,
    pub level2: Option<String>,
    pub level3: Option<String>,
    pub content: String,
    pub basis: String,
    /// The 公开时限 cell; `同上` already resolved from the row above.
    pub timelimit: String,
    /// The cell said `同上`.
    #[serde(default)]
    pub timelimit_as_printed: Option<String>,
    pub subject: String,
    pub channels: Vec<String>,
    /// The 政府网站 column's address, where the catalogue gives one.
    #[serde(default)]
    pub url: Option<String>,
    /// 全社会 or 特定群体.
    pub audience: Option<String>,
    /// 主动 or 依申请.
    pub mode: Option<String>,
    /// 县级, 乡级 … as the catalogue's level columns name them.
    pub level: Vec<String>,
}

impl ItemDraft {
    /// The item's name as a list shows it: its most specific 事项.
    pub fn name(&self) -> &str {
        [&self.level3, &self.level2, &self.level1]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .find(|s| !s.is_empty())
            .unwrap_or(self.content.as_str())
    }
}

/// Where a unit's catalogue stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogueStatus {
    Draft,
    Submitted,
    Returned,
    Accepted,
    Approved,
    Published,
}

impl CatalogueStatus {
    pub const ALL: [CatalogueStatus; 6] = [
        CatalogueStatus::Draft,
        CatalogueStatus::Submitted,
        CatalogueStatus::Returned,
        CatalogueStatus::Accepted,
        CatalogueStatus::Approved,
        CatalogueStatus::Published,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CatalogueStatus::Draft => "draft",
            CatalogueStatus::Submitted => "submitted",
            CatalogueStatus::Returned => "returned",
            CatalogueStatus::Accepted => "accepted",
            CatalogueStatus::Approved => "approved",
            CatalogueStatus::Published => "published",
        }
    }

    pub fn from_code(code: &str) -> Option<CatalogueStatus> {
        CatalogueStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            CatalogueStatus::Draft => "草稿",
            CatalogueStatus::Submitted => "已提交，待审核",
            CatalogueStatus::Returned => "已退回修改",
            CatalogueStatus::Accepted => "审核通过，待区政府批准",
            CatalogueStatus::Approved => "区政府已批准，待发布",
            CatalogueStatus::Published => "已发布",
        }
    }

    /// The unit may change items (and import over them) only in these.
    pub fn editable(self) -> bool {
        matches!(self, CatalogueStatus::Draft | CatalogueStatus::Returned)
    }
}

/// An act on a catalogue, and who may do it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatalogueAct {
    /// The unit sends its draft for review.
    Submit,
    /// The office (or the area's department) sends it back with comments.
    Return,
    Accept,
    /// The office records the 区政府's approval.
    Approve,
    Publish,
    /// A published catalogue is opened again for a new version.
    Revise,
}

impl CatalogueAct {
    pub const ALL: [CatalogueAct; 6] = [
        CatalogueAct::Submit,
        CatalogueAct::Return,
        CatalogueAct::Accept,
        CatalogueAct::Approve,
        CatalogueAct::Publish,
        CatalogueAct::Revise,
    ];

    /// The word forms and the audit log use ("catalogue.submit").
    pub fn code(self) -> &'static str {
        match self {
            CatalogueAct::Submit => "submit",
            CatalogueAct::Return => "return",
            CatalogueAct::Accept => "accept",
            CatalogueAct::Approve => "approve",
            CatalogueAct::Publish => "publish",
            CatalogueAct::Revise => "revise",
        }
    }

    pub fn from_code(code: &str) -> Option<CatalogueAct> {
        CatalogueAct::ALL.into_iter().find(|a| a.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            CatalogueAct::Submit => "提交审核",
            CatalogueAct::Return => "退回修改",
            CatalogueAct::Accept => "审核通过",
            CatalogueAct::Approve => "登记区政府批准",
            CatalogueAct::Publish => "发布",
            CatalogueAct::Revise => "修订（新版本）",
        }
    }

    /// The state the act needs, and the one it leaves.
    pub fn transition(self) -> (&'static [CatalogueStatus], CatalogueStatus) {
        use CatalogueStatus::*;
        match self {
            CatalogueAct::Submit => (&[Draft, Returned], Submitted),
            CatalogueAct::Return => (&[Submitted, Accepted], Returned),
            CatalogueAct::Accept => (&[Submitted], Accepted),
            CatalogueAct::Approve => (&[Accepted], Approved),
            CatalogueAct::Publish => (&[Approved], Published),
            CatalogueAct::Revise => (&[Published], Draft),
        }
    }

    /// Only the unit submits and revises; the office does the rest.
    pub fn by_unit(self) -> bool {
        matches!(self, CatalogueAct::Submit | CatalogueAct::Revise)
    }
}

/// How a published record stands against its item's time limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Timeliness {
    /// Published by the due day.
    OnTime { due: NaiveDate },
    /// Published this many working days after the due day.
    Late { due: NaiveDate, working_days: u32 },
    /// No event date, or a rule without an amount (及时, 长期): not judged.
    Unknown,
}

impl Timeliness {
    pub fn label(&self) -> String {
        match self {
            Timeliness::OnTime { .. } => "按时".into(),
            Timeliness::Late { working_days, .. } => format!("逾期 {working_days} 个工作日"),
            Timeliness::Unknown => "未判定".into(),
        }
    }

    pub fn is_late(&self) -> bool {
        matches!(self, Timeliness::Late { .. })
    }
}

/// A record published on `published` for an event on `event`, under `clause`.
/// Lateness counts working days after the due day up to the publication day.
pub fn timeliness(
    clause: Option<&Clause>,
    event: Option<NaiveDate>,
    published: NaiveDate,
    calendar: &Calendar,
) -> Result<Timeliness, CalendarError> {
    let (Some(clause), Some(event)) = (clause, event) else {
        return Ok(Timeliness::Unknown);
    };
    let Some(due) = TimeLimit::due(clause, event, calendar)? else {
        return Ok(Timeliness::Unknown);
    };
    if published <= due {
        return Ok(Timeliness::OnTime { due });
    }
    let mut working_days = 0;
    let mut day = due;
    while day < published {
        day = day.succ_opt().ok_or(CalendarError::YearNotLoaded(2100))?;
        if calendar.is_working_day(day)? {
            working_days += 1;
        }
    }
    Ok(Timeliness::Late { due, working_days })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar;

    #[test]
    fn the_26_pilot_areas_are_known_by_their_short_names() {
        let areas = pilot_areas();
        assert_eq!(areas.len(), 26);
        assert_eq!(areas[0].name, "城乡规划");
        assert_eq!(areas[16].name, "社会救助");
        assert_eq!(areas[16].typical_unit, "区民政局");
        assert_eq!(area_named("社会救助领域").map(|a| a.seq), Some(17));
        assert_eq!(area_named("户籍管理").map(|a| a.seq), Some(19));
        assert!(area_named("不存在的领域").is_none());
    }

    #[test]
    fn a_record_late_across_a_holiday_is_late_by_working_days() {
        let clause = TimeLimit::parse("信息形成之日起7个工作日内").clauses[0].clone();
        let event = NaiveDate::from_ymd_opt(2020, 9, 28).unwrap();
        let cal = calendar::builtin();
        let on_time =
            timeliness(Some(&clause), Some(event), NaiveDate::from_ymd_opt(2020, 10, 14).unwrap(), cal).unwrap();
        assert_eq!(on_time, Timeliness::OnTime { due: NaiveDate::from_ymd_opt(2020, 10, 14).unwrap() });
        // Due 10-14; published 10-19 (Mon): 10-15, 10-16, 10-19 are three working days late.
        let late = timeliness(Some(&clause), Some(event), NaiveDate::from_ymd_opt(2020, 10, 19).unwrap(), cal).unwrap();
        assert_eq!(late.label(), "逾期 3 个工作日");
        assert_eq!(timeliness(None, Some(event), event, cal).unwrap(), Timeliness::Unknown);
    }

    #[test]
    fn only_the_right_state_allows_an_act() {
        let (from, to) = CatalogueAct::Accept.transition();
        assert_eq!(from, &[CatalogueStatus::Submitted]);
        assert_eq!(to, CatalogueStatus::Accepted);
        assert!(!CatalogueAct::Publish.transition().0.contains(&CatalogueStatus::Submitted));
        for status in CatalogueStatus::ALL {
            assert_eq!(CatalogueStatus::from_code(status.code()), Some(status));
        }
    }
}
