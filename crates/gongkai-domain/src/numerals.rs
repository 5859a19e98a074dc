//! Chinese and Arabic numerals as they appear in dates: `十二`, `二十五`, `廿`,
//! `二〇二〇`, `2020`.

/// The value of one Chinese digit character, if it is one.
pub fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' | 'О' | 'O' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn is_chinese_numeral(c: char) -> bool {
    chinese_digit(c).is_some() || matches!(c, '十' | '廿')
}

/// Reads a number at `chars[at..]`: Arabic digits, or a Chinese numeral below
/// 100 (`十二`, `二十五`, `廿五`), or Chinese digits read one by one (`二〇二〇`).
/// Returns the value and how many characters it took.
pub fn read_number(chars: &[char], at: usize) -> Option<(u32, usize)> {
    let rest = chars.get(at..)?;
    let first = *rest.first()?;
    if first.is_ascii_digit() {
        let mut value: u32 = 0;
        let mut len = 0;
        for &c in rest.iter().take_while(|c| c.is_ascii_digit()) {
            // Longer runs than a year are not dates; stop before overflow.
            if len == 6 {
                return None;
            }
            value = value * 10 + c.to_digit(10).unwrap_or(0);
            len += 1;
        }
        return Some((value, len));
    }
    if !is_chinese_numeral(first) {
        return None;
    }
    let run_len = rest.iter().take_while(|&&c| is_chinese_numeral(c)).take(4).count();
    let run = &rest[..run_len];
    // Digit by digit (years such as 二〇二〇) when there is no 十.
    if run.len() >= 3 && !run.iter().any(|&c| c == '十' || c == '廿') {
        let value = run.iter().fold(0, |acc, &c| acc * 10 + chinese_digit(c).unwrap_or(0));
        return Some((value, run.len()));
    }
    let (value, len) = positional_below_100(run)?;
    Some((value, len))
}

/// `十` = 10, `十二` = 12, `二十` = 20, `二十五` = 25, `廿五` = 25, `五` = 5.
fn positional_below_100(run: &[char]) -> Option<(u32, usize)> {
    let d = |i: usize| run.get(i).copied().and_then(chinese_digit);
    match run {
        ['十', ..] => match d(1) {
            Some(units) if units > 0 => Some((10 + units, 2)),
            _ => Some((10, 1)),
        },
        ['廿', ..] => match d(1) {
            Some(units) if units > 0 => Some((20 + units, 2)),
            _ => Some((20, 1)),
        },
        [tens, '十', ..] => {
            let tens = chinese_digit(*tens)?;
            match d(2) {
                Some(units) if units > 0 => Some((tens * 10 + units, 3)),
                _ => Some((tens * 10, 2)),
            }
        }
        [single, ..] => Some((chinese_digit(*single)?, 1)),
        [] => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> Option<(u32, usize)> {
        let chars: Vec<char> = text.chars().collect();
        read_number(&chars, 0)
    }

    #[test]
    fn chinese_numerals_read_as_their_arabic_values() {
        assert_eq!(number("十二月"), Some((12, 2)));
        assert_eq!(number("十月"), Some((10, 1)));
        assert_eq!(number("二十五日"), Some((25, 3)));
        assert_eq!(number("三十日"), Some((30, 2)));
        assert_eq!(number("廿五日"), Some((25, 2)));
        assert_eq!(number("九月"), Some((9, 1)));
        assert_eq!(number("二〇二一年"), Some((2021, 4)));
        assert_eq!(number("2021年"), Some((2021, 4)));
    }

    #[test]
    fn runs_of_digits_too_long_for_a_date_are_refused() {
        assert_eq!(number("1234567"), None);
        assert_eq!(number("年"), None);
    }
}
