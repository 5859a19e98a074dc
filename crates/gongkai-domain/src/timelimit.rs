//! What a catalogue's 公开时限 cell means (docs/TIMELIMIT-SEMANTICS.md): the
//! event that starts the clock, the amount and its unit, 公示 periods,
//! extensions, refresh cycles and permanence, read from the prose real
//! catalogues use. Like the deadline grammar it works on characters: the cell
//! is cut into parts (`；` `。` and numbering) and pieces (`，` outside
//! brackets), each piece classified, and clauses built around the amounts and
//! immediacy words the pieces carry.

use crate::calendar::{Calendar, CalendarError};
use crate::numerals::read_number;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// A cell longer than this is read only up to here: real cells are a line or two.
pub const MAX_CHARS: usize = 2_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Relative,
    Ongoing,
    Periodic,
    Dated,
    SameAsAbove,
    None,
}

/// What starts the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    #[serde(rename = "形成或变更")]
    Formed,
    #[serde(rename = "作出决定")]
    Decided,
    #[serde(rename = "收到申请")]
    Applied,
    #[serde(rename = "批准")]
    Approved,
    #[serde(rename = "分配结果确定")]
    Allocated,
    #[serde(rename = "政策文件发布")]
    PolicyPublished,
    #[serde(rename = "工作启动")]
    WorkStarted,
}

impl Event {
    pub const ALL: [Event; 7] = [
        Event::Formed,
        Event::Decided,
        Event::Applied,
        Event::Approved,
        Event::Allocated,
        Event::PolicyPublished,
        Event::WorkStarted,
    ];

