//! Where a piece of work stands, as types: an obligation's status, the
//! decision on a report, an extension request's answer, a delivery's
//! progress, and the traffic light people read. Each has one name per value
//! (`as_str`, the word the database and the API carry) and one parse; the
//! database refuses any other word (migration 0013).
//!
//! The light rule is written once, as a table ([`LIGHTS`]); the Rust rule
//! ([`Light::of`]) and the SQL the store filters and counts with
//! ([`Light::sql`]) are both read from it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Defines an enum whose values have one word each, with `as_str`, `ALL`,
/// `parse`, `Display`, `FromStr` and `TryFrom<String>` (for reading rows).
macro_rules! worded {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            pub fn parse(word: &str) -> Option<$name> {
                match word {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(word: &str) -> Result<Self, String> {
                $name::parse(word.trim()).ok_or_else(|| format!("“{word}”不是有效的{}", stringify!($name)))
            }
        }

        /// Compares with the word, as rows and requests carry it.
        impl PartialEq<&str> for $name {
            fn eq(&self, word: &&str) -> bool {
                self.as_str() == *word
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, word: &String) -> bool {
                self.as_str() == word
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(word: String) -> Result<Self, String> {
                word.parse()
            }
        }
    };
}

worded! {
    /// An obligation moves pending → submitted → (signed) → accepted, or is
    /// returned and submitted again.
    ObligationStatus {
        Pending = "pending",
        Submitted = "submitted",
        /// The unit's head signed the report off, where the plan asks for it.
        Signed = "signed",
        Returned = "returned",
        Accepted = "accepted",
    }
}

impl ObligationStatus {
    /// As people read it.
    pub fn label(self) -> &'static str {
        match self {
            ObligationStatus::Pending => "待报送",
            ObligationStatus::Submitted => "已报送",
            ObligationStatus::Signed => "已签发",
            ObligationStatus::Returned => "已退回",
            ObligationStatus::Accepted => "已通过",
        }
    }

    /// Still to be reported: reminded, chased, and may be 督办'd.
    pub fn is_open(self) -> bool {
        matches!(self, ObligationStatus::Pending | ObligationStatus::Returned)
    }

    /// A report waits for the head or the reviewer.
    pub fn is_waiting(self) -> bool {
        matches!(self, ObligationStatus::Submitted | ObligationStatus::Signed)
    }
}

worded! {
    /// What a reviewer (or, for sign-off, the head) decided on a report;
    /// the word is also the status the obligation takes.
    Decision {
        Accepted = "accepted",
        Returned = "returned",
        Signed = "signed",
    }
}

impl Decision {
    pub fn status(self) -> ObligationStatus {
        match self {
            Decision::Accepted => ObligationStatus::Accepted,
            Decision::Returned => ObligationStatus::Returned,
            Decision::Signed => ObligationStatus::Signed,
        }
    }
}

worded! {
    /// A request for a later due date.
    ExtensionStatus {
        Pending = "pending",
        Granted = "granted",
        Refused = "refused",
    }
}

worded! {
    /// A 督办通知 the rule drafted: waiting for the office, issued by it
    /// (then numbered and sent), or set aside.
    DraftStatus {
        Draft = "draft",
        Issued = "issued",
        Dismissed = "dismissed",
    }
}

worded! {
    /// One message on one channel.
    DeliveryStatus {
        Pending = "pending",
        Sending = "sending",
        Sent = "sent",
        Failed = "failed",
    }
}

worded! {
    /// The traffic light of a piece of work as of a day. `Late` is a filter
    /// (overdue now, or done after its due date), never a light shown.
    Light {
        Red = "red",
        Yellow = "yellow",
        Green = "green",
        Done = "done",
        Late = "late",
    }
}

/// Open work due within this many days is yellow.
pub const SOON_DAYS: i64 = 7;

/// Which work a light covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Work {
    Accepted,
    NotAccepted,
}

/// Where the due date stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Due {
    Any,
    /// Before today.
    Past,
    /// From today to the end of the soon window, both included.
    Soon,
    /// After the soon window, or no due date.
    LaterOrNone,
}

/// The light rule, once: the first row that matches gives the light.
const LIGHTS: [(Light, Work, Due); 4] = [
    (Light::Done, Work::Accepted, Due::Any),
    (Light::Red, Work::NotAccepted, Due::Past),
    (Light::Yellow, Work::NotAccepted, Due::Soon),
    (Light::Green, Work::NotAccepted, Due::LaterOrNone),
];

