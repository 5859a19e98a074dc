//! The 政府信息公开工作年度报告's request tables in the format of
//! 国办公开办函〔2021〕30号: table 三 (收到和处理政府信息公开申请情况: 25 rows ×
//! 7 applicant columns) and table 四 (行政复议、行政诉讼情况: 15 columns),
//! with their labels as printed, and the identities a filled form must
//! keep — each row's 总计 is the sum of its applicant columns, the results
//! add up to （七）总计, and 本年新收 + 上年结转 = （七）总计 + 结转下年度 — so
//! a break is named before anything is exported.

use serde::Serialize;

/// Table 二 (主动公开政府信息情况): each part with its heading, its columns
/// after 信息内容, and its rows, as printed.
pub struct Table2Part {
    pub heading: &'static str,
    pub columns: &'static [&'static str],
    pub rows: &'static [&'static str],
}

pub const TABLE2: [Table2Part; 4] = [
    Table2Part {
        heading: "第二十条第（一）项",
        columns: &["本年制发件数", "本年废止件数", "现行有效件数"],
        rows: &["规章", "行政规范性文件"],
    },
    Table2Part {
        heading: "第二十条第（五）项", columns: &["本年处理决定数量"], rows: &["行政许可"]
    },
    Table2Part {
        heading: "第二十条第（六）项", columns: &["本年处理决定数量"], rows: &["行政处罚", "行政强制"]
    },
    Table2Part {
        heading: "第二十条第（八）项", columns: &["本年收费金额（单位：万元）"], rows: &["行政事业性收费"]
    },
];

/// Table 二's cells as (row, column) pairs, in the form's order.
pub fn table2_cells() -> Vec<(&'static str, &'static str)> {
    TABLE2.iter().flat_map(|p| p.rows.iter().flat_map(|r| p.columns.iter().map(|c| (*r, *c)))).collect()
}

/// Table 三's columns as printed: the applicant kinds, then 总计.
pub const TABLE3_COLUMNS: [&str; 7] =
    ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"];

/// A row of a form: its label and the headings above it, as printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Row {
    pub label: &'static str,
    pub parents: &'static [&'static str],
}

const RESULTS: &str = "三、本年度办理结果";

