//! Who uses gongkai: roles and what each may see.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 公开办: loads lists, reviews, reminds, sees everything in its region.
    Office,
    /// 承办人: sees and reports its own unit's obligations only.
    Handler,
    /// 单位负责人: a handler who also signs off reports.
    Head,
    /// 领导: reads dashboards and reports.
    Viewer,
    /// 管理员: accounts, backups, settings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Office, Role::Handler, Role::Head, Role::Viewer, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Office => "office",
            Role::Handler => "handler",
            Role::Head => "head",
            Role::Viewer => "viewer",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Office => "公开办",
            Role::Handler => "承办人",
            Role::Head => "单位负责人",
            Role::Viewer => "领导",
            Role::Admin => "管理员",
        }
    }

    /// Roles that act for one unit and see only its work.
    pub fn is_unit_bound(self) -> bool {
        matches!(self, Role::Handler | Role::Head)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| format!("未知的角色“{s}”（可用：office、handler、head、viewer、admin）"))
    }
}
