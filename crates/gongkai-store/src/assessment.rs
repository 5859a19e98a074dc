//! 考核 as stored: each plan's rule text, the bonus items awarded, and what
//! units actually did in a year (the scoring is `gongkai_app::assessment`).

use crate::{BeginWrite, PlanId, Store, StoreError, StoreResult, audit, on_pool};
use chrono::{NaiveDate, Utc};
use gongkai_domain::scoring::{DEFAULT_RULE, Item, Rule};
use gongkai_domain::units::UnitKind;

#[derive(sqlx::FromRow)]
struct Assessed {
    unit: String,
    kind: String,
    task_seq: i32,
    milestone: String,
    due: NaiveDate,
    done_on: Option<NaiveDate>,
    status: String,
    returns: i64,
}

impl Store {
    /// A plan's scoring rule as text (the default until the office edits it).
    pub async fn scoring_rule(&self, plan_id: PlanId) -> StoreResult<String> {
        let found: Option<(String,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT scoring FROM plans WHERE id = $1").bind(plan_id).fetch_optional(pool).await?
        });
        let (text,) = found.ok_or_else(|| StoreError::NotFound(format!("方案 {plan_id}")))?;
        Ok(if text.is_empty() { DEFAULT_RULE.to_string() } else { text })
    }

    /// Saves a rule after reading it; a rule with a mistake is refused whole.
    pub async fn set_scoring_rule(&self, plan_id: PlanId, text: &str, actor: &str) -> StoreResult<()> {
        Rule::parse(text).map_err(StoreError::Invalid)?;
        let before = self.scoring_rule(plan_id).await?;
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE plans SET scoring = $1 WHERE id = $2").bind(text).bind(plan_id).execute(&mut *tx).await?;
            audit!(self, tx, actor, "plan.scoring", &format!("方案 {plan_id}"), Some(before), Some(text.to_string()));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Awards a bonus item of the plan's rule to a unit.
    pub async fn award_bonus(
        &self,
        plan_id: PlanId,
        unit: &str,
        item: &str,
        note: &str,
        actor: &str,
    ) -> StoreResult<()> {
        let rule = Rule::parse(&self.scoring_rule(plan_id).await?).map_err(StoreError::Invalid)?;
        if !rule.bonus.iter().any(|b| b.name == item) {
            let names: Vec<&str> = rule.bonus.iter().map(|b| b.name.as_str()).collect();
            return Err(StoreError::Invalid(format!("考核规则中没有加分项“{item}”（现有：{}）", names.join("、"))));
        }
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let (unit_id,): (i64,) = sqlx::query_as("SELECT id FROM units WHERE name = $1")
                .bind(unit).fetch_optional(&mut *tx).await?
                .ok_or_else(|| StoreError::NotFound(format!("单位“{unit}”")))?;
            sqlx::query("INSERT INTO bonus_awards (plan_id, unit_id, item, note, awarded_by, awarded_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(plan_id).bind(unit_id).bind(item).bind(note).bind(actor).bind(Utc::now()).execute(&mut *tx).await?;
            let after = serde_json::json!({ "item": item, "note": note }).to_string();
            audit!(self, tx, actor, "score.bonus", &format!("单位“{unit}”"), None, Some(after));
            tx.commit().await?;
        });
        Ok(())
    }

    /// What a year's 考核 is computed from: the rule of the year's first
    /// plan, every unit's items due by `as_of` (with its kind), and the
    /// bonuses awarded in the year's plans.
    pub async fn assessment_inputs(&self, year: i32, as_of: NaiveDate) -> StoreResult<AssessmentInputs> {
        let plans: Vec<(PlanId,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id FROM plans WHERE plan_year = $1 ORDER BY id").bind(year).fetch_all(pool).await?
        });
        let Some((first,)) = plans.first().copied() else {
            return Err(StoreError::NotFound(format!("{year} 年的方案")));
        };
        let rule = Rule::parse(&self.scoring_rule(first).await?).map_err(StoreError::Invalid)?;
        let (rows, bonuses): (Vec<Assessed>, Vec<(String, String)>) = on_pool!(self, pool => {
            // Returns are counted when a reviewer outside the unit returned the
            // report; a head sending a draft back inside the unit is not one.
            let rows = sqlx::query_as(
                "SELECT u.name AS unit, u.kind, t.seq AS task_seq, m.text AS milestone, o.due_date AS due, o.done_on, o.status,
                        (SELECT COUNT(*) FROM reviews r JOIN submissions s ON s.id = r.submission_id JOIN users ru ON ru.id = r.reviewer_id
                         WHERE s.obligation_id = o.id AND r.decision = 'returned'
                           AND (ru.unit_id IS NULL OR ru.unit_id <> o.unit_id)) AS returns
                 FROM obligations o JOIN units u ON u.id = o.unit_id JOIN tasks t ON t.id = o.task_id
                 JOIN plans p ON p.id = t.plan_id JOIN milestones m ON m.task_id = o.task_id AND m.idx = o.milestone_idx
                 WHERE p.plan_year = $1 AND o.active = TRUE AND o.due_date IS NOT NULL AND o.due_date <= $2
                 ORDER BY u.id, o.due_date, t.seq, o.id",
            ).bind(year).bind(as_of).fetch_all(pool).await?;
            let bonuses = sqlx::query_as(
                "SELECT u.name, b.item FROM bonus_awards b JOIN units u ON u.id = b.unit_id JOIN plans p ON p.id = b.plan_id
                 WHERE p.plan_year = $1 ORDER BY b.id",
            ).bind(year).fetch_all(pool).await?;
            (rows, bonuses)
        });
        let mut units: Vec<(String, UnitKind, Vec<Item>)> = Vec::new();
        for row in rows {
            let kind: UnitKind = row.kind.parse().map_err(StoreError::Corrupt)?;
            let done_on = row.done_on.filter(|d| row.status == "accepted" && *d <= as_of);
            let item = Item {
                title: format!("任务{} {}", row.task_seq, row.milestone),
                due: row.due,
                done_on,
                returns: row.returns as u32,
            };
            match units.last_mut() {
                Some((unit, _, items)) if *unit == row.unit => items.push(item),
                _ => units.push((row.unit, kind, vec![item])),
            }
        }
        Ok(AssessmentInputs { rule, units, bonuses })
    }
}

/// What a year's scores are computed from (see `assessment_inputs`).
#[derive(Debug, Clone)]
pub struct AssessmentInputs {
    pub rule: Rule,
    /// Each unit with its kind and its items, in directory order.
    pub units: Vec<(String, UnitKind, Vec<Item>)>,
    /// (unit, bonus item) awarded.
    pub bonuses: Vec<(String, String)>,
}
