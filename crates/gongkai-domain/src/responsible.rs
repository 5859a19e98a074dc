//! What a 责任单位 cell names: units by kind ("各镇（街）"), by list
//! ("区委组织部（区公务员局）、区委党校"), or a lead unit plus members the office
//! must confirm ("区发改局等相关部门").

use crate::units::{Directory, UnitKind};
use serde::Serialize;

/// Phrases that name every unit of some kinds.
const KIND_PHRASES: &[(&str, &[UnitKind])] = &[
    ("区政府各部门", &[UnitKind::Department]),
    ("区直各部门", &[UnitKind::Department]),
    ("县直各部门", &[UnitKind::Department]),
    ("市直各部门", &[UnitKind::Department]),
    ("县政府各部门", &[UnitKind::Department]),
    ("市政府各部门", &[UnitKind::Department]),
    ("区直各单位", &[UnitKind::Department]),
    ("各部门", &[UnitKind::Department]),
    ("各乡镇人民政府（街道办事处）", &[UnitKind::Town, UnitKind::Street]),
    ("各镇人民政府（街道办事处）", &[UnitKind::Town, UnitKind::Street]),
    ("各乡镇（街道）", &[UnitKind::Town, UnitKind::Street]),
    ("各镇（街道）", &[UnitKind::Town, UnitKind::Street]),
    ("各乡镇街道", &[UnitKind::Town, UnitKind::Street]),
    ("各镇（街）", &[UnitKind::Town, UnitKind::Street]),
    ("各镇街", &[UnitKind::Town, UnitKind::Street]),
    ("各镇、街", &[UnitKind::Town, UnitKind::Street]),
    ("各镇人民政府", &[UnitKind::Town]),
    ("各乡镇人民政府", &[UnitKind::Town]),
    ("各乡镇", &[UnitKind::Town]),
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
    split_outside_brackets(text, &['、', '，', ',', '；', ';', '\n'])
}

/// `text` cut at any of `separators` standing outside brackets
/// ("各县（市、区）政府" stays whole), the pieces trimmed, empty ones dropped.
fn split_outside_brackets<'a>(text: &'a str, separators: &[char]) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            c if depth == 0 && separators.contains(&c) => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect()
}

/// Who leads a task, who supports it, and who is responsible where the list
/// does not tell the two apart; each a list of names as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnitRoles {
    pub lead: Vec<String>,
    pub support: Vec<String>,
    pub units: Vec<String>,
}

/// Words after a unit name that are not part of it.
const TRAILING_WORDS: [&str; 8] =
    ["按职责分工落实", "按职责分工负责", "负责落实", "分别牵头", "牵头", "配合", "负责", "等"];

/// Last characters of a unit's name: where "A和B" or "A及B" is two units.
const NAME_ENDINGS: &str = "局委办室处科所站中心院校馆队部府会团社司行庭组区镇乡街道";

