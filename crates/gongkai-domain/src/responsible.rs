//! What a 责任单位 cell names: units by kind ("各镇（街）"), by list
//! ("区委组织部（区公务员局）、区委党校"), or a lead unit plus members the office
//! must confirm ("区发改局等相关部门").

use crate::units::{Directory, UnitKind};
use serde::Serialize;

/// Phrases that name every unit of some kinds.
const KIND_PHRASES: &[(&str, &[UnitKind])] = &[
    ("区政府各部门", &[UnitKind::Department]),
    ("区直各部门", &[UnitKind::Department]),
    ("区直各单位", &[UnitKind::Department]),
    ("各部门", &[UnitKind::Department]),
    ("各镇（街）", &[UnitKind::Town, UnitKind::Street]),
    ("各镇街", &[UnitKind::Town, UnitKind::Street]),
    ("各镇、街", &[UnitKind::Town, UnitKind::Street]),
    ("各镇人民政府", &[UnitKind::Town]),
    ("各镇", &[UnitKind::Town]),
    ("各街道办事处", &[UnitKind::Street]),
    ("各街道", &[UnitKind::Street]),
    ("各村（居）", &[UnitKind::Village, UnitKind::Community]),
    ("各村（社区）", &[UnitKind::Village, UnitKind::Community]),
    ("各村", &[UnitKind::Village]),
    ("各社区", &[UnitKind::Community]),
    ("各垂直管理部门", &[UnitKind::Vertical]),
];

/// The members of a "…等…" group that are not named and must be confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingMembers {
    /// What the text says of them: "相关部门", "26个试点领域相关部门".
    pub description: String,
    /// How many units the text says there are in all, if it says.
    pub expected: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitGroup {
    pub text: String,
    pub kinds: Vec<UnitKind>,
    /// Units named in the text, by full name; always bound.
    pub named: Vec<String>,
    /// Present for "…等…": the office must confirm the rest; until then only
    /// the named (lead) unit is bound and the group is flagged.
    pub pending: Option<PendingMembers>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    #[error("责任单位为空")]
    Empty,
    #[error("单位目录中没有“{name}”（出现在“{text}”中）；请在单位目录中添加该单位或其简称")]
    UnknownUnit { name: String, text: String },
}

fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            '、' | '，' | ',' | '；' | ';' | '\n' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect()
}

impl UnitGroup {
    pub fn parse(text: &str, directory: &Directory) -> Result<UnitGroup, GroupError> {
        let cleaned: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let cleaned = cleaned.replace('(', "（").replace(')', "）");
        if cleaned.is_empty() {
            return Err(GroupError::Empty);
        }
        let mut group =
            UnitGroup { text: text.trim().to_string(), kinds: Vec::new(), named: Vec::new(), pending: None };
        let mut rest = cleaned.as_str();
        // "各镇、街" is one phrase although it holds a list mark.
        let mut parts: Vec<String> = Vec::new();
        while !rest.is_empty() {
            if let Some((phrase, kinds)) = KIND_PHRASES.iter().find(|(p, _)| rest.starts_with(p)) {
                for kind in *kinds {
                    if !group.kinds.contains(kind) {
                        group.kinds.push(*kind);
                    }
                }
                rest = rest[phrase.len()..].trim_start_matches(['、', '，', ',', '；']);
                continue;
            }
            let parts_here = split_top_level(rest);
            let Some(first) = parts_here.first() else { break };
            parts.push(first.to_string());
            rest = rest[rest.find(first).unwrap_or(0) + first.len()..].trim_start_matches(['、', '，', ',', '；']);
        }
        for part in parts {
            let (name, pending) = match part.split_once('等') {
                Some((lead, others)) => (lead.to_string(), Some(pending_members(others))),
                None => (part.clone(), None),
            };
            if name.is_empty() {
                group.pending = pending.or(group.pending);
                continue;
            }
            let unit = directory
                .find(&name)
                .ok_or_else(|| GroupError::UnknownUnit { name: name.clone(), text: group.text.clone() })?;
            if !group.named.contains(&unit.name) {
                group.named.push(unit.name.clone());
            }
            if pending.is_some() {
                group.pending = pending;
            }
        }
        Ok(group)
    }

