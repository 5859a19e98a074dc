//! The words around the dates: what is to be done (action), for whom
//! (recipient), where it is published (channel), and who acts when the text
//! names another actor ("由区政务公开办汇总…").

use super::lexicon::Lexicon;
use std::sync::OnceLock;

/// Actions, most specific first: when a milestone names several ("纳入自查报告
/// 报送…"), the first one found in this order names it.
const ACTIONS: &[(&str, &[&str])] = &[
    ("纳入自查报告", &["自查报告"]),
    ("备案", &["备案"]),
    ("印发", &["印发", "出台", "发文"]),
    ("通报", &["通报"]),
    ("抄送", &["抄送"]),
    ("评选", &["评选"]),
    ("报送", &["报送", "上报", "呈报", "报"]),
    ("审定", &["审定", "审议", "审核"]),
    ("公开", &["公开", "公布", "公示", "发布"]),
    ("汇总", &["汇总"]),
    ("培训", &["培训"]),
    ("检查", &["检查", "抽查", "巡查", "督查", "督导"]),
    ("考核", &["考核", "评估", "评价"]),
    ("开展", &["开展", "举办", "组织"]),
    ("完成", &["完成", "建成", "编制", "制定", "建立"]),
];

/// Characters after 公开 that make it part of a name ("区政务公开办", "公开专区"),
/// not the act of publishing.
const PUBLISH_IN_A_NAME: &[char] = &['办', '专', '栏', '属', '目', '事', '工', '制', '平', '考', '标', '全'];

/// Words after 报 that are not a report to someone ("报告", "通报" is its own).
const NOT_A_REPORT: &[char] = &['告', '表', '道', '纸', '刊', '名'];

/// Endings of an organisation's name, longest first.
const ORG_ENDINGS: &[&str] = &[
    "领导小组办公室",
    "领导小组",
    "委员会",
    "办公室",
    "政府",
    "中心",
    "办",
    "局",
    "委",
    "部",
    "院",
    "厅",
    "所",
    "站",
    "室",
];

/// Words that end a publishing channel.
const CHANNELS: &[&str] = &[
    "政府信息公开专栏",
    "信息公开专栏",
    "门户网站",
    "政务新媒体",
    "微信公众号",
    "公众号",
    "信息公示栏",
    "公示栏",
    "公开栏",
    "公告栏",
    "政务公开专区",
    "网站",
    "专栏",
];

fn starts_with(chars: &[char], at: usize, word: &str) -> bool {
    (at..).zip(word.chars()).all(|(j, ch)| chars.get(j) == Some(&ch))
}

/// All actions named in `chars`, most specific first.
#[cfg(test)]
pub fn actions(chars: &[char]) -> Vec<&'static str> {
    actions_in(action_mask(chars))
}

/// The actions a mask from `action_mask` names, most specific first.
pub fn actions_in(mask: u32) -> Vec<&'static str> {
    ACTIONS.iter().enumerate().filter(|(k, _)| mask & (1 << k) != 0).map(|(_, (name, _))| *name).collect()
}

