//! Text as people type it, checked at the edge before anything keeps it:
//! each kind of field has a length limit; a NUL is refused (no database
//! stores it the same way); other control characters and bidirectional
//! overrides (which make "报告U+202Efdp.exe" look like "报告exe.pdf") are removed.
//! Single-line fields turn line breaks and tabs into spaces.

/// One kind of field: what to call it in a message, and how long it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub max_chars: usize,
    pub multiline: bool,
}

const fn line(label: &'static str, max_chars: usize) -> Field {
    Field { label, max_chars, multiline: false }
}

const fn text(label: &'static str, max_chars: usize) -> Field {
    Field { label, max_chars, multiline: true }
}

pub const LOGIN: Field = line("登录名", 64);
pub const PASSWORD: Field = line("密码", 128);
pub const DISPLAY_NAME: Field = line("姓名", 50);
pub const UNIT_NAME: Field = line("单位名称", 100);
/// Other names of a unit, one per line.
pub const ALIASES: Field = text("单位简称", 2_000);
pub const NOTE: Field = text("备注", 2_000);
pub const REPORT_TEXT: Field = text("报送内容", 20_000);
pub const REASON: Field = text("理由", 2_000);
pub const URL: Field = line("网址", 2_000);
pub const TITLE: Field = line("标题", 200);
pub const REGION: Field = line("地区", 50);
pub const FILE_NAME: Field = line("文件名", 200);
pub const EMAIL: Field = line("邮箱", 254);
pub const SECRET: Field = line("密钥", 200);
/// A filter or search box.
pub const FILTER: Field = line("筛选条件", 200);
/// A plan's 考核 rule (TOML).
pub const SCORING_RULE: Field = text("考核规则", 20_000);
/// The roles chosen for a list's columns ("任务=具体要求,牵头=牵头单位,…").
pub const COLUMN_MAP: Field = line("列的识别", 2_000);
/// The title of information published under a catalogue item.
pub const RECORD_TITLE: Field = line("信息标题", 300);
/// The 区政府's approval of a catalogue: its document number or date.
pub const APPROVAL: Field = line("批准文号", 200);
/// A short value: a date, a number, a choice.
pub const VALUE: Field = line("填写的值", 100);

/// Files one report may carry.
pub const MAX_FILES_PER_REPORT: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("{label}中含有空字符（NUL），请删去后重试")]
    Nul { label: &'static str },
    #[error("{label}不能超过 {max} 字（现有 {found} 字）")]
    TooLong { label: &'static str, max: usize, found: usize },
}

/// Characters that change the direction text is shown in.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

impl Field {
    /// The value as it may be kept, or why not. A single line loses its
    /// leading and trailing whitespace; a text keeps its layout. Length is
    /// counted after cleaning, in characters.
    pub fn clean(&self, value: &str) -> Result<String, InputError> {
        if value.contains('\0') {
            return Err(InputError::Nul { label: self.label });
        }
        // Counted before cleaning too, so an oversized value is not copied.
        if value.len() > self.max_chars * 4 + 1024 {
            return Err(InputError::TooLong { label: self.label, max: self.max_chars, found: value.chars().count() });
        }
        let normalized = value.replace("\r\n", "\n");
        let mut out = String::with_capacity(normalized.len());
        for c in normalized.chars() {
            match c {
                '\n' | '\r' | '\t' if !self.multiline => out.push(' '),
                '\r' => out.push('\n'),
                '\n' | '\t' => out.push(c),
                c if c.is_control() || is_bidi_control(c) => {}
                c => out.push(c),
            }
        }
        let out = if self.multiline { out } else { out.trim().to_string() };
        let found = out.chars().count();
        if found > self.max_chars {
            return Err(InputError::TooLong { label: self.label, max: self.max_chars, found });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_is_refused_and_named() {
        assert_eq!(REPORT_TEXT.clean("已公开\0"), Err(InputError::Nul { label: "报送内容" }));
    }

    #[test]
    fn overrides_and_controls_are_removed() {
        assert_eq!(FILE_NAME.clean("报告\u{202E}fdp.exe").unwrap(), "报告fdp.exe");
        assert_eq!(UNIT_NAME.clean("区\u{7}发改局\u{2066}").unwrap(), "区发改局");
    }

    #[test]
    fn single_lines_lose_their_breaks_and_texts_keep_them() {
        assert_eq!(UNIT_NAME.clean("区发改局\r\n区统计局").unwrap(), "区发改局 区统计局");
        assert_eq!(REPORT_TEXT.clean("第一段\r\n第二段\r第三段").unwrap(), "第一段\n第二段\n第三段");
    }

    #[test]
    fn length_is_counted_in_characters() {
        assert!(UNIT_NAME.clean(&"局".repeat(100)).is_ok());
        assert_eq!(
            UNIT_NAME.clean(&"局".repeat(101)),
            Err(InputError::TooLong { label: "单位名称", max: 100, found: 101 })
        );
        assert!(matches!(UNIT_NAME.clean(&"x".repeat(100_000)), Err(InputError::TooLong { .. })));
    }
}
