//! The letters a request needs — 登记回执, 补正告知书, 延期答复告知书,
//! 征求第三方意见书, and an answer for each kind of outcome — from wording
//! the office can edit: plain paragraphs with the request's facts in
//! braces ({申请人}, {收到日期} …). Each letter made is kept with the
//! request as .docx or .pdf.

use super::short_outcome;
use crate::documents::{chinese_date, render_bounded};
use crate::{App, Error, Result, files};
use gongkai_domain::annual_report::{TABLE3_ROWS, result_row};
use gongkai_domain::foi::EventKind;
use gongkai_io::out::{Block, Document, Section};
use gongkai_store::{RequestDocumentRow, RequestEventRow, RequestId, RequestRow, User};
use serde::Serialize;

/// The longest wording of a letter, in characters.
pub const MAX_TEMPLATE: usize = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LetterKind {
    Receipt,
    Correction,
    Extension,
    ThirdParty,
    Granted,
    Partial,
    Refused,
    Unable,
    NotHandled,
    OtherHandled,
}

/// A letter the request's page offers.
#[derive(Debug, Clone, Serialize)]
pub struct LetterOption {
    pub code: &'static str,
    pub label: &'static str,
}

impl LetterKind {
    pub const ALL: [LetterKind; 10] = [
        LetterKind::Receipt,
        LetterKind::Correction,
        LetterKind::Extension,
        LetterKind::ThirdParty,
        LetterKind::Granted,
        LetterKind::Partial,
        LetterKind::Refused,
        LetterKind::Unable,
        LetterKind::NotHandled,
        LetterKind::OtherHandled,
    ];

