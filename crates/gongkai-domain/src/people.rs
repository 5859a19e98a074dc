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

/// The shortest password accepted (OWASP ASVS 2.1.1).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Passwords people often choose, 12 characters or longer, lowercase and
/// sorted (see `data/common-passwords.README.md` for where they come from).
const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

fn is_common(password: &str) -> bool {
    static LIST: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let list = LIST.get_or_init(|| COMMON_PASSWORDS.lines().collect());
    list.binary_search(&password.trim().to_lowercase().as_str()).is_ok()
}

/// Why a new password may not be used, or `None`: at least 12 characters,
/// at most 128, not a commonly chosen one (ASVS 2.1.7), not the login name.
pub fn password_problem(password: &str, login: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Some(format!("密码至少 {MIN_PASSWORD_CHARS} 个字符"));
    }
    if chars > crate::input::PASSWORD.max_chars {
        return Some(format!("密码不能超过 {} 个字符", crate::input::PASSWORD.max_chars));
    }
    if password.contains('\0') {
        return Some("密码中不能有空字符（NUL）".into());
    }
    if is_common(password) {
        return Some("这个密码太常见，容易被猜中：请换一个".into());
    }
    if password.trim().to_lowercase().contains(&login.trim().to_lowercase()) && !login.trim().is_empty() {
        return Some("密码不能包含登录名".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::password_problem;

    #[test]
    fn short_common_and_login_passwords_are_refused() {
        assert!(password_problem("short pass", "wq").unwrap().contains("12"));
        assert!(password_problem("1qaz2wsx3edc", "wq").unwrap().contains("常见"));
        assert!(password_problem("WoAiNi1314520", "wq").unwrap().contains("常见"));
        assert!(password_problem("温泉镇handler2020年", "handler").unwrap().contains("登录名"));
        assert!(password_problem(&"长".repeat(129), "wq").is_some());
        assert_eq!(password_problem("一个足够长的密码 2020", "wq"), None);
    }
}
