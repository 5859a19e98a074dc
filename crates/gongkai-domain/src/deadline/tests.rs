//! One test per rule of `shared/DEADLINE-SEMANTICS.md`, with the seed's own
//! cells where it has one, and a check of all 36 seed cells against
//! `shared/seed/seed-deadlines.expected.jsonl`.

use super::*;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn due(s: &str) -> Occurrence {
    Occurrence::Due { date: d(s) }
}

fn start(s: &str) -> Occurrence {
    Occurrence::Start { date: d(s) }
}

fn window(from: &str, to: &str) -> Occurrence {
    Occurrence::Window { from: d(from), to: d(to) }
}

fn occ(text: &str) -> Vec<Occurrence> {
    DeadlineText::parse(text, 2020).occurrences
}

#[test]
fn a_month_and_day_before_is_due_that_day_of_the_plan_year() {
    assert_eq!(occ("9月20日前"), vec![due("2020-09-20")]);
    assert_eq!(occ("9月20日"), vec![due("2020-09-20")]);
    assert_eq!(occ("9月20号以前"), vec![due("2020-09-20")]);
}

#[test]
fn an_explicit_year_wins_over_the_plan_year() {
    assert_eq!(occ("2021年1月5日前"), vec![due("2021-01-05")]);
    assert_eq!(occ("二〇二一年一月五日前"), vec![due("2021-01-05")]);
    assert_eq!(occ("2021-01-05前"), vec![due("2021-01-05")]);
}

#[test]
fn the_end_of_a_month_is_its_last_day() {
    assert_eq!(occ("2021年7月底前"), vec![due("2021-07-31")]);
    assert_eq!(occ("2月底"), vec![due("2020-02-29")]);
    assert_eq!(occ("11月末"), vec![due("2020-11-30")]);
    assert_eq!(occ("6月底以前"), vec![due("2020-06-30")]);
}

#[test]
fn the_end_of_the_year_is_december_31() {
    assert_eq!(occ("年底前"), vec![due("2020-12-31")]);
    assert_eq!(occ("年内完成"), vec![due("2020-12-31")]);
    assert_eq!(occ("2022年底"), vec![due("2022-12-31")]);
    assert_eq!(occ("到2022年底"), vec![due("2022-12-31")]);
}

#[test]
fn a_month_with_a_verb_and_no_day_is_the_whole_month() {
    assert_eq!(occ("9月完成"), vec![window("2020-09-01", "2020-09-30")]);
}

#[test]
fn parts_of_a_month_are_windows_and_before_one_is_the_day_before_it_starts() {
    assert_eq!(occ("12月下旬"), vec![window("2020-12-21", "2020-12-31")]);
    assert_eq!(occ("10月上旬"), vec![window("2020-10-01", "2020-10-10")]);
    assert_eq!(occ("10月中旬"), vec![window("2020-10-11", "2020-10-20")]);
    assert_eq!(occ("11月下旬前"), vec![due("2020-11-20")]);
    assert_eq!(occ("11月中旬前"), vec![due("2020-11-10")]);
    assert_eq!(occ("11月上旬前"), vec![due("2020-10-31")]);
}

#[test]
fn a_start_is_the_first_day_of_the_named_span() {
    assert_eq!(occ("10月26日起"), vec![start("2020-10-26")]);
    assert_eq!(occ("9月下旬起"), vec![start("2020-09-21")]);
    assert_eq!(occ("2021年1月起"), vec![start("2021-01-01")]);
    assert_eq!(occ("11月开始"), vec![start("2020-11-01")]);
}

#[test]
fn a_year_start_before_a_yearly_rule_starts_the_rule_that_year() {
    assert_eq!(occ("2021年起，每年12月25日前报送"), vec![start("2021-01-01"), due("2021-12-25")]);
    assert_eq!(occ("从2021年起每年6月底前公开"), vec![start("2021-01-01"), due("2021-06-30")]);
}

#[test]
fn a_yearly_day_recurs_in_both_years_of_the_horizon() {
    assert_eq!(occ("每年12月25日前"), vec![due("2020-12-25"), due("2021-12-25")]);
    assert_eq!(occ("每年1月10日前"), vec![due("2020-01-10"), due("2021-01-10")]);
}

#[test]
fn a_yearly_month_with_a_verb_is_a_window_every_year() {
    assert_eq!(occ("每年7月开展"), vec![window("2020-07-01", "2020-07-31"), window("2021-07-01", "2021-07-31")]);
}