const fn row(label: &'static str, parents: &'static [&'static str]) -> Row {
    Row { label, parents }
}

/// Table 三's rows in the form's order.
pub const TABLE3_ROWS: [Row; 25] = [
    row("一、本年新收政府信息公开申请数量", &[]),
    row("二、上年结转政府信息公开申请数量", &[]),
    row("（一）予以公开", &[RESULTS]),
    row("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", &[RESULTS]),
    row("1.属于国家秘密", &[RESULTS, "（三）不予公开"]),
    row("2.其他法律行政法规禁止公开", &[RESULTS, "（三）不予公开"]),
    row("3.危及“三安全一稳定”", &[RESULTS, "（三）不予公开"]),
    row("4.保护第三方合法权益", &[RESULTS, "（三）不予公开"]),
    row("5.属于三类内部事务信息", &[RESULTS, "（三）不予公开"]),
    row("6.属于四类过程性信息", &[RESULTS, "（三）不予公开"]),
    row("7.属于行政执法案卷", &[RESULTS, "（三）不予公开"]),
    row("8.属于行政查询事项", &[RESULTS, "（三）不予公开"]),
    row("1.本机关不掌握相关政府信息", &[RESULTS, "（四）无法提供"]),
    row("2.没有现成信息需要另行制作", &[RESULTS, "（四）无法提供"]),
    row("3.补正后申请内容仍不明确", &[RESULTS, "（四）无法提供"]),
    row("1.信访举报投诉类申请", &[RESULTS, "（五）不予处理"]),
    row("2.重复申请", &[RESULTS, "（五）不予处理"]),
    row("3.要求提供公开出版物", &[RESULTS, "（五）不予处理"]),
    row("4.无正当理由大量反复申请", &[RESULTS, "（五）不予处理"]),
    row("5.要求行政机关确认或重新出具已获取信息", &[RESULTS, "（五）不予处理"]),
    row("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", &[RESULTS, "（六）其他处理"]),
    row("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", &[RESULTS, "（六）其他处理"]),
    row("3.其他", &[RESULTS, "（六）其他处理"]),
    row("（七）总计", &[RESULTS]),
    row("四、结转下年度继续办理", &[]),
];

const NEW: usize = 0;
const CARRIED: usize = 1;
/// The result rows (予以公开 … 其他处理·3.其他), which （七）总计 sums.
const OUTCOMES: std::ops::Range<usize> = 2..23;
const TOTAL: usize = 23;
const CARRY_ON: usize = 24;

/// Table 四's columns as printed, each with its headings.
pub const TABLE4_COLUMNS: [Row; 15] = [
    row("结果维持", &["行政复议"]),
    row("结果纠正", &["行政复议"]),
    row("其他结果", &["行政复议"]),
    row("尚未审结", &["行政复议"]),
    row("总计", &["行政复议"]),
    row("结果维持", &["行政诉讼", "未经复议直接起诉"]),
    row("结果纠正", &["行政诉讼", "未经复议直接起诉"]),
    row("其他结果", &["行政诉讼", "未经复议直接起诉"]),
    row("尚未审结", &["行政诉讼", "未经复议直接起诉"]),
    row("总计", &["行政诉讼", "未经复议直接起诉"]),
    row("结果维持", &["行政诉讼", "复议后起诉"]),
    row("结果纠正", &["行政诉讼", "复议后起诉"]),
    row("其他结果", &["行政诉讼", "复议后起诉"]),
    row("尚未审结", &["行政诉讼", "复议后起诉"]),
    row("总计", &["行政诉讼", "复议后起诉"]),
];

/// The result row a request withdrawn for want of a 补正 is counted in.
pub const LAPSED_ROW: usize = 20;

/// The applicant column of a kind as printed (自然人 … 其他).
pub fn applicant_column(kind: &str) -> Option<usize> {
    TABLE3_COLUMNS[..6].iter().position(|c| *c == kind.trim())
}

/// The result row an outcome names: its label as printed ("（一）予以公开",
/// "1.属于国家秘密"), or the same words without the numbering ("予以公开",
/// "属于国家秘密"), or the start of one row's words ("本机关不掌握").
pub fn result_row(text: &str) -> Option<usize> {
    let text: String = text.split_whitespace().collect();
    let text = text.rsplit(['/', '·']).next().unwrap_or_default();
    let bare = |label: &str| -> String {
        let label = label.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '．');
        match label.strip_prefix('（').and_then(|l| l.split_once('）')) {
            Some((_, rest)) => rest.to_string(),
            None => label.to_string(),
        }
    };
    if text.is_empty() {
        return None;
    }
    let wanted = bare(text);
    if let Some(n) = OUTCOMES.clone().find(|n| TABLE3_ROWS[*n].label == text || bare(TABLE3_ROWS[*n].label) == wanted) {
        return Some(n);
    }
    let starting: Vec<usize> =
        OUTCOMES.clone().filter(|n| !wanted.is_empty() && bare(TABLE3_ROWS[*n].label).starts_with(&wanted)).collect();
    match starting.as_slice() {
        [only] => Some(*only),
        _ => None,
    }
}

/// Table 四's kinds of case, in the form's order of column groups.
pub const CASE_KINDS: [&str; 3] = ["行政复议", "未经复议直接起诉", "复议后起诉"];
/// A case's result, in the order of each group's columns.
pub const CASE_RESULTS: [&str; 4] = ["结果维持", "结果纠正", "其他结果", "尚未审结"];

/// A case's kind as people write it: "行政复议", "未经复议直接起诉" (or
/// "直接起诉", "行政诉讼（未经复议直接起诉）"), "复议后起诉".
pub fn case_kind(text: &str) -> Option<&'static str> {
    let text: String = text.split_whitespace().collect();
    if text.contains("复议后") {
        Some(CASE_KINDS[2])
    } else if text.contains("直接起诉") || text == "行政诉讼" {
        Some(CASE_KINDS[1])
    } else if text == "行政复议" || text == "复议" {
        Some(CASE_KINDS[0])
    } else {
        None
    }
}

