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

    pub fn kind(&self) -> &'static str {
        match self {
            Occurrence::Due { .. } => "due",
            Occurrence::Start { .. } => "start",
            Occurrence::Window { .. } => "window",
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

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Day::Nth(day) => write!(f, "{day:02}"),
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
        write!(f, "{:02}-{}", self.month, self.day)
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
            Slot::Due(day) => write!(f, "{day}"),
            Slot::Start(day) => write!(f, "start {day}"),
            Slot::Window(from, to) => write!(f, "{from}..{to}"),
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

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Once(Occurrence::Due { date }) => write!(f, "due {date}"),
            Schedule::Once(Occurrence::Start { date }) => write!(f, "start {date}"),
            Schedule::Once(Occurrence::Window { from, to }) => write!(f, "window {from}..{to}"),
            Schedule::Every { period, slots, from, until } => {
                f.write_str(period.name())?;
                for (i, slot) in slots.iter().enumerate() {
                    write!(f, "{}{slot}", if i == 0 { " " } else { ", " })?;
                }
                if let Some(from) = from {
                    write!(f, " from {from}")?;
                }
                if let Some(until) = until {
                    write!(f, " until {until}")?;
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