#[test]
fn each_listed_month_is_a_window_every_year() {
    assert_eq!(
        occ("每年1月、7月各评选一次"),
        vec![
            window("2020-01-01", "2020-01-31"),
            window("2020-07-01", "2020-07-31"),
            window("2021-01-01", "2021-01-31"),
            window("2021-07-01", "2021-07-31"),
        ]
    );
}

#[test]
fn half_years_are_windows_and_before_one_is_its_end() {
    assert_eq!(occ("每年下半年"), vec![window("2020-07-01", "2020-12-31"), window("2021-07-01", "2021-12-31")]);
    assert_eq!(occ("每年上半年"), vec![window("2020-01-01", "2020-06-30"), window("2021-01-01", "2021-06-30")]);
    assert_eq!(occ("上半年前"), vec![due("2020-06-30")]);
    assert_eq!(occ("下半年"), vec![window("2020-07-01", "2020-12-31")]);
}

#[test]
fn a_named_quarter_is_a_window_over_it() {
    assert_eq!(occ("第三季度"), vec![window("2020-07-01", "2020-09-30")]);
    assert_eq!(occ("二季度"), vec![window("2020-04-01", "2020-06-30")]);
    assert_eq!(occ("第四季度末"), vec![due("2020-12-31")]);
    assert_eq!(occ("第三季度末月15日前"), vec![due("2020-09-15")]);
}

#[test]
fn every_quarter_without_a_day_is_due_on_each_quarters_last_day() {
    let got = occ("每季度情况通报");
    assert_eq!(got.len(), 8);
    assert_eq!(got[0], due("2020-03-31"));
    assert_eq!(got[7], due("2021-12-31"));
}

#[test]
fn a_named_day_of_each_quarter_is_kept() {
    let first = occ("每季度首月10日前");
    assert_eq!(&first[..4], &[due("2020-01-10"), due("2020-04-10"), due("2020-07-10"), due("2020-10-10")]);
    let last = occ("每季度末月20日前");
    assert_eq!(&last[..4], &[due("2020-03-20"), due("2020-06-20"), due("2020-09-20"), due("2020-12-20")]);
    assert_eq!(occ("每季度末").len(), 8);
}

#[test]
fn an_explicit_list_beats_the_generic_rule() {
    assert_eq!(
        occ("每季度末（分别在6月、9月和12月底）"),
        vec![
            due("2020-06-30"),
            due("2020-09-30"),
            due("2020-12-31"),
            due("2021-06-30"),
            due("2021-09-30"),
            due("2021-12-31")
        ]
    );
}

#[test]
fn monthly_rules_fall_on_the_last_or_the_named_day() {
    let last = occ("每月");
    assert_eq!(last.len(), 24);
    assert_eq!(last[1], due("2020-02-29"));
    let fifth = occ("每月5日前报送");
    assert_eq!(fifth.len(), 24);
    assert_eq!(fifth[0], due("2020-01-05"));
}

#[test]
fn every_half_year_is_due_at_the_end_of_june_and_december() {
    assert_eq!(occ("每半年"), vec![due("2020-06-30"), due("2020-12-31"), due("2021-06-30"), due("2021-12-31")]);
}

#[test]
fn every_year_without_a_month_is_due_on_december_31() {
    assert_eq!(occ("每年报送一次"), vec![due("2020-12-31"), due("2021-12-31")]);
    assert_eq!(occ("按年度"), vec![due("2020-12-31"), due("2021-12-31")]);
}

#[test]
fn month_ranges_are_windows_from_the_first_to_the_last_day() {
    assert_eq!(occ("7—9月"), vec![window("2020-07-01", "2020-09-30")]);
    assert_eq!(occ("7至9月开展"), vec![window("2020-07-01", "2020-09-30")]);
    assert_eq!(occ("10月1日至15日"), vec![window("2020-10-01", "2020-10-15")]);
    assert_eq!(occ("2020年12月至2021年1月"), vec![window("2020-12-01", "2021-01-31")]);
}

#[test]
fn ongoing_words_without_a_date_make_the_cell_ongoing() {
    for text in ["长期", "持续推进", "常态化开展", "及时公开", "实时更新"] {
        let parsed = DeadlineText::parse(text, 2020);
        assert!(parsed.ongoing, "{text}");
        assert!(parsed.occurrences.is_empty() && parsed.unparsed.is_empty(), "{text}");
    }
    let dated = DeadlineText::parse("长期坚持，12月底前完成", 2020);
    assert!(!dated.ongoing);
    assert_eq!(dated.occurrences, vec![due("2020-12-31")]);
}

