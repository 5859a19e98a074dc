//! What one time expression means, before it is laid on a calendar
//! (`Schedule`), and the concrete dates it gives (`Occurrence`).

use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

/// One concrete date a unit is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Occurrence {
    /// Must be done by this date (inclusive).
    Due { date: NaiveDate },
    /// The work begins on this date and continues.
    Start { date: NaiveDate },
    /// The work happens inside `[from, to]`; `to` is its deadline.
    Window { from: NaiveDate, to: NaiveDate },
}

impl Occurrence {
    /// The date a list is sorted by: the due or start date, a window's first day.
    pub fn sort_date(&self) -> NaiveDate {
        match *self {
            Occurrence::Due { date } | Occurrence::Start { date } => date,
            Occurrence::Window { from, .. } => from,
        }
    }

    /// The date by which the work must be done, if there is one.
    pub fn deadline(&self) -> Option<NaiveDate> {
        match *self {
            Occurrence::Due { date } => Some(date),
            Occurrence::Window { to, .. } => Some(to),
            Occurrence::Start { .. } => None,
        }
    }

    /// The occurrence as it binds a unit under a plan that takes effect on
    /// `start` (its 印发日期): none when its deadline lies before the start;
    /// a window or a start that began earlier is held from the start on.
    pub fn from_start(self, start: NaiveDate) -> Option<Occurrence> {
        match self {
            Occurrence::Due { date } => (date >= start).then_some(self),
            Occurrence::Window { from, to } => {
                (to >= start).then_some(Occurrence::Window { from: from.max(start), to })
            }
            Occurrence::Start { date } => Some(Occurrence::Start { date: date.max(start) }),
        }
    }
}

/// A day inside a month: a numbered day or the month's last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    Nth(u32),
    Last,
}

impl Day {
    fn in_month(self, year: i32, month: u32) -> Option<NaiveDate> {
        match self {
            Day::Nth(day) => NaiveDate::from_ymd_opt(year, month, day),
            Day::Last => last_day_of_month(year, month),
        }
    }
}

/// Writes `n` with at least `width` digits. Rules are written for every
/// parsed cell, so this skips the general formatter.
fn digits(f: &mut fmt::Formatter<'_>, n: u32, width: usize) -> fmt::Result {
    let mut buf = [b'0'; 10];
    let mut at = buf.len();
    let mut n = n;
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = at.min(buf.len() - width.min(buf.len()));
    f.write_str(std::str::from_utf8(&buf[start..]).unwrap_or("?"))
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Day::Nth(day) => digits(f, *day, 2),
            Day::Last => f.write_str("last"),
        }
    }
}

/// A day of the year, without the year: month 1–12 and a day in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDay {
    pub month: u32,
    pub day: Day,
}

impl MonthDay {
    pub const fn new(month: u32, day: Day) -> Self {
        MonthDay { month, day }
    }

    pub fn in_year(self, year: i32) -> Option<NaiveDate> {
        self.day.in_month(year, self.month)
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        digits(f, self.month, 2)?;
        f.write_str("-")?;
        self.day.fmt(f)
    }
}

/// What a time expression asks for inside one year, before the year is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Due(MonthDay),
    Start(MonthDay),
    Window(MonthDay, MonthDay),
}

impl Slot {
    pub fn in_year(self, year: i32) -> Option<Occurrence> {
        Some(match self {
            Slot::Due(day) => Occurrence::Due { date: day.in_year(year)? },
            Slot::Start(day) => Occurrence::Start { date: day.in_year(year)? },
            Slot::Window(from, to) => Occurrence::Window { from: from.in_year(year)?, to: to.in_year(year)? },
        })
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Slot::Due(day) => day.fmt(f),
            Slot::Start(day) => {
                f.write_str("start ")?;
                day.fmt(f)
            }
            Slot::Window(from, to) => {
                from.fmt(f)?;
                f.write_str("..")?;
                to.fmt(f)
            }
        }
    }
}

/// How often a recurring rule comes round (its slots are laid out per year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl Period {
    fn name(self) -> &'static str {
        match self {
            Period::Month => "monthly",
            Period::Quarter => "quarterly",
            Period::HalfYear => "half-yearly",
            Period::Year => "yearly",
        }
    }
}

/// The meaning of one time expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    Once(Occurrence),
    Every {
        period: Period,
        slots: Vec<Slot>,
        /// Dates before this one are not part of the rule (`2021年起，每年…`).
        from: Option<NaiveDate>,
        /// Dates after this one are not part of the rule (`2021年每季度…`).
        until: Option<NaiveDate>,
    },
}

impl Schedule {
    /// The concrete occurrences; recurring ones only for the years
    /// `first_year..=last_year`.
    pub fn occurrences(&self, first_year: i32, last_year: i32, out: &mut Vec<Occurrence>) {
        match self {
            Schedule::Once(occurrence) => out.push(*occurrence),
            Schedule::Every { slots, from, until, .. } => {
                for year in first_year..=last_year {
                    for occurrence in slots.iter().filter_map(|slot| slot.in_year(year)) {
                        let key = occurrence.deadline().unwrap_or(occurrence.sort_date());
                        if from.is_some_and(|from| key < from) || until.is_some_and(|until| key > until) {
                            continue;
                        }
                        out.push(occurrence);
                    }
                }
            }
        }
    }

    pub fn is_recurring(&self) -> bool {
        matches!(self, Schedule::Every { .. })
    }
}

/// A date as `YYYY-MM-DD`, written without chrono's general formatter.
struct Iso(NaiveDate);

impl fmt::Display for Iso {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use chrono::Datelike;
        digits(f, self.0.year().max(0) as u32, 4)?;
        f.write_str("-")?;
        digits(f, self.0.month(), 2)?;
        f.write_str("-")?;
        digits(f, self.0.day(), 2)
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Once(Occurrence::Due { date }) => write!(f, "due {}", Iso(*date)),
            Schedule::Once(Occurrence::Start { date }) => write!(f, "start {}", Iso(*date)),
            Schedule::Once(Occurrence::Window { from, to }) => write!(f, "window {}..{}", Iso(*from), Iso(*to)),
            Schedule::Every { period, slots, from, until } => {
                f.write_str(period.name())?;
                for (i, slot) in slots.iter().enumerate() {
                    write!(f, "{}{slot}", if i == 0 { " " } else { ", " })?;
                }
                if let Some(from) = from {
                    write!(f, " from {}", Iso(*from))?;
                }
                if let Some(until) = until {
                    write!(f, " until {}", Iso(*until))?;
                }
                Ok(())
            }
        }
    }
}

pub fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (next_year, next_month) = if month == 12 { (year.checked_add(1)?, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)?.pred_opt()
}

/// The first day of month `month` in `year`.
pub fn first_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)
}