    /// The word in addresses.
    pub fn code(self) -> &'static str {
        match self {
            LetterKind::Receipt => "receipt",
            LetterKind::Correction => "correction",
            LetterKind::Extension => "extension",
            LetterKind::ThirdParty => "third_party",
            LetterKind::Granted => "granted",
            LetterKind::Partial => "partial",
            LetterKind::Refused => "refused",
            LetterKind::Unable => "unable",
            LetterKind::NotHandled => "not_handled",
            LetterKind::OtherHandled => "other_handled",
        }
    }

    pub fn from_code(code: &str) -> Option<LetterKind> {
        LetterKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// As the office knows it.
    pub fn label(self) -> &'static str {
        match self {
            LetterKind::Receipt => "登记回执",
            LetterKind::Correction => "补正告知书",
            LetterKind::Extension => "延期答复告知书",
            LetterKind::ThirdParty => "征求第三方意见书",
            LetterKind::Granted => "答复书（予以公开）",
            LetterKind::Partial => "答复书（部分公开）",
            LetterKind::Refused => "答复书（不予公开）",
            LetterKind::Unable => "答复书（无法提供）",
            LetterKind::NotHandled => "答复书（不予处理）",
            LetterKind::OtherHandled => "答复书（其他处理）",
        }
    }

    fn title(self) -> &'static str {
        match self {
            LetterKind::Receipt => "政府信息公开申请登记回执",
            LetterKind::Correction => "政府信息公开申请补正告知书",
            LetterKind::Extension => "政府信息公开申请延期答复告知书",
            LetterKind::ThirdParty => "政府信息公开征求第三方意见书",
            _ => "政府信息公开申请答复书",
        }
    }

    /// The answer letter for a result row of table 三.
    pub fn answering(row: usize) -> LetterKind {
        match row {
            2 => LetterKind::Granted,
            3 => LetterKind::Partial,
            4..=11 => LetterKind::Refused,
            12..=14 => LetterKind::Unable,
            15..=19 => LetterKind::NotHandled,
            _ => LetterKind::OtherHandled,
        }
    }

    fn option(self) -> LetterOption {
        LetterOption { code: self.code(), label: self.label() }
    }

    /// The wording gongkai starts with: one paragraph a line, the first the addressee.
    pub fn builtin(self) -> String {
        let answer = |finding: &str| {
            [
                "{申请人}：",
                "本机关于{收到日期}收到您（单位）提出的政府信息公开申请（受理编号：{受理编号}），申请内容为：“{申请内容}”。",
                finding,
                "如对本答复不服，可以自收到本答复书之日起60日内依法申请行政复议，或者在6个月内依法提起行政诉讼。",
            ]
            .join("\n")
        };
        match self {
            LetterKind::Receipt => [
                "{申请人}：",
                "本机关于{收到日期}收到您（单位）提出的政府信息公开申请（受理编号：{受理编号}），申请内容为：“{申请内容}”。",
                "根据《中华人民共和国政府信息公开条例》第三十三条的规定，本机关将在收到申请之日起20个工作日内，即{答复期限}前作出答复；需要延长答复期限的，将另行告知。",
                "您可以凭受理编号在本机关政府信息公开申请查询页面查询办理进度。",
            ]
            .join("\n"),
            LetterKind::Correction => [
                "{申请人}：",
                "本机关于{收到日期}收到您（单位）提出的政府信息公开申请（受理编号：{受理编号}）。经审查，您的申请内容不够明确，本机关无法确定您所需要的政府信息。{说明}",
                "根据《中华人民共和国政府信息公开条例》第三十条的规定，请您自收到本告知书之日起15个工作日内对申请作出补正，写明所需政府信息的名称、文号或者便于本机关查询的其他特征性描述。答复期限自本机关收到补正后的申请之日起计算。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
            ]
            .join("\n"),
            LetterKind::Extension => [
                "{申请人}：",
                "本机关于{收到日期}收到您（单位）提出的政府信息公开申请（受理编号：{受理编号}）。{说明}本机关不能在收到申请之日起20个工作日内作出答复。",
                "根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，经本机关政府信息公开工作机构负责人同意，答复期限延长20个工作日，本机关将于{延期后答复期限}前作出答复。",
            ]
            .join("\n"),
            LetterKind::ThirdParty => [
                "{第三方}：",
                "本机关于{收到日期}收到一件政府信息公开申请（受理编号：{受理编号}），申请公开的政府信息可能损害贵方合法权益。根据《中华人民共和国政府信息公开条例》第三十二条的规定，现书面征求贵方意见。",
                "申请公开的内容为：“{申请内容}”。",
                "请贵方自收到本意见书之日起15个工作日内提出书面意见；逾期未提出意见的，本机关将依照条例的规定决定是否公开。",
            ]
            .join("\n"),
            LetterKind::Granted => answer(
                "经审查，根据《中华人民共和国政府信息公开条例》第三十六条第（二）项的规定，您申请获取的政府信息属于公开范围，本机关予以公开，现随本答复书提供给您。{说明}",
            ),
            LetterKind::Partial => answer(
                "经审查，根据《中华人民共和国政府信息公开条例》第三十七条的规定，您申请获取的政府信息中部分内容{处理结果}，不予公开；其余内容本机关予以公开，现随本答复书提供给您。{说明}",
            ),
            LetterKind::Refused => answer(
                "经审查，您申请获取的政府信息{处理结果}。根据《中华人民共和国政府信息公开条例》第三十六条第（三）项的规定，本机关不予公开。{说明}",
            ),
            LetterKind::Unable => {
                answer("经审查，{处理结果}。根据《中华人民共和国政府信息公开条例》第三十六条的规定，本机关无法提供。{说明}")
            }
            LetterKind::NotHandled => answer(
                "经审查，您的申请属于{处理结果}。根据《中华人民共和国政府信息公开条例》第三十五条、第三十六条、第三十九条的规定，本机关不作为政府信息公开申请处理。{说明}",
            ),
            LetterKind::OtherHandled => answer("经审查，{处理结果}。{说明}"),
        }
    }
}

/// The facts a letter's wording may name, in braces.
pub const PLACEHOLDERS: [&str; 11] = [
    "申请人",
    "受理编号",
    "受理机关",
    "申请内容",
    "提出日期",
    "收到日期",
    "答复期限",
    "延期后答复期限",
    "处理结果",
    "说明",
    "第三方",
];