#[test]
fn named_days_before_are_due_on_the_holiday() {
    assert_eq!(occ("元旦前"), vec![due("2020-01-01")]);
    assert_eq!(occ("五一前"), vec![due("2020-05-01")]);
    assert_eq!(occ("七一前"), vec![due("2020-07-01")]);
    assert_eq!(occ("十一前"), vec![due("2020-10-01")]);
    assert_eq!(occ("国庆节前"), vec![due("2020-10-01")]);
    assert_eq!(occ("春节前"), vec![due("2020-01-24")]);
    assert_eq!(occ("十一月底前"), vec![due("2020-11-30")]);
}

#[test]
fn an_aspirational_date_is_not_an_occurrence() {
    let parsed = DeadlineText::parse("2021年1月30日前报区政府审定，争取2021年2月28日前印发", 2020);
    assert_eq!(parsed.occurrences, vec![due("2021-01-30")]);
    assert_eq!(parsed.aspirational_dates, vec![d("2021-02-28")]);
    assert!(parsed.milestones[1].aspirational);
    assert!(!parsed.milestones[0].aspirational);
}

#[test]
fn a_time_relative_to_an_event_has_no_fixed_date() {
    for text in ["印发后10个工作日内公开", "收到申请之日起20个工作日内", "6个月", "自发文之日起15日内"]
    {
        let parsed = DeadlineText::parse(text, 2020);
        assert!(parsed.relative, "{text}");
        assert!(parsed.occurrences.is_empty() && parsed.unparsed.is_empty(), "{text}");
    }
    assert!(!DeadlineText::parse("每季度10日前", 2020).relative);
    assert!(DeadlineText::parse("自印发之日起施行", 2020).relative);
    assert!(DeadlineText::parse("即日起", 2020).unparsed.is_empty());
}

#[test]
fn chinese_numerals_read_as_arabic_ones() {
    assert_eq!(occ("十二月底前"), occ("12月底前"));
    assert_eq!(occ("九月二十日前"), vec![due("2020-09-20")]);
}

#[test]
fn numbering_weekdays_and_line_breaks_do_not_hide_dates() {
    assert_eq!(occ("1.9月20日前报送；\n2.12月25日（星期五）前公开。"), vec![due("2020-09-20"), due("2020-12-25")]);
    assert_eq!(occ("（1）10月 15 日前报送\n（2）12月\n25日前公开"), vec![due("2020-10-15"), due("2020-12-25")]);
}

#[test]
fn two_dates_in_one_clause_are_two_milestones() {
    let parsed = DeadlineText::parse("10月30日前备案12月15日前公开", 2020);
    assert_eq!(parsed.milestones.len(), 2);
    assert_eq!(parsed.milestones[0].action, Some("备案"));
    assert_eq!(parsed.milestones[1].action, Some("公开"));
}

#[test]
fn an_undated_segment_joins_the_dated_milestone_beside_it() {
    let parsed = DeadlineText::parse(
        "评估情况在单位门户网站公开；每年12月25日前，将工作情况纳入自查报告，报送区政务公开办",
        2020,
    );
    assert_eq!(parsed.milestones.len(), 1);
    let m = &parsed.milestones[0];
    assert_eq!(m.rule, "yearly 12-25");
    assert_eq!(m.action, Some("纳入自查报告"));
    assert_eq!(m.recipient.as_deref(), Some("区政务公开办"));
    assert_eq!(m.channel.as_deref(), Some("单位门户网站"));
}

#[test]
fn milestones_name_action_recipient_channel_and_another_actor() {
    let parsed = DeadlineText::parse(
        "10月15日前报送区政务公开办，由区政务公开办汇总呈报区政府审核同意后，于10月25日前在区政府门户网站以文件汇编形式公开。",
        2020,
    );
    assert_eq!(parsed.milestones.len(), 2);
    let (first, second) = (&parsed.milestones[0], &parsed.milestones[1]);
    assert_eq!(first.text, "10月15日前报送区政务公开办");
    assert_eq!(
        (first.action, first.recipient.as_deref(), first.actor.as_deref()),
        (Some("报送"), Some("区政务公开办"), None)
    );
    assert_eq!(second.actor.as_deref(), Some("区政务公开办"));
    assert_eq!(second.action, Some("公开"));
    assert_eq!(second.channel.as_deref(), Some("区政府门户网站"));
    assert!(second.text.starts_with("由区政务公开办"));

    let towns = DeadlineText::parse("各镇（街）11月30日前报区民政局汇总", 2020);
    assert_eq!(towns.milestones[0].recipient.as_deref(), Some("区民政局"));
    assert_eq!(towns.milestones[0].actor, None);
}

