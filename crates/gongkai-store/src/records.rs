//! Rows as the database returns them, and their conversion to domain values.

use crate::{StoreError, StoreResult, UnitId};
use gongkai_domain::units::Unit;

#[derive(sqlx::FromRow)]
pub(crate) struct UnitRecord {
    pub id: UnitId,
    pub name: String,
    pub aliases: String,
    pub kind: String,
    pub parent: Option<String>,
    pub inferred: bool,
    pub note: String,
}

impl UnitRecord {
    pub fn into_unit(self) -> StoreResult<Unit> {
        Ok(Unit {
            kind: self.kind.parse().map_err(StoreError::Corrupt)?,
            aliases: self.aliases.lines().filter(|a| !a.is_empty()).map(String::from).collect(),
            name: self.name,
            parent: self.parent,
            inferred: self.inferred,
            note: self.note,
        })
    }
}
