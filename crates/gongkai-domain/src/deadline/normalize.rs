//! Turns a raw cell into characters the grammar can read: full-width digits
//! and punctuation folded, spaces dropped, list numbering (`1.`、`（2）`、`一、`)
//! and weekday notes (`（星期五）`) removed. Each kept character remembers its
//! byte offset in the original, so milestones can quote the text they came from.

pub struct Normalized {
    pub chars: Vec<char>,
    /// Byte offset in the original text of each character in `chars`.
    pub offsets: Vec<u32>,
}

impl Normalized {
    /// The original text behind `chars[start..end]`.
    pub fn original<'t>(&self, text: &'t str, start: usize, end: usize) -> &'t str {
        if start >= end || end > self.chars.len() {
            return "";
        }
        let from = self.offsets[start] as usize;
        let last = self.offsets[end - 1] as usize;
        let to = last + text.get(last..).and_then(|t| t.chars().next()).map_or(0, char::len_utf8);
        text.get(from..to).unwrap_or("")
    }
}

fn fold(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '(' | '【' | '[' | '〔' => '（',
        ')' | '】' | ']' | '〕' => '）',
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '．' => '.',
        '—' | '–' | '－' | '-' | '~' | '～' | '―' | '‒' | '─' => '—',
        '\r' | '\u{2028}' | '\u{2029}' => '\n',
        other => other,
    }
}

fn is_space(c: char) -> bool {
    c != '\n' && (c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}')
}

const WEEKDAYS: &[char] = &['一', '二', '三', '四', '五', '六', '日', '天', '1', '2', '3', '4', '5', '6', '7'];

pub fn normalize(text: &str) -> Normalized {
    // First pass: fold and drop spaces, keeping each character's place.
    let mut folded =
        Normalized { chars: Vec::with_capacity(text.len() / 2), offsets: Vec::with_capacity(text.len() / 2) };
    for (offset, c) in text.char_indices() {
        // Most characters are ideographs that need no folding.
        let c = if ('\u{4E00}'..='\u{9FFF}').contains(&c) { c } else { fold(c) };
        // Quotes around a named day ("“五一”前") say nothing of the date.
        if c < '\u{4E00}'
            && (is_space(c) || matches!(c, '①'..='⑳' | '“' | '”' | '‘' | '’' | '"' | '\'' | '「' | '」' | '『' | '』'))
        {
            continue;
        }
        // "每年的12月": the 的 after a period word changes nothing.
        if c == '的'
            && ["每年", "每季度", "每季", "每月", "每半年", "每周"]
                .iter()
                .any(|w| folded.chars.ends_with(&w.chars().collect::<Vec<_>>()))
        {
            continue;
        }
        folded.chars.push(c);
        // Cells are far below 4 GB; a larger text is cut off where it overflows.
        let Ok(offset) = u32::try_from(offset) else { break };
        folded.offsets.push(offset);
    }
    // A line break inside a date ("每\n年", "12\n月10日") is a cell wrapped
    // by hand, not a new clause.
    let date_before = |c: char| c.is_ascii_digit() || "每年月季度周半".contains(c);
    let date_after = |c: char| c.is_ascii_digit() || "年月日号季度底末初前内".contains(c);
    let mut at = 1;
    while at + 1 < folded.chars.len() {
        if folded.chars[at] == '\n' && date_before(folded.chars[at - 1]) && date_after(folded.chars[at + 1]) {
            folded.chars.remove(at);
            folded.offsets.remove(at);
        } else {
            at += 1;
        }
    }
    // Second pass, in place: drop numbering, weekday notes and extra line breaks.
    let Normalized { chars, offsets } = &mut folded;
    let mut kept: usize = 0;
    let mut i = 0;
    let mut line_start = true;
    while i < chars.len() {
        if line_start && let Some(len) = numbering_at(chars, i) {
            i += len;
            continue;
        }
        if let Some(len) = weekday_note_at(chars, i).or_else(|| bracketed_number_at(chars, i)) {
            i += len;
            continue;
        }
        let c = chars[i];
        // A line break inside a date ("12月\n25日") joins it; elsewhere it ends a clause.
        if c == '\n' {
            let before = kept.checked_sub(1).map(|k| chars[k]);
            let after = chars.get(i + 1).copied();
            let joins = matches!(before, Some(b) if b.is_ascii_digit() || b == '月' || b == '年')
                && matches!(after, Some(a) if a.is_ascii_digit());
            if joins || before.is_none() || before == Some('\n') {
                i += 1;
                line_start = true;
                continue;
            }
        }
        line_start = matches!(c, '\n' | '；' | '。');
        chars[kept] = c;
        offsets[kept] = offsets[i];
        kept += 1;
        i += 1;
    }
    chars.truncate(kept);
    offsets.truncate(kept);
    folded
}

