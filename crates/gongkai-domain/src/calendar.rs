//! The official working-day calendar: public holidays and make-up working
//! days (调休) as the State Council publishes them each year. Statutory
//! deadlines ("10个工作日内") are counted on it; a year that is not loaded is
//! an error, never a guess.

use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// Now in China Standard Time (UTC+8), where every deadline is.
pub fn china_now() -> chrono::NaiveDateTime {
    (chrono::Utc::now() + chrono::Duration::hours(8)).naive_utc()
}

/// Today in China Standard Time.
pub fn china_today() -> NaiveDate {
    china_now().date()
}

/// An RFC 3339 time (as the log and the database keep them, in UTC) as
/// people in China read it: "2020-11-25 14:03:02" in 北京时间. Text that is
/// not such a time is given back as it is.
pub fn beijing_time(rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(at) => (at.naive_utc() + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M:%S").to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

/// "2020年12月31日", as people and documents write a day.
pub fn chinese_date(day: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

/// The day of a moment in 北京时间.
pub fn beijing_day(moment: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    (moment + chrono::Duration::hours(8)).date_naive()
}

/// A moment as people in China read it: "2020-11-25 14:03" (北京时间).
pub fn china_day_time(moment: chrono::DateTime<chrono::Utc>) -> String {
    (moment + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string()
}

/// The schedules 2020–2026, built into the binary.
/// The years a plan, a date filter or a command may name: wide enough for
/// any programme, narrow enough that date arithmetic never overflows.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// A day inside [`YEARS`].
pub fn in_range(day: NaiveDate) -> bool {
    use chrono::Datelike;
    YEARS.contains(&day.year())
}

pub const BUILTIN_CSV: &str = include_str!("../data/holidays-cn.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// 放假: no work although it may be a weekday.
    Holiday,
    /// 调休上班: work although it may be a weekend.
    Workday,
}

/// One line of a holiday file: a run of days of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarRow {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("第 {line} 行：{message}")]
    BadLine { line: usize, message: String },
    #[error("{0} 年的节假日安排尚未载入，无法推算工作日（可用 gongkai calendar import 载入）")]
    YearNotLoaded(i32),
}

/// Reads a holiday file: `from,to,kind,name` per line, `#` comments, an
/// optional header. `kind` is 休 or 班 (also `holiday` / `workday`).
pub fn parse_rows(text: &str) -> Result<Vec<CalendarRow>, CalendarError> {
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') || line.starts_with("from,") {
            continue;
        }
        let bad = |message: String| CalendarError::BadLine { line: line_no, message };
        let fields: Vec<&str> = line.splitn(4, ',').map(str::trim).collect();
        let [from, to, kind, name] = fields[..] else {
            return Err(bad(format!("应为“起始日期,结束日期,类别,名称”四栏，实为“{line}”")));
        };
        let date =
            |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad(format!("日期“{s}”应写作 YYYY-MM-DD")));
        let (from, to) = (date(from)?, date(to)?);
        if to < from || (to - from).num_days() > 40 {
            return Err(bad(format!("日期段 {from} 至 {to} 不合理")));
        }
        let kind = match kind {
            "休" | "holiday" => DayKind::Holiday,
            "班" | "workday" => DayKind::Workday,
            other => return Err(bad(format!("类别“{other}”应为“休”或“班”"))),
        };
        rows.push(CalendarRow { from, to, kind, name: name.to_string() });
    }
    Ok(rows)
}

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    days: BTreeMap<NaiveDate, (DayKind, String)>,
    years: BTreeSet<i32>,
    spring_festival: BTreeMap<i32, NaiveDate>,
}

impl Calendar {
    pub fn from_rows(rows: &[CalendarRow]) -> Calendar {
        let mut calendar = Calendar::default();
        calendar.extend(rows);
        calendar
    }