/// The unit names in a cell as written: cut at 、，；/ and line breaks
/// outside brackets, at spaces between names, and at 和/及 where both sides
/// end like a name (区自然资源和规划局 stays whole); words like 等 and
/// 按职责分工落实 left off.
pub fn unit_names(text: &str) -> Vec<String> {
    let text = without_remarks(&text.replace("\\n", "\n"));
    let mut names = Vec::new();
    for part in split_outside_brackets(&text, &['、', '，', ',', '；', ';', '/', '／', '\n', ' ', '\u{3000}', '\t'])
    {
        for piece in split_conjunction(part) {
            let mut name = piece.trim().trim_end_matches(['。', '.']).to_string();
            while let Some(word) = TRAILING_WORDS.iter().find(|w| name.ends_with(**w) && name.len() > w.len()) {
                name.truncate(name.len() - word.len());
            }
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
}

/// The text without bracketed remarks ("（除标注“分别牵头”外，列第一位为牵头
/// 单位，下同）"); a bracket that is part of a name ("各县（市、区）政府",
/// "区委组织部（区公务员局）") stays.
fn without_remarks(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find(['（', '(']) {
        let inner_start = open + rest[open..].chars().next().map_or(1, char::len_utf8);
        let Some(close) = rest[inner_start..].find(['）', ')']) else { break };
        let inner = &rest[inner_start..inner_start + close];
        let remark = inner.contains(['，', ',', '；', ';']) || inner.chars().count() > 12 || inner.contains("下同");
        out.push_str(&rest[..open]);
        if !remark {
            out.push_str(&rest[open..inner_start + close]);
            out.push_str(
                &rest[inner_start + close..][..rest[inner_start + close..].chars().next().map_or(0, char::len_utf8)],
            );
        }
        let after = inner_start + close;
        rest = &rest[after + rest[after..].chars().next().map_or(0, char::len_utf8)..];
    }
    out.push_str(rest);
    out
}

fn split_conjunction(part: &str) -> Vec<&str> {
    for joint in ["和", "及", "与"] {
        if let Some((a, b)) = part.split_once(joint) {
            let ends = |s: &str| s.chars().last().is_some_and(|c| NAME_ENDINGS.contains(c));
            if ends(a) && ends(b.trim_end_matches(TRAILING_WORDS[7])) && a.chars().count() >= 2 {
                let mut out = vec![a];
                out.extend(split_conjunction(b));
                return out;
            }
        }
    }
    vec![part]
}

/// Reads who leads and who supports from a list's cells: `responsible` (a
/// 牵头 column or line when `lead`) and `support` (配合单位); inside one cell
/// "办公室牵头，各科室配合" and "牵头单位：…；责任单位：…；配合单位：…" are read
/// too. Where the list does not tell lead from support, all are `units`.
pub fn unit_roles(responsible: &str, lead: bool, support: &str) -> UnitRoles {
    let (responsible, support) = (without_remarks(responsible), without_remarks(support));
    let (responsible, support) = (responsible.as_str(), support.as_str());
    let labelled = |text: &str| -> Option<UnitRoles> {
        let mut roles = UnitRoles::default();
        let mut any = false;
        let mut responsible_part = Vec::new();
        for part in split_outside_brackets(text, &['；', ';', '\n']) {
            let Some((label, names)) = part.split_once(['：', ':']) else { continue };
            any = true;
            let names = unit_names(names);
            match label.trim() {
                l if l.contains("牵头") => roles.lead.extend(names),
                l if l.contains("配合") || l.contains("协同") || l.contains("协办") => {
                    roles.support.extend(names)
                }
                l if l.contains("责任")
                    && (l.contains("单位") || l.contains("部门") || l.contains("处室") || l.contains("科室")) =>
                {
                    responsible_part.extend(names)
                }
                _ => {}
            }
        }
        // 责任单位 beside a 牵头单位 are those who work with it.
        if roles.lead.is_empty() {
            roles.units = responsible_part;
        } else {
            roles.support.splice(0..0, responsible_part);
        }
        any.then_some(roles)
    };
    if let Some(roles) = labelled(responsible) {
        return roles;
    }
    // "办公室牵头，各科室配合": the lead before 牵头, the support before 配合.
    if let Some(at) = responsible.find("牵头").filter(|_| !responsible.trim_end().ends_with("分别牵头")) {
        let (before, after) = responsible.split_at(at);
        let after = after["牵头".len()..].trim_start_matches(['，', ',', '；', ';', '、', ' ']);
        if !before.trim().is_empty() {
            let mut others = unit_names(after.trim_end_matches(['。', '.']).trim_end_matches("配合"));
            others.extend(unit_names(support));
            return UnitRoles { lead: unit_names(before), support: others, units: Vec::new() };
        }
    }
    let (named, others) = (unit_names(responsible), unit_names(support));
    if lead || !others.is_empty() {
        UnitRoles { lead: named, support: others, units: Vec::new() }
    } else {
        UnitRoles { lead: Vec::new(), support: Vec::new(), units: named }
    }
}

impl UnitGroup {
    /// Like [`UnitGroup::read`], but a name the directory does not know is an error.
    pub fn parse(text: &str, directory: &Directory) -> Result<UnitGroup, GroupError> {
        let (group, unknown) = Self::read(text, directory)?;
        match unknown.into_iter().next() {
            Some(name) => Err(GroupError::UnknownUnit { name, text: group.text }),
            None => Ok(group),
        }
    }

    /// The group a cell names, and the names in it the directory does not
    /// know (left out of the group, for the office to match or create).
    pub fn read(text: &str, directory: &Directory) -> Result<(UnitGroup, Vec<String>), GroupError> {
        let cleaned: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let cleaned = cleaned.replace('(', "（").replace(')', "）");
        if cleaned.is_empty() {
            return Err(GroupError::Empty);
        }
        let mut group =
            UnitGroup { text: text.trim().to_string(), kinds: Vec::new(), named: Vec::new(), pending: None };
        let mut unknown: Vec<String> = Vec::new();
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
            if pending.is_some() {
                group.pending = pending;
            }
            match directory.find(&name) {
                Some(unit) if !group.named.contains(&unit.name) => group.named.push(unit.name.clone()),
                Some(_) => {}
                // "各科室", "相关部门": every unit of some sort, which the office confirms.
                None if is_collective(&name) => {
                    group.pending = Some(PendingMembers { description: name, expected: None });
                }
                None if !unknown.contains(&name) => unknown.push(name),
                None => {}
            }
        }
        Ok((group, unknown))
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

/// A word for units of some sort rather than a unit's name.
pub fn is_collective(name: &str) -> bool {
    ["各", "相关", "有关", "其他", "全区", "全市", "全县", "区直", "市直", "县直"].iter().any(|w| name.starts_with(w))
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
    #[test]
    fn unit_names_as_written_cut_where_lists_cut_them() {
        assert_eq!(unit_names("民政办公室、卫生院"), ["民政办公室", "卫生院"]);
        assert_eq!(unit_names("区自然资源和规划局"), ["区自然资源和规划局"]);
        assert_eq!(unit_names("区财政局和区税务局"), ["区财政局", "区税务局"]);
        assert_eq!(unit_names("各县（市、区）政府，丽水开发区管委会"), ["各县（市、区）政府", "丽水开发区管委会"]);
        assert_eq!(unit_names("财政所、土管所等"), ["财政所", "土管所"]);
        assert_eq!(unit_names("安监站 安监所"), ["安监站", "安监所"]);
        assert_eq!(unit_names("县水务局\n县住建局"), ["县水务局", "县住建局"]);
        assert_eq!(
            unit_names("市发改委、市卫生健康委（除标注“分别牵头”外，列第一位为牵头单位，下同）"),
            ["市发改委", "市卫生健康委"]
        );
    }

    #[test]
    fn collective_words_of_other_lists_name_kinds_or_wait_for_the_office() {
        let group = UnitGroup::parse("各乡镇人民政府（街道办事处）", &directory()).unwrap();
        assert_eq!(group.kinds, [UnitKind::Town, UnitKind::Street]);
        let group = UnitGroup::parse("县直各部门", &directory()).unwrap();
        assert_eq!(group.kinds, [UnitKind::Department]);
        let (group, unknown) = UnitGroup::read("各科室", &directory()).unwrap();
        assert!(unknown.is_empty() && group.needs_confirmation(), "flagged for the office, not refused");
    }

    #[test]
    fn lead_and_support_read_from_columns_lines_and_one_cell() {
        let roles = unit_roles("办公室牵头，各科室配合", false, "");
        assert_eq!((roles.lead, roles.support), (vec!["办公室".to_string()], vec!["各科室".to_string()]));
        let roles = unit_roles("牵头处室：政策法规处；责任部门：办公室；配合部门：各处室", false, "");
        assert_eq!(roles.lead, ["政策法规处"]);
        assert_eq!(roles.support, ["办公室", "各处室"]);
        let roles = unit_roles("区发改局", true, "开发区、各街道");
        assert_eq!((roles.lead.len(), roles.support.len(), roles.units.len()), (1, 2, 0));
        let roles = unit_roles("市人力社保局、市农业农村局分别牵头", false, "");
        assert_eq!(roles.units, ["市人力社保局", "市农业农村局"]);
        assert!(roles.lead.is_empty());
    }

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