/// A case's result as people write it: "结果维持" or "维持", and so on.
pub fn case_result(text: &str) -> Option<&'static str> {
    let text = text.trim();
    let text = if text.is_empty() { "尚未审结" } else { text };
    CASE_RESULTS.into_iter().find(|r| *r == text || r.ends_with(text) && text.chars().count() >= 2)
}

/// One count from a register: applicant column, result row (None while
/// not concluded), received before the year, concluded by its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub column: usize,
    pub outcome: Option<usize>,
    pub carried: bool,
    pub concluded: bool,
    pub count: i64,
}

/// Table 三 filled in: a row of seven numbers for each of the form's rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table3(pub [[i64; 7]; 25]);

/// Table 四 filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table4(pub [i64; 15]);

impl Table3 {
    /// The table a year's register counts make: a request received in the
    /// year is new, one from before carried; each concluded in the year
    /// counts in its result row, the rest carry on to next year.
    pub fn count(tallies: &[Tally]) -> Table3 {
        let mut rows = [[0i64; 7]; 25];
        for t in tallies.iter().filter(|t| t.column < 6) {
            let mut add = |row: usize| {
                rows[row][t.column] += t.count;
                rows[row][6] += t.count;
            };
            add(if t.carried { CARRIED } else { NEW });
            match (t.concluded, t.outcome) {
                (true, Some(row)) if OUTCOMES.contains(&row) => {
                    add(row);
                    add(TOTAL);
                }
                _ => add(CARRY_ON),
            }
        }
        Table3(rows)
    }

    /// Every identity of the form that does not hold, in words.
    pub fn breaks(&self) -> Vec<String> {
        let rows = &self.0;
        let mut out = Vec::new();
        for (n, values) in rows.iter().enumerate() {
            let sum: i64 = values[..6].iter().sum();
            if sum != values[6] {
                out.push(format!("表三“{}”行：各类申请人之和为 {sum}，“总计”列为 {}", TABLE3_ROWS[n].label, values[6]));
            }
        }
        for (column, name) in TABLE3_COLUMNS.iter().enumerate() {
            let outcomes: i64 = rows[OUTCOMES].iter().map(|r| r[column]).sum();
            if outcomes != rows[TOTAL][column] {
                out.push(format!(
                    "表三“{name}”列：办理结果各项之和为 {outcomes}，“（七）总计”为 {}",
                    rows[TOTAL][column]
                ));
            }
            let came = rows[NEW][column] + rows[CARRIED][column];
            let went = rows[TOTAL][column] + rows[CARRY_ON][column];
            if came != went {
                out.push(format!("表三“{name}”列：本年新收加上年结转为 {came}，办理结果总计加结转下年度为 {went}"));
            }
        }
        out
    }

    /// Last year's 结转下年度 must be this year's 上年结转.
    pub fn carried_from(&self, last_year: &Table3) -> Vec<String> {
        TABLE3_COLUMNS
            .iter()
            .enumerate()
            .filter(|(c, _)| last_year.0[CARRY_ON][*c] != self.0[CARRIED][*c])
            .map(|(c, name)| {
                format!(
                    "表三“{name}”列：上年报告结转下年度 {}，本年上年结转 {}",
                    last_year.0[CARRY_ON][c], self.0[CARRIED][c]
                )
            })
            .collect()
    }
}

