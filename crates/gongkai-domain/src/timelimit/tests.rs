//! The rules of docs/TIMELIMIT-SEMANTICS.md, one at a time. The real cells
//! collected from published catalogues are in tests/timelimit_cells.rs.

use super::*;
use crate::calendar;

fn read(text: &str) -> TimeLimit {
    TimeLimit::parse(text)
}

fn only(text: &str) -> Clause {
    let limit = read(text);
    assert_eq!(limit.clauses.len(), 1, "{text}: {:?}", limit.clauses);
    limit.clauses[0].clone()
}

#[test]
fn spaces_and_wraps_inside_words_are_ignored() {
    let clause = only("信 息 形 成 或变\n更之日起二十个工作\n日内公开");
    assert_eq!((clause.event, clause.amount, clause.unit), (Some(Event::Formed), Some(20), Some(Unit::WorkingDay)));
    assert_eq!(read("２０个工作日内").clauses[0].amount, Some(20));
}

#[test]
fn units_are_read_from_their_words() {
    for (text, amount, unit) in [
        ("15个工作日内", 15, Unit::WorkingDay),
        ("20工作日", 20, Unit::WorkingDay),
        ("批复后20日内", 20, Unit::Day),
        ("三十天", 30, Unit::Day),
        ("10个自然日内", 10, Unit::Day),
        ("6个月", 6, Unit::Month),
        ("1年", 1, Unit::Year),
        ("不超过5个工作日", 5, Unit::WorkingDay),
    ] {
        let clause = only(text);
        assert_eq!((clause.amount, clause.unit, clause.immediate), (Some(amount), Some(unit), false), "{text}");
    }
}

#[test]
fn a_bare_amount_names_no_event() {
    let limit = read("20个工作日");
    assert_eq!(limit.kind, Kind::Relative);
    assert_eq!(limit.clauses[0].event, None);
}

#[test]
fn events_are_named_by_their_wording() {
    for (text, event) in [
        ("制定或获取信息之日起10个工作日内", Event::Formed),
        ("信息产生、变更之日起20个工作日内公开", Event::Formed),
        ("自作出行政处罚决定之日起7个工作日内", Event::Decided),
        ("自收到申请之日起20个工作日内", Event::Applied),
        ("本级人民代表大会或其常务委员会批准后20日内", Event::Approved),
        ("收到征地批准文件之日起10个工作日内公开", Event::Approved),
        ("分配结果确定后20个工作日内", Event::Allocated),
        ("政策文件公开后的3个工作日之内更新", Event::PolicyPublished),
        ("在启动拟征收土地工作时", Event::WorkStarted),
    ] {
        assert_eq!(only(text).event, Some(event), "{text}");
    }
}

#[test]
fn the_event_may_follow_the_amount_in_brackets() {
    let clause = only("20个工作日（自该政府信息形成或者变更之日起）");
    assert_eq!((clause.event, clause.amount), (Some(Event::Formed), Some(20)));
}

#[test]
fn immediacy_without_a_number_is_ongoing_and_with_an_event_relative() {
    let limit = read("实时公开");
    assert_eq!((limit.kind, limit.clauses[0].immediate), (Kind::Ongoing, true));
    let limit = read("重大决策作出后及时公开");
    assert_eq!(
        (limit.kind, limit.clauses[0].event, limit.clauses[0].immediate),
        (Kind::Relative, Some(Event::Decided), true)
    );
    // 及时 after a number is only a publication word.
    assert!(!only("信息形成之日起20个工作日内及时公开").immediate);
}

#[test]
fn a_display_period_is_not_a_deadline() {
    let limit = read("制定或获取信息之日起10个工作日内，公示7个工作日");
    assert_eq!(limit.clauses.len(), 1);
    assert_eq!(limit.display_min, Some(Period { amount: 7, unit: Unit::WorkingDay }));
    assert_eq!(read("公示期不少于5天").display_min, Some(Period { amount: 5, unit: Unit::Day }));
}