/// The actions named in `chars` as bits, one per entry of `ACTIONS`.
pub fn action_mask(chars: &[char]) -> u32 {
    static LEXICON: OnceLock<Lexicon<(usize, &'static str)>> = OnceLock::new();
    let lexicon = LEXICON.get_or_init(|| {
        Lexicon::new(ACTIONS.iter().enumerate().flat_map(|(k, (_, words))| words.iter().map(move |w| (*w, (k, *w)))))
    });
    let mut mask = 0u32;
    for i in 0..chars.len() {
        for (_, (group, word)) in lexicon.at(chars, i) {
            let in_a_name = word == "公开" && chars.get(i + 2).is_some_and(|c| PUBLISH_IN_A_NAME.contains(c));
            let not_a_report = word == "报"
                && (chars.get(i + 1).is_some_and(|c| NOT_A_REPORT.contains(c))
                    || i > 0 && matches!(chars[i - 1], '通' | '举' | '简' | '情' | '汇' | '呈' | '上'));
            if !in_a_name && !not_a_report {
                mask |= 1 << group;
            }
        }
    }
    mask
}

/// The organisation name starting at `at` ("区政务公开办汇总" → "区政务公开办"),
/// at most 16 characters, ending at the first organisation ending (extended by
/// a following one: "区政府办公室").
pub fn organisation_at(chars: &[char], at: usize) -> Option<String> {
    static ENDINGS: OnceLock<Vec<Vec<char>>> = OnceLock::new();
    let endings = ENDINGS.get_or_init(|| ORG_ENDINGS.iter().map(|e| e.chars().collect()).collect());
    let limit = (at + 16).min(chars.len());
    for end in at + 1..=limit {
        let c = chars[end - 1];
        if matches!(c, '，' | '。' | '；' | '、' | '\n' | '（' | '）') {
            return None;
        }
        if !matches!(c, '室' | '组' | '会' | '府' | '心' | '办' | '局' | '委' | '部' | '院' | '厅' | '所' | '站')
        {
            continue;
        }
        for ending in endings {
            if end > at + ending.len() && chars[..end].ends_with(ending) {
                let mut stop = end;
                // "区政府" + "办公室", "区委" + "组织部".
                while let Some(more) = endings.iter().find(|e| chars[stop..].starts_with(e) && e[..] != ['所']) {
                    stop += more.len();
                }
                return Some(chars[at..stop].iter().collect());
            }
        }
    }
    None
}

/// Who receives the report: the organisation after 报送 / 报 / 上报 / 抄送 / 向.
pub fn recipient(chars: &[char]) -> Option<String> {
    for i in 0..chars.len() {
        if !matches!(chars[i], '报' | '上' | '呈' | '抄' | '提' | '向' | '送') {
            continue;
        }
        // "报告", "报表"…: nouns, not "报" + a recipient ("评估报告报送区政务公开办").
        if chars[i] == '报' && chars.get(i + 1).is_some_and(|c| matches!(c, '告' | '表' | '道' | '名' | '刊' | '纸'))
        {
            continue;
        }
        for verb in ["报送", "上报", "呈报", "抄送", "提交", "报", "向", "送"] {
            if starts_with(chars, i, verb)
                && let Some(name) = organisation_at(chars, i + verb.chars().count())
                && !name.starts_with('社')
            {
                return Some(name);
            }
        }
    }
    None
}

/// The channels named, with what stands before each ("区政府门户网站").
pub fn channels(chars: &[char]) -> Vec<String> {
    static LEXICON: OnceLock<Lexicon<()>> = OnceLock::new();
    let lexicon = LEXICON.get_or_init(|| Lexicon::new(CHANNELS.iter().map(|w| (*w, ()))));
    let mut found: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some((len, ())) = lexicon.at(chars, i).next() else {
            i += 1;
            continue;
        };
        let end = i + len;
        let mut start = i;
        let mut depth = 0;
        while start > 0 {
            let c = chars[start - 1];
            match c {
                '）' => depth += 1,
                '（' if depth > 0 => depth -= 1,
                _ if depth > 0 => {}
                '，' | '。' | '；' | '、' | '（' | '\n' | '在' | '于' | '并' | '将' | '和' | '及' | '或' | '以' =>
                {
                    break;
                }
                '过' if start >= 2 && chars[start - 2] == '通' => break,
                '用' if start >= 2 && chars[start - 2] == '利' => break,
                _ => {}
            }
            start -= 1;
        }
        let name: String = chars[start..end].iter().collect();
        if !found.contains(&name) {
            found.push(name);
        }
        i = end;
    }
    found
}

/// The actor a clause names with "由X…" at its start.
pub fn actor(chars: &[char]) -> Option<String> {
    let at = chars.iter().position(|c| !matches!(c, '，' | '；' | '。' | '\n'))?;
    if chars[at] != '由' {
        return None;
    }
    organisation_at(chars, at + 1)
}

/// True when the clause ends in "…后" and so leads into the clause after it.
pub fn leads_forward(chars: &[char]) -> bool {
    chars.iter().rev().find(|c| !matches!(c, '，' | '；' | '。' | '\n')) == Some(&'后')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(text: &str) -> Vec<char> {
        text.chars().collect()
    }

    #[test]
    fn the_recipient_is_the_organisation_after_the_reporting_verb() {
        assert_eq!(recipient(&chars("11月30日前报区民政局汇总")).as_deref(), Some("区民政局"));
        assert_eq!(recipient(&chars("向区政务公开办报送情况")).as_deref(), Some("区政务公开办"));
        assert_eq!(recipient(&chars("报区政府审定")).as_deref(), Some("区政府"));
        assert_eq!(recipient(&chars("报送区政府办公室")).as_deref(), Some("区政府办公室"));
        assert_eq!(recipient(&chars("向社会公开")), None);
        assert_eq!(recipient(&chars("报送情况")), None);
        // A report is a noun: the recipient is after the verb that follows it.
        assert_eq!(recipient(&chars("纳入自查报告报送区政务公开办")).as_deref(), Some("区政务公开办"));
        assert_eq!(recipient(&chars("将评估报告报区政府")).as_deref(), Some("区政府"));
    }

    #[test]
    fn channels_keep_the_words_that_name_them() {
        assert_eq!(
            channels(&chars("并在区政府门户网站公开，同时在各村（居）信息公示栏公开")),
            vec!["区政府门户网站".to_string(), "各村（居）信息公示栏".to_string()]
        );
        assert_eq!(channels(&chars("并通过网站公开")), vec!["网站".to_string()]);
    }

    #[test]
    fn the_most_specific_action_comes_first() {
        assert_eq!(actions(&chars("纳入自查报告报送区政务公开办"))[0], "纳入自查报告");
        assert_eq!(actions(&chars("将方案报区政务公开办备案"))[0], "备案");
        assert_eq!(actions(&chars("每季度情况通报"))[0], "通报");
        assert!(!actions(&chars("纳入年度自查报告")).contains(&"报送"));
        assert_eq!(actions(&chars("抄送区政务公开办")), vec!["抄送"]);
    }

    #[test]
    fn a_clause_opening_with_by_names_another_actor() {
        assert_eq!(actor(&chars("由区政务公开办汇总呈报区政府审核同意后")).as_deref(), Some("区政务公开办"));
        assert_eq!(actor(&chars("各镇（街）报区民政局")), None);
    }
}