/// `1.` `2、` `3）` `一、` `（一）` `●` at the start of a line.
fn numbering_at(chars: &[char], i: usize) -> Option<usize> {
    let c = *chars.get(i)?;
    if matches!(c, '●' | '•' | '·' | '▪' | '◆' | '■' | '*') {
        return Some(1);
    }
    let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=2).contains(&digits) && matches!(chars.get(i + digits), Some('.' | '、' | '）')) {
        // "1.5个工作日" is a number; "2.12月" is item 2 and a date.
        let is_decimal = chars.get(i + digits) == Some(&'.') && {
            let fraction = chars[i + digits + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            fraction > 0 && !matches!(chars.get(i + digits + 1 + fraction), Some('月' | '日' | '号'))
        };
        if !is_decimal {
            return Some(digits + 1);
        }
    }
    let chinese = chars[i..]
        .iter()
        .take_while(|c| matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'))
        .count();
    if (1..=3).contains(&chinese) && chars.get(i + chinese) == Some(&'、') {
        return Some(chinese + 1);
    }
    if c == '（' {
        let inner = chars[i + 1..]
            .iter()
            .take_while(|c| {
                c.is_ascii_digit() || matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十')
            })
            .count();
        if (1..=3).contains(&inner) && chars.get(i + 1 + inner) == Some(&'）') {
            return Some(inner + 2);
        }
    }
    None
}

/// `（2）` anywhere: list numbering, never part of a date.
fn bracketed_number_at(chars: &[char], i: usize) -> Option<usize> {
    if chars.get(i) != Some(&'（') {
        return None;
    }
    let digits = chars[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
    ((1..=2).contains(&digits) && chars.get(i + 1 + digits) == Some(&'）')).then_some(digits + 2)
}

/// `（星期五）`, `（周五）`, `（礼拜五）`.
fn weekday_note_at(chars: &[char], i: usize) -> Option<usize> {
    if chars.get(i) != Some(&'（') {
        return None;
    }
    let rest = &chars[i + 1..];
    let prefix = if rest.starts_with(&['星', '期']) || rest.starts_with(&['礼', '拜']) {
        2
    } else if rest.starts_with(&['周']) {
        1
    } else {
        return None;
    };
    let day = rest.get(prefix)?;
    (WEEKDAYS.contains(day) && rest.get(prefix + 1) == Some(&'）')).then_some(prefix + 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(text: &str) -> String {
        normalize(text).chars.into_iter().collect()
    }

    #[test]
    fn numbering_weekday_notes_and_spaces_are_not_kept() {
        assert_eq!(norm("1.9月20日前报送；2.12月25日前公开"), "9月20日前报送；12月25日前公开");
        assert_eq!(norm("12月25日（星期五）前"), "12月25日前");
        assert_eq!(norm("（1）9月 20 日前"), "9月20日前");
        assert_eq!(norm("一、１２月底前"), "12月底前");
    }

    #[test]
    fn a_line_break_inside_a_date_joins_it() {
        assert_eq!(norm("12月\n25日前"), "12月25日前");
        assert_eq!(norm("报送\n12月25日前"), "报送\n12月25日前");
    }

    #[test]
    fn the_original_text_of_a_span_is_recovered() {
        let text = "１２月 25日前报送";
        let n = normalize(text);
        assert_eq!(n.original(text, 0, 7), "１２月 25日前");
    }
}
