//! 考核: a unit's score out of 100 from what it actually did, every point
//! explained. The rule is a TOML text the office reads and edits per plan;
//! `DEFAULT_RULE` is what applies until it does.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The default rule, with the comments the office reads on the page.
pub const DEFAULT_RULE: &str = r#"# 考核规则（每个单位满分 100 分）
# 满分按该单位截至考核日已到期的任务事项平均分配，每项分值 = 满分 ÷ 项数。
full_marks = 100

# 按时完成（审核通过的报送日期不晚于截止日期）得该项全部分值；
# 逾期完成的，每逾期 1 天扣该项分值的 10%，最多扣 50%。
late_deduction_per_day = 0.10
late_deduction_cap = 0.50

# 截至考核日未审核通过的（未报送、待审核、被退回未重报），该项不得分。

# 每被审核退回 1 次，扣该项分值的 20%（该项最低 0 分）。
return_deduction = 0.20

# 标准目录（任务1、2）：已发布目录下，每条逾期公开的信息扣 0.5 分，
# 每个尚未登记任何公开信息的目录事项扣 0.2 分，两项合计最多扣 10 分。
catalogue_late_points = 0.5
catalogue_missing_points = 0.2
catalogue_cap = 10

# 网上巡查（任务27—29）：巡查发现的问题到整改期限仍未整改的，每个扣 1 分，最多扣 10 分。
inspection_points = 1
inspection_cap = 10

# 依申请公开（任务9）：政府信息公开申请超过法定期限答复（或到考核日仍未答复）的，每件扣 2 分，最多扣 10 分。
request_points = 2
request_cap = 10

# 加分项：由公开办为单位登记，每次加分；加分后总分不超过满分。
[[bonus]]
name = "政策解读优秀案例"
points = 2

[[bonus]]
name = "政务公开工作经验被上级推广"
points = 3
"#;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub full_marks: f64,
    pub late_deduction_per_day: f64,
    pub late_deduction_cap: f64,
    pub return_deduction: f64,
    /// 标准目录: points off per record published late, and per item of a
    /// published catalogue with nothing recorded, at most `catalogue_cap`
    /// in all. A rule written before catalogues existed takes none off.
    #[serde(default)]
    pub catalogue_late_points: f64,
    #[serde(default)]
    pub catalogue_missing_points: f64,
    #[serde(default)]
    pub catalogue_cap: f64,
    /// 网上巡查: points off per finding not fixed by its due date, at most
    /// `inspection_cap`. A rule from before inspections takes none off.
    #[serde(default)]
    pub inspection_points: f64,
    #[serde(default)]
    pub inspection_cap: f64,
    /// 依申请公开: points off per request answered after its legal due date
    /// (or still unanswered past it), at most `request_cap`. A rule from
    /// before the register takes none off.
    #[serde(default)]
    pub request_points: f64,
    #[serde(default)]
    pub request_cap: f64,
    #[serde(default)]
    pub bonus: Vec<Bonus>,
}

/// What a unit's published catalogues show by the assessment day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Catalogued {
    /// Records published after their item's time limit.
    pub late: u32,
    /// Items with no record at all.
    pub missing: u32,
    /// Inspection findings still open after their due date, or fixed after it.
    pub unfixed: u32,
    /// 政府信息公开申请 answered after the legal due date, or unanswered past it.
    pub late_requests: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bonus {
    pub name: String,
    pub points: f64,
}

