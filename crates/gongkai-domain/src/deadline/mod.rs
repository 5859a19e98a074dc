//! The deadline language: what a 完成时间及方式 cell means as dates.
//!
//! `DeadlineText::parse` follows `shared/DEADLINE-SEMANTICS.md`: the cell is
//! normalized, cut into clauses, each clause read for time expressions,
//! clauses grouped into milestones (a clause without a date of its own joins
//! the dated one beside it), and the milestones laid on the calendar inside
//! the horizon `[Y-01-01, (Y+1)-12-31]`.

pub mod describe;
mod expr;
mod lexicon;
mod normalize;
mod phrases;
pub mod schedule;

use chrono::NaiveDate;
use serde::Serialize;
use std::fmt::Write as _;
use std::ops::Range;

pub use schedule::{Day, MonthDay, Occurrence, Period, Schedule, Slot};

/// Words that make a cell ongoing when it names no date.
const ONGOING_WORDS: &[&str] = &["长期", "持续", "常态化", "经常性", "实时", "及时", "日常", "常年", "随时", "动态"];

/// Words before a date that make it aspirational.
const ASPIRATION_WORDS: &[&str] = &["争取", "力争", "力求", "尽量"];

/// Units of a duration that make a milestone relative to an event.
const DURATION_UNITS: &[&str] = &[
    "个工作日",
    "工作日",
    "个自然日",
    "自然日",
    "个月",
    "个星期",
    "个周",
    "周内",
    "天",
    "日内",
    "日之内",
    "日以内",
    "年内",
    // Bare years ("两年完成"), last so that 年内 is read whole.
    "年",
];

/// Phrases that count from an event without a duration ("自印发之日起施行").
const EVENT_STARTS: &[&str] = &["即日起", "之日起", "印发后", "发布后", "出台后", "批准后", "生效后"];

/// One segment of the cell with its own dates, action and recipient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Milestone {
    /// The original text of the segment.
    pub text: String,
    /// The rule in a stable short form: `yearly 12-25`, `due 2020-09-20`, `ongoing`.
    pub rule: String,
    pub action: Option<&'static str>,
    pub recipient: Option<String>,
    pub aspirational: bool,
    /// Where the result is published (`区政府门户网站`).
    pub channel: Option<String>,
    pub channels: Vec<String>,
    /// Every action named, most specific first.
    pub actions: Vec<&'static str>,
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
    /// The deadline a task's own text gives ("…，6月底前完成", "年底前建成"),
    /// for lists without a deadline column: the clauses that name a date the
    /// grammar reads whole, joined; `None` when no clause does.
    pub fn find_in(task: &str, plan_year: i32) -> Option<String> {
        let dated: Vec<&str> = task
            .split(['，', ',', '；', ';', '。', '\n', '（', '）', '(', ')'])
            .map(str::trim)
            .filter(|clause| !clause.is_empty() && clause.chars().count() <= 60)
            .filter(|clause| {
                let read = DeadlineText::parse(clause, plan_year);
                read.unparsed.is_empty() && !read.occurrences.is_empty()
            })
            .collect();
        (!dated.is_empty()).then(|| dated.join("，"))
    }

    pub fn parse(text: &str, plan_year: i32) -> DeadlineText {
        let norm = normalize::normalize(text);
        let chars = &norm.chars;
        let pieces = pieces(chars, plan_year);
        let mut pieces = pieces;
        let groups = group(chars, &pieces);

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
        for range in groups {
            let milestone = milestone(text, &norm, &mut pieces[range], first_year, last_year, horizon, &mut result);
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

/// True when `word` stands at `chars[at..]`, ending before `end`.
fn word_at(chars: &[char], at: usize, end: usize, word: &str) -> Option<usize> {
    let mut j = at;
    for ch in word.chars() {
        if j >= end || chars[j] != ch {
            return None;
        }
        j += 1;
    }
    Some(j - at)
}

/// Ongoing words (tagged `true`) and aspiration words (tagged `false`).
fn marker_words() -> &'static lexicon::Lexicon<bool> {
    static WORDS: std::sync::OnceLock<lexicon::Lexicon<bool>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        lexicon::Lexicon::new(
            ONGOING_WORDS.iter().map(|w| (*w, true)).chain(ASPIRATION_WORDS.iter().map(|w| (*w, false))),
        )
    })
}

