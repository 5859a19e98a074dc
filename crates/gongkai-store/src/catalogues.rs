//! 标准目录 in the database: a unit's catalogue per area, its items, the
//! acts on it (submit, return, accept, approve, publish, revise) and the
//! records published under its items. Every write is one transaction,
//! conditional on the revision the writer saw, and audited.

use crate::{
    BeginWrite, CatalogueId, ItemId, RecordId, Store, StoreError, StoreResult, UnitId, UserId, audit, on_pool,
};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_domain::catalogue::{CatalogueAct, CatalogueStatus, ItemDraft};
use gongkai_domain::timelimit::TimeLimit;
use serde::Serialize;

/// A catalogue as lists show it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CatalogueRow {
    pub id: CatalogueId,
    pub unit_id: UnitId,
    pub unit: String,
    pub area: String,
    pub status: String,
    pub version: i32,
    pub revision: i32,
    pub title: String,
    pub source: String,
    pub comment: String,
    pub approval: String,
    pub updated_by: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub items: i64,
    /// A version was published: the public reads it (`published_items`).
    pub public: bool,
}

impl CatalogueRow {
    pub fn status(&self) -> CatalogueStatus {
        CatalogueStatus::from_code(&self.status).unwrap_or(CatalogueStatus::Draft)
    }
}

/// One item as stored; `channels` and `levels` are JSON arrays.
#[derive(Debug, Clone, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct ItemRow {
    pub id: ItemId,
    pub catalogue_id: CatalogueId,
    pub position: i32,
    pub seq: Option<String>,
    pub category: Option<String>,
    pub level1: Option<String>,
    pub level2: Option<String>,
    pub level3: Option<String>,
    pub content: String,
    pub basis: String,
    pub timelimit: String,
    pub timelimit_as_printed: Option<String>,
    pub rule: Option<String>,
    pub subject: String,
    pub channels: String,
    pub url: Option<String>,
    pub audience: Option<String>,
    pub mode: Option<String>,
    pub levels: String,
}

impl ItemRow {
    pub fn draft(&self) -> ItemDraft {
        let list = |json: &str| serde_json::from_str::<Vec<String>>(json).unwrap_or_default();
        ItemDraft {
            at: String::new(),
            seq: self.seq.clone(),
            category: self.category.clone(),
            level1: self.level1.clone(),
            level2: self.level2.clone(),
            level3: self.level3.clone(),
            content: self.content.clone(),
            basis: self.basis.clone(),
            timelimit: self.timelimit.clone(),
            timelimit_as_printed: self.timelimit_as_printed.clone(),
            subject: self.subject.clone(),
            channels: list(&self.channels),
            url: self.url.clone(),
            audience: self.audience.clone(),
            mode: self.mode.clone(),
            level: list(&self.levels),
        }
    }
}

/// One act in a catalogue's history.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CatalogueEvent {
    pub act: String,
    pub status: String,
    pub comment: String,
    pub actor: Option<String>,
    pub at: DateTime<Utc>,
}

/// A record of information published under an item.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RecordRow {
    pub id: RecordId,
    pub item_id: ItemId,
    pub title: String,
    pub url: String,
    pub published_on: NaiveDate,
    pub event_on: Option<NaiveDate>,
    pub entered_by: Option<String>,
    pub entered_at: DateTime<Utc>,
}

/// A record to add (from a filled-in 登记表).
#[derive(Debug, Clone)]
pub struct NewRecordRow {
    pub item: ItemId,
    pub title: String,
    pub url: String,
    pub published_on: NaiveDate,
    pub event_on: Option<NaiveDate>,
}

/// Which catalogues to list.
#[derive(Debug, Clone, Default)]
pub struct CatalogueFilter {
    pub unit: Option<String>,
    pub area: Option<String>,
    pub status: Option<String>,
    pub id: Option<CatalogueId>,
}

const CHANGED: &str = "标准目录刚刚已被他人修改或办理，本次未保存：请刷新页面，看过最新内容后再办";

macro_rules! select_catalogue {
    () => {
        "SELECT c.id, c.unit_id, u.name AS unit, c.area, c.status, c.version, c.revision, c.title,
        c.source, c.comment, c.approval, e.display_name AS updated_by, c.updated_at, c.published_at,
        (SELECT COUNT(*) FROM catalogue_items i WHERE i.catalogue_id = c.id AND i.retired = FALSE) AS items,
        (c.published_items IS NOT NULL) AS public
    FROM catalogues c JOIN units u ON u.id = c.unit_id LEFT JOIN users e ON e.id = c.updated_by"
    };
}

macro_rules! select_item {
    () => {
        "SELECT id, catalogue_id, position, seq, category, level1, level2, level3, content, basis,
        timelimit, timelimit_as_printed, rule, subject, channels, url, audience, mode, levels FROM catalogue_items"
    };
}