    /// The name the semantics file gives it (also its stored code).
    pub fn name(self) -> &'static str {
        match self {
            Event::Formed => "形成或变更",
            Event::Decided => "作出决定",
            Event::Applied => "收到申请",
            Event::Approved => "批准",
            Event::Allocated => "分配结果确定",
            Event::PolicyPublished => "政策文件发布",
            Event::WorkStarted => "工作启动",
        }
    }

    pub fn named(name: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|event| event.name() == name)
    }

    /// The date a published record must carry for the clock to run.
    pub fn date_label(self) -> &'static str {
        match self {
            Event::Formed => "形成日期",
            Event::Decided => "决定日期",
            Event::Applied => "收到日期",
            Event::Approved => "批准日期",
            Event::Allocated => "结果确定日期",
            Event::PolicyPublished => "文件发布日期",
            Event::WorkStarted => "启动日期",
        }
    }

    fn phrase(self) -> &'static str {
        match self {
            Event::Formed => "信息形成或变更之日起",
            Event::Decided => "作出决定之日起",
            Event::Applied => "收到申请之日起",
            Event::Approved => "批准之日起",
            Event::Allocated => "分配结果确定之日起",
            Event::PolicyPublished => "政策文件发布之日起",
            Event::WorkStarted => "工作启动时",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    WorkingDay,
    Day,
    Month,
    Year,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::WorkingDay => "个工作日",
            Unit::Day => "日",
            Unit::Month => "个月",
            Unit::Year => "年",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cycle {
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl Cycle {
    fn label(self) -> &'static str {
        match self {
            Cycle::Month => "每月",
            Cycle::Quarter => "每季度",
            Cycle::HalfYear => "每半年",
            Cycle::Year => "每年",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    pub scope: Option<String>,
    pub event: Option<Event>,
    pub amount: Option<u32>,
    pub unit: Option<Unit>,
    pub immediate: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub amount: u32,
    pub unit: Unit,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub amount: u32,
    pub unit: Unit,
    pub condition: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refresh {
    pub every: Cycle,
    pub at_least: u32,
}

/// One 公开时限 cell, read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeLimit {
    pub text: String,
    pub kind: Kind,
    pub clauses: Vec<Clause>,
    pub display_min: Option<Period>,
    pub extension: Option<Extension>,
    pub refresh: Option<Refresh>,
    pub permanent: bool,
    pub legal_override: bool,
}

impl TimeLimit {
    pub fn parse(text: &str) -> TimeLimit {
        let cell = clean(text);
        let mut reading = Reading::default();
        let bare: String = cell.iter().filter(|c| !is_punct(**c)).collect();
        let kind = if matches!(bare.as_str(), "同上" | "同上栏" | "同上条" | "同上项" | "同上一栏" | "同前")
        {
            Kind::SameAsAbove
        } else {
            for part in split_parts(&cell) {
                reading.read_part(&part);
            }
            reading.kind()
        };
        let multi = reading.timely_parts >= 2 || reading.clauses.len() >= 2;
        let clauses = reading
            .clauses
            .into_iter()
            .map(|found| Clause {
                scope: if multi { scope_of(&found.text, found.head) } else { None },
                event: found.event.map(|(_, event)| event),
                amount: found.period.map(|p| p.amount),
                unit: found.period.map(|p| p.unit),
                immediate: found.period.is_none(),
            })
            .collect();
        TimeLimit {
            text: text.to_string(),
            kind,
            clauses,
            display_min: reading.display_min,
            extension: reading.extension,
            refresh: reading.refresh,
            permanent: reading.permanent,
            legal_override: reading.legal_override,
        }
    }

    /// The rule in plain Chinese, as an item shows it: "信息形成或变更之日起20个工作日内公开".
    pub fn describe(&self) -> String {
        let mut out = String::new();
        match self.kind {
            Kind::SameAsAbove => return "同上一行".into(),
            Kind::None => return "未写明公开时限".into(),
            Kind::Dated => return format!("按日期：{}", self.text.split_whitespace().collect::<String>()),
            _ => {}
        }
        for (i, clause) in self.clauses.iter().enumerate() {
            if i > 0 {
                out.push('；');
            }
            if let Some(scope) = &clause.scope {
                out.push_str(scope);
                out.push('：');
            }
            match (clause.event, clause.amount, clause.unit) {
                (event, Some(amount), Some(unit)) => {
                    if let Some(event) = event {
                        out.push_str(event.phrase());
                    }
                    out.push_str(&format!("{amount}{}内公开", unit.label()));
                }
                (Some(Event::WorkStarted), _, _) => out.push_str("工作启动时即公开"),
                (Some(event), _, _) => out.push_str(&format!("{}及时公开", event.phrase().trim_end_matches("之日起"))),
                _ => out.push_str("及时公开"),
            }
        }
        if let Some(period) = self.display_min {
            push_sep(&mut out, '，');
            out.push_str(&format!("公示不少于{}{}", period.amount, period.unit.label()));
        }
        if let Some(refresh) = self.refresh {
            push_sep(&mut out, '；');
            if self.kind == Kind::Periodic && self.clauses.is_empty() && refresh.at_least == 1 {
                out.push_str(&format!(
                    "{}按期公开（{}）",
                    refresh.every.label(),
                    self.text.split_whitespace().collect::<String>()
                ));
            } else {
                out.push_str(&format!("{}至少更新{}次", refresh.every.label(), refresh.at_least));
            }
        }
        if self.permanent {
            push_sep(&mut out, '；');
            out.push_str("长期公开");
        }
        if let Some(extension) = &self.extension {
            push_sep(&mut out, '；');
            out.push_str(&format!("{}可延长{}{}", extension.condition, extension.amount, extension.unit.label()));
        }
        if self.legal_override {
            out.push_str("（法律法规另有规定的从其规定）");
        }
        if out.is_empty() { "未写明公开时限".into() } else { out }
    }

    /// The one clause a published record is judged by: the first with an
    /// amount (a scoped cell's first is its general rule).
    pub fn main_clause(&self) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.amount.is_some())
    }

    /// The last day a record whose event fell on `event_day` may be published
    /// under `clause`: the event day itself not counted, working days on the
    /// official calendar. None for a clause without an amount.
    pub fn due(clause: &Clause, event_day: NaiveDate, calendar: &Calendar) -> Result<Option<NaiveDate>, CalendarError> {
        let (Some(amount), Some(unit)) = (clause.amount, clause.unit) else {
            return Ok(None);
        };
        Ok(match unit {
            Unit::WorkingDay => Some(calendar.add_working_days(event_day, amount)?),
            Unit::Day => event_day.checked_add_days(chrono::Days::new(u64::from(amount))),
            Unit::Month => event_day.checked_add_months(Months::new(amount)),
            Unit::Year => event_day.checked_add_months(Months::new(amount.saturating_mul(12))),
        })
    }
}

fn push_sep(out: &mut String, sep: char) {
    if !out.is_empty() {
        out.push(sep);
    }
}

/// NFKC, then every space and line break removed (cells are typed with spaces
/// and wrapped inside words); brackets folded to round ones.
fn clean(text: &str) -> Vec<char> {
    text.chars()
        .take(MAX_CHARS)
        .nfkc()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != '\u{feff}')
        .map(|c| match c {
            '【' | '[' | '〔' | '［' | '｛' | '{' => '(',
            '】' | ']' | '〕' | '］' | '｝' | '}' => ')',
            '，' => ',',
            '；' => ';',
            '：' => ':',
            '．' => '.',
            other => other,
        })
        .collect()
}