#[test]
fn text_without_a_date_is_reported_never_dropped() {
    let parsed = DeadlineText::parse("按上级要求办理", 2020);
    assert_eq!(parsed.unparsed, vec!["按上级要求办理".to_string()]);
    let bad = DeadlineText::parse("2月30日前", 2020);
    assert!(bad.occurrences.is_empty());
    assert_eq!(bad.unparsed.len(), 1, "{:?}", bad.unparsed);
    assert!(bad.unparsed[0].contains("2月30日"));
}

#[test]
fn occurrences_are_sorted_and_duplicates_collapse() {
    let parsed = DeadlineText::parse("每季度情况通报；每年1月10日前报送；12月31日前总结", 2020);
    let dates: Vec<NaiveDate> = parsed.occurrences.iter().map(Occurrence::sort_date).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    assert_eq!(parsed.occurrences.iter().filter(|o| **o == due("2020-12-31")).count(), 1);
}

/// The seed's 36 cells give exactly the occurrences the semantics file gives them.
#[test]
fn all_seed_cells_match_the_expected_occurrences() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seed/seed-deadlines.expected.jsonl");
    let expected = std::fs::read_to_string(path).expect("shared/seed beside the project");
    let mut checked = 0;
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = case["text"].as_str().unwrap();
        let year = case["plan_year"].as_i64().unwrap() as i32;
        let parsed = DeadlineText::parse(text, year);
        let got = serde_json::to_value(&parsed).unwrap();
        let mut want_occ: Vec<String> = case["occurrences"].as_array().unwrap().iter().map(|o| o.to_string()).collect();
        let mut got_occ: Vec<String> = got["occurrences"].as_array().unwrap().iter().map(|o| o.to_string()).collect();
        want_occ.sort();
        got_occ.sort();
        assert_eq!(got_occ, want_occ, "{}: {text}", case["id"]);
        assert_eq!(got["ongoing"], case["ongoing"], "{}: {text}", case["id"]);
        assert_eq!(got["relative"], case["relative"], "{}: {text}", case["id"]);
        assert_eq!(got["aspirational_dates"], case["aspirational_dates"], "{}: {text}", case["id"]);
        assert!(parsed.unparsed.is_empty(), "{}: {:?}", case["id"], parsed.unparsed);
        checked += 1;
    }
    assert_eq!(checked, 36);
}

/// The occurrences that bind a unit in a plan that takes effect on `start`.
fn from(start_day: &str, text: &str) -> Vec<Occurrence> {
    occ(text).into_iter().filter_map(|o| o.from_start(d(start_day))).collect()
}

#[test]
fn nothing_is_due_before_the_plan_starts() {
    // A yearly report on last year: the first one falls in the next year.
    assert_eq!(from("2020-09-01", "每年1月10日前报送上年情况"), vec![due("2021-01-10")]);
    // Quarterly: from the first quarter end after the start.
    assert_eq!(
        from("2020-09-01", "每季度情况通报"),
        vec![
            due("2020-09-30"),
            due("2020-12-31"),
            due("2021-03-31"),
            due("2021-06-30"),
            due("2021-09-30"),
            due("2021-12-31")
        ]
    );
    // Named months: January comes first after a September start.
    assert_eq!(
        from("2020-09-01", "每年1月、7月各评选一次"),
        vec![window("2021-01-01", "2021-01-31"), window("2021-07-01", "2021-07-31")]
    );
    // A one-off date before the start binds nobody; one on the start day does.
    assert_eq!(from("2020-09-01", "8月31日前"), vec![]);
    assert_eq!(from("2020-09-01", "9月1日前"), vec![due("2020-09-01")]);
}

