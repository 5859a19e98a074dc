//! A unit's 自查报告 draft for a year: the parts the unit writes, its
//! revision, and the head's signature on one revision. Every write is
//! conditional on the revision the writer saw, and audited.

use crate::{BeginWrite, Store, StoreError, StoreResult, UserId, audit, on_pool};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What the unit wrote, and who signed which revision.
#[derive(Debug, Clone, Default, Serialize, sqlx::FromRow)]
pub struct SelfInspectionDraft {
    pub problems: String,
    pub next_steps: String,
    /// 0 before the first save.
    pub revision: i32,
    pub updated_by: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
    pub signed_by: Option<String>,
    pub signed_by_id: Option<UserId>,
    pub signed_at: Option<DateTime<Utc>>,
}

impl SelfInspectionDraft {
    pub fn signed(&self) -> bool {
        self.signed_at.is_some()
    }
}

const CHANGED: &str = "自查报告刚刚已被他人修改或签发，本次未保存：请刷新页面，看过最新内容后再改";

impl Store {
    /// The unit's draft for the year (empty, revision 0, before the first save).
    pub async fn self_inspection_draft(&self, unit: &str, year: i32) -> StoreResult<SelfInspectionDraft> {
        let found: Option<SelfInspectionDraft> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT s.problems, s.next_steps, s.revision, e.display_name AS updated_by, s.updated_at,
                        g.display_name AS signed_by, s.signed_by AS signed_by_id, s.signed_at
                 FROM self_inspections s JOIN units u ON u.id = s.unit_id
                 LEFT JOIN users e ON e.id = s.updated_by LEFT JOIN users g ON g.id = s.signed_by
                 WHERE u.name = $1 AND s.year = $2",
            )
            .bind(unit).bind(year).fetch_optional(pool).await?
        });
        Ok(found.unwrap_or_default())
    }

    /// Saves what the unit wrote over revision `seen` (0: none yet); any
    /// signature lapses, since it was given to other words.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_self_inspection(
        &self,
        unit: &str,
        year: i32,
        seen: i32,
        problems: &str,
        next_steps: &str,
        author: UserId,
        actor: &str,
    ) -> StoreResult<i32> {
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // The first save inserts, a later one updates the revision it saw:
            // either way, of two saves over the same revision one lands.
            let saved: Option<(i32,)> = if seen == 0 {
                sqlx::query_as(
                    "INSERT INTO self_inspections (unit_id, year, problems, next_steps, updated_by, updated_at)
                     SELECT u.id, $2, $3, $4, $5, $6 FROM units u WHERE u.name = $1
                     ON CONFLICT (unit_id, year) DO NOTHING RETURNING revision",
                )
                .bind(unit).bind(year).bind(problems).bind(next_steps).bind(author).bind(Utc::now())
                .fetch_optional(&mut *tx).await?
            } else {
                sqlx::query_as(
                    "UPDATE self_inspections SET problems = $3, next_steps = $4, updated_by = $5, updated_at = $6,
                         revision = revision + 1, signed_by = NULL, signed_at = NULL
                     WHERE year = $2 AND revision = $7 AND unit_id = (SELECT id FROM units WHERE name = $1)
                     RETURNING revision",
                )
                .bind(unit).bind(year).bind(problems).bind(next_steps).bind(author).bind(Utc::now()).bind(seen)
                .fetch_optional(&mut *tx).await?
            };
            let saved = saved.ok_or_else(|| StoreError::Stale(CHANGED.into()))?;
            let after = serde_json::json!({ "problems": problems, "next_steps": next_steps, "revision": saved.0 }).to_string();
            audit!(self, tx, actor, "self_inspection.save", &format!("{unit} {year}年自查报告"), None, Some(after));
            tx.commit().await?;
            saved.0
        }))
    }

    /// The head signs revision `seen`, as read; a later edit or a second
    /// signature finds it changed.
    pub async fn sign_self_inspection(
        &self,
        unit: &str,
        year: i32,
        seen: i32,
        head: UserId,
        actor: &str,
    ) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let signed = sqlx::query(
                "UPDATE self_inspections SET signed_by = $3, signed_at = $4
                 WHERE year = $2 AND revision = $5 AND signed_at IS NULL AND unit_id = (SELECT id FROM units WHERE name = $1)",
            )
            .bind(unit).bind(year).bind(head).bind(Utc::now()).bind(seen)
            .execute(&mut *tx).await?.rows_affected();
            if signed == 0 {
                return Err(StoreError::Stale(CHANGED.into()));
            }
            let after = serde_json::json!({ "revision": seen }).to_string();
            audit!(self, tx, actor, "self_inspection.sign", &format!("{unit} {year}年自查报告"), None, Some(after));
            tx.commit().await?;
        });
        Ok(())
    }
}
