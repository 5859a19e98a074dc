//! The 政府信息公开工作年度报告's request tables in the format of
//! 国办公开办函〔2021〕30号: table 三 (收到和处理政府信息公开申请情况: 25 rows ×
//! 7 applicant columns) and table 四 (行政复议、行政诉讼情况: 15 columns),
//! with their labels as printed, and the identities a filled form must
//! keep — each row's 总计 is the sum of its applicant columns, the results
//! add up to （七）总计, and 本年新收 + 上年结转 = （七）总计 + 结转下年度 — so
//! a break is named before anything is exported.

use serde::Serialize;

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

/// Table 三 filled in: a row of seven numbers for each of the form's rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table3(pub [[i64; 7]; 25]);

/// Table 四 filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table4(pub [i64; 15]);

impl Table3 {
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
        assert_eq!(Table4([1, 0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).breaks().len(), 1);
    }
}