#[test]
fn work_already_under_way_at_the_start_is_held_from_the_start() {
    // A window that began before the start is held from the start to its end.
    assert_eq!(
        from("2020-09-01", "每年下半年"),
        vec![window("2020-09-01", "2020-12-31"), window("2021-07-01", "2021-12-31")]
    );
    // Work that "starts" earlier begins on the start day.
    assert_eq!(from("2020-09-01", "2020年起长期坚持")[0], start("2020-09-01"));
    // A start of January 1 changes nothing.
    assert_eq!(from("2020-01-01", "每季度情况通报"), occ("每季度情况通报"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_string_parses_without_panicking(text in "\\PC{0,60}") {
        let parsed = DeadlineText::parse(&text, 2020);
        prop_assert!(parsed.occurrences.windows(2).all(|w| w[0].sort_date() <= w[1].sort_date()));
    }

    #[test]
    fn deadline_like_noise_parses_without_panicking(
        text in "[0-9一二三十廿〇年月日号前底末上中下旬起每季度半年首第至—、，；（）争取长期个工作内后春节元旦五七国庆 ]{0,40}",
        year in 1i32..9999,
    ) {
        let parsed = DeadlineText::parse(&text, year);
        for o in &parsed.occurrences {
            if let Occurrence::Window { from, to } = o {
                prop_assert!(from <= to);
            }
        }
    }
}

#[test]
fn a_deadline_inside_a_task_is_found_and_plain_numbers_are_not() {
    let find = |text: &str| DeadlineText::find_in(text, 2021);
    assert_eq!(find("启动县图书馆新馆建设，12月底前完成主体工程").as_deref(), Some("12月底前完成主体工程"));
    assert_eq!(find("建成县残疾人综合服务中心，6月底前投入使用。").as_deref(), Some("6月底前投入使用"));
    assert_eq!(
        find("对行政规范性文件进行全面清理,并于9月30日前向社会公布目录").as_deref(),
        Some("并于9月30日前向社会公布目录")
    );
    assert_eq!(find("地区生产总值增长5.5%左右"), None);
    assert_eq!(find("新建2座人行天桥。"), None);
    assert_eq!(find("积极做好政策解读工作,持续提升政策解读质量"), None);
}

/// The example cells of the semantics file (the text before "→" in its
/// tables) and the seed's 36 cells.
fn semantics_examples() -> Vec<(String, i32)> {
    let semantics = include_str!("../../../../docs/DEADLINE-SEMANTICS.md");
    let mut examples: Vec<(String, i32)> = semantics
        .lines()
        .filter(|l| l.starts_with("| `"))
        .filter_map(|l| l.split('|').nth(3))
        .flat_map(|cell| cell.split(['；', ';']).map(str::to_string).collect::<Vec<_>>())
        .filter_map(|example| example.split_once('→').map(|(text, _)| text.trim().trim_matches('`').to_string()))
        .filter(|text| !text.is_empty() && text != "—")
        .map(|text| (text, 2020))
        .collect();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seed/seed-deadlines.expected.jsonl");
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        examples.push((row["text"].as_str().unwrap().to_string(), row["plan_year"].as_i64().unwrap() as i32));
    }
    examples
}

/// What a reading must keep under noise: the dates, relative, ongoing.
fn meaning(text: &str, year: i32) -> (Vec<Occurrence>, bool, bool) {
    let read = DeadlineText::parse(text, year);
    (read.occurrences, read.relative, read.ongoing)
}

/// The noise real cells carry, at places the strategy picks: spaces
/// anywhere, a line break inside a date, 的 after 每年/每季度/每月, quotes
/// around a named day.
fn noisy(text: &str, spaces: &[usize], breaks: &[usize]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if spaces.contains(&i) {
            out.push(' ');
        }
        out.push(*c);
        let next = chars.get(i + 1).copied().unwrap_or(' ');
        if breaks.contains(&i) && (c.is_ascii_digit() || *c == '每') && (next == '月' || next == '日' || next == '年')
        {
            out.push('\n');
        }
    }
    let mut out = out.replace("每年", "每年的").replace("每季度", "每季度的").replace("每月", "每月的");
    for day in ["五一", "国庆", "春节", "元旦", "清明", "端午", "中秋"] {
        out = out.replace(day, &format!("“{day}”"));
    }
    out
}

#[test]
fn the_semantics_examples_are_many() {
    assert!(semantics_examples().len() >= 40, "{}", semantics_examples().len());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn every_example_means_the_same_under_noise(
        spaces in proptest::collection::vec(0usize..80, 0..4),
        breaks in proptest::collection::vec(0usize..80, 0..4),
    ) {
        for (text, year) in semantics_examples() {
            let varied = noisy(&text, &spaces, &breaks);
            prop_assert_eq!(meaning(&varied, year), meaning(&text, year), "{:?} read as {:?}", varied, text);
        }
    }
}

#[test]
fn a_duration_is_never_this_years_end() {
    for text in ["一年内完成", "1年内完成", "两年内完成", "两年完成", "半年内完成", "3个月内完成", "六个月"]
    {
        let read = DeadlineText::parse(text, 2020);
        assert!(read.occurrences.is_empty() && read.relative, "{text}: {:?}", read.occurrences);
    }
    assert_eq!(occ("年内完成"), vec![due("2020-12-31")]);
    assert_eq!(occ("2021年内完成"), vec![due("2021-12-31")]);
}
