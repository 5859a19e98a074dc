//! The ledger's identities, each a type of its own, so that an obligation's
//! id cannot be passed where a task's or a unit's is meant. Each is its
//! row's integer key: stored, bound and sent in JSON as that integer, on
//! both databases and through both SQLite drivers.

use serde::{Deserialize, Serialize};

macro_rules! ids {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type)]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.parse().map($name)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl From<$name> for crate::read::Arg {
            fn from(id: $name) -> crate::read::Arg {
                crate::read::Arg::Int(id.0)
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                i64::column_result(value).map($name)
            }
        }
    )+};
}

ids! {
    /// A programme as imported (方案).
    PlanId,
    /// One row of a programme: a 工作任务.
    TaskId,
    /// One unit's duty for one milestone of a task (任务事项).
    ObligationId,
    /// A unit of the directory.
    UnitId,
    /// An account.
    UserId,
    /// A report (报送) on an obligation.
    SubmissionId,
    /// A unit's 标准目录 for one area.
    CatalogueId,
    /// One item (row) of a catalogue.
    ItemId,
    /// A record of information published under an item.
    RecordId,
    /// One 网上巡查 run.
    RunId,
    /// A problem an inspection found (整改 work for the unit).
    FindingId,
    /// A 政府信息公开申请 in a unit's register.
    RequestId,
    /// A 行政复议 or 行政诉讼 case about a unit's answer.
    CaseId,
}