/// Every `{…}` in a wording must be one of the facts above.
pub fn check_template(body: &str) -> Result<()> {
    if body.chars().count() > MAX_TEMPLATE {
        return Err(Error::invalid(format!("文书内容超过 {MAX_TEMPLATE} 字")));
    }
    if body.trim().is_empty() {
        return Err(Error::invalid("文书内容不能为空"));
    }
    let mut rest = body;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(Error::invalid("文书中有未闭合的“{”：要填入的内容写作 {申请人} 这样"));
        };
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(Error::invalid(format!(
                "文书中的“{{{}}}”不是可填入的内容：可用 {}",
                name.chars().take(20).collect::<String>(),
                PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect::<Vec<_>>().join("、")
            )));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// Fills a wording with a request's facts.
fn fill(body: &str, facts: &[(&str, String)]) -> String {
    let mut out = body.to_string();
    for (name, value) in facts {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The letters that fit where a request is now.
pub fn fitting(request: &RequestRow, events: &[RequestEventRow]) -> Vec<LetterOption> {
    let has = |kind: EventKind| events.iter().any(|e| e.kind == kind.code());
    let mut out = Vec::new();
    if request.received_on.is_some() {
        out.push(LetterKind::Receipt.option());
    }
    if has(EventKind::CorrectionRequested) {
        out.push(LetterKind::Correction.option());
    }
    if has(EventKind::ThirdPartySent) {
        out.push(LetterKind::ThirdParty.option());
    }
    if has(EventKind::Extended) {
        out.push(LetterKind::Extension.option());
    }
    let answered = events.iter().find(|e| e.kind == EventKind::Answered.code());
    if let Some(row) = answered.and_then(|e| e.outcome.as_deref()).and_then(result_row) {
        out.push(LetterKind::answering(row).option());
    }
    out
}

/// A letter's wording: the office's, or the built-in one; with its revision (0: built-in).
pub async fn wording(app: &App, kind: LetterKind) -> Result<(String, i32)> {
    Ok(app.store.letter_template(kind.code()).await?.unwrap_or_else(|| (kind.builtin(), 0)))
}

/// Every letter's wording, for the office's page.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateView {
    pub code: &'static str,
    pub label: &'static str,
    pub body: String,
    pub revision: i32,
}

pub async fn templates(app: &App) -> Result<Vec<TemplateView>> {
    let mut out = Vec::new();
    for kind in LetterKind::ALL {
        let (body, revision) = wording(app, kind).await?;
        out.push(TemplateView { code: kind.code(), label: kind.label(), body, revision });
    }
    Ok(out)
}

/// The office changes a letter's wording, over the revision it saw.
pub async fn save_template(app: &App, user: &User, code: &str, seen: i32, body: &str) -> Result<()> {
    if !crate::access::manages(user.role) {
        return Err(Error::Forbidden);
    }
    let kind = LetterKind::from_code(code).ok_or(Error::NotFound)?;
    let body = body.replace("\r\n", "\n");
    check_template(&body)?;
    app.store.save_letter_template(kind.code(), seen, &body, &user.login).await?;
    Ok(())
}

/// Makes a letter for a request from the current wording and keeps it with
/// the request; answers the kept file's id.
pub async fn make(app: &App, user: &User, id: RequestId, seen: i32, code: &str, pdf: bool) -> Result<i64> {
    let request = super::acting_on(app, user, id).await?;
    let kind = LetterKind::from_code(code).ok_or(Error::NotFound)?;
    let events = app.store.request_events(id).await?;
    if !fitting(&request, &events).iter().any(|o| o.code == kind.code()) {
        return Err(Error::invalid(format!("这件申请目前不需要{}：请先登记相应的办理情况", kind.label())));
    }
    let (body, _) = wording(app, kind).await?;
    let channel = super::channel_of(&request)?;
    let clock = super::clock_or_pending(channel, &super::timeline_of(&events), &app.store.calendar().await?)?;
    let waiting = match kind {
        LetterKind::Receipt => clock.due.or(request.due_on).is_none(),
        LetterKind::Extension => clock.extended_due.is_none(),
        _ => false,
    };
    if waiting {
        return Err(Error::invalid(format!(
            "答复期限跨入的年份尚未载入节假日安排，暂不能生成{}：国务院公布安排、载入日历后即可生成",
            kind.label()
        )));
    }
    let last = |k: EventKind| events.iter().rev().find(|e| e.kind == k.code());
    let note_of = |k: EventKind| last(k).map(|e| e.note.clone()).unwrap_or_default();
    let day = |d: Option<chrono::NaiveDate>| d.map(chinese_date).unwrap_or_default();
    let due = clock.due.or(request.due_on);
    let extended_due = clock.extended_due;
    let answered = last(EventKind::Answered);
    let result = answered
        .and_then(|e| e.outcome.as_deref())
        .and_then(|o| TABLE3_ROWS.iter().find(|r| r.label == o))
        .map(|r| {
            let words = short_outcome(r.label);
            words.split_once('：').map_or(words.clone(), |(_, w)| w.to_string())
        })
        .unwrap_or_default();
    let note = match kind {
        LetterKind::Correction => note_of(EventKind::CorrectionRequested),
        LetterKind::Extension => note_of(EventKind::Extended),
        _ => answered.map(|e| e.note.clone()).unwrap_or_default(),
    };
    let third_party = match note_of(EventKind::ThirdPartySent) {
        n if n.is_empty() => "第三方".to_string(),
        n => n,
    };
    let submitted = events.iter().find(|e| e.kind == EventKind::Submitted.code()).map(|e| e.date);
    let applicant = if request.applicant.is_empty() { "申请人".to_string() } else { request.applicant.clone() };
    let facts = [
        ("申请人", applicant),
        ("受理编号", request.number.clone()),
        ("受理机关", request.unit.clone()),
        ("申请内容", request.text.clone()),
        ("提出日期", day(submitted)),
        ("收到日期", day(request.received_on)),
        ("答复期限", day(due)),
        ("延期后答复期限", day(extended_due)),
        ("处理结果", result),
        ("说明", note),
        ("第三方", third_party),
    ];
    let filled = fill(&body, &facts);
    // The first line is the addressee ("张三："), flush left; the rest are paragraphs.
    let paragraphs: Vec<Block> = filled
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(n, l)| if n == 0 { Block::Addressee(l.to_string()) } else { Block::Paragraph(l.to_string()) })
        .collect();
    let document = Document {
        title: kind.title().to_string(),
        subtitle: Some(format!("受理编号：{}", request.number)),
        sections: vec![Section { heading: String::new(), blocks: paragraphs }],
        signature: vec![request.unit.clone(), chinese_date(app.today())],
        landscape: false,
    };
    let bytes = render_bounded(document, pdf).await?;
    let sha = files::store(&app.files_dir, &bytes).map_err(Error::internal)?;
    let (extension, content_type) = if pdf {
        ("pdf", "application/pdf")
    } else {
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    };
    // "2025-…-答复书-予以公开.docx": no brackets in a file name.
    let name = format!("{}-{}.{extension}", request.number, kind.label().replace('（', "-").replace('）', ""));
    let size = i64::try_from(bytes.len()).map_err(Error::internal)?;
    Ok(app.store.add_request_document(id, seen, kind.label(), &name, content_type, &sha, size, &user.login).await?)
}

