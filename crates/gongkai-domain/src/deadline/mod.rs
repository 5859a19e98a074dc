//! The deadline language: what a 完成时间及方式 cell means as dates.
//!
//! `DeadlineText::parse` follows `shared/DEADLINE-SEMANTICS.md`: the cell is
//! normalized, cut into clauses, each clause read for time expressions,
//! clauses grouped into milestones (a clause without a date of its own joins
//! the dated one beside it), and the milestones laid on the calendar inside
//! the horizon `[Y-01-01, (Y+1)-12-31]`.

mod expr;
mod normalize;
mod phrases;
pub mod schedule;

use chrono::NaiveDate;
use serde::Serialize;

pub use schedule::{Day, MonthDay, Occurrence, Period, Schedule, Slot};

/// Words that make a cell ongoing when it names no date.
const ONGOING_WORDS: &[&str] = &["长期", "持续", "常态化", "经常性", "实时", "及时", "日常", "常年", "随时", "动态"];

/// Words before a date that make it aspirational.
const ASPIRATION_WORDS: &[&str] = &["争取", "力争", "力求", "尽量"];

/// Units of a duration that make a milestone relative to an event.
const DURATION_UNITS: &[&str] = &["个工作日", "工作日", "个自然日", "自然日", "个月", "个星期", "个周", "周内", "天", "日内", "日之内", "日以内", "年内"];

/// One segment of the cell with its own dates, action and recipient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Milestone {
    /// The original text of the segment.
    pub text: String,
    /// The rule in a stable short form: `yearly 12-25`, `due 2020-09-20`, `ongoing`.
    pub rule: String,
    pub action: Option<String>,
    pub recipient: Option<String>,
    pub aspirational: bool,
    /// Where the result is published (`区政府门户网站`).
    pub channel: Option<String>,
    pub channels: Vec<String>,
    /// Every action named, most specific first.
    pub actions: Vec<String>,
    /// Another actor the text names ("由区政务公开办…"): the milestone binds it,
    /// not the responsible units.
    pub actor: Option<String>,
    pub ongoing: bool,
    pub relative: bool,
    #[serde(skip)]
    pub schedules: Vec<Schedule>,
    /// The milestone's own occurrences inside the horizon.
    pub occurrences: Vec<Occurrence>,
}

/// What a deadline cell means.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeadlineText {
    pub text: String,
    pub plan_year: i32,
    pub ongoing: bool,
    pub relative: bool,
    pub milestones: Vec<Milestone>,
    pub occurrences: Vec<Occurrence>,
    pub aspirational_dates: Vec<NaiveDate>,
    /// Text that names no date the parser could read; never silently dropped.
    pub unparsed: Vec<String>,
}

/// A run of clauses that forms one milestone before its meaning is read.
struct Piece {
    start: usize,
    end: usize,
    exprs: Vec<expr::Expr>,
    /// Expressions from here on are aspirational (`争取…`).
    aspirational_from: Option<usize>,
    ongoing: bool,
    relative: Option<(usize, usize)>,
}

impl Piece {
    fn is_anchor(&self) -> bool {
        !self.exprs.is_empty() || self.ongoing || self.relative.is_some()
    }
}

impl DeadlineText {
    /// Reads `text` for a plan of year `plan_year`. Never fails: what cannot
    /// be read is listed in `unparsed`.
    pub fn parse(text: &str, plan_year: i32) -> DeadlineText {
        let norm = normalize::normalize(text);
        let chars = &norm.chars;
        let pieces = pieces(chars, plan_year);
        let groups = group(chars, pieces);

        let mut result = DeadlineText {
            text: text.to_string(),
            plan_year,
            ongoing: false,
            relative: false,
            milestones: Vec::with_capacity(groups.len()),
            occurrences: Vec::new(),
            aspirational_dates: Vec::new(),
            unparsed: Vec::new(),
        };
        let (first_year, last_year) = (plan_year, plan_year.saturating_add(1));
        let horizon = (NaiveDate::from_ymd_opt(first_year, 1, 1), NaiveDate::from_ymd_opt(last_year, 12, 31));
        let mut any_ongoing = false;
        for group in groups {
            let milestone = milestone(text, &norm, &group, first_year, last_year, horizon, &mut result);
            any_ongoing |= milestone.ongoing;
            result.relative |= milestone.relative;
            result.milestones.push(milestone);
        }
        result.occurrences.sort_by_key(|o| (o.sort_date(), *o));
        result.occurrences.dedup();
        result.aspirational_dates.sort();
        result.aspirational_dates.dedup();
        result.ongoing = any_ongoing && result.occurrences.is_empty();
        let understood = !result.occurrences.is_empty()
            || result.ongoing
            || result.relative
            || !result.aspirational_dates.is_empty();
        let trimmed = text.trim();
        if !understood && !trimmed.is_empty() && result.unparsed.is_empty() {
            result.unparsed.push(trimmed.to_string());
        }
        result
    }
}

