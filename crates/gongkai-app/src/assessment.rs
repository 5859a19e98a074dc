//! 考核: each unit's score out of 100 under its plan's rule, every point
//! explained, ranked within 部门, 镇街 and 村居 as offices publish them; the
//! office edits the rule and awards bonus items.

use crate::{App, Error, Result};
use chrono::{Datelike, NaiveDate};
use gongkai_domain::people::Role;
use gongkai_domain::scoring::{self, Line};
use gongkai_domain::units::UnitKind;
use gongkai_store::{PlanId, User};
use serde::Serialize;

/// One unit's result.
#[derive(Debug, Clone, Serialize)]
pub struct UnitScore {
    pub unit: String,
    /// 部门, 镇街 or 村居: units are ranked within their group.
    pub group: &'static str,
    pub score: f64,
    /// Equal scores (to the 0.01 shown) share a rank; the next takes the
    /// rank after all of them (1, 2, 2, 4).
    pub rank: usize,
    /// Another unit of the group has the same rank (并列).
    pub tied: bool,
    pub explanation: Vec<Line>,
}

impl UnitScore {
    /// "第2名（并列）".
    pub fn place(&self) -> String {
        format!("第{}名{}", self.rank, if self.tied { "（并列）" } else { "" })
    }
}

/// Departments, towns and villages are ranked apart.
fn group(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Town | UnitKind::Street => "镇街",
        UnitKind::Village | UnitKind::Community => "村居",
        _ => "部门",
    }
}

/// Scores every unit with work due in the year's plans by `as_of`: the rule
/// of the year's first plan, the bonuses of all its plans; ranked within
/// each group, best first.
pub async fn scores(app: &App, year: i32, as_of: NaiveDate) -> Result<Vec<UnitScore>> {
    let inputs = app.store.assessment_inputs(year, as_of).await?;
    let catalogued = crate::catalogues::facts(app, as_of).await?;
    let mut out = Vec::new();
    for (unit, kind, items) in inputs.units {
        let awarded: Vec<String> = inputs.bonuses.iter().filter(|(u, _)| *u == unit).map(|(_, b)| b.clone()).collect();
        let facts = catalogued.get(&unit).copied().unwrap_or_default();
        let scored = scoring::score(&inputs.rule, &items, &awarded, facts).map_err(Error::Invalid)?;
        let score = (scored.score * 100.0).round() / 100.0;
        out.push(UnitScore { unit, group: group(kind), score, rank: 0, tied: false, explanation: scored.explanation });
    }
    rank(&mut out);
    Ok(out)
}

/// Orders by group, then score, and gives each its place in its group:
/// equal scores share one (并列), the next takes the place after them.
fn rank(out: &mut [UnitScore]) {
    out.sort_by(|a, b| a.group.cmp(b.group).then(b.score.total_cmp(&a.score)).then(a.unit.cmp(&b.unit)));
    let mut place = 0;
    for i in 0..out.len() {
        let same_group = i > 0 && out[i - 1].group == out[i].group;
        place = if same_group { place + 1 } else { 1 };
        out[i].rank = if same_group && out[i - 1].score == out[i].score { out[i - 1].rank } else { place };
        if same_group && out[i - 1].rank == out[i].rank {
            out[i - 1].tied = true;
            out[i].tied = true;
        }
    }
}

/// The year's plans, or the latest plan's year; a year outside 2000–2100 is refused.
pub async fn year_or_latest(app: &App, year: Option<i32>) -> Result<i32> {
    match year {
        Some(year) if gongkai_domain::calendar::YEARS.contains(&year) => Ok(year),
        Some(year) => Err(Error::Invalid(format!("年份“{year}”应在 2000 到 2100 之间"))),
        None => Ok(app.store.plans().await?.last().map_or(app.today().year(), |p| p.plan_year)),
    }
}

/// The year's scores as of today (or the year's end, if earlier), limited
/// to the caller's unit for a unit's staff.
pub async fn scores_for(app: &App, user: &User, year: Option<i32>) -> Result<(i32, NaiveDate, Vec<UnitScore>)> {
    let year = year_or_latest(app, year).await?;
    let end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| Error::invalid("年份无效"))?;
    let as_of = end.min(app.today());
    let mut all = scores(app, year, as_of).await?;
    if let Some(unit) = crate::access::unit_scope(user)? {
        all.retain(|s| s.unit == unit);
    }
    Ok((year, as_of, all))
}

/// The office saves a plan's rule; one with a mistake is refused whole.
pub async fn save_rule(app: &App, user: &User, plan: PlanId, text: &str) -> Result<()> {
    if user.role != Role::Office {
        return Err(Error::Forbidden);
    }
    let text = gongkai_domain::input::SCORING_RULE.clean(text)?;
    app.store.set_scoring_rule(plan, &text, &user.login).await?;
    Ok(())
}

/// The office awards a bonus item of the plan's rule to a unit.
pub async fn award(app: &App, user: &User, plan: PlanId, unit: &str, item: &str, note: &str) -> Result<()> {
    if user.role != Role::Office {
        return Err(Error::Forbidden);
    }
    use gongkai_domain::input;
    let (unit, item, note) = (input::UNIT_NAME.clean(unit)?, input::TITLE.clean(item)?, input::REASON.clean(note)?);
    let directory = app.directory().await?;
    let unit = directory.find(&unit).ok_or_else(|| Error::Invalid(format!("单位“{unit}”不在单位目录中")))?;
    app.store.award_bonus(plan, &unit.name, &item, &note, &user.login).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_scores_share_a_place_and_the_next_skips() {
        let unit = |name: &str, group: &'static str, score: f64| UnitScore {
            unit: name.into(),
            group,
            score,
            rank: 0,
            tied: false,
            explanation: Vec::new(),
        };
        let mut out = vec![
            unit("甲镇", "镇街", 90.0),
            unit("乙镇", "镇街", 95.0),
            unit("丙镇", "镇街", 90.0),
            unit("丁镇", "镇街", 80.0),
            unit("区民政局", "部门", 90.0),
        ];
        rank(&mut out);
        let places: Vec<(String, String)> = out.iter().map(|s| (s.unit.clone(), s.place())).collect();
        assert_eq!(
            places,
            [
                ("区民政局".to_string(), "第1名".to_string()),
                ("乙镇".into(), "第1名".into()),
                ("丙镇".into(), "第2名（并列）".into()),
                ("甲镇".into(), "第2名（并列）".into()),
                ("丁镇".into(), "第4名".into()),
            ]
        );
    }
}