impl Rule {
    /// Reads a rule; the error names the line and what is wrong.
    pub fn parse(text: &str) -> Result<Rule, String> {
        let rule: Rule = toml::from_str(text).map_err(|e| format!("考核规则有误：{e}"))?;
        let fraction = |value: f64, what: &str| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(format!("考核规则有误：{what}应在 0 到 1 之间"))
            }
        };
        fraction(rule.late_deduction_per_day, "late_deduction_per_day（每天扣分比例）")?;
        fraction(rule.late_deduction_cap, "late_deduction_cap（最多扣分比例）")?;
        fraction(rule.return_deduction, "return_deduction（每次退回扣分比例）")?;
        if !(rule.full_marks > 0.0 && rule.full_marks <= 1000.0) {
            return Err("考核规则有误：full_marks（满分）应大于 0".into());
        }
        for (value, what) in [
            (rule.catalogue_late_points, "catalogue_late_points（每条逾期公开扣分）"),
            (rule.catalogue_missing_points, "catalogue_missing_points（每个无公开信息的事项扣分）"),
            (rule.catalogue_cap, "catalogue_cap（标准目录最多扣分）"),
            (rule.inspection_points, "inspection_points（每个逾期未整改的巡查问题扣分）"),
            (rule.inspection_cap, "inspection_cap（网上巡查最多扣分）"),
            (rule.request_points, "request_points（每件逾期答复的申请扣分）"),
            (rule.request_cap, "request_cap（依申请公开最多扣分）"),
        ] {
            if !(0.0..=rule.full_marks).contains(&value) {
                return Err(format!("考核规则有误：{what}应在 0 到满分之间"));
            }
        }
        if let Some(b) = rule.bonus.iter().find(|b| !(0.0..=rule.full_marks).contains(&b.points)) {
            return Err(format!("考核规则有误：加分项“{}”的分值应在 0 到满分之间", b.name));
        }
        Ok(rule)
    }

    /// The rule as its text, with the comments the office reads (what the
    /// form on the 考核规则 page saves).
    pub fn to_text(&self) -> String {
        let mut text = format!(
            "# 考核规则（每个单位满分 {full} 分）\n\
             # 满分按该单位截至考核日已到期的任务事项平均分配，每项分值 = 满分 ÷ 项数。\n\
             full_marks = {full}\n\n\
             # 按时完成得该项全部分值；逾期完成的，每逾期 1 天扣该项分值的 {per}%，最多扣 {cap}%。\n\
             late_deduction_per_day = {per_day}\n\
             late_deduction_cap = {cap_day}\n\n\
             # 截至考核日未审核通过的（未报送、待审核、被退回未重报），该项不得分。\n\n\
             # 每被审核退回 1 次，扣该项分值的 {ret}%（该项最低 0 分）。\n\
             return_deduction = {ret_day}\n\n\
             # 标准目录（任务1、2）：已发布目录下，每条逾期公开的信息扣 {late_points} 分，\n\
             # 每个尚未登记任何公开信息的目录事项扣 {missing_points} 分，两项合计最多扣 {cap_points} 分。\n\
             catalogue_late_points = {late_points}\n\
             catalogue_missing_points = {missing_points}\n\
             catalogue_cap = {cap_points}\n\n\
             # 网上巡查（任务27—29）：巡查发现的问题到整改期限仍未整改的，每个扣 {inspection_points} 分，最多扣 {inspection_cap} 分。\n\
             inspection_points = {inspection_points}\n\
             inspection_cap = {inspection_cap}\n\n\
             # 依申请公开（任务9）：政府信息公开申请超过法定期限答复（或到考核日仍未答复）的，每件扣 {request_points} 分，最多扣 {request_cap} 分。\n\
             request_points = {request_points}\n\
             request_cap = {request_cap}\n",
            full = self.full_marks,
            per = percent(self.late_deduction_per_day),
            cap = percent(self.late_deduction_cap),
            ret = percent(self.return_deduction),
            per_day = self.late_deduction_per_day,
            cap_day = self.late_deduction_cap,
            ret_day = self.return_deduction,
            late_points = self.catalogue_late_points,
            missing_points = self.catalogue_missing_points,
            cap_points = self.catalogue_cap,
            inspection_points = self.inspection_points,
            inspection_cap = self.inspection_cap,
            request_points = self.request_points,
            request_cap = self.request_cap,
        );
        if !self.bonus.is_empty() {
            text.push_str("\n# 加分项：由公开办为单位登记，每次加分；加分后总分不超过满分。\n");
        }
        for bonus in &self.bonus {
            // A TOML basic string: quotes and backslashes escaped.
            let name = bonus.name.replace('\\', "\\\\").replace('"', "\\\"");
            text.push_str(&format!("[[bonus]]\nname = \"{name}\"\npoints = {}\n\n", bonus.points));
        }
        text
    }

    pub fn default_rule() -> Rule {
        // The built-in text is checked by a test; it cannot come from users.
        Rule::parse(DEFAULT_RULE).unwrap_or_else(|e| unreachable!("{e}"))
    }
}