fn is_punct(c: char) -> bool {
    matches!(
        c,
        ',' | ';' | ':' | '.' | '。' | '、' | '(' | ')' | '"' | '“' | '”' | '/' | '—' | '-' | '─' | '_' | '‘' | '’'
    )
}

fn is_chinese_numeral(c: char) -> bool {
    matches!(c, '一' | '二' | '两' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十')
}

/// Cuts a cell into parts at `；` `。` and list numbering (`1.` `（2）` `②` `一、`),
/// outside brackets, dropping the numbering.
fn split_parts(cell: &[char]) -> Vec<Vec<char>> {
    let mut parts = Vec::new();
    let mut current = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < cell.len() {
        let c = cell[i];
        let at_start = current.iter().all(|c| is_punct(*c));
        if depth == 0
            && let Some(len) = numbering_at(cell, i, at_start)
        {
            if !current.iter().all(|c| is_punct(*c)) {
                parts.push(std::mem::take(&mut current));
            }
            current.clear();
            i += len;
            continue;
        }
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth = depth.saturating_sub(1),
            ';' | '。' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                i += 1;
                continue;
            }
            _ => {}
        }
        current.push(c);
        i += 1;
    }
    parts.push(current);
    parts.retain(|part| !part.iter().all(|c| is_punct(*c)));
    parts
}

