//! Units (单位) and the directory that finds them by full name or by the
//! short names documents use (区发改局, 区政务服务局 …).

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitKind {
    Government,
    Office,
    Department,
    Vertical,
    Party,
    Town,
    Street,
    Village,
    Community,
}

impl UnitKind {
    pub const ALL: [UnitKind; 9] = [
        UnitKind::Government,
        UnitKind::Office,
        UnitKind::Department,
        UnitKind::Vertical,
        UnitKind::Party,
        UnitKind::Town,
        UnitKind::Street,
        UnitKind::Village,
        UnitKind::Community,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Government => "government",
            UnitKind::Office => "office",
            UnitKind::Department => "department",
            UnitKind::Vertical => "vertical",
            UnitKind::Party => "party",
            UnitKind::Town => "town",
            UnitKind::Street => "street",
            UnitKind::Village => "village",
            UnitKind::Community => "community",
        }
    }

    /// The kind's name for users.
    pub fn label(self) -> &'static str {
        match self {
            UnitKind::Government => "人民政府",
            UnitKind::Office => "办公室",
            UnitKind::Department => "部门",
            UnitKind::Vertical => "垂直管理部门",
            UnitKind::Party => "党委部门",
            UnitKind::Town => "镇",
            UnitKind::Street => "街道",
            UnitKind::Village => "村",
            UnitKind::Community => "社区",
        }
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UnitKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UnitKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| format!("未知的单位类别“{s}”（可用：{}）", UnitKind::ALL.map(UnitKind::as_str).join("、")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// The full official name, unique in a directory.
    pub name: String,
    /// Short names used in documents.
    pub aliases: Vec<String>,
    pub kind: UnitKind,
    /// The full name of the parent unit, if any.
    pub parent: Option<String>,
    /// A best guess that the office should check and correct.
    pub inferred: bool,
    pub note: String,
}

impl Unit {
    /// The 政务公开办 itself (an office-kind unit named for 政务公开): it
    /// supervises, so it is never reminded, chased or sent a 督办 about its
    /// own work; that work is in its own 我的任务.
    pub fn is_openness_office(&self) -> bool {
        self.kind == UnitKind::Office
            && (self.name.contains("政务公开") || self.aliases.iter().any(|a| a.contains("政务公开")))
    }

    /// A unit known for certain, with its short names ("区发展改革局 / 区发改局").
    pub fn new(name: &str, short_names: &str, kind: UnitKind) -> Unit {
        Unit {
            name: name.into(),
            aliases: aliases_from(short_names),
            kind,
            parent: None,
            inferred: false,
            note: String::new(),
        }
    }

    /// The name documents use: the first alias, or the full name.
    pub fn short_name(&self) -> &str {
        self.aliases.first().map_or(&self.name, String::as_str)
    }
}

/// Splits a short-name cell into aliases: "区委组织部（区公务员局）" gives itself,
/// 区委组织部 and 区公务员局; "区发展改革局 / 区发改局" gives both.
pub fn aliases_from(short_names: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        let s = s.trim();
        if !s.is_empty() && !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    };
    for part in short_names.split(['/', '／', '、', ';', '；']) {
        push(part);
        if let Some((outer, inner)) = part.split_once(['（', '(']) {
            push(outer);
            push(inner.trim_end_matches([')', '）']));
        }
    }
    out
}

/// All units of one region, looked up by full name or alias.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    units: Vec<Unit>,
    index: HashMap<String, usize>,
    /// The first 政务公开办 ([`Unit::is_openness_office`]), found when indexed.
    office: Option<usize>,
}

/// A name as compared: half-width, no spaces or brackets, no leading
/// 区/市/县/省 (nor a region's name before them).
fn comparable(name: &str) -> String {
    let folded: String = name
        .chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            c => c,
        })
        .filter(|c| !c.is_whitespace() && !"()".contains(*c))
        .collect();
    let start = ["区", "市", "县", "省"]
        .iter()
        .filter_map(|mark| folded.find(mark).map(|at| at + mark.len()))
        .filter(|&at| folded[..at].chars().count() <= 8)
        .max()
        .unwrap_or(0);
    let rest = &folded[start..];
    if rest.chars().count() >= 2 { rest.to_string() } else { folded }
}

/// 0–100: 100 when one name holds the other, else the share of character
/// pairs the two have in common (Dice).
fn similarity(a: &str, b: &str) -> u32 {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    if a == b || a.contains(b) || b.contains(a) {
        let (short, long) = if a.chars().count() <= b.chars().count() { (a, b) } else { (b, a) };
        // A name inside a much longer one is only partly the same.
        return (100 * short.chars().count() as u32 / long.chars().count() as u32).max(60);
    }
    let pairs = |s: &str| -> Vec<(char, char)> { s.chars().zip(s.chars().skip(1)).collect() };
    let (x, y) = (pairs(a), pairs(b));
    if x.is_empty() || y.is_empty() {
        return 0;
    }
    let mut left = y.clone();
    let mut shared = 0;
    for pair in &x {
        if let Some(at) = left.iter().position(|p| p == pair) {
            left.swap_remove(at);
            shared += 1;
        }
    }
    (200 * shared / (x.len() + y.len())) as u32
}