    /// Adds rows; a later row for the same day wins (an admin's correction).
    pub fn extend(&mut self, rows: &[CalendarRow]) {
        for row in rows {
            let mut day = row.from;
            while day <= row.to {
                self.days.insert(day, (row.kind, row.name.clone()));
                self.years.insert(day.year());
                day = match day.succ_opt() {
                    Some(next) => next,
                    None => break,
                };
            }
            self.years.insert(row.from.year());
            if row.kind == DayKind::Holiday && row.name.contains("春节") {
                let first = self.spring_festival.entry(row.from.year()).or_insert(row.from);
                *first = (*first).min(row.from);
            }
        }
    }

    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    pub fn is_loaded(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        if !self.is_loaded(date.year()) {
            return Err(CalendarError::YearNotLoaded(date.year()));
        }
        Ok(match self.days.get(&date) {
            Some((DayKind::Holiday, _)) => false,
            Some((DayKind::Workday, _)) => true,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        })
    }

    /// A day the schedule moves: a holiday (休) or a make-up working day
    /// (班), with its name ("国庆节").
    pub fn special(&self, date: NaiveDate) -> Option<(DayKind, &str)> {
        self.days.get(&date).map(|(kind, name)| (*kind, name.as_str()))
    }

    /// The date `n` working days after `date` (the day itself not counted).
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt().ok_or(CalendarError::YearNotLoaded(day.year()))?;
            if self.is_working_day(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// Like `add_working_days`, counting Monday to Friday in years the
    /// calendar does not hold: for the office's own deadlines (a 整改 term),
    /// never for legal ones.
    pub fn add_working_days_or_weekdays(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut day = date;
        let mut left = n;
        while left > 0 {
            let Some(next) = day.succ_opt() else { return day };
            day = next;
            let working = self.is_working_day(day).unwrap_or(day.weekday().number_from_monday() <= 5);
            if working {
                left -= 1;
            }
        }
        day
    }

    /// The first day of the official Spring Festival holiday of `year`.
    pub fn spring_festival(&self, year: i32) -> Option<NaiveDate> {
        self.spring_festival.get(&year).copied()
    }
}

/// The built-in calendar (2020–2026).
pub fn builtin() -> &'static Calendar {
    static BUILTIN: OnceLock<Calendar> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        // The built-in file is checked by a test; an error here cannot come from users.
        Calendar::from_rows(&parse_rows(BUILTIN_CSV).unwrap_or_default())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_builtin_file_reads_and_covers_2020_to_2026() {
        let rows = parse_rows(BUILTIN_CSV).expect("built-in calendar");
        let calendar = Calendar::from_rows(&rows);
        assert_eq!(calendar.years().collect::<Vec<_>>(), (2020..=2026).collect::<Vec<_>>());
    }

    #[test]
    fn working_days_skip_holidays_and_count_make_up_days() {
        // 2024-09-29 (Sunday) is worked; 10-01..07 are off; 10-12 (Saturday) is worked.
        assert_eq!(builtin().add_working_days(d("2024-09-27"), 1).unwrap(), d("2024-09-29"));
        assert_eq!(builtin().add_working_days(d("2024-09-27"), 3).unwrap(), d("2024-10-08"));
        assert_eq!(builtin().add_working_days(d("2024-09-27"), 20).unwrap(), d("2024-10-30"));
        assert!(!builtin().is_working_day(d("2020-02-01")).unwrap(), "2020 春节 was extended");
        assert!(builtin().is_working_day(d("2020-01-19")).unwrap());
    }

    #[test]
    fn a_year_that_is_not_loaded_is_an_error_not_a_guess() {
        assert_eq!(builtin().add_working_days(d("2026-12-20"), 20), Err(CalendarError::YearNotLoaded(2027)));
        assert_eq!(builtin().is_working_day(d("2019-06-03")), Err(CalendarError::YearNotLoaded(2019)));
    }

    #[test]
    fn the_spring_festival_holiday_starts_on_the_published_day() {
        assert_eq!(builtin().spring_festival(2021), Some(d("2021-02-11")));
        assert_eq!(builtin().spring_festival(2026), Some(d("2026-02-15")));
    }

    #[test]
    fn a_bad_line_is_named_by_its_number() {
        let err = parse_rows("from,to,kind,name\n2027-01-01,2027-01-01,休,元旦\n2027-13-01,x,休,春节\n").unwrap_err();
        assert!(err.to_string().starts_with("第 3 行"), "{err}");
    }
}