impl Light {
    /// The light of work in `status`, due on `due`, as of `today`.
    pub fn of(status: ObligationStatus, due: Option<NaiveDate>, today: NaiveDate) -> Light {
        let soon = today + chrono::Duration::days(SOON_DAYS);
        let work = if status == ObligationStatus::Accepted { Work::Accepted } else { Work::NotAccepted };
        let matches = |rule: Due| match (rule, due) {
            (Due::Any, _) => true,
            (Due::Past, Some(d)) => d < today,
            (Due::Soon, Some(d)) => d >= today && d <= soon,
            (Due::LaterOrNone, Some(d)) => d > soon,
            (Due::LaterOrNone, None) => true,
            (_, None) => false,
        };
        LIGHTS.iter().find(|(_, w, d)| *w == work && matches(*d)).map_or(Light::Green, |(light, ..)| *light)
    }

    /// The same rule as an SQL condition over the columns `status`,
    /// `due_date` and `done_on` (qualified by `prefix`, such as "o."), with
    /// `today` and `soon` the placeholders or literals for the two days.
    pub fn sql(self, prefix: &str, today: &str, soon: &str) -> String {
        let condition = |light: Light| {
            let (_, work, due) = LIGHTS.iter().find(|(l, ..)| *l == light).copied().unwrap_or(LIGHTS[3]);
            let work = match work {
                Work::Accepted => format!("{prefix}status = 'accepted'"),
                Work::NotAccepted => format!("{prefix}status <> 'accepted'"),
            };
            let due = match due {
                Due::Any => None,
                Due::Past => Some(format!("{prefix}due_date < {today}")),
                Due::Soon => Some(format!("{prefix}due_date >= {today} AND {prefix}due_date <= {soon}")),
                Due::LaterOrNone => Some(format!("({prefix}due_date IS NULL OR {prefix}due_date > {soon})")),
            };
            match due {
                Some(due) => format!("({work} AND {due})"),
                None => format!("({work})"),
            }
        };
        match self {
            Light::Late => format!(
                "(({prefix}status = 'accepted' AND {prefix}done_on > {prefix}due_date) OR {})",
                condition(Light::Red)
            ),
            light => condition(light),
        }
    }

    /// An SQL expression ranking work by light: red 0, yellow 1, green 2, done 3.
    pub fn sql_rank(prefix: &str, today: &str, soon: &str) -> String {
        let ranked = [Light::Red, Light::Yellow, Light::Green, Light::Done];
        let cases: Vec<String> =
            ranked.iter().enumerate().map(|(n, l)| format!("WHEN {} THEN {n}", l.sql(prefix, today, soon))).collect();
        format!("CASE {} ELSE 2 END", cases.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_value_has_one_word_and_reads_back() {
        for status in ObligationStatus::ALL {
            assert_eq!(ObligationStatus::parse(status.as_str()), Some(*status));
            assert_eq!(serde_json::to_string(status).unwrap(), format!("\"{}\"", status.as_str()));
        }
        assert_eq!(ObligationStatus::parse("waived"), None);
        assert!("superuser".parse::<ObligationStatus>().is_err());
        assert_eq!(Decision::Signed.status(), ObligationStatus::Signed);
    }

    #[test]
    fn lights_follow_the_table() {
        let today = day("2020-12-10");
        let open = ObligationStatus::Pending;
        assert_eq!(Light::of(open, Some(day("2020-12-09")), today), Light::Red);
        assert_eq!(Light::of(open, Some(day("2020-12-10")), today), Light::Yellow);
        assert_eq!(Light::of(open, Some(day("2020-12-17")), today), Light::Yellow);
        assert_eq!(Light::of(open, Some(day("2020-12-18")), today), Light::Green);
        assert_eq!(Light::of(open, None, today), Light::Green);
        assert_eq!(Light::of(ObligationStatus::Accepted, Some(day("2020-01-01")), today), Light::Done);
        assert_eq!(Light::of(ObligationStatus::Submitted, Some(day("2020-12-01")), today), Light::Red);
    }

    #[test]
    fn the_sql_is_read_from_the_same_table() {
        assert_eq!(Light::Red.sql("o.", "$1", "$2"), "(o.status <> 'accepted' AND o.due_date < $1)");
        assert_eq!(Light::Done.sql("", "$1", "$2"), "(status = 'accepted')");
        assert!(
            Light::sql_rank("o.", "$1", "$2")
                .starts_with("CASE WHEN (o.status <> 'accepted' AND o.due_date < $1) THEN 0")
        );
    }
}