/// A fraction as the percent people write: 0.07 → 7, 0.125 → 12.5.
pub fn percent(fraction: f64) -> f64 {
    (fraction * 1000.0).round() / 10.0
}

/// One obligation as the assessment sees it.
#[derive(Debug, Clone)]
pub struct Item {
    /// "任务12 各镇（街）11月30日前报区民政局汇总".
    pub title: String,
    pub due: NaiveDate,
    /// The day of the accepted report, if accepted by the assessment day.
    pub done_on: Option<NaiveDate>,
    /// How many times a reviewer returned it.
    pub returns: u32,
}

/// One line of the explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub item: String,
    /// Points this line gives (deductions are negative).
    pub points: f64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub score: f64,
    pub explanation: Vec<Line>,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Scores one unit: `items` due by the assessment day, `bonuses` the names
/// of the bonus items awarded to it, `catalogued` what its catalogues show.
pub fn score(rule: &Rule, items: &[Item], bonuses: &[String], catalogued: Catalogued) -> Result<Score, String> {
    let mut explanation = Vec::new();
    let mut total = 0.0;
    if items.is_empty() {
        explanation.push(Line {
            item: "—".into(),
            points: rule.full_marks,
            reason: "考核期内没有到期的任务事项，按满分计".into(),
        });
        total = rule.full_marks;
    }
    let weight = rule.full_marks / items.len().max(1) as f64;
    for item in items {
        let mut push = |points: f64, reason: String| {
            explanation.push(Line { item: item.title.clone(), points: round2(points), reason });
            points
        };
        let earned = match item.done_on {
            None => push(0.0, format!("截止 {}，考核日前未审核通过，不得分（该项分值 {:.2}）", item.due, weight)),
            Some(done) if done <= item.due => push(weight, format!("截止 {}，{done} 按时完成", item.due)),
            Some(done) => {
                let days = (done - item.due).num_days();
                let cut = (rule.late_deduction_per_day * days as f64).min(rule.late_deduction_cap);
                push(
                    weight * (1.0 - cut),
                    format!("截止 {}，{done} 完成，逾期 {days} 天，扣该项分值的 {:.0}%", item.due, cut * 100.0),
                )
            }
        };
        if item.returns > 0 {
            let cut = (weight * rule.return_deduction * item.returns as f64).min(earned);
            if cut > 0.0 {
                explanation.push(Line {
                    item: item.title.clone(),
                    points: -round2(cut),
                    reason: format!(
                        "被退回 {} 次，每次扣该项分值的 {:.0}%",
                        item.returns,
                        rule.return_deduction * 100.0
                    ),
                });
            }
            total -= cut;
        }
        total += earned;
    }
    let late = rule.catalogue_late_points * f64::from(catalogued.late);
    let missing = rule.catalogue_missing_points * f64::from(catalogued.missing);
    let mut left = rule.catalogue_cap;
    for (count, points, cut, what) in [
        (catalogued.late, rule.catalogue_late_points, late, "条信息逾期公开"),
        (catalogued.missing, rule.catalogue_missing_points, missing, "个目录事项尚无公开信息"),
    ] {
        let cut = cut.min(left);
        if cut > 0.0 {
            left -= cut;
            total -= cut;
            explanation.push(Line {
                item: "标准目录".into(),
                points: -round2(cut),
                reason: format!(
                    "{count} {what}，每{}扣 {points} 分（标准目录合计最多扣 {} 分）",
                    if what.starts_with('条') { "条" } else { "项" },
                    rule.catalogue_cap
                ),
            });
        }
    }
    let unfixed = (rule.inspection_points * f64::from(catalogued.unfixed)).min(rule.inspection_cap);
    if unfixed > 0.0 {
        total -= unfixed;
        explanation.push(Line {
            item: "网上巡查".into(),
            points: -round2(unfixed),
            reason: format!(
                "{} 个巡查发现的问题逾期未整改，每个扣 {} 分（最多扣 {} 分）",
                catalogued.unfixed, rule.inspection_points, rule.inspection_cap
            ),
        });
    }
    let late_requests = (rule.request_points * f64::from(catalogued.late_requests)).min(rule.request_cap);
    if late_requests > 0.0 {
        total -= late_requests;
        explanation.push(Line {
            item: "依申请公开".into(),
            points: -round2(late_requests),
            reason: format!(
                "{} 件政府信息公开申请超过法定期限答复，每件扣 {} 分（最多扣 {} 分）",
                catalogued.late_requests, rule.request_points, rule.request_cap
            ),
        });
    }
    for name in bonuses {
        let bonus =
            rule.bonus.iter().find(|b| &b.name == name).ok_or_else(|| format!("考核规则中没有加分项“{name}”"))?;
        explanation.push(Line { item: bonus.name.clone(), points: bonus.points, reason: "加分项".into() });
        total += bonus.points;
    }
    if total > rule.full_marks {
        explanation.push(Line {
            item: "—".into(),
            points: round2(rule.full_marks - total),
            reason: format!("总分不超过满分 {}", rule.full_marks),
        });
        total = rule.full_marks;
    }
    Ok(Score { score: round2(total.max(0.0)), explanation })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn item(due: &str, done: Option<&str>, returns: u32) -> Item {
        Item { title: format!("任务 {due}"), due: day(due), done_on: done.map(day), returns }
    }

    #[test]
    fn the_default_rule_reads_and_bad_rules_are_named() {
        let rule = Rule::default_rule();
        assert_eq!((rule.full_marks, rule.late_deduction_per_day, rule.bonus.len()), (100.0, 0.10, 2));
        assert!(Rule::parse("full_marks = 100\n").unwrap_err().contains("late_deduction_per_day"));
        let wrong = DEFAULT_RULE.replace("return_deduction = 0.20", "return_deduction = 2");
        assert!(Rule::parse(&wrong).unwrap_err().contains("return_deduction"));
        let typo = DEFAULT_RULE.replace("full_marks", "ful_marks");
        assert!(Rule::parse(&typo).is_err());
    }

    #[test]
    fn on_time_late_missing_returned_and_bonus() {
        let rule = Rule::default_rule();
        // Four items of 25 points each.
        let items = [
            item("2020-06-30", Some("2020-06-30"), 0), // 25
            item("2020-06-30", Some("2020-07-03"), 0), // 3 days late: 25 × 0.7 = 17.5
            item("2020-09-30", Some("2020-12-31"), 0), // capped at 50 %: 12.5
            item("2020-12-25", None, 1),               // missing: 0, nothing left to deduct
        ];
        let scored = score(&rule, &items, &["政策解读优秀案例".to_string()], Catalogued::default()).unwrap();
        assert_eq!(scored.score, 25.0 + 17.5 + 12.5 + 2.0);
        assert_eq!(scored.explanation.len(), 5);
        let returned = score(&rule, &[item("2020-06-30", Some("2020-06-29"), 2)], &[], Catalogued::default()).unwrap();
        assert_eq!(returned.score, 60.0, "two returns take 2 × 20 % of 100");
        let capped = score(
            &rule,
            &[item("2020-06-30", Some("2020-06-29"), 0)],
            &["政务公开工作经验被上级推广".into()],
            Catalogued::default(),
        )
        .unwrap();
        assert_eq!(capped.score, 100.0);
        assert!(score(&rule, &[], &["不存在的加分项".into()], Catalogued::default()).is_err());
    }

    #[test]
    fn late_and_missing_catalogue_items_take_points_off_up_to_the_cap() {
        let rule = Rule::default_rule();
        let on_time = [item("2020-06-30", Some("2020-06-30"), 0)];
        let scored = score(&rule, &on_time, &[], Catalogued { late: 3, missing: 5, ..Default::default() }).unwrap();
        // 3 × 0.5 + 5 × 0.2 = 2.5 off.
        assert_eq!(scored.score, 97.5);
        assert!(scored.explanation.iter().any(|l| l.item == "标准目录" && l.reason.starts_with("3 条信息逾期公开")));
        let many = score(&rule, &on_time, &[], Catalogued { late: 30, missing: 30, ..Default::default() }).unwrap();
        assert_eq!(many.score, 90.0, "at most 10 points off for catalogues");
        let old_rule = Rule::parse(
            &DEFAULT_RULE
                .replace("catalogue_late_points = 0.5", "")
                .replace("catalogue_missing_points = 0.2", "")
                .replace("catalogue_cap = 10", ""),
        )
        .unwrap();
        assert_eq!(
            score(&old_rule, &on_time, &[], Catalogued { late: 3, missing: 5, ..Default::default() }).unwrap().score,
            100.0
        );
    }

    #[test]
    fn inspection_problems_not_fixed_in_time_take_points_off_up_to_the_cap() {
        let rule = Rule::default_rule();
        let on_time = [item("2020-06-30", Some("2020-06-30"), 0)];
        let scored = score(&rule, &on_time, &[], Catalogued { unfixed: 2, ..Default::default() }).unwrap();
        assert_eq!(scored.score, 98.0);
        assert!(
            scored
                .explanation
                .iter()
                .any(|l| l.item == "网上巡查" && l.reason.starts_with("2 个巡查发现的问题逾期未整改"))
        );
        let many = score(&rule, &on_time, &[], Catalogued { unfixed: 40, ..Default::default() }).unwrap();
        assert_eq!(many.score, 90.0, "at most 10 points off for inspections");
        let older = Rule::parse(&DEFAULT_RULE.replace("inspection_points = 1", "").replace("inspection_cap = 10", ""));
        let older = older.unwrap();
        assert_eq!(score(&older, &on_time, &[], Catalogued { unfixed: 2, ..Default::default() }).unwrap().score, 100.0);
        // Requests answered late: 2 points each by default, at most 10; a rule from before takes none.
        let late = score(&rule, &on_time, &[], Catalogued { late_requests: 2, ..Default::default() }).unwrap();
        assert_eq!(late.score, 96.0);
        assert!(late.explanation.iter().any(|l| l.item == "依申请公开" && l.reason.contains("2 件")), "{late:?}");
        assert_eq!(
            score(&rule, &on_time, &[], Catalogued { late_requests: 9, ..Default::default() }).unwrap().score,
            90.0
        );
        let before_register =
            Rule::parse(&DEFAULT_RULE.replace("request_points = 2", "").replace("request_cap = 10", ""));
        let before_register = before_register.unwrap();
        let scored = score(&before_register, &on_time, &[], Catalogued { late_requests: 2, ..Default::default() });
        assert_eq!(scored.unwrap().score, 100.0);
        assert_eq!(Rule::parse(&rule.to_text()).unwrap(), rule, "the text the form saves reads back");
    }
}

#[cfg(test)]
mod rule_text {
    use super::*;

    #[test]
    fn a_rule_written_from_the_form_reads_back_the_same() {
        let mut rule = Rule::default_rule();
        rule.late_deduction_per_day = 0.07;
        rule.bonus.push(Bonus { name: "“群众满意”\\示范".into(), points: 1.5 });
        let text = rule.to_text();
        assert_eq!(Rule::parse(&text).unwrap(), rule, "{text}");
        assert!(text.contains("每逾期 1 天扣该项分值的 7%"), "{text}");
    }
}