impl Directory {
    /// A directory of `units`; a later unit with the same full name replaces
    /// an earlier one. Indexed once: a province has 40,000 units.
    pub fn new(units: Vec<Unit>) -> Directory {
        let mut directory = Directory::default();
        let mut at: HashMap<String, usize> = HashMap::new();
        for unit in units {
            match at.get(&unit.name) {
                Some(&i) => directory.units[i] = unit,
                None => {
                    at.insert(unit.name.clone(), directory.units.len());
                    directory.units.push(unit);
                }
            }
        }
        directory.reindex();
        directory
    }

    /// Adds a unit, or replaces the one with the same full name.
    pub fn upsert(&mut self, unit: Unit) {
        match self.index.get(&unit.name) {
            Some(&at) => self.units[at] = unit,
            None => self.units.push(unit),
        }
        self.reindex();
    }

    fn reindex(&mut self) {
        self.index.clear();
        // Aliases first, so that a full name always wins over an alias.
        for (at, unit) in self.units.iter().enumerate() {
            for alias in &unit.aliases {
                self.index.entry(alias.clone()).or_insert(at);
            }
        }
        for (at, unit) in self.units.iter().enumerate() {
            self.index.insert(unit.name.clone(), at);
        }
        self.office = self.units.iter().position(Unit::is_openness_office);
    }

    /// The 政务公开办 of the directory, if it has one.
    pub fn openness_office(&self) -> Option<&Unit> {
        self.office.map(|at| &self.units[at])
    }

    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// Finds a unit by full name or alias; a trailing parenthesis
    /// ("区委组织部（区公务员局）") is tried with and without it.
    pub fn find(&self, name: &str) -> Option<&Unit> {
        let name = name.trim();
        if let Some(&at) = self.index.get(name) {
            return Some(&self.units[at]);
        }
        let (outer, inner) = name.split_once('（')?;
        self.index.get(outer).or_else(|| self.index.get(inner.trim_end_matches('）'))).map(|&at| &self.units[at])
    }

    /// Units whose names come nearest to one the directory does not know,
    /// best first (at most `most`): the same name but for full- or
    /// half-width characters, a 区/市/县 prefix or the region's name, then
    /// names sharing most of their character pairs.
    pub fn suggest(&self, name: &str, most: usize) -> Vec<&Unit> {
        let wanted = comparable(name);
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(u32, &Unit)> = self
            .units
            .iter()
            .filter_map(|unit| {
                let best = std::iter::once(&unit.name)
                    .chain(&unit.aliases)
                    .map(|known| similarity(&wanted, &comparable(known)))
                    .max()?;
                (best >= 50).then_some((best, unit))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
        scored.into_iter().take(most).map(|(_, unit)| unit).collect()
    }

    pub fn of_kind(&self, kind: UnitKind) -> impl Iterator<Item = &Unit> {
        self.units.iter().filter(move |u| u.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_it_does_not_know_are_matched_to_the_nearest() {
        let directory = Directory::new(vec![
            Unit::new("广州市从化区民政局", "区民政局", UnitKind::Department),
            Unit::new("广州市从化区温泉镇人民政府", "温泉镇", UnitKind::Town),
            Unit::new("广州市从化区发展和改革局", "区发改局", UnitKind::Department),
        ]);
        let names =
            |name: &str| directory.suggest(name, 3).iter().map(|u| u.short_name().to_string()).collect::<Vec<_>>();
        assert_eq!(names("从化区民政局"), ["区民政局"]);
        assert_eq!(names("温泉镇政府"), ["温泉镇"]);
        assert_eq!(names("区发展改革局"), ["区发改局"]);
        assert!(names("县水务局").is_empty());
    }

    #[test]
    fn a_later_unit_with_the_same_full_name_replaces_the_earlier() {
        let directory = Directory::new(vec![
            Unit::new("广州市从化区民政局", "区民政局", UnitKind::Department),
            Unit::new("广州市从化区温泉镇人民政府", "温泉镇", UnitKind::Town),
            Unit::new("广州市从化区民政局", "民政局", UnitKind::Department),
        ]);
        assert_eq!(directory.units().len(), 2);
        assert_eq!(directory.units()[0].short_name(), "民政局", "replaced in place, order kept");
        assert_eq!(directory.find("民政局").unwrap().name, "广州市从化区民政局");
        assert!(directory.find("区民政局").is_none(), "the replaced unit's aliases are gone");
    }

    #[test]
    fn units_are_found_by_full_name_and_by_every_short_name() {
        let directory = Directory::new(vec![
            Unit::new("中共广州市从化区委员会组织部", "区委组织部（区公务员局）", UnitKind::Party),
            Unit::new("广州市从化区发展和改革局", "区发展改革局 / 区发改局", UnitKind::Department),
        ]);
        for name in ["区发改局", "区发展改革局", "广州市从化区发展和改革局"] {
            assert_eq!(directory.find(name).unwrap().name, "广州市从化区发展和改革局");
        }
        for name in ["区委组织部（区公务员局）", "区委组织部", "区公务员局"] {
            assert_eq!(directory.find(name).unwrap().name, "中共广州市从化区委员会组织部");
        }
        assert!(directory.find("区不存在局").is_none());
    }
}