#[test]
fn an_extension_keeps_its_condition() {
    let limit = read("作出决定之日起7个工作日内；情况复杂的，经本单位负责人批准，可延长7个工作日");
    assert_eq!(limit.clauses.len(), 1);
    assert_eq!(limit.clauses[0].event, Some(Event::Decided));
    let extension = limit.extension.expect("extension");
    assert_eq!((extension.amount, extension.unit), (7, Unit::WorkingDay));
    assert_eq!(extension.condition, "情况复杂的,经本单位负责人批准");
}

#[test]
fn other_law_prevailing_sets_the_flag() {
    for text in [
        "信息形成或者变更之日起20个工作日内。法律、法规对政府信息公开的期限另有规定的，从其规定。",
        "自该信息形成或者变更之日起20个工作日内予以公开，法律法规另有规定的除外",
        "信息产生、变更之日起20个工作日内公开,保持长期公开(相关政策法规另有规定的应从其规定)",
    ] {
        let limit = read(text);
        assert!(limit.legal_override, "{text}");
        assert_eq!(limit.clauses.len(), 1, "{text}");
        assert_eq!(limit.clauses[0].scope, None, "{text}");
    }
}

#[test]
fn sub_cases_name_their_scope() {
    let limit = read("信息形成20个工作日内公开；其中行政许可、行政处罚事项应自作出行政决定之日起7个工作日内公示");
    let scopes: Vec<_> = limit.clauses.iter().map(|c| c.scope.as_deref()).collect();
    assert_eq!(scopes, [None, Some("行政许可、行政处罚事项")]);
    let limit = read("执法决定信息在决定作出之日起7个工作日内公开,其他相关信息形成或变更之日起20个工作日内公开");
    let scopes: Vec<_> = limit.clauses.iter().map(|c| c.scope.as_deref()).collect();
    assert_eq!(scopes, [Some("执法决定信息"), Some("其他相关信息")]);
    let limit = read("1.除处罚决定外其他内容:长期公开(动态调整); 2.处罚决定:20个工作日内。");
    assert_eq!(limit.clauses.len(), 1);
    assert_eq!(limit.clauses[0].scope.as_deref(), Some("处罚决定"));
    assert!(limit.permanent);
    assert_eq!(limit.kind, Kind::Relative);
}

#[test]
fn two_deadlines_run_together_are_two_clauses() {
    let limit = read("自信息形成或者变更之日起20个工作日内予以公开 自信息形成或者变更之日起7个工作日内予以公开");
    let amounts: Vec<_> = limit.clauses.iter().map(|c| (c.amount, c.scope.clone())).collect();
    assert_eq!(amounts, [(Some(20), None), (Some(7), None)]);
}

#[test]
fn kinds_follow_their_precedence() {
    for (text, kind) in [
        ("同上", Kind::SameAsAbove),
        ("同 上。", Kind::SameAsAbove),
        ("6月底前", Kind::Dated),
        ("1月31日前", Kind::Dated),
        ("每年1月31日前", Kind::Periodic),
        ("半年至少更新1次", Kind::Periodic),
        ("每季度更新", Kind::Periodic),
        ("信息形成之日起20个工作日内；长期公开", Kind::Relative),
        ("永久公开", Kind::Ongoing),
        ("常年公开", Kind::Ongoing),
        ("/", Kind::None),
        ("—", Kind::None),
        ("", Kind::None),
    ] {
        assert_eq!(read(text).kind, kind, "{text}");
    }
    assert_eq!(read("半年至少更新1次").refresh, Some(Refresh { every: Cycle::HalfYear, at_least: 1 }));
    assert_eq!(read("每月至少更新2次").refresh, Some(Refresh { every: Cycle::Month, at_least: 2 }));
    assert!(read("6月底前").clauses.is_empty());
}