    /// Full names of the units bound now: every unit of the kinds, the named
    /// ones, and members the office has confirmed.
    pub fn bound_units(&self, directory: &Directory, confirmed: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |name: &str| {
            if !out.iter().any(|n| n == name) {
                out.push(name.to_string());
            }
        };
        for kind in &self.kinds {
            for unit in directory.of_kind(*kind) {
                add(&unit.name);
            }
        }
        for name in self.named.iter().chain(confirmed) {
            add(name);
        }
        out
    }

    /// True while members remain for the office to confirm.
    pub fn needs_confirmation(&self) -> bool {
        self.pending.is_some()
    }
}

fn pending_members(others: &str) -> PendingMembers {
    let description = others.trim_start_matches('等').to_string();
    let digits: String = description.chars().take_while(|c| c.is_ascii_digit()).collect();
    let expected = match digits.parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) => crate::numerals::read_number(&description.chars().collect::<Vec<_>>(), 0)
            .filter(|_| description.contains('个'))
            .map(|(n, _)| n),
    };
    PendingMembers { description, expected }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Unit;

    fn directory() -> Directory {
        let unit = Unit::new;
        Directory::new(vec![
            unit("发改局", "区发改局", UnitKind::Department),
            unit("教育局", "区教育局", UnitKind::Department),
            unit("规划资源分局", "区规划资源分局", UnitKind::Vertical),
            unit("组织部", "区委组织部（区公务员局）", UnitKind::Party),
            unit("党校", "区委党校", UnitKind::Party),
            unit("温泉镇", "温泉镇", UnitKind::Town),
            unit("街口街道", "街口街", UnitKind::Street),
        ])
    }

    #[test]
    fn kind_phrases_bind_every_unit_of_those_kinds() {
        let group = UnitGroup::parse("区政府各部门、各镇（街）", &directory()).unwrap();
        assert_eq!(group.kinds, vec![UnitKind::Department, UnitKind::Town, UnitKind::Street]);
        assert_eq!(group.bound_units(&directory(), &[]), vec!["发改局", "教育局", "温泉镇", "街口街道"]);
        assert!(!group.needs_confirmation());
    }

    #[test]
    fn a_list_of_names_binds_each_named_unit() {
        let group = UnitGroup::parse("区委组织部（区公务员局）、区委党校", &directory()).unwrap();
        assert_eq!(group.named, vec!["组织部", "党校"]);
        assert!(group.kinds.is_empty());
    }

    #[test]
    fn a_lead_unit_with_others_binds_the_lead_and_is_flagged_until_confirmed() {
        let group = UnitGroup::parse("区规划资源分局等26个试点领域相关部门", &directory()).unwrap();
        assert_eq!(group.named, vec!["规划资源分局"]);
        let pending = group.pending.clone().unwrap();
        assert_eq!(pending.expected, Some(26));
        assert_eq!(pending.description, "26个试点领域相关部门");
        assert_eq!(group.bound_units(&directory(), &[]), vec!["规划资源分局"]);
        assert_eq!(group.bound_units(&directory(), &["教育局".into()]), vec!["规划资源分局", "教育局"]);
        let other = UnitGroup::parse("区教育局等公共企事业单位主管部门", &directory()).unwrap();
        assert_eq!(other.pending.unwrap().expected, None);
    }

    #[test]
    fn an_unknown_name_is_an_error_that_names_it() {
        let err = UnitGroup::parse("区发改局、区火星局", &directory()).unwrap_err();
        assert_eq!(err, GroupError::UnknownUnit { name: "区火星局".into(), text: "区发改局、区火星局".into() });
        assert_eq!(UnitGroup::parse("  ", &directory()), Err(GroupError::Empty));
    }
}