/// Clause boundaries outside parentheses: `，` `；` `。` and line breaks.
fn clauses(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '（' => depth += 1,
            '）' => depth = depth.saturating_sub(1),
            '，' | '；' | '。' | '\n' | '：' if depth == 0 => {
                if i > start {
                    out.push((start, i));
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if chars.len() > start {
        out.push((start, chars.len()));
    }
    out
}

fn contains(chars: &[char], start: usize, end: usize, word: &str) -> Option<usize> {
    let word: Vec<char> = word.chars().collect();
    if end < start + word.len() {
        return None;
    }
    (start..=end - word.len()).find(|&i| chars[i..i + word.len()] == word[..])
}

/// A duration relative to an event: `10个工作日内`, `6个月`, `20日内`.
fn relative_span(chars: &[char], start: usize, end: usize) -> Option<(usize, usize)> {
    let mut i = start;
    while i < end {
        let after_month = i > 0 && matches!(chars[i - 1], '月' | '年' | '度');
        if !after_month
            && (i == start || !chars[i - 1].is_ascii_digit())
            && let Some((value, len)) = crate::numerals::read_number(chars, i)
            && value < 1000
        {
            let at = i + len;
            if let Some(unit) = DURATION_UNITS.iter().find(|u| {
                let u: Vec<char> = u.chars().collect();
                at + u.len() <= end && chars[at..at + u.len()] == u[..]
            }) {
                let mut stop = at + unit.chars().count();
                if matches!(chars.get(stop), Some('内')) {
                    stop += 1;
                }
                // Reach back to the event it counts from ("印发后", "之日起").
                let mut from = i;
                while from > start && !matches!(chars[from - 1], '，' | '；' | '。' | '在' | '于') {
                    from -= 1;
                }
                return Some((from, stop));
            }
        }
        i += 1;
    }
    None
}

fn pieces(chars: &[char], plan_year: i32) -> Vec<Piece> {
    let mut out = Vec::new();
    for (start, end) in clauses(chars) {
        let exprs = expr::scan(chars, start, end, plan_year);
        let aspirational_from = ASPIRATION_WORDS.iter().filter_map(|w| contains(chars, start, end, w)).min();
        let ongoing = ONGOING_WORDS.iter().any(|w| contains(chars, start, end, w).is_some());
        let relative = relative_span(chars, start, end);
        if exprs.len() < 2 {
            out.push(Piece { start, end, exprs, aspirational_from, ongoing, relative });
            continue;
        }
        // Two dates in one clause with words between them are two milestones
        // ("10月30日前备案12月15日前公开"); a list ("1月、7月") is one.
        let mut piece_start = start;
        let mut current: Vec<expr::Expr> = Vec::new();
        for e in exprs {
            if let Some(last) = current.last()
                && chars[last.end..e.start].iter().any(|c| !matches!(c, '、' | '和' | '及' | '与' | '或' | '至' | '到' | '—'))
            {
                let split = e.start;
                out.push(Piece {
                    start: piece_start,
                    end: split,
                    exprs: std::mem::take(&mut current),
                    aspirational_from: aspirational_from.filter(|&a| a < split),
                    ongoing,
                    relative: None,
                });
                piece_start = split;
            }
            current.push(e);
        }
        out.push(Piece {
            start: piece_start,
            end,
            exprs: current,
            aspirational_from: aspirational_from.filter(|&a| a >= piece_start),
            ongoing,
            relative,
        });
    }
    out
}

/// Groups pieces into milestones: a piece without a date joins the dated one
/// before it, or the one after it when it leads into it ("…同意后，于10月25日前").
fn group(chars: &[char], pieces: Vec<Piece>) -> Vec<Vec<Piece>> {
    let mut groups: Vec<Vec<Piece>> = Vec::new();
    let mut waiting: Vec<Piece> = Vec::new();
    let mut pieces = pieces.into_iter().peekable();
    while let Some(piece) = pieces.next() {
        if piece.is_anchor() {
            // "2021年起，每年…": a bare start joins the recurring rule after it.
            let bare_start = piece.exprs.len() == 1
                && piece.exprs[0].year_start.is_some()
                && chars[piece.start..piece.end]
                    .iter()
                    .enumerate()
                    .all(|(k, c)| {
                        let i = piece.start + k;
                        (i >= piece.exprs[0].start && i < piece.exprs[0].end) || matches!(c, '从' | '自' | '，')
                    });
            let mut group = std::mem::take(&mut waiting);
            group.push(piece);
            if bare_start && pieces.peek().is_some_and(|next| next.exprs.first().is_some_and(|e| e.schedules.iter().any(Schedule::is_recurring))) {
                if let Some(next) = pieces.next() {
                    group.push(next);
                }
            }
            groups.push(group);
            continue;
        }
        let leads = phrases::leads_forward(&chars[piece.start..piece.end]);
        let next_is_anchor = pieces.peek().is_some_and(Piece::is_anchor);
        match groups.last_mut() {
            Some(last) if !(leads && next_is_anchor) => last.push(piece),
            _ => waiting.push(piece),
        }
    }
    if !waiting.is_empty() {
        match groups.last_mut() {
            Some(last) => last.extend(waiting),
            None => groups.push(waiting),
        }
    }
    groups
}

fn milestone(
    text: &str,
    norm: &normalize::Normalized,
    group: &[Piece],
    first_year: i32,
    last_year: i32,
    horizon: (Option<NaiveDate>, Option<NaiveDate>),
    result: &mut DeadlineText,
) -> Milestone {
    let chars = &norm.chars;
    let start = group.first().map_or(0, |p| p.start);
    let end = group.last().map_or(0, |p| p.end);
    let mut schedules: Vec<Schedule> = Vec::new();
    let mut rules: Vec<String> = Vec::new();
    let mut occurrences = Vec::new();
    let mut all_aspirational = true;
    let mut any_expr = false;
    let mut year_start: Option<NaiveDate> = None;
    for piece in group {
        for e in &piece.exprs {
            if let Some(error) = &e.error {
                result.unparsed.push(format!("{}（{}）", norm.original(text, e.start, e.end), error));
                continue;
            }
            any_expr = true;
            let aspirational = piece.aspirational_from.is_some_and(|a| a < e.start);
            all_aspirational &= aspirational;
            for schedule in &e.schedules {
                let mut schedule = schedule.clone();
                if let (Some(from), Schedule::Every { from: rule_from @ None, .. }) = (year_start, &mut schedule) {
                    *rule_from = Some(from);
                }
                let mut own = Vec::new();
                schedule.occurrences(first_year, last_year, &mut own);
                if schedule.is_recurring() {
                    own.retain(|o| {
                        let d = o.sort_date();
                        horizon.0.is_none_or(|h| d >= h) && o.deadline().unwrap_or(d) <= horizon.1.unwrap_or(d)
                    });
                }
                if aspirational {
                    result.aspirational_dates.extend(own.iter().map(|o| o.deadline().unwrap_or(o.sort_date())));
                } else {
                    result.occurrences.extend(own.iter().copied());
                }
                rules.push(schedule.to_string());
                occurrences.extend(own);
                schedules.push(schedule);
            }
            year_start = year_start.or(e.year_start);
        }
    }
    let relative_span = group.iter().find_map(|p| p.relative);
    let ongoing = !any_expr && relative_span.is_none() && group.iter().any(|p| p.ongoing);
    if let Some((a, b)) = relative_span {
        rules.push(format!("relative {}", norm.original(text, a, b)));
    }
    if ongoing {
        rules.push("ongoing".into());
    }
    // The unit's own words: clauses that name another actor speak of that actor.
    let mut own_words: Vec<char> = Vec::new();
    let mut actor = None;
    for piece in group {
        let words = &chars[piece.start..piece.end];
        match phrases::actor(words) {
            Some(name) => actor = actor.or(Some(name)),
            None => {
                own_words.extend_from_slice(words);
                own_words.push('，');
            }
        }
    }
    let dated_words: Vec<char> = group
        .iter()
        .filter(|p| !p.exprs.is_empty())
        .flat_map(|p| chars[p.start..p.end].iter().copied().chain(['，']))
        .collect();
    let mut actions = phrases::actions(&dated_words);
    for action in phrases::actions(&own_words) {
        if !actions.contains(&action) {
            actions.push(action);
        }
    }
    let channels = phrases::channels(&own_words);
    occurrences.sort_by_key(|o| (o.sort_date(), *o));
    occurrences.dedup();
    Milestone {
        text: norm.original(text, start, end).trim_matches(|c: char| c.is_whitespace() || "，,；;。".contains(c)).to_string(),
        rule: if rules.is_empty() { "unparsed".into() } else { rules.join("; ") },
        action: actions.first().map(|a| a.to_string()),
        recipient: phrases::recipient(&own_words),
        aspirational: any_expr && all_aspirational,
        channel: channels.first().cloned(),
        channels,
        actions: actions.into_iter().map(String::from).collect(),
        actor,
        ongoing,
        relative: relative_span.is_some(),
        schedules,
        occurrences,
    }
}

#[cfg(test)]
mod tests;