impl Table4 {
    /// The table from counts of cases by kind and result.
    pub fn count<'a>(tallies: impl IntoIterator<Item = (&'a str, &'a str, i64)>) -> Table4 {
        let mut cells = [0i64; 15];
        for (kind, result, count) in tallies {
            let group = CASE_KINDS.iter().position(|k| *k == kind);
            let column = CASE_RESULTS.iter().position(|r| *r == result);
            if let (Some(group), Some(column)) = (group, column) {
                cells[group * 5 + column] += count;
                cells[group * 5 + 4] += count;
            }
        }
        Table4(cells)
    }

    /// Each group's 总计 is the sum of its four results.
    pub fn breaks(&self) -> Vec<String> {
        let mut out = Vec::new();
        for group in 0..3 {
            let at = group * 5;
            let sum: i64 = self.0[at..at + 4].iter().sum();
            if sum != self.0[at + 4] {
                out.push(format!(
                    "表四“{}”：四种结果之和为 {sum}，“总计”为 {}",
                    TABLE4_COLUMNS[at].parents.join("·"),
                    self.0[at + 4]
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outcome_is_found_by_its_label_or_its_words() {
        assert_eq!(result_row("（一）予以公开"), Some(2));
        assert_eq!(result_row("1.属于国家秘密"), Some(4));
        assert_eq!(result_row("属于国家秘密"), Some(4));
        assert_eq!(result_row("（四）无法提供 / 1.本机关不掌握相关政府信息"), Some(12));
        assert_eq!(result_row("本机关不掌握"), Some(12));
        assert_eq!(result_row("3.其他"), Some(22));
        assert_eq!(result_row("（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), Some(3));
        assert_eq!(result_row("部分公开"), Some(3));
        // A heading is not a result, nor is a total or a word that starts two rows.
        assert_eq!(result_row("（三）不予公开"), None);
        assert_eq!(result_row("（七）总计"), None);
        assert_eq!(result_row("属于"), None);
        assert_eq!(result_row(""), None);
        assert_eq!(case_kind("行政诉讼（未经复议直接起诉）"), Some("未经复议直接起诉"));
        assert_eq!(case_kind("复议后起诉"), Some("复议后起诉"));
        assert_eq!(case_kind("行政复议"), Some("行政复议"));
        assert_eq!(case_kind("信访"), None);
        assert_eq!(case_result("维持"), Some("结果维持"));
        assert_eq!(case_result(""), Some("尚未审结"));
        assert_eq!(case_result("撤销"), None);
    }

    #[test]
    fn counts_fill_the_table_so_that_it_adds_up() {
        let t = |column, outcome, carried, concluded, count| Tally { column, outcome, carried, concluded, count };
        let table = Table3::count(&[
            t(0, Some(2), false, true, 3),
            t(1, Some(4), true, true, 1),
            t(0, None, false, false, 2),
            t(5, Some(12), true, false, 1),
        ]);
        assert!(table.breaks().is_empty(), "{:?}", table.breaks());
        assert_eq!(table.0[NEW], [5, 0, 0, 0, 0, 0, 5]);
        assert_eq!(table.0[CARRIED], [0, 1, 0, 0, 0, 1, 2]);
        assert_eq!(table.0[TOTAL], [3, 1, 0, 0, 0, 0, 4]);
        assert_eq!(table.0[CARRY_ON], [2, 0, 0, 0, 0, 1, 3]);
    }

    #[test]
    fn a_made_up_year_keeps_the_identities_and_a_slip_is_named() {
        let mut rows = [[0i64; 7]; 25];
        // 10 new from people, 2 carried; 9 granted, 1 不掌握, 2 carried on.
        rows[NEW] = [10, 0, 0, 0, 0, 0, 10];
        rows[CARRIED] = [2, 0, 0, 0, 0, 0, 2];
        rows[2] = [9, 0, 0, 0, 0, 0, 9];
        rows[12] = [1, 0, 0, 0, 0, 0, 1];
        rows[TOTAL] = [10, 0, 0, 0, 0, 0, 10];
        rows[CARRY_ON] = [2, 0, 0, 0, 0, 0, 2];
        let table = Table3(rows);
        assert!(table.breaks().is_empty(), "{:?}", table.breaks());
        let mut slipped = table.clone();
        slipped.0[2][6] = 8;
        let said = slipped.breaks();
        assert!(said.iter().any(|b| b.contains("（一）予以公开") && b.contains("各类申请人之和为 9")), "{said:?}");
        assert!(said.iter().any(|b| b.contains("“总计”列：办理结果各项之和为 9")), "{said:?}");
        let next_year = Table3({
            let mut r = [[0i64; 7]; 25];
            r[CARRIED] = [1, 0, 0, 0, 0, 0, 1];
            r
        });
        assert_eq!(next_year.carried_from(&table).len(), 2, "自然人 and 总计 differ");
        assert!(Table4([1, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).breaks().is_empty());
        assert_eq!(
            Table4::count([("行政复议", "结果维持", 2), ("复议后起诉", "尚未审结", 1)]).0,
            [2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]
        );
        assert_eq!(Table4([1, 0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).breaks().len(), 1);
    }
}
