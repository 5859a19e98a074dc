//! List rows as the templates read them: each field made when the template
//! asks for it, instead of every row copied into a map first (with a
//! thousand rows on a page the copying cost more than the rest of it). The
//! fields and their values are those of the row's JSON; a test holds them
//! to it.

use super::Row;
use chrono::NaiveDate;
use minijinja::Value;
use minijinja::value::{Enumerator, Object};
use std::sync::Arc;

/// The rows, for a template's `{% for r in rows %}`.
pub fn rows(rows: Vec<Row>) -> Value {
    rows.into_iter().map(|row| Value::from_object(RowView(row))).collect()
}

/// Every field a row has, as its JSON names them.
const FIELDS: &[&str] = &[
    "id",
    "plan_id",
    "task_id",
    "task_seq",
    "unit",
    "milestone",
    "kind",
    "due",
    "from",
    "to",
    "status",
    "recipient",
    "channel",
    "done_on",
    "signoff",
    "when",
    "status_label",
    "light",
    "days",
    "timing",
    "late",
];

#[derive(Debug)]
struct RowView(Row);

impl Object for RowView {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let (row, o) = (&self.0, &self.0.o);
        let date = |day: Option<NaiveDate>| day.map_or(Value::from(()), |d| Value::from(d.to_string()));
        let text = |text: &Option<String>| text.as_deref().map_or(Value::from(()), Value::from);
        Some(match key.as_str()? {
            "id" => o.id.0.into(),
            "plan_id" => o.plan_id.0.into(),
            "task_id" => o.task_id.0.into(),
            "task_seq" => o.task_seq.into(),
            "unit" => o.unit.as_str().into(),
            "milestone" => o.milestone.as_str().into(),
            "kind" => o.kind.as_str().into(),
            "due" => date(o.due),
            "from" => date(o.from),
            "to" => date(o.to),
            "status" => o.status.as_str().into(),
            "recipient" => text(&o.recipient),
            "channel" => text(&o.channel),
            "done_on" => date(o.done_on),
            "signoff" => o.signoff.into(),
            "when" => row.when.as_str().into(),
            "status_label" => row.status_label.into(),
            "light" => row.light.into(),
            "days" => row.days.map_or(Value::from(()), Value::from),
            "timing" => row.timing.as_str().into(),
            "late" => row.late.into(),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(FIELDS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_domain::status::ObligationStatus;
    use gongkai_store::{ObligationId, ObligationRow, PlanId, TaskId};

    fn sample(kind: &str, status: ObligationStatus, optional: bool) -> Row {
        let day = |d| NaiveDate::from_ymd_opt(2020, 11, d);
        let o = ObligationRow {
            id: ObligationId(7),
            plan_id: PlanId(1),
            task_id: TaskId(3),
            task_seq: 12,
            unit: "广州市从化区温泉镇人民政府".into(),
            milestone: "各镇（街）11月30日前报区民政局汇总".into(),
            kind: kind.into(),
            due: optional.then(|| day(30)).flatten(),
            from: optional.then(|| day(1)).flatten(),
            to: optional.then(|| day(30)).flatten(),
            status,
            recipient: optional.then(|| "区民政局".to_string()),
            channel: None,
            done_on: optional.then(|| day(28)).flatten(),
            signoff: optional,
        };
        super::super::row(o, NaiveDate::from_ymd_opt(2020, 11, 25).unwrap())
    }

    #[test]
    fn a_row_reads_in_a_template_as_its_json_does() {
        for row in [
            sample("window", ObligationStatus::Accepted, true),
            sample("due", ObligationStatus::Pending, true),
            sample("longterm", ObligationStatus::Returned, false),
        ] {
            let json = serde_json::to_value(&row).unwrap();
            let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
            assert_eq!(keys.len(), FIELDS.len(), "every field of the row's JSON is listed, and no other: {keys:?}");
            let (copied, viewed) =
                (Value::from(minijinja::value::Serde(&row)), rows(vec![row]).get_item_by_index(0).unwrap());
            for key in keys {
                assert!(FIELDS.contains(&key.as_str()), "{key} is listed");
                assert_eq!(viewed.get_attr(key).unwrap(), copied.get_attr(key).unwrap(), "{key}");
            }
        }
    }
}
