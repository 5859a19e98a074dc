//! 单位与分组: the office corrects the unit directory (rows marked 待核实 are
//! best guesses), confirms who the "…等相关部门" of a task are, and says where
//! each unit is told (e-mail and group robots).

use crate::{App, Error, Result};
use gongkai_domain::units::{Unit, UnitKind, aliases_from};
use gongkai_store::{ImportReport, TaskId, User};
use serde::Deserialize;

/// A unit as a form or a JSON body sends it.
#[derive(Debug, Deserialize)]
pub struct UnitForm {
    #[serde(default)]
    pub csrf: String,
    /// The unit's current full name; empty adds a new unit.
    #[serde(default)]
    pub previous: String,
    pub name: String,
    /// Short names, separated by "/" or "、".
    #[serde(default)]
    pub aliases: String,
    pub kind: String,
    #[serde(default)]
    pub parent: String,
    /// Present (any value) while the row is still a guess.
    #[serde(default)]
    pub inferred: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// A unit's channels as the office types them; an empty secret keeps the
/// one already set (secrets are never shown again).
#[derive(Debug, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub wecom_url: String,
    #[serde(default)]
    pub dingtalk_url: String,
    #[serde(default)]
    pub dingtalk_secret: String,
    #[serde(default)]
    pub feishu_url: String,
    #[serde(default)]
    pub feishu_secret: String,
}

pub async fn save_unit(app: &App, user: &User, form: &UnitForm) -> Result<()> {
    if !crate::access::manages(user.role) {
        return Err(Error::Forbidden);
    }
    use gongkai_domain::input;
    let kind: UnitKind = input::VALUE.clean(&form.kind)?.parse().map_err(Error::Invalid)?;
    let name = input::UNIT_NAME.clean(&form.name)?;
    let name = name.as_str();
    if name.is_empty() {
        return Err(Error::invalid("单位全称不能为空"));
    }
    let parent = Some(input::UNIT_NAME.clean(&form.parent)?).filter(|p| !p.is_empty());
    if let Some(parent) = &parent {
        let directory = app.store.directory().await?;
        if directory.find(parent).is_none() {
            return Err(Error::invalid(format!("上级单位“{parent}”不在单位目录中")));
        }
    }
    let unit = Unit {
        name: name.to_string(),
        aliases: aliases_from(&input::ALIASES.clean(&form.aliases)?)
            .iter()
            .map(|a| input::UNIT_NAME.clean(a))
            .collect::<std::result::Result<_, _>>()?,
        kind,
        parent,
        inferred: form.inferred.as_deref().is_some_and(|v| !v.is_empty() && v != "false"),
        note: input::NOTE.clean(&form.note)?,
    };
    let previous = input::UNIT_NAME.clean(&form.previous)?;
    let previous = Some(previous.as_str()).filter(|p| !p.is_empty());
    app.store.save_unit(previous, &unit, &user.login).await?;
    Ok(())
}

/// The office names who the "…等相关部门" of a task are.
pub async fn confirm_members(app: &App, user: &User, task_id: TaskId, units: &[String]) -> Result<ImportReport> {
    if !crate::access::manages(user.role) {
        return Err(Error::Forbidden);
    }
    if units.len() > 1_000 {
        return Err(Error::invalid("一次最多确认 1000 个单位"));
    }
    let units =
        units.iter().map(|u| gongkai_domain::input::UNIT_NAME.clean(u)).collect::<std::result::Result<Vec<_>, _>>()?;
    let directory = app.store.directory().await?;
    Ok(app.store.confirm_members(task_id, &units, &directory, &user.login).await?)
}

/// Saves and gives the channels the unit now has.
pub async fn save_contact(app: &App, user: &User, form: &ContactForm) -> Result<Vec<&'static str>> {
    if !crate::access::manages(user.role) {
        return Err(Error::Forbidden);
    }
    use gongkai_domain::input;
    let unit_name = input::UNIT_NAME.clean(&form.unit)?;
    let directory = app.store.directory().await?;
    let unit = directory.find(&unit_name).ok_or_else(|| Error::invalid(format!("单位“{unit_name}”不在单位目录中")))?;
    let email = input::EMAIL.clean(&form.email)?;
    let email = email.as_str();
    let (wecom_url, dingtalk_url, feishu_url) = (
        input::URL.clean(&form.wecom_url)?,
        input::URL.clean(&form.dingtalk_url)?,
        input::URL.clean(&form.feishu_url)?,
    );
    let (dingtalk_secret, feishu_secret) =
        (input::SECRET.clean(&form.dingtalk_secret)?, input::SECRET.clean(&form.feishu_secret)?);
    if !email.is_empty() && (!email.contains('@') || email.contains(char::is_whitespace)) {
        return Err(Error::invalid(format!("邮箱地址“{email}”无效")));
    }
    for (what, url) in [("企业微信", &wecom_url), ("钉钉", &dingtalk_url), ("飞书", &feishu_url)] {
        let url = url.trim();
        if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
            return Err(Error::invalid(format!("{what}机器人地址应以 https:// 开头")));
        }
    }
    let before = app.store.contact(&unit.name).await?;
    let keep = |new: &str, old: &str| if new.trim().is_empty() { old.to_string() } else { new.trim().to_string() };
    let contact = gongkai_store::Contact {
        email: email.to_string(),
        wecom_url,
        dingtalk_url,
        dingtalk_secret: keep(&dingtalk_secret, &before.dingtalk_secret),
        feishu_url,
        feishu_secret: keep(&feishu_secret, &before.feishu_secret),
    };
    app.store.set_contact(&unit.name, &contact, &user.login).await?;
    Ok(contact.channels())
}