/// List numbering at `i`: `1.` / `1、` / `(1)` / `①` / `一、`. Mid-text only
/// `N.` before a non-digit counts, and not after a digit (`1.5`).
fn numbering_at(cell: &[char], i: usize, at_start: bool) -> Option<usize> {
    let c = cell[i];
    if ('①'..='⑳').contains(&c) {
        return Some(1);
    }
    let before_ok = i == 0 || !cell[i - 1].is_ascii_digit() && cell[i - 1] != '.';
    if c.is_ascii_digit() && before_ok {
        let digits = cell[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let next = cell.get(i + digits).copied();
        let after = cell.get(i + digits + 1).copied();
        let follows_text = after.is_some_and(|a| !a.is_ascii_digit());
        if digits <= 2 && follows_text && (next == Some('.') || (at_start && next == Some('、'))) {
            return Some(digits + 1);
        }
    }
    if (c == '(' || c == '（') && at_start {
        let inner = cell[i + 1..].iter().take_while(|c| c.is_ascii_digit() || is_chinese_numeral(**c)).count();
        if (1..=2).contains(&inner) && matches!(cell.get(i + 1 + inner), Some(')') | Some('）')) {
            return Some(inner + 2);
        }
    }
    if at_start && is_chinese_numeral(c) && cell.get(i + 1) == Some(&'、') {
        return Some(2);
    }
    None
}

/// Cuts a part into pieces at `，` outside brackets.
fn split_pieces(part: &[char]) -> Vec<Vec<char>> {
    let mut pieces = Vec::new();
    let mut current = Vec::new();
    let mut depth = 0usize;
    for &c in part {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                pieces.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    pieces.push(current);
    pieces.retain(|piece| !piece.is_empty());
    pieces
}

fn find(text: &[char], word: &str, from: usize) -> Option<usize> {
    let word: Vec<char> = word.chars().collect();
    if word.is_empty() || text.len() < word.len() {
        return None;
    }
    (from..=text.len() - word.len()).find(|&i| text[i..i + word.len()] == word[..])
}

fn has(text: &[char], word: &str) -> bool {
    find(text, word, 0).is_some()
}

fn has_any(text: &[char], words: &[&str]) -> bool {
    words.iter().any(|w| has(text, w))
}

/// Matches a pattern at `i`, where `…` stands for up to eight characters
/// inside one piece. Returns the end of the match.
fn match_at(text: &[char], i: usize, pattern: &str) -> Option<usize> {
    let mut pos = i;
    for (n, literal) in pattern.split('…').enumerate() {
        let lit: Vec<char> = literal.chars().collect();
        if n == 0 {
            if text.get(pos..pos + lit.len())? != lit.as_slice() {
                return None;
            }
            pos += lit.len();
        } else {
            let limit = (pos + 8 + lit.len()).min(text.len());
            let at = (pos..=limit.saturating_sub(lit.len()))
                .take_while(|&j| j == pos || !matches!(text[j - 1], ',' | ';'))
                .find(|&j| text.get(j..j + lit.len()) == Some(lit.as_slice()))?;
            pos = at + lit.len();
        }
    }
    Some(pos)
}

const EVENT_PATTERNS: &[(Event, &[&str])] = &[
    (Event::Applied, &["收到…申请", "接到…申请", "受理…申请", "申请受理"]),
    (Event::Allocated, &["分配结果确定", "结果确定"]),
    (
        Event::PolicyPublished,
        &[
            "与政策文件同步",
            "政策文件公开",
            "政策文件发布",
            "政策文件印发",
            "文件公开后",
            "文件发布",
            "文件印发",
            "政策发布",
            "政策出台",
            "同步发布",
        ],
    ),
    (Event::WorkStarted, &["启动…时", "启动…工作", "开工"]),
    (Event::Decided, &["作出…决定", "决定作出", "作出…决策", "决策作出", "决定之日", "决定后"]),
    (Event::Approved, &["批准", "批复", "审批通过", "核准", "审议通过"]),
    (
        Event::Formed,
        &["形成", "产生", "获取", "获得", "制定", "制作", "变更", "变化", "下发至", "生成", "颁布", "印发"],
    ),
];

/// The earliest event named in a clause's text, with where it starts.
fn find_event(text: &[char]) -> Option<(usize, Event)> {
    (0..text.len()).find_map(|i| {
        EVENT_PATTERNS
            .iter()
            .find(|(_, patterns)| patterns.iter().any(|p| match_at(text, i, p).is_some()))
            .filter(|_| starts_clock(text, i))
            .map(|(event, _)| (i, *event))
    })
}

/// An event word starts the clock only where its piece goes on to a
/// deadline (`之日起`, `后`, `时`, an amount): in `因…信息发生变更影响出行的，`
/// the 变更 is the sub-case, not the event.
fn starts_clock(text: &[char], at: usize) -> bool {
    let end = (at..text.len()).find(|&j| matches!(text[j], ',' | ';')).unwrap_or(text.len());
    let rest = &text[at..end];
    rest.iter().any(|c| c.is_ascii_digit() || is_chinese_numeral(*c))
        || has_any(rest, &["之日", "日起", "后", "时", "起", "当日", "当天", "同步", "同时", "即"])
}

/// An amount with its unit found at `i`: (period, end). Dates (`6月底`,
/// `1月31日`, `2020年`) are not amounts.
fn amount_at(text: &[char], i: usize) -> Option<(Period, usize)> {
    if i > 0 && (text[i - 1].is_ascii_digit() || is_chinese_numeral(text[i - 1]) || text[i - 1] == '月') {
        return None;
    }
    let (value, len) = read_number(text, i)?;
    let mut j = i + len;
    let rest = |j: usize, w: &str| match_at(text, j, w).is_some();
    let counter = rest(j, "个");
    if counter {
        j += 1;
    }
    let (unit, width, factor) = if rest(j, "工作日") || rest(j, "工作天") {
        (Unit::WorkingDay, 3, 1)
    } else if rest(j, "自然日") {
        (Unit::Day, 3, 1)
    } else if rest(j, "日") || rest(j, "天") {
        if rest(j, "日起") && !counter {
            return None;
        }
        (Unit::Day, 1, 1)
    } else if rest(j, "星期") {
        (Unit::Day, 2, 7)
    } else if rest(j, "周") {
        (Unit::Day, 1, 7)
    } else if rest(j, "月") {
        if !counter && is_date_after_month(text, j + 1) {
            return None;
        }
        (Unit::Month, 1, 1)
    } else if rest(j, "年") && value < 100 && !counter {
        // 上一年度, 每一年 and 一年度 name a year, not a duration.
        let named = i.checked_sub(1).is_some_and(|b| "上下本当每该全去今明次近".contains(text[b]));
        if named || rest(j + 1, "度") {
            return None;
        }
        (Unit::Year, 1, 1)
    } else {
        return None;
    };
    let amount = value.checked_mul(factor)?;
    (amount > 0).then_some((Period { amount, unit }, j + width))
}

fn is_date_after_month(text: &[char], j: usize) -> bool {
    match text.get(j) {
        None => false,
        Some(c) if c.is_ascii_digit() || is_chinese_numeral(*c) => true,
        Some(c) => matches!(c, '底' | '末' | '初' | '中' | '上' | '下' | '份' | '前' | '、'),
    }
}

/// A calendar date: `6月底前`, `1月31日`, `年底前`, `每年3月`.
fn has_date(text: &[char]) -> bool {
    // 年内 after a number (`1年内`) is a duration, not this year.
    let this_year = (0..text.len()).any(|i| {
        match_at(text, i, "年内").is_some()
            && i.checked_sub(1).is_none_or(|b| !text[b].is_ascii_digit() && !is_chinese_numeral(text[b]))
    });
    if this_year || has_any(text, &["年底", "年末", "年初", "季度末", "月底", "月末"]) {
        return true;
    }
    (0..text.len()).any(|i| {
        let Some((value, len)) = read_number(text, i) else { return false };
        let before = i.checked_sub(1).map(|b| text[b]);
        let fresh = before.is_none_or(|b| !b.is_ascii_digit() && !is_chinese_numeral(b) && b != '个');
        fresh && (1..=12).contains(&value) && text.get(i + len) == Some(&'月') && is_date_after_month(text, i + len + 1)
    })
}

fn recurring(text: &[char]) -> bool {
    has_any(text, &["每年", "每季", "每月", "每个月", "每半年", "按年", "按季", "按月", "每周"])
}

/// A refresh cycle: `每季度更新`, `半年至少更新1次`, `按年公开`, `每年1月31日前`.
fn refresh_in(text: &[char]) -> Option<Refresh> {
    let every = if has_any(text, &["每月", "每个月", "按月", "月度更新"]) {
        Cycle::Month
    } else if has_any(text, &["每季", "按季", "季度更新", "季度至少"]) {
        Cycle::Quarter
    } else if has_any(text, &["每半年", "半年至少", "半年更新", "按半年"]) {
        Cycle::HalfYear
    } else if has_any(text, &["每年", "按年", "年度更新", "一年至少", "每一年"]) {
        Cycle::Year
    } else {
        return None;
    };
    let at_least = find(text, "次", 0)
        .and_then(|end| {
            (end.saturating_sub(3)..end)
                .find_map(|i| read_number(text, i).filter(|(_, len)| i + len == end).map(|(v, _)| v))
        })
        .filter(|n| (1..=366).contains(n))
        .unwrap_or(1);
    Some(Refresh { every, at_least })
}

/// `6个月内须有更新`, `最迟1年内必须有更新`, `3个月更新一次`: a column's
/// refresh cycle written as an amount (no event before it). Returns the
/// cycle and the amount's range.
fn refresh_within(piece: &[char]) -> Option<(Cycle, usize, usize)> {
    if !has(piece, "更新") {
        return None;
    }
    (0..piece.len()).find_map(|i| {
        let (period, end) = amount_at(piece, i)?;
        let update = find(piece, "更新", end)?;
        let before_event = find_event(&piece[..i]).is_none();
        let every = match (period.unit, period.amount) {
            (Unit::Month, 1) => Cycle::Month,
            (Unit::Month, 3) => Cycle::Quarter,
            (Unit::Month, 6) => Cycle::HalfYear,
            (Unit::Month, 12) | (Unit::Year, 1) => Cycle::Year,
            _ => return None,
        };
        (before_event && update <= end + 6).then_some((every, i, end))
    })
}

const PERMANENT_WORDS: &[&str] = &["长期", "永久", "常年", "常态化", "动态调整", "动态更新", "持续公开"];
const IMMEDIATE_WORDS: &[&str] = &["实时", "及时", "同步", "立即", "即时", "随时", "第一时间", "当即", "当日"];
const LEGAL_WORDS: &[&str] = &["另有规定", "从其规定", "除外"];

/// Where an immediacy word sits in a piece: a word, or `在…时`.
fn immediacy_at(piece: &[char]) -> Option<usize> {
    let word = IMMEDIATE_WORDS.iter().filter_map(|w| find(piece, w, 0)).min();
    let when = (0..piece.len()).find(|&i| {
        piece[i] == '在'
            && (i + 2..piece.len().min(i + 32))
                .any(|j| piece[j] == '时' && !matches!(piece.get(j + 1), Some('间' | '限' | '效' | '段' | '期')))
    });
    // 随采购公告公开: at the same time as another publication.
    let along = (0..piece.len()).find(|&i| {
        piece[i] == '随'
            && ["公开", "发布", "公布", "公示"]
                .iter()
                .any(|w| (i + 1..piece.len().min(i + 14)).any(|j| match_at(piece, j, w).is_some()))
    });
    let word = match (word, along) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    match (word, when) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `公示7个工作日`, `公示期不少于7天`, `公告至少30日`: how long a 公示 stays up.
/// Returns the period and the range it took.
fn display_in(piece: &[char]) -> Option<(Period, usize, usize)> {
    const FILLERS: &[&str] = &["期限", "时间", "期", "为", "不少于", "不得少于", "不低于", "不短于", "至少", "满", ":"];
    for start in 0..piece.len() {
        if !(match_at(piece, start, "公示").is_some() || match_at(piece, start, "公告").is_some()) {
            continue;
        }
        let mut j = start + 2;
        while let Some(filler) = FILLERS.iter().find(|f| match_at(piece, j, f).is_some()) {
            j += filler.chars().count();
        }
        if let Some((period, end)) = amount_at(piece, j) {
            let then_within = ["内", "之内", "以内", "后"].iter().any(|w| match_at(piece, end, w).is_some());
            if !then_within {
                return Some((period, start, end));
            }
        }
    }
    None
}

struct Found {
    text: Vec<char>,
    /// Where the deadline itself starts in `text` (the amount or immediacy word).
    head: usize,
    event: Option<(usize, Event)>,
    period: Option<Period>,
}

#[derive(Default)]
struct Reading {
    clauses: Vec<Found>,
    display_min: Option<Period>,
    extension: Option<Extension>,
    refresh: Option<Refresh>,
    permanent: bool,
    legal_override: bool,
    dated: bool,
    recurring: bool,
    /// `每N个工作日`: periodic though no cycle of the contract's names it.
    every_amount: bool,
    timely_parts: usize,
}

impl Reading {
    fn read_part(&mut self, part: &[char]) {
        let part = self.drop_legal_brackets(part);
        let clauses_before = self.clauses.len();
        let mut timely = false;
        if has_date(&part) {
            self.dated = true;
            timely = true;
        }
        if recurring(&part) {
            self.recurring = true;
        }
        if let Some(refresh) = refresh_in(&part) {
            self.refresh.get_or_insert(refresh);
            timely = true;
        }
        let mut pending: Vec<char> = Vec::new();
        for piece in split_pieces(&part) {
            if has_any(&piece, LEGAL_WORDS) {
                self.legal_override = true;
                continue;
            }
            if let Some(at) = find(&piece, "延长", 0)
                && let Some(period) = (at..piece.len()).find_map(|i| amount_at(&piece, i).map(|(p, _)| p))
            {
                let mut condition = std::mem::take(&mut pending);
                let before: Vec<char> = piece[..at].to_vec();
                if !before.is_empty() && !condition.is_empty() {
                    condition.push(',');
                }
                condition.extend(before);
                while condition.last().is_some_and(|c| matches!(c, '可' | ',' | '以' | '最' | '多' | '长' | '予'))
                {
                    condition.pop();
                }
                self.extension.get_or_insert(Extension {
                    amount: period.amount,
                    unit: period.unit,
                    condition: condition.into_iter().collect(),
                });
                continue;
            }
            let mut piece = piece;
            if let Some((period, start, end)) = display_in(&piece) {
                self.display_min.get_or_insert(period);
                piece.drain(start..end);
            }
            if has_any(&piece, PERMANENT_WORDS) {
                self.permanent = true;
                timely = true;
            }
            if let Some((every, start, end)) = refresh_within(&piece) {
                self.refresh.get_or_insert(Refresh { every, at_least: 1 });
                piece.drain(start..end);
                timely = true;
            }
            if self.read_deadlines(&piece, &mut pending) {
                timely = true;
            }
        }
        if self.clauses.len() > clauses_before {
            // Text after the last deadline still belongs to it (`20个工作日（自…之日起）`).
            if !pending.is_empty()
                && let Some(last) = self.clauses.last_mut()
            {
                last.text.push(',');
                last.text.extend(pending);
                if last.event.is_none() {
                    last.event = find_event(&last.text);
                }
            }
        } else if let Some(head) = immediacy_at(&pending) {
            // Only immediacy in the part (`在启动…工作时，在村公示栏公开`): one clause.
            self.push_clause(Vec::new(), &pending, head, None);
            timely = true;
        }
        if timely {
            self.timely_parts += 1;
        }
    }

    /// A bracketed note that only says other law prevails is read as the flag.
    fn drop_legal_brackets(&mut self, part: &[char]) -> Vec<char> {
        let mut out = Vec::with_capacity(part.len());
        let mut i = 0;
        while i < part.len() {
            if part[i] == '('
                && let Some(close) = part[i..].iter().position(|c| *c == ')')
                && has_any(&part[i + 1..i + close], LEGAL_WORDS)
            {
                self.legal_override = true;
                i += close + 1;
                continue;
            }
            out.push(part[i]);
            i += 1;
        }
        out
    }

    /// Finds the amounts (and, without one, an immediacy word) in a piece and
    /// makes a clause of each, with the plain pieces before it. Returns whether
    /// the piece carried a deadline.
    fn read_deadlines(&mut self, piece: &[char], pending: &mut Vec<char>) -> bool {
        let mut amounts = Vec::new();
        let mut i = 0;
        while i < piece.len() {
            if let Some((period, end)) = amount_at(piece, i) {
                // 每20个工作日更新: a cycle the contract has no word for, not a deadline.
                if i > 0 && piece[i - 1] == '每' {
                    self.recurring = true;
                    self.every_amount = true;
                } else {
                    amounts.push((i, period, end));
                }
                i = end;
            } else {
                i += 1;
            }
        }
        if amounts.is_empty() {
            // A piece without an amount waits for the next one's (`信息形成后，20个工作日内`,
            // `与政策文件同步发布，时间跨度不超过5个工作日`).
            if !pending.is_empty() {
                pending.push(',');
            }
            pending.extend_from_slice(piece);
            return immediacy_at(piece).is_some();
        }
        // Two deadlines run together (`…内公开自信息形成…7个工作日内公开`): cut after each.
        let mut from = 0;
        for (n, &(start, period, end)) in amounts.iter().enumerate() {
            let to = if n + 1 == amounts.len() { piece.len() } else { skip_verbs(piece, end) };
            let text = &piece[from..to];
            self.push_clause(std::mem::take(pending), text, start - from, Some(period));
            from = to;
        }
        true
    }

    fn push_clause(&mut self, pending: Vec<char>, piece: &[char], head: usize, period: Option<Period>) {
        let mut text = pending;
        if !text.is_empty() {
            text.push(',');
        }
        let head = head + text.len();
        text.extend_from_slice(piece);
        let event = find_event(&text);
        self.clauses.push(Found { text, head, event, period });
    }

    fn kind(&self) -> Kind {
        if self.dated && !self.recurring {
            Kind::Dated
        } else if self.dated || self.refresh.is_some() || self.every_amount {
            Kind::Periodic
        } else if self.clauses.iter().any(|c| c.event.is_some() || c.period.is_some()) {
            Kind::Relative
        } else if !self.clauses.is_empty() || self.permanent {
            Kind::Ongoing
        } else {
            Kind::None
        }
    }
}

/// Past the words that close a deadline (`内予以公开`), where the next one starts.
fn skip_verbs(piece: &[char], mut at: usize) -> usize {
    const CLOSING: &[&str] = &["之内", "以内", "内", "予以", "及时", "公开", "公示", "公布", "发布", "更新", "完成"];
    while let Some(word) = CLOSING.iter().find(|w| match_at(piece, at, w).is_some()) {
        at += word.chars().count();
    }
    at
}

/// The sub-case a clause names (`其中行政许可、行政处罚事项应自…` → 行政许可、行政处罚事项),
/// or None when it names only the information itself.
fn scope_of(text: &[char], head: usize) -> Option<String> {
    let event_at = find_event(text).map(|(at, _)| at).unwrap_or(usize::MAX);
    let cut = head.min(event_at).min(text.len());
    let mut prefix: &[char] = &text[..cut];
    if let Some(colon) = prefix.iter().rposition(|c| *c == ':') {
        prefix = &prefix[..colon];
    }
    // `因…影响出行的，…应当在…`: the condition before the comma is the sub-case.
    if let Some(comma) = prefix.iter().position(|c| *c == ',')
        && comma > 0
        && prefix[comma - 1] == '的'
    {
        prefix = &prefix[..comma];
    }
    let mut scope: String = prefix.iter().collect();
    loop {
        let before = scope.len();
        for lead in ["其中", "对于", "涉及", "自", "在"] {
            if let Some(rest) = scope.strip_prefix(lead) {
                scope = rest.to_string();
            }
        }
        scope = scope.trim_start_matches(|c: char| is_punct(c)).to_string();
        if scope.len() == before {
            break;
        }
    }
    loop {
        let before = scope.len();
        for tail in ["应当", "应于", "均应", "应", "须", "需", "要", "均", "自", "在", "于", "从", "经", "之日起", "其"]
        {
            if let Some(rest) = scope.strip_suffix(tail) {
                scope = rest.to_string();
            }
        }
        scope = scope.trim_end_matches(|c: char| is_punct(c)).to_string();
        if scope.len() == before {
            break;
        }
    }
    let generic = scope.trim_start_matches(['该', '本', '其']);
    let generic = matches!(
        generic,
        "" | "信息"
            | "政府信息"
            | "相关信息"
            | "公开事项信息"
            | "公开事项"
            | "事项信息"
            | "上述信息"
            | "以上信息"
            | "此类信息"
            | "公开内容"
            | "内容"
    );
    (!generic).then_some(scope)
}

#[cfg(test)]
mod tests;