impl Store {
    /// Catalogues by unit, area, status or id, ordered by unit and area.
    pub async fn catalogues(&self, filter: &CatalogueFilter) -> StoreResult<Vec<CatalogueRow>> {
        let sql = concat!(
            select_catalogue!(),
            " WHERE ($1 IS NULL OR u.name = $1) AND ($2 IS NULL OR c.area = $2)
               AND ($3 IS NULL OR c.status = $3) AND ($4 IS NULL OR c.id = $4)
             ORDER BY u.name, c.area"
        );
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(filter.unit.as_deref()).bind(filter.area.as_deref())
                .bind(filter.status.as_deref()).bind(filter.id)
                .fetch_all(pool).await?
        }))
    }

    pub async fn catalogue(&self, id: CatalogueId) -> StoreResult<CatalogueRow> {
        let found = self.catalogues(&CatalogueFilter { id: Some(id), ..Default::default() }).await?;
        found.into_iter().next().ok_or_else(|| StoreError::NotFound("这份标准目录".into()))
    }

    /// The items as last published, for the public; None before the first publication.
    pub async fn published_items(&self, id: CatalogueId) -> StoreResult<Option<Vec<ItemRow>>> {
        let found: Option<(Option<String>,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT published_items FROM catalogues WHERE id = $1").bind(id).fetch_optional(pool).await?
        });
        match found.and_then(|(json,)| json) {
            Some(json) => Ok(Some(serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?)),
            None => Ok(None),
        }
    }

    /// The catalogue's current items, in order.
    pub async fn catalogue_items(&self, id: CatalogueId) -> StoreResult<Vec<ItemRow>> {
        let sql = concat!(select_item!(), " WHERE catalogue_id = $1 AND retired = FALSE ORDER BY position");
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_all(pool).await?))
    }

    pub async fn catalogue_item(&self, id: ItemId) -> StoreResult<ItemRow> {
        let sql = concat!(select_item!(), " WHERE id = $1");
        let found: Option<ItemRow> = on_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await?);
        found.ok_or_else(|| StoreError::NotFound("这个目录事项".into()))
    }

    pub async fn catalogue_events(&self, id: CatalogueId) -> StoreResult<Vec<CatalogueEvent>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT e.act, e.status, e.comment, u.display_name AS actor, e.at
                 FROM catalogue_events e LEFT JOIN users u ON u.id = e.actor
                 WHERE e.catalogue_id = $1 ORDER BY e.id",
            )
            .bind(id).fetch_all(pool).await?
        }))
    }

    /// Writes `items` as the unit's catalogue for `area`: a new draft, or the
    /// draft (or returned catalogue) at revision `seen` with its items
    /// replaced. Items keep their ids by position, so records published under
    /// them stay attached; items beyond the new list are retired.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_catalogue(
        &self,
        unit: &str,
        area: &str,
        seen: i32,
        title: &str,
        source: &str,
        items: &[ItemDraft],
        author: Option<UserId>,
        actor: &str,
    ) -> StoreResult<CatalogueId> {
        let editable: Vec<&str> = CatalogueStatus::ALL.iter().filter(|s| s.editable()).map(|s| s.code()).collect();
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let now = Utc::now();
            let saved: Option<(CatalogueId,)> = if seen == 0 {
                sqlx::query_as(
                    "INSERT INTO catalogues (unit_id, area, title, source, updated_by, updated_at)
                     SELECT u.id, $2, $3, $4, $5, $6 FROM units u WHERE u.name = $1
                     ON CONFLICT (unit_id, area) DO NOTHING RETURNING id",
                )
                .bind(unit).bind(area).bind(title).bind(source).bind(author).bind(now)
                .fetch_optional(&mut *tx).await?
            } else {
                sqlx::query_as(
                    "UPDATE catalogues SET title = $3, source = $4, updated_by = $5, updated_at = $6, revision = revision + 1
                     WHERE area = $2 AND revision = $7 AND status IN ($8, $9)
                       AND unit_id = (SELECT id FROM units WHERE name = $1)
                     RETURNING id",
                )
                .bind(unit).bind(area).bind(title).bind(source).bind(author).bind(now).bind(seen)
                .bind(editable[0]).bind(editable[1])
                .fetch_optional(&mut *tx).await?
            };
            let (id,) = saved.ok_or_else(|| StoreError::Stale(CHANGED.into()))?;
            let existing: Vec<(ItemId,)> = sqlx::query_as(
                "SELECT id FROM catalogue_items WHERE catalogue_id = $1 ORDER BY position, id",
            )
            .bind(id).fetch_all(&mut *tx).await?;
            for (position, item) in items.iter().enumerate() {
                let channels = serde_json::to_string(&item.channels).unwrap_or_else(|_| "[]".into());
                let levels = serde_json::to_string(&item.level).unwrap_or_else(|_| "[]".into());
                let values = sqlx::query(match existing.get(position) {
                    Some(_) => "UPDATE catalogue_items SET position = $2, seq = $3, category = $4, level1 = $5, level2 = $6,
                           level3 = $7, content = $8, basis = $9, timelimit = $10, timelimit_as_printed = $11,
                           subject = $12, channels = $13, url = $14, audience = $15, mode = $16, levels = $17,
                           retired = FALSE,
                           rule = CASE WHEN timelimit = $10 THEN rule ELSE NULL END
                       WHERE id = $1",
                    None => "INSERT INTO catalogue_items (catalogue_id, position, seq, category, level1, level2, level3,
                           content, basis, timelimit, timelimit_as_printed, subject, channels, url, audience, mode, levels)
                       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
                });
                let first = existing.get(position).map_or(id.0, |(item_id,)| item_id.0);
                values
                    .bind(first).bind(position as i32).bind(item.seq.as_deref()).bind(item.category.as_deref())
                    .bind(item.level1.as_deref()).bind(item.level2.as_deref()).bind(item.level3.as_deref())
                    .bind(&item.content).bind(&item.basis).bind(&item.timelimit)
                    .bind(item.timelimit_as_printed.as_deref()).bind(&item.subject).bind(channels)
                    .bind(item.url.as_deref()).bind(item.audience.as_deref()).bind(item.mode.as_deref()).bind(levels)
                    .execute(&mut *tx).await?;
            }
            for (item_id,) in existing.iter().skip(items.len()) {
                sqlx::query("UPDATE catalogue_items SET retired = TRUE WHERE id = $1").bind(item_id).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO catalogue_events (catalogue_id, act, status, comment, actor, at)
                         SELECT id, 'save', status, $2, $3, $4 FROM catalogues WHERE id = $1")
                .bind(id).bind(source).bind(author).bind(now).execute(&mut *tx).await?;
            let after = serde_json::json!({ "items": items.len(), "source": source }).to_string();
            audit!(self, tx, actor, "catalogue.save", &format!("{unit}《{area}》标准目录"), None, Some(after));
            tx.commit().await?;
            id
        }))
    }

    /// An act on the catalogue at revision `seen`, allowed only from the
    /// states the act needs. Returns the new status.
    #[allow(clippy::too_many_arguments)]
    pub async fn catalogue_act(
        &self,
        id: CatalogueId,
        act: CatalogueAct,
        seen: i32,
        comment: &str,
        approval: Option<&str>,
        author: Option<UserId>,
        actor: &str,
    ) -> StoreResult<CatalogueStatus> {
        let (from, to) = act.transition();
        let from: Vec<&str> = from.iter().map(|s| s.code()).collect();
        let (a, b) = (from[0], from.get(1).copied().unwrap_or(from[0]));
        let act_code = act.code();
        let revise = matches!(act, CatalogueAct::Revise);
        let publish = matches!(act, CatalogueAct::Publish);
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let now = Utc::now();
            let before: Option<(String, String, String)> = sqlx::query_as(
                "SELECT c.status, u.name, c.area FROM catalogues c JOIN units u ON u.id = c.unit_id WHERE c.id = $1",
            )
            .bind(id).fetch_optional(&mut *tx).await?;
            let (status_before, unit, area) = before.ok_or_else(|| StoreError::NotFound("这份标准目录".into()))?;
            let changed = sqlx::query(
                "UPDATE catalogues SET status = $2, revision = revision + 1, updated_by = $3, updated_at = $4,
                     comment = CASE WHEN $5 = '' THEN comment ELSE $5 END,
                     approval = COALESCE($6, approval),
                     version = version + CASE WHEN $7 THEN 1 ELSE 0 END,
                     published_at = CASE WHEN $8 THEN $4 ELSE published_at END
                 WHERE id = $1 AND revision = $9 AND status IN ($10, $11)",
            )
            .bind(id).bind(to.code()).bind(author).bind(now).bind(comment).bind(approval)
            .bind(revise).bind(publish).bind(seen).bind(a).bind(b)
            .execute(&mut *tx).await?.rows_affected();
            if changed == 0 {
                return Err(StoreError::Stale(CHANGED.into()));
            }
            if publish {
                // The version the public reads from now on.
                let items: Vec<ItemRow> = sqlx::query_as(concat!(select_item!(), " WHERE catalogue_id = $1 AND retired = FALSE ORDER BY position"))
                    .bind(id).fetch_all(&mut *tx).await?;
                let snapshot = serde_json::to_string(&items).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                sqlx::query("UPDATE catalogues SET published_items = $2 WHERE id = $1").bind(id).bind(snapshot).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO catalogue_events (catalogue_id, act, status, comment, actor, at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id).bind(act_code).bind(to.code()).bind(comment).bind(author).bind(now)
                .execute(&mut *tx).await?;
            let before = serde_json::json!({ "status": status_before }).to_string();
            let after = serde_json::json!({ "status": to.code(), "comment": comment, "approval": approval }).to_string();
            audit!(self, tx, actor, &format!("catalogue.{act_code}"), &format!("{unit}《{area}》标准目录"), Some(before), Some(after));
            tx.commit().await?;
        });
        Ok(to)
    }

    /// The office's reading of an item's 公开时限 (JSON), or None to go back to the parsed one.
    pub async fn set_item_rule(&self, item: ItemId, rule: Option<&str>, actor: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let before: Option<(Option<String>, String)> =
                sqlx::query_as("SELECT rule, timelimit FROM catalogue_items WHERE id = $1").bind(item).fetch_optional(&mut *tx).await?;
            let (before, text) = before.ok_or_else(|| StoreError::NotFound("这个目录事项".into()))?;
            sqlx::query("UPDATE catalogue_items SET rule = $2 WHERE id = $1").bind(item).bind(rule).execute(&mut *tx).await?;
            // The log says the rule in words, as the page shows it.
            let said = |json: Option<&str>| {
                let reading = json.and_then(|j| serde_json::from_str::<TimeLimit>(j).ok()).unwrap_or_else(|| TimeLimit::parse(&text));
                serde_json::json!({ "rule": reading.describe() }).to_string()
            };
            audit!(self, tx, actor, "catalogue.rule", &format!("目录事项 {item}（{text}）"), Some(said(before.as_deref())), Some(said(rule)));
            tx.commit().await?;
        });
        Ok(())
    }

    /// An item's column address (the 政府网站 column the inspection reads).
    pub async fn set_item_url(&self, item: ItemId, url: Option<&str>, actor: &str) -> StoreResult<()> {
        on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let before: Option<(Option<String>,)> =
                sqlx::query_as("SELECT url FROM catalogue_items WHERE id = $1").bind(item).fetch_optional(&mut *tx).await?;
            let (before,) = before.ok_or_else(|| StoreError::NotFound("这个目录事项".into()))?;
            sqlx::query("UPDATE catalogue_items SET url = $2 WHERE id = $1").bind(item).bind(url).execute(&mut *tx).await?;
            let said = |u: Option<&str>| serde_json::json!({ "url": u.unwrap_or("") }).to_string();
            audit!(self, tx, actor, "catalogue.url", &format!("目录事项 {item}"), Some(said(before.as_deref())), Some(said(url)));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records from the page, the API or a filled-in 登记表, all in one
    /// transaction, each audited. One already kept (same item, title and
    /// publication day: a second click, a sheet uploaded twice) is skipped;
    /// returns how many were added.
    pub async fn add_published_records(
        &self,
        records: &[NewRecordRow],
        author: Option<UserId>,
        actor: &str,
    ) -> StoreResult<usize> {
        Ok(on_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let now = Utc::now();
            let mut added = 0;
            for r in records {
                let inserted = sqlx::query(
                    "INSERT INTO published_records (item_id, title, url, published_on, event_on, entered_by, entered_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (item_id, title, published_on) DO NOTHING",
                )
                .bind(r.item).bind(&r.title).bind(&r.url).bind(r.published_on).bind(r.event_on).bind(author).bind(now)
                .execute(&mut *tx).await?.rows_affected();
                if inserted == 0 {
                    continue;
                }
                added += 1;
                let after = serde_json::json!({ "catalogue_item": r.item, "title": r.title, "url": r.url,
                    "published_on": r.published_on, "event_on": r.event_on }).to_string();
                audit!(self, tx, actor, "catalogue.record", &format!("目录事项 {}：{}", r.item, r.title), None, Some(after));
            }
            tx.commit().await?;
            added
        }))
    }

    /// Records under the catalogue's items, newest first.
    pub async fn published_records(&self, catalogue: CatalogueId) -> StoreResult<Vec<RecordRow>> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT r.id, r.item_id, r.title, r.url, r.published_on, r.event_on, u.display_name AS entered_by, r.entered_at
                 FROM published_records r JOIN catalogue_items i ON i.id = r.item_id LEFT JOIN users u ON u.id = r.entered_by
                 WHERE i.catalogue_id = $1 ORDER BY r.published_on DESC, r.id DESC",
            )
            .bind(catalogue).fetch_all(pool).await?
        }))
    }
}