/// A duration relative to an event: `10个工作日内`, `6个月`, `20日内`.
fn relative_span(chars: &[char], start: usize, end: usize) -> Option<(usize, usize)> {
    let mut i = start;
    while i < end {
        let c = chars[i];
        // "半年内": half a year from the event (上半年 and 下半年 are dates).
        if c == '半'
            && (i == start || !matches!(chars[i - 1], '上' | '下' | '每'))
            && word_at(chars, i + 1, end, "年内").is_some()
        {
            let mut from = i;
            while from > start && !matches!(chars[from - 1], '，' | '；' | '。' | '在' | '于') {
                from -= 1;
            }
            return Some((from, i + 3));
        }
        let numeral = c.is_ascii_digit() || crate::numerals::chinese_digit(c).is_some() || matches!(c, '十' | '廿');
        // "第二年" counts years of a plan, not a span of time.
        let after_month = i > 0 && matches!(chars[i - 1], '月' | '年' | '度' | '第');
        if numeral
            && !after_month
            && (i == start || !chars[i - 1].is_ascii_digit())
            && let Some((value, len)) = crate::numerals::read_number(chars, i)
            && value < 1000
        {
            let at = i + len;
            let unit_may_follow = matches!(chars.get(at), Some('个' | '工' | '自' | '天' | '日' | '周' | '年'));
            if unit_may_follow && let Some(unit_len) = DURATION_UNITS.iter().find_map(|u| word_at(chars, at, end, u)) {
                let mut stop = at + unit_len;
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
        let (mut aspirational_from, mut ongoing) = (None, false);
        for i in start..end {
            for (_, is_ongoing) in marker_words().at(&chars[..end], i) {
                if is_ongoing {
                    ongoing = true;
                } else {
                    aspirational_from = aspirational_from.or(Some(i));
                }
            }
        }
        let relative = relative_span(chars, start, end).or_else(|| {
            // "10月26日起" starts on a date; only a clause without one counts from an event.
            if !exprs.is_empty() || !chars[start..end].iter().any(|c| matches!(c, '起' | '后')) {
                return None;
            }
            EVENT_STARTS.iter().find_map(|w| {
                let at = (start..end).find(|&i| word_at(chars, i, end, w).is_some())?;
                Some((at, at + w.chars().count()))
            })
        });
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
                && chars[last.end..e.start]
                    .iter()
                    .any(|c| !matches!(c, '、' | '和' | '及' | '与' | '或' | '至' | '到' | '—'))
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
/// Groups are runs of neighbouring pieces, given as index ranges.
fn group(chars: &[char], pieces: &[Piece]) -> Vec<Range<usize>> {
    let mut groups: Vec<Range<usize>> = Vec::with_capacity(pieces.len());
    let mut waiting_from: Option<usize> = None;
    let mut k = 0;
    while k < pieces.len() {
        let piece = &pieces[k];
        if piece.is_anchor() {
            // "2021年起，每年…": a bare start joins the recurring rule after it.
            let bare_start = piece.exprs.len() == 1
                && piece.exprs[0].year_start.is_some()
                && chars[piece.start..piece.end].iter().enumerate().all(|(n, c)| {
                    let i = piece.start + n;
                    (i >= piece.exprs[0].start && i < piece.exprs[0].end) || matches!(c, '从' | '自' | '，')
                });
            let next_recurs = pieces
                .get(k + 1)
                .is_some_and(|next| next.exprs.first().is_some_and(|e| e.schedules.iter().any(Schedule::is_recurring)));
            let end = if bare_start && next_recurs { k + 2 } else { k + 1 };
            groups.push(waiting_from.take().unwrap_or(k)..end);
            k = end;
            continue;
        }
        let leads = phrases::leads_forward(&chars[piece.start..piece.end]);
        let next_is_anchor = pieces.get(k + 1).is_some_and(Piece::is_anchor);
        match groups.last_mut() {
            Some(last) if waiting_from.is_none() && !(leads && next_is_anchor) => last.end = k + 1,
            _ => {
                waiting_from.get_or_insert(k);
            }
        }
        k += 1;
    }
    if let Some(from) = waiting_from {
        match groups.last_mut() {
            Some(last) => last.end = pieces.len(),
            None => groups.push(from..pieces.len()),
        }
    }
    groups
}

fn milestone(
    text: &str,
    norm: &normalize::Normalized,
    group: &mut [Piece],
    first_year: i32,
    last_year: i32,
    horizon: (Option<NaiveDate>, Option<NaiveDate>),
    result: &mut DeadlineText,
) -> Milestone {
    let chars = &norm.chars;
    let start = group.first().map_or(0, |p| p.start);
    let end = group.last().map_or(0, |p| p.end);
    let mut schedules: Vec<Schedule> = Vec::new();
    let mut rule = String::new();
    let mut occurrences = Vec::new();
    let mut all_aspirational = true;
    let mut any_expr = false;
    let mut year_start: Option<NaiveDate> = None;
    for piece in group.iter_mut() {
        for e in &mut piece.exprs {
            if let Some(error) = &e.error {
                result.unparsed.push(format!("{}（{}）", norm.original(text, e.start, e.end), error));
                continue;
            }
            any_expr = true;
            let aspirational = piece.aspirational_from.is_some_and(|a| a < e.start);
            all_aspirational &= aspirational;
            for mut schedule in std::mem::take(&mut e.schedules) {
                if let (Some(from), Schedule::Every { from: rule_from @ None, .. }) = (year_start, &mut schedule) {
                    *rule_from = Some(from);
                }
                let from = occurrences.len();
                schedule.occurrences(first_year, last_year, &mut occurrences);
                if schedule.is_recurring() {
                    let mut kept = from;
                    for n in from..occurrences.len() {
                        let o: Occurrence = occurrences[n];
                        let d = o.sort_date();
                        if horizon.0.is_none_or(|h| d >= h) && o.deadline().unwrap_or(d) <= horizon.1.unwrap_or(d) {
                            occurrences[kept] = o;
                            kept += 1;
                        }
                    }
                    occurrences.truncate(kept);
                }
                let own = &occurrences[from..];
                if aspirational {
                    result.aspirational_dates.extend(own.iter().map(|o| o.deadline().unwrap_or(o.sort_date())));
                } else {
                    result.occurrences.extend_from_slice(own);
                }
                if !rule.is_empty() {
                    rule.push_str("; ");
                }
                let _ = write!(rule, "{schedule}");
                schedules.push(schedule);
            }
            year_start = year_start.or(e.year_start);
        }
    }
    let relative_span = group.iter().find_map(|p| p.relative);
    let ongoing = !any_expr && relative_span.is_none() && group.iter().any(|p| p.ongoing);
    if let Some((a, b)) = relative_span {
        let sep = if rule.is_empty() { "" } else { "; " };
        let _ = write!(rule, "{sep}relative {}", norm.original(text, a, b));
    }
    if ongoing {
        rule.push_str(if rule.is_empty() { "ongoing" } else { "; ongoing" });
    }
    // The unit's own words: clauses that name another actor speak of that actor.
    let mut own_words: Vec<char> = Vec::with_capacity(end - start + group.len());
    let mut actor = None;
    let mut own_mask = 0u32;
    let mut dated_mask = 0u32;
    for piece in group.iter() {
        let words = &chars[piece.start..piece.end];
        match phrases::actor(words) {
            Some(name) => actor = actor.or(Some(name)),
            None => {
                let mask = phrases::action_mask(words);
                own_mask |= mask;
                if dated_mask == 0 && !piece.exprs.is_empty() {
                    dated_mask = mask;
                }
                own_words.extend_from_slice(words);
                own_words.push('，');
            }
        }
    }
    // The action a dated clause names comes first ("每年7月开展；…公开" is 开展).
    let mut actions = phrases::actions_in(own_mask);
    if let Some(first) = phrases::actions_in(dated_mask & dated_mask.wrapping_neg()).first()
        && let Some(at) = actions.iter().position(|a| a == first)
    {
        actions[..=at].rotate_right(1);
    }
    let channels = phrases::channels(&own_words);
    occurrences.sort_by_key(|o| (o.sort_date(), *o));
    occurrences.dedup();
    Milestone {
        text: norm
            .original(text, start, end)
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, '，' | ',' | '；' | ';' | '。'))
            .to_string(),
        rule: if rule.is_empty() { "unparsed".into() } else { rule },
        action: actions.first().copied(),
        recipient: phrases::recipient(&own_words),
        aspirational: any_expr && all_aspirational,
        channel: channels.first().cloned(),
        channels,
        actions,
        actor,
        ongoing,
        relative: relative_span.is_some(),
        schedules,
        occurrences,
    }
}

#[cfg(test)]
mod tests;