/// A kept letter and its bytes, for whoever may read the request.
pub async fn download(app: &App, user: &User, id: RequestId, document: i64) -> Result<(RequestDocumentRow, Vec<u8>)> {
    super::seen_by(app, user, id).await?;
    let row = app.store.request_document(id, document).await?;
    let bytes = files::read(&app.files_dir, &row.sha256).map_err(Error::internal)?;
    Ok((row, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_wording_names_only_known_facts() {
        for kind in LetterKind::ALL {
            check_template(&kind.builtin()).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        }
        assert!(check_template("{申请人}：{姓名}").is_err_and(|e| e.to_string().contains("{姓名}")));
        assert!(check_template("{申请人").is_err());
        assert_eq!(fill("{申请人}：{说明}", &[("申请人", "张三".into()), ("说明", String::new())]), "张三：");
    }

    #[test]
    fn each_result_row_has_its_answer_letter() {
        assert_eq!(LetterKind::answering(2), LetterKind::Granted);
        assert_eq!(LetterKind::answering(4), LetterKind::Refused);
        assert_eq!(LetterKind::answering(14), LetterKind::Unable);
        assert_eq!(LetterKind::answering(19), LetterKind::NotHandled);
        assert_eq!(LetterKind::answering(22), LetterKind::OtherHandled);
    }
}
