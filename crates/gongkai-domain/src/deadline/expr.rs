//! The time expressions inside one clause: `9月20日前`, `每年1月、7月`,
//! `第三季度末月15日前`, `2021年7月底前`, `12月下旬`, `每季度`, `春节前`.
//!
//! A recursive-descent reader over normalized characters. Each expression is
//! read greedily at the first position where one can start, and yields
//! `Schedule`s (or an error naming the text), never a panic.

use super::schedule::{Day, MonthDay, Occurrence, Period, Schedule, Slot};
use crate::calendar;
use chrono::NaiveDate;

/// One time expression found in a clause.
#[derive(Debug, Clone)]
pub struct Expr {
    pub start: usize,
    pub end: usize,
    pub schedules: Vec<Schedule>,
    /// `2021年起` alone: the first day of a following recurring rule.
    pub year_start: Option<NaiveDate>,
    /// Why the text could not be laid on a calendar (`2月30日`).
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tense {
    Plain,
    Before,
    Start,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Early,
    Mid,
    Late,
    End,
}

impl Part {
    /// First and last day of the part of a month.
    fn days(self) -> (u32, Day) {
        match self {
            Part::Early => (1, Day::Nth(10)),
            Part::Mid => (11, Day::Nth(20)),
            Part::Late => (21, Day::Last),
            Part::End => (1, Day::Last),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MonthItem {
    year: Option<i32>,
    month: u32,
    day: Option<u32>,
    part: Option<Part>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuarterAt {
    Whole,
    End,
    FirstMonthDay(u32),
    LastMonthDay(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Body {
    Nothing,
    YearEnd,
    WholeYear,
    Half {
        second: bool,
        end: bool,
    },
    Quarter {
        q: u32,
        at: QuarterAt,
    },
    Months(Vec<MonthItem>),
    Range(MonthItem, MonthItem),
    /// A day in every month or quarter (`每月10日前`).
    DayOnly(u32),
    Holiday(Holiday),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holiday {
    NewYear,
    LabourDay,
    PartyDay,
    NationalDay,
    SpringFestival,
}

/// Verbs after a bare year that make it the deadline ("2021年完成").
const YEAR_VERBS: &[&str] = &["完成", "实现", "开展", "建成", "全面", "基本", "全年"];

/// Reads expressions in `chars[start..end]`.
pub fn scan(chars: &[char], start: usize, end: usize, plan_year: i32) -> Vec<Expr> {
    // Every expression holds one of these; most clauses without a date hold none.
    let may_hold_a_date = chars[start..end]
        .iter()
        .any(|c| matches!(c, '月' | '年' | '季' | '每' | '按' | '旦' | '庆' | '节' | '一' | '—' | '.' | '/'));
    if !may_hold_a_date {
        return Vec::new();
    }
    let reader = Reader { c: &chars[..end], year: plan_year };
    let mut found = Vec::new();
    let mut i = start;
    while i < end {
        if let Some(expr) = reader.expression(i) {
            i = expr.end.max(i + 1);
            found.push(expr);
        } else {
            i += 1;
        }
    }
    found
}

struct Reader<'a> {
    c: &'a [char],
    year: i32,
}

impl Reader<'_> {
    /// The number of characters of `s` if the text at `i` starts with it.
    fn lit(&self, i: usize, s: &str) -> Option<usize> {
        let mut j = i;
        for ch in s.chars() {
            if self.c.get(j) != Some(&ch) {
                return None;
            }
            j += 1;
        }
        Some(j - i)
    }

    /// The first of `options` that the text at `i` starts with, and its length.
    fn any(&self, i: usize, options: &[&str]) -> Option<usize> {
        options.iter().find_map(|s| self.lit(i, s))
    }

    fn number(&self, i: usize) -> Option<(u32, usize)> {
        // A number glued to a digit before it is part of a longer number.
        if i > 0 && self.c[i - 1].is_ascii_digit() && self.c.get(i).is_some_and(|c| c.is_ascii_digit()) {
            return None;
        }
        crate::numerals::read_number(self.c, i)
    }

    /// `2021年`, `二〇二一年`, `明年`: a year, the length read, and whether
    /// it was a word relative to the plan year.
    fn year_at(&self, i: usize) -> Option<(i32, usize, bool)> {
        let word = matches!(self.c.get(i), Some('明' | '次' | '下' | '今' | '本' | '当'));
        let (year, len, relative) = if !word {
            let (value, len) = self.number(i)?;
            if len < 4 || !(1900..=2200).contains(&value) || self.lit(i + len, "年").is_none() {
                return None;
            }
            (value as i32, len + 1, false)
        } else if let Some(len) = self.any(i, &["明年", "次年", "下一年"]) {
            (self.year + 1, len, true)
        } else {
            (self.year, self.any(i, &["今年", "本年", "当年"])?, true)
        };
        Some((year, len + self.lit(i + len, "度").unwrap_or(0), relative))
    }

    /// True at the end of the clause or before a word that ends a date.
    fn clause_ends_or_tense(&self, i: usize) -> bool {
        i >= self.c.len() || matches!(self.c[i], '，' | '；' | '。' | '、' | '\n' | '）') || self.tense_at(i).1 > 0
    }

    /// `2020-12-25`, `2020.12.25`, `2020/12/25` (dashes are already folded).
    fn iso_date_at(&self, i: usize) -> Option<(NaiveDate, usize)> {
        let (year, year_len) = self.number(i)?;
        if year_len != 4 {
            return None;
        }
        let sep = *self.c.get(i + year_len)?;
        if !matches!(sep, '—' | '.' | '/') {
            return None;
        }
        let (month, month_len) = crate::numerals::read_number(self.c, i + year_len + 1)?;
        let at = i + year_len + 1 + month_len;
        if self.c.get(at) != Some(&sep) || month_len > 2 {
            return None;
        }
        let (day, day_len) = crate::numerals::read_number(self.c, at + 1)?;
        if day_len > 2 || self.c.get(at + 1).is_some_and(|c| !c.is_ascii_digit()) {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
        Some((date, at + 1 + day_len - i))
    }

    /// `9月`, `九月份`: a month and the length read.
    fn month_at(&self, i: usize) -> Option<(u32, usize)> {
        let (month, len) = self.number(i)?;
        if !(1..=12).contains(&month) || self.lit(i + len, "月").is_none() {
            return None;
        }
        let mut n = len + 1;
        if self.lit(i + n, "份").is_some() {
            n += 1;
        }
        Some((month, n))
    }

    /// `20日`, `20号`, and a time of day after it (`17时`, `17:00`) that is skipped.
    fn day_at(&self, i: usize) -> Option<(u32, usize)> {
        let (day, len) = self.number(i)?;
        if !(1..=31).contains(&day) || self.any(i + len, &["日", "号"]).is_none() {
            return None;
        }
        let mut n = len + 1;
        if let Some((hour, hour_len)) = self.number(i + n)
            && hour <= 24
        {
            if let Some(unit) = self.any(i + n + hour_len, &["时", "点"]) {
                n += hour_len + unit;
            } else if self.lit(i + n + hour_len, "：").is_some()
                && let Some((_, minute_len)) = self.number(i + n + hour_len + 1)
            {
                n += hour_len + 1 + minute_len;
            }
        }
        Some((day, n))
    }

    fn part_at(&self, i: usize) -> Option<(Part, usize)> {
        if let Some(n) = self.any(i, &["上旬"]) {
            return Some((Part::Early, n));
        }
        // "9月初步完成" is a first step, not the start of September.
        if self.lit(i, "初").is_some() && self.lit(i + 1, "步").is_none() {
            return Some((Part::Early, 1));
        }
        if let Some(n) = self.any(i, &["中旬"]) {
            return Some((Part::Mid, n));
        }
        if let Some(n) = self.any(i, &["中下旬", "下旬"]) {
            return Some((if n == 3 { Part::Mid } else { Part::Late }, n));
        }
        if let Some(n) = self.any(i, &["底", "末", "终"]) {
            return Some((Part::End, n));
        }
        // "6月中前": the middle of June; "6月中央…" is something else.
        if self.lit(i, "中").is_some() && self.clause_ends_or_tense(i + 1) {
            return Some((Part::Mid, 1));
        }
        None
    }

    /// `9月20日`, `12月下旬`, `7月`, with an optional year already read.
    fn month_item_at(&self, i: usize, year: Option<i32>) -> Option<(MonthItem, usize)> {
        let (month, mut n) = self.month_at(i)?;
        let mut item = MonthItem { year, month, day: None, part: None };
        if let Some((day, len)) = self.day_at(i + n) {
            item.day = Some(day);
            n += len;
        } else if let Some((part, len)) = self.part_at(i + n) {
            // "中下旬" reads as from the middle on; keep it a window over 11..last.
            item.part = Some(part);
            n += len;
        }
        Some((item, n))
    }

    /// The end of a range: `15日`, `12月`, `12月底`, `2021年1月5日`, or a bare
    /// month number before `月` is read by the caller.
    fn range_end_at(&self, i: usize, start: &MonthItem) -> Option<(MonthItem, usize)> {
        let (year, year_len) = match self.year_at(i) {
            Some((year, len, _)) => (Some(year), len),
            None => (start.year, 0),
        };
        if let Some((item, len)) = self.month_item_at(i + year_len, year) {
            return Some((item, year_len + len));
        }
        if year_len == 0
            && start.day.is_some()
            && let Some((day, len)) = self.day_at(i)
        {
            return Some((MonthItem { day: Some(day), ..*start }, len));
        }
        None
    }

    fn connector_at(&self, i: usize) -> Option<usize> {
        self.any(i, &["、", "和", "及", "与", "或", "，"])
    }

    fn range_connector_at(&self, i: usize) -> Option<usize> {
        self.any(i, &["起至", "起到", "至", "到", "—"]).map(|n| {
            // "——" is one dash.
            if self.lit(i + n, "—").is_some() { n + 1 } else { n }
        })
    }

    fn tense_at(&self, i: usize) -> (Tense, usize) {
        if let Some(n) = self.any(i, &["前后"]) {
            return (Tense::Plain, n);
        }
        if let Some(n) = self.any(i, &["以前", "之前", "前", "为止", "止", "截止", "以内", "之内", "内"])
        {
            return (Tense::Before, n);
        }
        // "起草" is drafting, not a start.
        if self.lit(i, "起").is_some() && self.lit(i + 1, "草").is_none() {
            return (Tense::Start, 1);
        }
        if let Some(n) = self.any(i, &["开始", "以来"]) {
            return (Tense::Start, n);
        }
        (Tense::Plain, 0)
    }

    fn holiday_at(&self, i: usize) -> Option<(Holiday, usize)> {
        if !matches!(self.c.get(i), Some('元' | '五' | '劳' | '七' | '建' | '国' | '十' | '春')) {
            return None;
        }
        let table: &[(&str, Holiday)] = &[
            ("元旦节", Holiday::NewYear),
            ("元旦", Holiday::NewYear),
            ("五一劳动节", Holiday::LabourDay),
            ("劳动节", Holiday::LabourDay),
            ("五一", Holiday::LabourDay),
            ("七一", Holiday::PartyDay),
            ("建党节", Holiday::PartyDay),
            ("国庆节", Holiday::NationalDay),
            ("国庆", Holiday::NationalDay),
            ("十一", Holiday::NationalDay),
            ("春节", Holiday::SpringFestival),
        ];
        let (holiday, n) = table.iter().find_map(|(s, h)| self.lit(i, s).map(|n| (*h, n)))?;
        // "十一月" is November and "五一" must not be the tail of a longer number.
        if matches!(self.c.get(i + n), Some('月' | '日' | '号')) {
            return None;
        }
        if i > 0 && crate::numerals::chinese_digit(self.c[i - 1]).is_some() {
            return None;
        }
        let tense_start = i + n + self.lit(i + n, "节").unwrap_or(0);
        match self.tense_at(tense_start) {
            (Tense::Before, len) => Some((holiday, tense_start - i + len)),
            _ => None,
        }
    }

    fn every_at(&self, i: usize) -> Option<(Period, usize)> {
        if !matches!(self.c.get(i), Some('每' | '按')) {
            return None;
        }
        let table: &[(&str, Period)] = &[
            ("每半年度", Period::HalfYear),
            ("每半年", Period::HalfYear),
            ("每个季度", Period::Quarter),
            ("每季度", Period::Quarter),
            ("按季度", Period::Quarter),
            ("每季", Period::Quarter),
            ("按季", Period::Quarter),
            ("每个月", Period::Month),
            ("每月", Period::Month),
            ("按月", Period::Month),
            ("每年度", Period::Year),
            ("每一年", Period::Year),
            ("每年", Period::Year),
            ("按年度", Period::Year),
            ("按年", Period::Year),
        ];
        table.iter().find_map(|(s, p)| self.lit(i, s).map(|n| (*p, n)))
    }

    /// One expression starting exactly at `i`.
    fn expression(&self, i: usize) -> Option<Expr> {
        let first = *self.c.get(i)?;
        let may_start = first.is_ascii_digit()
            || crate::numerals::chinese_digit(first).is_some()
            || matches!(
                first,
                '十' | '廿'
                    | '每'
                    | '按'
                    | '年'
                    | '上'
                    | '下'
                    | '第'
                    | '明'
                    | '次'
                    | '今'
                    | '本'
                    | '当'
                    | '元'
                    | '劳'
                    | '建'
                    | '国'
                    | '春'
            );
        if !may_start {
            return None;
        }
        if let Some((holiday, n)) = self.holiday_at(i) {
            return Some(self.finish(i, i + n, None, None, Body::Holiday(holiday), Tense::Before));
        }
        if let Some((date, n)) = self.iso_date_at(i) {
            let (tense, len) = self.tense_at(i + n);
            let occurrence = match tense {
                Tense::Start => Occurrence::Start { date },
                _ => Occurrence::Due { date },
            };
            let mut expr = Expr {
                start: i,
                end: i + n + len,
                schedules: vec![Schedule::Once(occurrence)],
                year_start: None,
                error: None,
            };
            if tense == Tense::Start {
                expr.year_start = Some(date);
            }
            return Some(expr);
        }
        // A year may stand before a recurrence word: "2021年每季度".
        let (year, year_len, relative_year) = match self.year_at(i) {
            Some((year, len, relative)) => (Some(year), len, relative),
            None => (None, 0, false),
        };
        let mut j = i + year_len;
        let every = self.every_at(j).map(|(period, n)| {
            j += n;
            period
        });
        let (body, body_len) = self.body_at(j, year, every);
        if body == Body::Nothing && every.is_none() && year.is_none() {
            return None;
        }
        j += body_len;
        let (tense, tense_len) = self.tense_at(j);
        // A year alone is a date only where it plainly names one: "2021年起",
        // "2021年完成"; "报送2020年度报告" and "当年情况" are not.
        if body == Body::WholeYear
            && every.is_none()
            && tense == Tense::Plain
            && (relative_year || !(self.clause_ends_or_tense(j) || self.any(j, YEAR_VERBS).is_some()))
        {
            return None;
        }
        j += tense_len;
        // "每季度末（分别在6月、9月和12月底）": an explicit list beats the generic rule.
        if let Some(period) = every
            && period != Period::Year
            && let Some((items, len)) = self.explicit_months_at(j)
        {
            return Some(self.finish(i, j + len, year, Some(Period::Year), Body::Months(items), Tense::Plain));
        }
        Some(self.finish(i, j, year, every, body, tense))
    }

    /// `（分别在6月、9月和12月底）` right after a recurring rule.
    fn explicit_months_at(&self, i: usize) -> Option<(Vec<MonthItem>, usize)> {
        self.lit(i, "（")?;
        let mut j = i + 1;
        j += self.any(j, &["分别在", "分别于", "分别为", "即", "于", "在", "为"]).unwrap_or(0);
        let (items, len) = self.month_list_at(j, None)?;
        j += len;
        j += self.tense_at(j).1;
        self.lit(j, "）")?;
        Some((items, j + 1 - i))
    }

    /// `6月、9月和12月底`, `1月、7月`: items joined by list words; a part of a
    /// month written on the last item (`底`) holds for the bare ones before it.
    fn month_list_at(&self, i: usize, year: Option<i32>) -> Option<(Vec<MonthItem>, usize)> {
        let (first, mut n) = self.month_item_at(i, year)?;
        let mut items = vec![first];
        while let Some(conn) = self.connector_at(i + n) {
            let at = i + n + conn;
            let (year, year_len) = match self.year_at(at) {
                Some((y, len, _)) => (Some(y), len),
                None => (items.last().and_then(|it| it.year), 0),
            };
            let Some((item, len)) = self.month_item_at(at + year_len, year) else {
                break;
            };
            items.push(item);
            n += conn + year_len + len;
        }
        if let Some(last) = items.last().copied()
            && let Some(part) = last.part
        {
            for item in items.iter_mut() {
                if item.day.is_none() && item.part.is_none() {
                    item.part = Some(part);
                }
            }
        }
        Some((items, n))
    }

    fn body_at(&self, i: usize, year: Option<i32>, every: Option<Period>) -> (Body, usize) {
        // "一年内", "2年内": a duration, never this year's end.
        let counted = i > 0 && (self.c[i - 1].is_ascii_digit() || "一二两三四五六七八九十半".contains(self.c[i - 1]));
        if let Some(n) = self.any(i, &["年底", "年末", "年终"]).or_else(|| self.lit(i, "年内").filter(|_| !counted))
        {
            return (Body::YearEnd, n);
        }
        if year.is_some()
            && every.is_none()
            && let Some(n) = self.any(i, &["底", "末", "内"])
        {
            // "2021年底", "2021年内"; the tense reader must not read 内 again.
            return (Body::YearEnd, n);
        }
        if let Some(n) = self.any(i, &["上半年", "下半年"]) {
            let second = self.lit(i, "下").is_some();
            let mut len = n + self.lit(i + n, "度").unwrap_or(0);
            let end = match self.any(i + len, &["底", "末"]) {
                Some(m) => {
                    len += m;
                    true
                }
                None => false,
            };
            return (Body::Half { second, end }, len);
        }
        if let Some((q, n)) = self.quarter_at(i) {
            let (at, len) = self.quarter_tail_at(i + n);
            return (Body::Quarter { q, at }, n + len);
        }
        if every.is_some() && every != Some(Period::Year) {
            // "每季度首月10日前", "每季度末", "每月15日前", "每月底".
            if every == Some(Period::Quarter) || every == Some(Period::HalfYear) {
                let (at, len) = self.quarter_tail_at(i);
                if at != QuarterAt::Whole {
                    return (Body::Quarter { q: 0, at }, len);
                }
            }
            if let Some((day, len)) = self.day_at(i) {
                return (Body::DayOnly(day), len);
            }
            if let Some((part, len)) = self.part_at(i) {
                let item = MonthItem { year: None, month: 0, day: None, part: Some(part) };
                return (Body::Months(vec![item]), len);
            }
            return (Body::Nothing, 0);
        }
        if let Some((items, n)) = self.month_list_at(i, year) {
            if items.len() == 1 {
                // A month number before a dash: "7—9月" is a range of months.
                if let Some(conn) = self.range_connector_at(i + n)
                    && let Some((end, len)) = self.range_end_at(i + n + conn, &items[0])
                {
                    return (Body::Range(items[0], end), n + conn + len);
                }
            }
            return (Body::Months(items), n);
        }
        if let Some((month, n)) = self.number(i)
            && (1..=12).contains(&month)
            && let Some(conn) = self.any(i + n, &["—", "至", "到"])
            && let Some((end, len)) = self.month_item_at(i + n + conn, year)
            && end.day.is_none()
        {
            let start = MonthItem { year, month, day: None, part: None };
            return (Body::Range(start, end), n + conn + len);
        }
        if year.is_some() {
            return (Body::WholeYear, 0);
        }
        (Body::Nothing, 0)
    }

    /// `第三季度`, `3季度`, `一季度`.
    fn quarter_at(&self, i: usize) -> Option<(u32, usize)> {
        let ordinal = self.lit(i, "第").unwrap_or(0);
        let (q, n) = self.number(i + ordinal)?;
        if !(1..=4).contains(&q) {
            return None;
        }
        let word = self.any(i + ordinal + n, &["季度", "季"])?;
        Some((q, ordinal + n + word))
    }

    /// What follows a quarter: `末`, `末月15日`, `首月10日`, or nothing.
    fn quarter_tail_at(&self, i: usize) -> (QuarterAt, usize) {
        if let Some(n) = self.any(i, &["末月", "最后一个月", "最后一月", "第三个月"])
            && let Some((day, len)) = self.day_at(i + n)
        {
            return (QuarterAt::LastMonthDay(day), n + len);
        }
        if let Some(n) = self.any(i, &["首月", "第一个月", "初月"])
            && let Some((day, len)) = self.day_at(i + n)
        {
            return (QuarterAt::FirstMonthDay(day), n + len);
        }
        if let Some(n) = self.any(i, &["末", "底", "结束前"]) {
            return (QuarterAt::End, n);
        }
        (QuarterAt::Whole, 0)
    }

    fn finish(
        &self,
        start: usize,
        end: usize,
        year: Option<i32>,
        every: Option<Period>,
        body: Body,
        tense: Tense,
    ) -> Expr {
        let mut expr = Expr { start, end, schedules: Vec::new(), year_start: None, error: None };
        match self.meaning(year, every, &body, tense) {
            Ok(schedules) => {
                if every.is_none()
                    && tense == Tense::Start
                    && matches!(body, Body::WholeYear | Body::Months(_))
                    && let [Schedule::Once(Occurrence::Start { date })] = schedules.as_slice()
                {
                    expr.year_start = Some(*date);
                }
                expr.schedules = schedules;
            }
            Err(error) => expr.error = Some(error),
        }
        expr
    }

    fn meaning(
        &self,
        year: Option<i32>,
        every: Option<Period>,
        body: &Body,
        tense: Tense,
    ) -> Result<Vec<Schedule>, String> {
        let Some(period) = every else {
            return self.once(year.unwrap_or(self.year), body, tense);
        };
        let slots = recurring_slots(period, body, tense)?;
        // "2021年每季度": the rule holds for that year only.
        let (from, until) = match year {
            Some(y) => (NaiveDate::from_ymd_opt(y, 1, 1), NaiveDate::from_ymd_opt(y, 12, 31)),
            None => (None, None),
        };
        Ok(vec![Schedule::Every { period, slots, from, until }])
    }

    fn once(&self, year: i32, body: &Body, tense: Tense) -> Result<Vec<Schedule>, String> {
        let in_year =
            |slot: Slot, year: i32| slot.in_year(year).map(Schedule::Once).ok_or_else(|| format!("{year}年没有这一天"));
        match body {
            Body::Nothing | Body::DayOnly(_) => Err("缺少月份".into()),
            Body::Holiday(holiday) => {
                let date = match holiday {
                    Holiday::NewYear => NaiveDate::from_ymd_opt(year, 1, 1),
                    Holiday::LabourDay => NaiveDate::from_ymd_opt(year, 5, 1),
                    Holiday::PartyDay => NaiveDate::from_ymd_opt(year, 7, 1),
                    Holiday::NationalDay => NaiveDate::from_ymd_opt(year, 10, 1),
                    Holiday::SpringFestival => calendar::builtin().spring_festival(year),
                };
                let date = date.ok_or_else(|| format!("{year}年春节放假安排未载入"))?;
                Ok(vec![Schedule::Once(Occurrence::Due { date })])
            }
            Body::Months(items) => items
                .iter()
                .map(|item| {
                    let year = item.year.unwrap_or(year);
                    match item_slot(item, tense) {
                        Some(slot) => in_year(slot, year),
                        // 上旬前 in January: the day before is in the year before.
                        None => NaiveDate::from_ymd_opt(year, item.month, 1)
                            .and_then(|d| d.pred_opt())
                            .map(|date| Schedule::Once(Occurrence::Due { date }))
                            .ok_or_else(|| "日期无效".to_string()),
                    }
                })
                .collect(),
            Body::Range(a, b) => {
                let from_year = a.year.unwrap_or(year);
                let to_year = b.year.unwrap_or(from_year);
                let from = item_first_day(a).in_year(from_year).ok_or("起始日期无效")?;
                let to = item_last_day(b).in_year(to_year).ok_or("截止日期无效")?;
                if to < from {
                    return Err("截止日期早于起始日期".into());
                }
                Ok(vec![Schedule::Once(match tense {
                    Tense::Start => Occurrence::Start { date: from },
                    Tense::Before => Occurrence::Due { date: to },
                    Tense::Plain => Occurrence::Window { from, to },
                })])
            }
            other => {
                let slots = recurring_slots(Period::Year, other, tense)?;
                slots.into_iter().map(|slot| in_year(slot, year)).collect()
            }
        }
    }
}

fn item_first_day(item: &MonthItem) -> MonthDay {
    match (item.day, item.part) {
        (Some(day), _) => MonthDay::new(item.month, Day::Nth(day)),
        (None, Some(part)) => MonthDay::new(item.month, Day::Nth(part.days().0)),
        (None, None) => MonthDay::new(item.month, Day::Nth(1)),
    }
}

fn item_last_day(item: &MonthItem) -> MonthDay {
    match (item.day, item.part) {
        (Some(day), _) => MonthDay::new(item.month, Day::Nth(day)),
        (None, Some(part)) => MonthDay::new(item.month, part.days().1),
        (None, None) => MonthDay::new(item.month, Day::Last),
    }
}

/// The slot one month item gives; `None` where the date falls in the month
/// before (`1月上旬前`), which only a concrete year can say.
fn item_slot(item: &MonthItem, tense: Tense) -> Option<Slot> {
    let m = item.month;
    Some(match (item.day, item.part, tense) {
        (Some(day), _, Tense::Start) => Slot::Start(MonthDay::new(m, Day::Nth(day))),
        (Some(day), _, _) => Slot::Due(MonthDay::new(m, Day::Nth(day))),
        (None, Some(Part::End), Tense::Start) => Slot::Start(MonthDay::new(m, Day::Last)),
        (None, Some(Part::End), _) => Slot::Due(MonthDay::new(m, Day::Last)),
        (None, Some(part), Tense::Start) => Slot::Start(MonthDay::new(m, Day::Nth(part.days().0))),
        (None, Some(part), Tense::Before) => match part.days().0 {
            1 if m == 1 => return None,
            1 => Slot::Due(MonthDay::new(m - 1, Day::Last)),
            first => Slot::Due(MonthDay::new(m, Day::Nth(first - 1))),
        },
        (None, Some(part), Tense::Plain) => {
            let (first, last) = part.days();
            Slot::Window(MonthDay::new(m, Day::Nth(first)), MonthDay::new(m, last))
        }
        (None, None, Tense::Start) => Slot::Start(MonthDay::new(m, Day::Nth(1))),
        (None, None, Tense::Before) => Slot::Due(MonthDay::new(m, Day::Last)),
        (None, None, Tense::Plain) => Slot::Window(MonthDay::new(m, Day::Nth(1)), MonthDay::new(m, Day::Last)),
    })
}

fn quarter_slot(q: u32, at: QuarterAt, tense: Tense) -> Slot {
    let first = 3 * q - 2;
    let last = 3 * q;
    match (at, tense) {
        (QuarterAt::FirstMonthDay(day), _) => Slot::Due(MonthDay::new(first, Day::Nth(day))),
        (QuarterAt::LastMonthDay(day), _) => Slot::Due(MonthDay::new(last, Day::Nth(day))),
        (QuarterAt::End, _) | (QuarterAt::Whole, Tense::Before) => Slot::Due(MonthDay::new(last, Day::Last)),
        (QuarterAt::Whole, Tense::Start) => Slot::Start(MonthDay::new(first, Day::Nth(1))),
        (QuarterAt::Whole, Tense::Plain) => {
            Slot::Window(MonthDay::new(first, Day::Nth(1)), MonthDay::new(last, Day::Last))
        }
    }
}

/// The slots of one year that a rule with period `period` gives.
fn recurring_slots(period: Period, body: &Body, tense: Tense) -> Result<Vec<Slot>, String> {
    let quarters = |at: QuarterAt| (1..=4).map(|q| quarter_slot(q, at, tense)).collect::<Vec<_>>();
    let halves = |at: QuarterAt| {
        // A half-year read as two "quarters" of six months.
        let (first, last) = (1, 6);
        [0, 6]
            .into_iter()
            .map(|offset| match at {
                QuarterAt::FirstMonthDay(day) => Slot::Due(MonthDay::new(first + offset, Day::Nth(day))),
                QuarterAt::LastMonthDay(day) => Slot::Due(MonthDay::new(last + offset, Day::Nth(day))),
                _ => Slot::Due(MonthDay::new(last + offset, Day::Last)),
            })
            .collect::<Vec<_>>()
    };
    let months = |item: MonthItem| (1..=12).filter_map(move |m| item_slot(&MonthItem { month: m, ..item }, tense));
    Ok(match (period, body) {
        (Period::Quarter, Body::Nothing) => quarters(QuarterAt::End),
        (Period::Quarter, Body::Quarter { q: 0, at }) => quarters(*at),
        // "每季度10日前": the day in the quarter's first month, when the last
        // quarter's work is reported.
        (Period::Quarter, Body::DayOnly(day)) => quarters(QuarterAt::FirstMonthDay(*day)),
        (Period::HalfYear, Body::Nothing) => halves(QuarterAt::End),
        (Period::HalfYear, Body::Quarter { q: 0, at }) => halves(*at),
        (Period::HalfYear, Body::DayOnly(day)) => halves(QuarterAt::FirstMonthDay(*day)),
        (Period::Month, Body::Nothing) => {
            months(MonthItem { year: None, month: 1, day: None, part: Some(Part::End) }).collect()
        }
        (Period::Month, Body::DayOnly(day)) => {
            months(MonthItem { year: None, month: 1, day: Some(*day), part: None }).collect()
        }
        (Period::Month, Body::Months(items)) if items.len() == 1 && items[0].month == 0 => months(items[0]).collect(),
        (Period::Year, Body::Nothing | Body::YearEnd) => vec![Slot::Due(MonthDay::new(12, Day::Last))],
        (Period::Year, Body::WholeYear) => match tense {
            Tense::Start => vec![Slot::Start(MonthDay::new(1, Day::Nth(1)))],
            Tense::Before => vec![Slot::Due(MonthDay::new(12, Day::Last))],
            Tense::Plain => vec![Slot::Window(MonthDay::new(1, Day::Nth(1)), MonthDay::new(12, Day::Last))],
        },
        (Period::Year, Body::Half { second, end }) => {
            let (first, last) = if *second { (7, 12) } else { (1, 6) };
            let from = MonthDay::new(first, Day::Nth(1));
            let to = MonthDay::new(last, Day::Last);
            vec![match tense {
                _ if *end => Slot::Due(to),
                Tense::Before => Slot::Due(to),
                Tense::Start => Slot::Start(from),
                Tense::Plain => Slot::Window(from, to),
            }]
        }
        (Period::Year, Body::Quarter { q, at }) if *q > 0 => vec![quarter_slot(*q, *at, tense)],
        (Period::Year, Body::Months(items)) if items.iter().all(|it| it.month > 0) => {
            let mut slots = Vec::with_capacity(items.len());
            for item in items {
                slots.push(item_slot(item, tense).ok_or("1月上旬前的日期落在上一年，无法按年重复")?);
            }
            slots
        }
        (Period::Year, Body::Range(a, b)) => {
            let (from, to) = (item_first_day(a), item_last_day(b));
            vec![match tense {
                Tense::Start => Slot::Start(from),
                Tense::Before => Slot::Due(to),
                Tense::Plain => Slot::Window(from, to),
            }]
        }
        _ => return Err("无法识别的周期规则".into()),
    })
}