#[test]
fn an_event_word_inside_a_condition_does_not_start_the_clock() {
    let limit = read(
        "因运营线路等信息发生变更影响出行的，企业应当在实施之日3日前予以公开；因交通管制导致临时变更的，应当及时公开。",
    );
    let read: Vec<_> = limit.clauses.iter().map(|c| (c.scope.as_deref(), c.event, c.amount, c.immediate)).collect();
    assert_eq!(
        read,
        [
            (Some("因运营线路等信息发生变更影响出行的"), None, Some(3), false),
            (Some("因交通管制导致临时变更的"), None, None, true)
        ]
    );
}

#[test]
fn a_refresh_written_as_an_amount_is_a_cycle() {
    let limit = read("及时更新，最迟6个月内必须有更新");
    assert_eq!((limit.kind, limit.refresh.map(|r| r.every)), (Kind::Periodic, Some(Cycle::HalfYear)));
    assert!(limit.clauses.iter().all(|c| c.amount.is_none()));
    assert_eq!(read("最迟1年内必须有更新").refresh.map(|r| r.every), Some(Cycle::Year));
    // A number of years is a duration, never this year's date.
    assert_eq!(read("1年内公开").kind, Kind::Relative);
    let every = read("每20个工作日更新");
    assert_eq!((every.kind, every.clauses.len(), every.refresh), (Kind::Periodic, 0, None));
}

#[test]
fn list_numbering_is_structure_not_amounts() {
    let limit = read("（1）信息形成之日起20个工作日内；（2）处罚决定：7个工作日内");
    let amounts: Vec<_> = limit.clauses.iter().map(|c| c.amount).collect();
    assert_eq!(amounts, [Some(20), Some(7)]);
}

#[test]
fn a_working_day_limit_counts_on_the_official_calendar() {
    let clause = only("信息形成之日起7个工作日内");
    let event = NaiveDate::from_ymd_opt(2020, 9, 28).unwrap();
    // 09-29, 09-30, (10-01..10-08 国庆), 10-09, 10-10 (调休上班), 10-12, 10-13, 10-14.
    let due = TimeLimit::due(&clause, event, calendar::builtin()).unwrap();
    assert_eq!(due, NaiveDate::from_ymd_opt(2020, 10, 14));
    let clause = only("批复后20日内");
    assert_eq!(TimeLimit::due(&clause, event, calendar::builtin()).unwrap(), NaiveDate::from_ymd_opt(2020, 10, 18));
    assert_eq!(TimeLimit::due(&only("及时公开"), event, calendar::builtin()).unwrap(), None);
}

#[test]
fn the_rule_reads_in_plain_chinese() {
    assert_eq!(
        read("自该信息形成或者变更之日起20个工作日内予以公开").describe(),
        "信息形成或变更之日起20个工作日内公开"
    );
    assert_eq!(
        read("制定或获取信息之日起10个工作日内，公示7个工作日").describe(),
        "信息形成或变更之日起10个工作日内公开，公示不少于7个工作日"
    );
    assert_eq!(read("永久公开").describe(), "长期公开");
    assert_eq!(read("同上").describe(), "同上一行");
    assert_eq!(read("").describe(), "未写明公开时限");
}

#[test]
fn any_text_reads_without_panicking() {
    for text in
        ["((((", "1.", "（", "第", "每", "9999999999999个工作日", "在时", "公示", "延长", "可延长", "同上同上", "①②③"]
    {
        let _ = read(text).describe();
    }
}

proptest::proptest! {
    /// Any mix of the grammar's own characters reads without panicking, and
    /// every clause it finds has an amount or is immediate, never both.
    #[test]
    fn any_mix_of_catalogue_words_reads(text in "[0-9一二十个工作日天月年内起之自信息形成变更作出决定收到申请批准公示延长长期每季度同上在时及,;。()（）:、 ]{0,60}") {
        let read = TimeLimit::parse(&text);
        for clause in &read.clauses {
            proptest::prop_assert!(clause.amount.is_some() != clause.immediate);
            proptest::prop_assert_eq!(clause.amount.is_some(), clause.unit.is_some());
        }
        let _ = read.describe();
    }
}
