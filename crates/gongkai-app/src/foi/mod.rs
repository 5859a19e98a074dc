//! 依申请公开 as people use it: a unit's register of requests (the office
//! reads every unit's), what happened to each and when, worked out into
//! the legal clock (`gongkai_domain::foi::clock`, the same code as
//! `gongkai foi clock`) and the annual report's result row; the public
//! form and the status query by receipt number; the letters
//! (`letters`) and the annual report (`report`).

pub mod letters;
pub mod report;

use crate::{App, Error, Result};
use chrono::{Datelike, NaiveDate};
use gongkai_domain::annual_report::{LAPSED_ROW, TABLE3_COLUMNS, TABLE3_ROWS, applicant_column, result_row};
use gongkai_domain::calendar::{Calendar, CalendarError};
use gongkai_domain::foi::{self, Channel, Event, EventKind};
use gongkai_domain::people::Role;
use gongkai_store::{
    CaseRow, NewRequest, NewRequestEvent, RequestDocumentRow, RequestEventRow, RequestFilter, RequestId, RequestRow,
    RequestState, User,
};
use serde::Serialize;

/// The longest request text, in characters (a letter of several pages).
pub const MAX_TEXT: usize = 5_000;
/// The longest name, contact, or note on an event.
pub const MAX_NAME: usize = 100;
pub const MAX_CONTACT: usize = 200;
pub const MAX_NOTE: usize = 1_000;
/// Events a request may have.
pub const MAX_EVENTS: usize = 200;
/// Requests one import may carry.
pub const MAX_BATCH: usize = 20_000;

/// A request as entered: by a unit's staff, the office, a script or the public form.
#[derive(Debug, Clone, Default)]
pub struct RequestInput {
    pub unit: String,
    /// 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构 or 其他.
    pub applicant_kind: String,
    pub applicant: String,
    pub contact: String,
    pub channel: String,
    pub text: String,
    /// The receipt number, where the unit gave one already; otherwise one is made.
    pub number: Option<String>,
    /// The form it came from (a page's own key): sent twice, entered once.
    pub submission_key: Option<String>,
    pub events: Vec<EventInput>,
    pub cases: Vec<CaseInput>,
}

/// A 行政复议 or 行政诉讼 case about the answer, as entered.
#[derive(Debug, Clone, Default)]
pub struct CaseInput {
    /// 行政复议, 未经复议直接起诉 or 复议后起诉.
    pub kind: String,
    pub filed: String,
    /// 结果维持, 结果纠正, 其他结果 or 尚未审结 (empty: 尚未审结).
    pub result: String,
    pub closed: String,
    pub note: String,
}

/// Checks a case: its kind, its result, its dates in order.
pub fn check_case(case: &CaseInput, n: usize) -> Result<gongkai_store::NewCase> {
    use gongkai_domain::annual_report::{CASE_KINDS, CASE_RESULTS, case_kind, case_result};
    let at = format!("第 {n} 件复议诉讼");
    let kind = case_kind(&case.kind)
        .ok_or_else(|| Error::invalid(format!("{at}的类型“{}”应为{}之一", shown(&case.kind), CASE_KINDS.join("、"))))?;
    let result = case_result(&case.result).ok_or_else(|| {
        Error::invalid(format!("{at}的结果“{}”应为{}之一", shown(&case.result), CASE_RESULTS.join("、")))
    })?;
    let filed_on = crate::optional_date(&case.filed, &format!("{at}的立案日期"))?
        .ok_or_else(|| Error::invalid(format!("{at}缺少立案（受理）日期")))?;
    let closed_on = crate::optional_date(&case.closed, &format!("{at}的审结日期"))?;
    match (result, closed_on) {
        ("尚未审结", Some(_)) => return Err(Error::invalid(format!("{at}尚未审结，不应有审结日期"))),
        (r, None) if r != "尚未审结" => return Err(Error::invalid(format!("{at}已有结果，须写明审结日期"))),
        (_, Some(closed)) if closed < filed_on => {
            return Err(Error::invalid(format!("{at}的审结日期早于立案日期")));
        }
        _ => {}
    }
    Ok(gongkai_store::NewCase {
        kind: kind.to_string(),
        filed_on,
        result: result.to_string(),
        closed_on,
        note: text(&case.note, MAX_NOTE, &format!("{at}的说明"))?,
    })
}

/// One thing that happened, as entered (a form's fields, a script's line).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EventInput {
    /// A code (`submitted` …, `answered`) or its Chinese label.
    pub kind: String,
    pub date: String,
    /// For an answer: the result row, as printed on the annual report's form.
    #[serde(default)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// An event once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub kind: EventKind,
    pub date: NaiveDate,
    /// The result row (index in table 三) of an answer.
    pub outcome: Option<usize>,
    pub note: String,
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// Text from a person: trimmed, without control characters but line breaks, at most `max` characters.
fn text(value: &str, max: usize, what: &str) -> Result<String> {
    let value: String = value.trim().chars().filter(|c| !c.is_control() || *c == '\n').collect();
    if chars(&value) > max {
        return Err(Error::invalid(format!("{what}超过 {max} 字")));
    }
    Ok(value)
}

/// Checks one event: its kind, its date, and for an answer its outcome.
pub fn check_event(event: &EventInput, n: usize) -> Result<Checked> {
    let at = format!("第 {n} 项办理情况");
    let kind = EventKind::named(&event.kind).ok_or_else(|| {
        let names: Vec<String> = EventKind::ALL.iter().map(|k| format!("{}（{}）", k.label(), k.code())).collect();
        Error::invalid(format!("{at}的类型“{}”应为{}之一", shown(&event.kind), names.join("、")))
    })?;
    let date = crate::optional_date(&event.date, &format!("{at}的日期"))?
        .ok_or_else(|| Error::invalid(format!("{at}缺少日期（YYYY-MM-DD）")))?;
    let outcome = match (kind, event.outcome.as_deref().map(str::trim).filter(|o| !o.is_empty())) {
        (EventKind::Answered, Some(o)) => Some(result_row(o).ok_or_else(|| {
            Error::invalid(format!(
                "{at}的处理结果“{}”不是年度报告表三的办理结果之一（如“（一）予以公开”“1.属于国家秘密”“1.本机关不掌握相关政府信息”）",
                shown(o)
            ))
        })?),
        (EventKind::Answered, None) => {
            return Err(Error::invalid(format!("{at}是作出答复，须写明处理结果（如“（一）予以公开”）")));
        }
        _ => None,
    };
    Ok(Checked { kind, date, outcome, note: text(&event.note, MAX_NOTE, &format!("{at}的说明"))? })
}

fn shown(text: &str) -> String {
    text.chars().take(40).collect()
}

/// What a request's events come to: the day of receipt, the last day to
/// answer, and once it is over the result row and the day. Events that
/// cannot have happened in that order are refused, naming the first.
pub fn work_out(channel: Channel, events: &[Checked], calendar: &Calendar) -> Result<RequestState> {
    let mut sorted: Vec<&Checked> = events.iter().collect();
    sorted.sort_by_key(|e| e.date);
    let label = |e: &Checked| format!("“{}”（{}）", e.kind.label(), e.date);
    let (mut asked, mut sent, mut extended, mut answered) = (false, false, false, None::<&Checked>);
    for e in &sorted {
        if let Some(a) = answered {
            return Err(Error::invalid(format!(
                "{}在作出答复（{}）之后：答复后不能再登记其他办理情况",
                label(e),
                a.date
            )));
        }
        match e.kind {
            EventKind::CorrectionRequested => asked = true,
            EventKind::CorrectionReceived | EventKind::CorrectionLapsed if !asked => {
                return Err(Error::invalid(format!("{}之前没有发出补正告知", label(e))));
            }
            EventKind::ThirdPartySent => sent = true,
            EventKind::ThirdPartyReplied if !sent => {
                return Err(Error::invalid(format!("{}之前没有征求第三方意见", label(e))));
            }
            EventKind::Extended if extended => {
                return Err(Error::invalid(format!("{}：答复期限只能延长一次（条例第三十三条）", label(e))));
            }
            EventKind::Extended => extended = true,
            EventKind::Answered => answered = Some(e),
            _ => {}
        }
    }
    let as_events =
        |list: &[&Checked]| -> Vec<Event> { list.iter().map(|e| Event { kind: e.kind, date: e.date }).collect() };
    let mut timeline = as_events(&sorted);
    let (mut clock, mut waiting) = clock_pending(channel, &timeline, calendar)?;
    // Acted on without its day of receipt recorded (a 邮寄 request answered
    // with no signature entered): it was received when it was submitted.
    let acted = sorted.iter().find(|e| !is_receipt(e.kind));
    if clock.received.is_none()
        && let Some(acted) = acted
    {
        let submitted =
            sorted.iter().find(|e| e.kind == EventKind::Submitted).map_or(acted.date, |e| e.date.min(acted.date));
        let receipt = match channel {
            Channel::当面 => EventKind::Submitted,
            Channel::邮寄 => EventKind::Signed,
            _ => EventKind::Confirmed,
        };
        timeline.push(Event { kind: receipt, date: submitted });
        (clock, waiting) = clock_pending(channel, &timeline, calendar)?;
    }
    let received = clock.received;
    if let Some(received) = received
        && let Some(early) = sorted.iter().find(|e| e.date < received && !is_receipt(e.kind))
    {
        return Err(Error::invalid(format!("{}早于收到申请之日（{received}）", label(early))));
    }
    let due_on = if extended { clock.extended_due } else { clock.due };
    if let Some(a) = answered {
        let row = a.outcome.unwrap_or(LAPSED_ROW);
        // The due date stays: an answer after it was late (考核).
        return Ok(RequestState {
            received_on: received,
            due_on,
            outcome: Some(TABLE3_ROWS[row].label.to_string()),
            concluded_on: Some(a.date),
            awaiting_calendar: false,
        });
    }
    // Not corrected in time: withdrawn (其他处理 · 逾期不补正) on that day.
    let last_asked = sorted.iter().rev().find(|e| e.kind == EventKind::CorrectionRequested).map(|e| e.date);
    let lapsed = sorted
        .iter()
        .find(|e| e.kind == EventKind::CorrectionLapsed && Some(e.date) >= last_asked)
        .filter(|_| !sorted.iter().any(|c| c.kind == EventKind::CorrectionReceived && Some(c.date) >= last_asked));
    if let Some(lapsed) = lapsed {
        return Ok(RequestState {
            received_on: received,
            due_on: None,
            outcome: Some(TABLE3_ROWS[LAPSED_ROW].label.to_string()),
            concluded_on: Some(lapsed.date),
            awaiting_calendar: false,
        });
    }
    waiting &= due_on.is_none();
    Ok(RequestState { received_on: received, due_on, outcome: None, concluded_on: None, awaiting_calendar: waiting })
}

/// The clock; where the due date falls in a year whose holidays are not
/// loaded yet (the State Council publishes them each November), the day of
/// receipt alone: the due date waits for the calendar, never estimated
/// (`settle_due_dates` fills it in once the year is loaded).
pub(crate) fn clock_or_pending(channel: Channel, timeline: &[Event], calendar: &Calendar) -> Result<foi::Clock> {
    Ok(clock_pending(channel, timeline, calendar)?.0)
}

/// The clock, and whether its due date waits for a year's holidays.
fn clock_pending(channel: Channel, timeline: &[Event], calendar: &Calendar) -> Result<(foi::Clock, bool)> {
    match foi::clock(channel, timeline, calendar) {
        Ok(clock) => Ok((clock, false)),
        Err(CalendarError::YearNotLoaded(_)) => {
            Ok((foi::Clock { received: foi::received(channel, timeline), due: None, extended_due: None }, true))
        }
        Err(other) => Err(Error::invalid(other.to_string())),
    }
}

/// Requests received whose due date waited for a year's holidays: worked
/// out again, and kept where the calendar now has it. Gives how many.
pub async fn settle_due_dates(store: &gongkai_store::Store, actor: &str) -> Result<usize> {
    let calendar = store.calendar().await?;
    let mut settled = 0;
    for request in store.requests_awaiting_due().await? {
        let events = checked_rows(&store.request_events(request.id).await?)?;
        let state = work_out(channel_of(&request)?, &events, &calendar)?;
        if !state.awaiting_calendar {
            // Another server may have settled it first: its revision moved on, nothing to do.
            match store.set_request_state(request.id, request.revision, &state, actor).await {
                Ok(()) => settled += 1,
                Err(gongkai_store::StoreError::Stale(_)) => {}
                Err(other) => return Err(other.into()),
            }
        }
    }
    Ok(settled)
}

/// The events that bring a request in, before anything is done with it.
fn is_receipt(kind: EventKind) -> bool {
    matches!(kind, EventKind::Submitted | EventKind::Signed | EventKind::Confirmed)
}

/// A receipt number: the year and twelve random digits in groups
/// ("2025-3817-4920-5561"), which no one can guess from another's.
pub fn new_number(year: i32) -> Result<String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(Error::internal)?;
    let digits = u64::from_le_bytes(bytes) % 1_000_000_000_000;
    let d = format!("{digits:012}");
    Ok(format!("{year}-{}-{}-{}", &d[..4], &d[4..8], &d[8..]))
}

/// A receipt number as typed: full-width digits, spaces and any dashes allowed.
pub fn typed_number(text: &str) -> String {
    let digits: String = text
        .chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            _ => None,
        })
        .take(32)
        .collect();
    if digits.len() == 16 {
        format!("{}-{}-{}-{}", &digits[..4], &digits[4..8], &digits[8..12], &digits[12..])
    } else {
        text.trim().chars().take(64).collect()
    }
}

/// Checks a request as entered and works out its state; the message names the field.
/// Who asked and what, checked (the form when entered and when corrected):
/// the applicant's kind, name, contact and the request's text.
struct Who {
    kind: String,
    applicant: String,
    contact: String,
    text: String,
}

fn check_who(input: &RequestInput) -> Result<Who> {
    let kind = input.applicant_kind.trim();
    if applicant_column(kind).is_none() {
        return Err(Error::invalid(format!("申请人类型“{}”应为{}之一", shown(kind), TABLE3_COLUMNS[..6].join("、"))));
    }
    let body = text(&input.text, MAX_TEXT, "申请内容")?;
    if body.is_empty() {
        return Err(Error::invalid("申请内容不能为空"));
    }
    Ok(Who {
        kind: kind.to_string(),
        applicant: text(&input.applicant, MAX_NAME, "申请人姓名或名称")?,
        contact: text(&input.contact, MAX_CONTACT, "联系方式")?,
        text: body,
    })
}

impl Checked {
    /// As the register keeps it: the kind's code, an answer's row by its label.
    fn stored(self) -> NewRequestEvent {
        NewRequestEvent {
            kind: self.kind.code().to_string(),
            date: self.date,
            outcome: self.outcome.map(|r| TABLE3_ROWS[r].label.to_string()),
            note: self.note,
        }
    }
}

/// A stored request's channel (the store only holds the six).
fn channel_of(request: &RequestRow) -> Result<Channel> {
    Channel::named(&request.channel).ok_or_else(|| Error::internal("unknown channel in store"))
}

/// A stored request's events as the clock reads them.
pub(crate) fn timeline_of(rows: &[RequestEventRow]) -> Vec<Event> {
    rows.iter().filter_map(|e| EventKind::from_code(&e.kind).map(|kind| Event { kind, date: e.date })).collect()
}

pub fn check_request(input: &RequestInput, calendar: &Calendar, today: NaiveDate) -> Result<(NewRequest, Channel)> {
    let who = check_who(input)?;
    let channel = Channel::named(&input.channel).ok_or_else(|| {
        let names: Vec<&str> = Channel::ALL.iter().map(|c| c.label()).collect();
        Error::invalid(format!("申请方式“{}”应为{}之一", shown(&input.channel), names.join("、")))
    })?;
    if input.events.len() > MAX_EVENTS {
        return Err(Error::invalid(format!("办理情况超过 {MAX_EVENTS} 项")));
    }
    let mut checked = Vec::with_capacity(input.events.len());
    for (n, event) in input.events.iter().enumerate() {
        checked.push(check_event(event, n + 1)?);
    }
    if checked.is_empty() {
        return Err(Error::invalid("至少要登记提出申请的日期"));
    }
    let state = work_out(channel, &checked, calendar)?;
    let cases = input.cases.iter().enumerate().map(|(n, c)| check_case(c, n + 1)).collect::<Result<Vec<_>>>()?;
    let number = match input.number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(given) => text(given, 64, "受理编号")?,
        None => new_number(state.received_on.or(checked.iter().map(|e| e.date).min()).unwrap_or(today).year())?,
    };
    let events = checked.into_iter().map(Checked::stored).collect();
    Ok((
        NewRequest {
            unit: input.unit.clone(),
            number,
            applicant_kind: who.kind,
            applicant: who.applicant,
            contact: who.contact,
            channel: channel.label().to_string(),
            text: who.text,
            from_public: false,
            submission_key: input.submission_key.clone().filter(|k| !k.is_empty() && k.len() <= 128),
            events,
            state,
            cases,
        },
        channel,
    ))
}

/// The unit a user may enter requests for: their own, or for the office any.
fn unit_for(app_directory: &gongkai_domain::units::Directory, user: &User, asked: &str) -> Result<String> {
    let unit = app_directory
        .find(asked)
        .ok_or_else(|| {
            let near: Vec<&str> = app_directory.suggest(asked, 3).iter().map(|u| u.name.as_str()).collect();
            let hint =
                if near.is_empty() { String::new() } else { format!("（是否为：{}？）", near.join("、")) };
            Error::invalid(format!("单位名录中没有“{}”{hint}", shown(asked)))
        })?
        .name
        .clone();
    if user.role.is_unit_bound() && user.unit.as_deref() != Some(unit.as_str()) {
        return Err(Error::Forbidden);
    }
    if !user.role.is_unit_bound() && user.role != Role::Office {
        return Err(Error::Forbidden);
    }
    Ok(unit)
}

/// Enters requests, all or none: the first that does not check out is
/// named by its place in the list ("第 3 件").
pub async fn add(app: &App, user: &User, inputs: &[RequestInput]) -> Result<Vec<RequestId>> {
    if inputs.len() > MAX_BATCH {
        return Err(Error::TooLarge(format!("一次最多登记 {MAX_BATCH} 件申请")));
    }
    let directory = app.directory().await?;
    let calendar = app.store.calendar().await?;
    let today = app.today();
    let mut requests = Vec::with_capacity(inputs.len());
    for (n, input) in inputs.iter().enumerate() {
        let place = |e: Error| match e {
            Error::Invalid(m) => Error::Invalid(format!("第 {} 件：{m}", n + 1)),
            other => other,
        };
        let unit = unit_for(&directory, user, &input.unit).map_err(place)?;
        let (mut request, _) = check_request(input, &calendar, today).map_err(place)?;
        request.unit = unit;
        requests.push(request);
    }
    app.store.add_requests(&requests, &user.login).await.map_err(twice)
}

/// A form sent a second time (its key is taken) is said so in Chinese.
fn twice(err: gongkai_store::StoreError) -> Error {
    match err {
        gongkai_store::StoreError::Conflict { constraint } if constraint.contains("submission_key") => {
            Error::Conflict("这张表单已经提交过，申请已登记，请勿重复提交".into())
        }
        other => other.into(),
    }
}

/// The request, if the user may read it (otherwise "not found", as for
/// anything of another unit's).
pub(crate) async fn seen_by(app: &App, user: &User, id: RequestId) -> Result<RequestRow> {
    let request = app.store.request(id).await?;
    if may_see(user, &request) { Ok(request) } else { Err(Error::NotFound) }
}

/// The request, if the user may record what happens to it.
pub(crate) async fn acting_on(app: &App, user: &User, id: RequestId) -> Result<RequestRow> {
    let request = seen_by(app, user, id).await?;
    if may_act(user, &request) { Ok(request) } else { Err(Error::Forbidden) }
}

/// May the user read this request: the office, leaders and the unit's own staff.
pub fn may_see(user: &User, request: &RequestRow) -> bool {
    if user.role.is_unit_bound() { user.unit.as_deref() == Some(request.unit.as_str()) } else { true }
}

/// May the user record what happened: the unit's own staff, and the office.
pub fn may_act(user: &User, request: &RequestRow) -> bool {
    match user.role {
        Role::Office => true,
        Role::Handler | Role::Head => user.unit.as_deref() == Some(request.unit.as_str()),
        Role::Viewer | Role::Admin => false,
    }
}

/// A request as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RequestView {
    pub request: RequestRow,
    pub events: Vec<EventView>,
    pub clock: ClockView,
    pub documents: Vec<RequestDocumentRow>,
    pub cases: Vec<CaseRow>,
    pub may_act: bool,
    /// The letters that fit where the request is now.
    pub letters: Vec<letters::LetterOption>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    pub id: i64,
    pub kind: String,
    pub label: String,
    pub date: NaiveDate,
    pub outcome: Option<String>,
    pub note: String,
    pub recorded_by: String,
}

/// Where the request stands against its clock, in words.
#[derive(Debug, Clone, Serialize)]
pub struct ClockView {
    pub received: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    pub extended_due: Option<NaiveDate>,
    /// The last day to ask for a 补正 (7 working days after receipt).
    pub correction_by: Option<NaiveDate>,
    pub state: String,
    pub overdue: bool,
}

/// A request received whose due date waits for next year's holidays.
const PENDING: &str = "办理中（答复期限待国务院公布节假日安排后计算）";

/// Where a request stands, in the words the register and the applicant read.
pub fn state_words(request: &RequestRow, events: &[RequestEventRow], today: NaiveDate) -> (String, bool) {
    if let (Some(outcome), Some(on)) = (&request.outcome, request.concluded_on) {
        return (format!("已办结（{on}）：{}", short_outcome(outcome)), false);
    }
    if request.received_on.is_none() {
        return ("等待确认收到".into(), false);
    }
    let last = |kind: EventKind| events.iter().filter(|e| e.kind == kind.code()).map(|e| e.date).max();
    let asked = last(EventKind::CorrectionRequested);
    if asked.is_some() && last(EventKind::CorrectionReceived) < asked {
        return ("等待申请人补正".into(), false);
    }
    let sent = last(EventKind::ThirdPartySent);
    if sent.is_some() && last(EventKind::ThirdPartyReplied) < sent && request.due_on.is_some_and(|d| d >= today) {
        return ("征求第三方意见中".into(), false);
    }
    match request.due_on {
        Some(due) if due < today => (format!("已超期（答复期限 {due}）"), true),
        Some(due) => (format!("办理中（答复期限 {due}）"), false),
        None if request.awaiting_calendar => (PENDING.into(), false),
        None => ("办理中".into(), false),
    }
}

/// An outcome as a short phrase: "不予公开：属于国家秘密".
pub fn short_outcome(label: &str) -> String {
    let Some(row) = TABLE3_ROWS.iter().find(|r| r.label == label) else { return label.to_string() };
    let words = |l: &str| -> String {
        let l = l.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        match l.strip_prefix('（').and_then(|l| l.split_once('）')) {
            Some((_, rest)) => rest.split('（').next().unwrap_or(rest).to_string(),
            None => l.to_string(),
        }
    };
    match row.parents.get(1) {
        Some(group) => format!("{}：{}", words(group), words(row.label)),
        None => words(row.label),
    }
}

/// One request with its events, clock, letters and cases.
pub async fn view(app: &App, user: &User, id: RequestId) -> Result<RequestView> {
    let request = seen_by(app, user, id).await?;
    let rows = app.store.request_events(id).await?;
    let calendar = app.store.calendar().await?;
    let clock = clock_or_pending(channel_of(&request)?, &timeline_of(&rows), &calendar)?;
    let correction_by = match request.received_on {
        Some(r) if request.concluded_on.is_none() => foi::correction_notice_due(r, &calendar).ok(),
        _ => None,
    };
    let (state, overdue) = state_words(&request, &rows, app.today());
    let events = rows
        .iter()
        .map(|e| EventView {
            id: e.id,
            kind: e.kind.clone(),
            label: EventKind::from_code(&e.kind).map_or(e.kind.as_str(), |k| k.label()).to_string(),
            date: e.date,
            outcome: e.outcome.as_deref().map(short_outcome),
            note: e.note.clone(),
            recorded_by: e.recorded_by.clone(),
        })
        .collect();
    let letters = letters::fitting(&request, &rows);
    Ok(RequestView {
        documents: app.store.request_documents(id).await?,
        cases: app.store.cases(Some(&request.unit), Some(id)).await?,
        may_act: may_act(user, &request),
        clock: ClockView {
            received: request.received_on,
            due: if request.concluded_on.is_none() { clock.due } else { None },
            extended_due: if request.concluded_on.is_none() {
                clock.extended_due.filter(|_| request.due_on == clock.extended_due)
            } else {
                None
            },
            correction_by,
            state,
            overdue,
        },
        events,
        letters,
        request,
    })
}

/// Records what happened to a request, over the revision the user saw.
pub async fn record(app: &App, user: &User, id: RequestId, seen: i32, event: &EventInput) -> Result<()> {
    let request = acting_on(app, user, id).await?;
    let new = check_event(event, 1).map_err(|e| match e {
        Error::Invalid(m) => Error::Invalid(m.replace("第 1 项办理情况", "办理情况")),
        other => other,
    })?;
    let rows = app.store.request_events(id).await?;
    if rows.len() >= MAX_EVENTS {
        return Err(Error::TooLarge(format!("一件申请最多登记 {MAX_EVENTS} 项办理情况")));
    }
    let mut all = checked_rows(&rows)?;
    all.push(new.clone());
    let state = work_out(channel_of(&request)?, &all, &app.store.calendar().await?)?;
    let event = new.stored();
    app.store.change_request_events(id, seen, Some(&event), None, &state, &user.login).await?;
    Ok(())
}

/// Takes back an event entered by mistake, over the revision the user saw.
pub async fn remove_event(app: &App, user: &User, id: RequestId, seen: i32, event: i64) -> Result<()> {
    let request = acting_on(app, user, id).await?;
    let rows = app.store.request_events(id).await?;
    let rest: Vec<RequestEventRow> = rows.into_iter().filter(|e| e.id != event).collect();
    if rest.is_empty() {
        return Err(Error::invalid("申请至少要保留一项办理情况"));
    }
    let state = work_out(channel_of(&request)?, &checked_rows(&rest)?, &app.store.calendar().await?)?;
    app.store.change_request_events(id, seen, None, Some(event), &state, &user.login).await?;
    Ok(())
}

fn checked_rows(rows: &[RequestEventRow]) -> Result<Vec<Checked>> {
    rows.iter()
        .map(|e| {
            Ok(Checked {
                kind: EventKind::from_code(&e.kind).ok_or_else(|| Error::internal("unknown event kind in store"))?,
                date: e.date,
                outcome: e.outcome.as_deref().and_then(result_row),
                note: e.note.clone(),
            })
        })
        .collect()
}

/// Corrects who asked, how to reach them and what they asked for.
pub async fn edit(app: &App, user: &User, id: RequestId, seen: i32, input: &RequestInput) -> Result<()> {
    acting_on(app, user, id).await?;
    let who = check_who(input)?;
    app.store.edit_request(id, seen, &who.kind, &who.applicant, &who.contact, &who.text, &user.login).await?;
    Ok(())
}

/// A page of the register as a user may read it.
pub async fn register(
    app: &App,
    user: &User,
    unit: Option<&str>,
    open: bool,
    (offset, limit): (i64, i64),
) -> Result<(Vec<RegisterRow>, i64)> {
    let scope = crate::access::unit_scope(user)?;
    let unit = match (scope, unit.map(str::trim).filter(|u| !u.is_empty())) {
        (Some(own), _) => Some(own),
        (None, Some(asked)) => Some(app.directory().await?.find(asked).map(|u| u.name.clone()).ok_or(Error::NotFound)?),
        (None, None) => None,
    };
    let filter = RequestFilter { unit, open, limit: limit.clamp(1, 500), offset: offset.max(0) };
    let total = app.store.request_count(&filter).await?;
    let today = app.today();
    let mut out = Vec::new();
    for r in app.store.requests(&filter).await? {
        // Where an open request stands depends on its events (补正, consultation).
        let events = if r.concluded_on.is_none() { app.store.request_events(r.id).await? } else { Vec::new() };
        let (state, overdue) = state_words(&r, &events, today);
        let brief = match r.text.chars().count() {
            n if n > 40 => format!("{}…", r.text.chars().take(40).collect::<String>()),
            _ => r.text.clone(),
        };
        out.push(RegisterRow { request: r, state, overdue, brief });
    }
    Ok((out, total))
}

/// What an attachment is kept as among a request's documents.
pub const ATTACHMENT: &str = "申请材料";

/// Keeps a file with a request: the applicant's letter as scanned, a copy
/// of an ID, an envelope with its postmark. Checked like evidence (name,
/// kind by its bytes, the upload limit) before anything is stored.
pub async fn attach(app: &App, user: &User, id: RequestId, seen: i32, name: &str, bytes: &[u8]) -> Result<i64> {
    acting_on(app, user, id).await?;
    if bytes.len() > app.max_upload {
        return Err(Error::TooLarge(format!("文件“{name}”超过 {} MB 上限", app.max_upload / (1024 * 1024))));
    }
    let content_type = crate::files::check(name, bytes, app.max_upload).map_err(Error::Invalid)?;
    let sha = crate::files::store(&app.files_dir, bytes).map_err(Error::internal)?;
    let size = i64::try_from(bytes.len()).map_err(Error::internal)?;
    Ok(app.store.add_request_document(id, seen, ATTACHMENT, name, content_type, &sha, size, &user.login).await?)
}

/// Records a 行政复议 or 行政诉讼 case about a request's answer.
pub async fn add_case(
    app: &App,
    user: &User,
    id: RequestId,
    seen: i32,
    case: &CaseInput,
) -> Result<gongkai_store::CaseId> {
    acting_on(app, user, id).await?;
    let new = check_case(case, 1).map_err(|e| match e {
        Error::Invalid(m) => Error::Invalid(m.replace("第 1 件复议诉讼", "复议诉讼")),
        other => other,
    })?;
    Ok(app.store.add_case(id, seen, &new, &user.login).await?)
}

/// Records a case's result, over the revision the user saw.
pub async fn close_case(
    app: &App,
    user: &User,
    id: RequestId,
    case: gongkai_store::CaseId,
    seen: i32,
    result: &str,
    closed: &str,
) -> Result<()> {
    acting_on(app, user, id).await?;
    let row = app.store.case(case).await?;
    if row.request_id != Some(id) {
        return Err(Error::NotFound);
    }
    let input = CaseInput {
        kind: row.kind.clone(),
        filed: row.filed_on.to_string(),
        result: result.to_string(),
        closed: closed.to_string(),
        note: row.note.clone(),
    };
    let checked = check_case(&input, 1).map_err(|e| match e {
        Error::Invalid(m) => Error::Invalid(m.replace("第 1 件复议诉讼", "复议诉讼")),
        other => other,
    })?;
    app.store.close_case(case, seen, &checked.result, checked.closed_on, &user.login).await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct RegisterRow {
    pub request: RequestRow,
    pub state: String,
    pub overdue: bool,
    /// The request's first 40 characters.
    pub brief: String,
}

/// What an applicant reads by receipt number: where the request stands,
/// nothing about who asked or what.
#[derive(Debug, Clone, Serialize)]
pub struct PublicStatus {
    pub number: String,
    pub unit: String,
    pub received: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    pub state: String,
}

/// The status query: by receipt number only.
pub async fn public_status(app: &App, number: &str) -> Result<Option<PublicStatus>> {
    let number = typed_number(number);
    if number.is_empty() {
        return Ok(None);
    }
    let Some(request) = app.store.request_by_number(&number).await? else { return Ok(None) };
    let events = app.store.request_events(request.id).await?;
    let (state, _) = state_words(&request, &events, app.today());
    Ok(Some(PublicStatus {
        number: request.number.clone(),
        unit: request.unit.clone(),
        received: request.received_on,
        due: request.due_on.filter(|_| request.concluded_on.is_none()),
        state,
    }))
}

/// What the public form sends.
#[derive(Debug, Clone, Default)]
pub struct Application {
    /// The form page's own key: the same form sent twice files one request.
    pub submission_key: String,
    pub unit: String,
    pub applicant_kind: String,
    pub applicant: String,
    pub contact: String,
    pub text: String,
}

/// A request through the public form: a 网络 request submitted today,
/// received once the unit confirms it with the applicant. Answers the receipt number.
pub async fn apply(app: &App, form: &Application) -> Result<String> {
    let directory = app.directory().await?;
    let unit = directory
        .find(&form.unit)
        .ok_or_else(|| Error::invalid(format!("请从列表中选择受理机关（没有“{}”）", shown(&form.unit))))?
        .name
        .clone();
    if text(&form.applicant, MAX_NAME, "申请人姓名或名称")?.is_empty() {
        return Err(Error::invalid("请填写申请人姓名或名称"));
    }
    if text(&form.contact, MAX_CONTACT, "联系方式")?.is_empty() {
        return Err(Error::invalid("请填写联系方式（电话、通信地址或电子邮箱），以便确认和答复"));
    }
    let today = app.today();
    let input = RequestInput {
        unit: unit.clone(),
        applicant_kind: form.applicant_kind.clone(),
        applicant: form.applicant.clone(),
        contact: form.contact.clone(),
        channel: Channel::网络.label().into(),
        text: form.text.clone(),
        number: None,
        submission_key: Some(form.submission_key.clone()),
        events: vec![EventInput { kind: "submitted".into(), date: today.to_string(), ..EventInput::default() }],
        cases: Vec::new(),
    };
    let calendar = app.store.calendar().await?;
    let (mut request, _) = check_request(&input, &calendar, today)?;
    request.from_public = true;
    let number = request.number.clone();
    app.store.add_requests(&[request], "公开申请表").await.map_err(twice)?;
    Ok(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: &str, date: &str, outcome: Option<&str>) -> Checked {
        check_event(
            &EventInput {
                kind: kind.into(),
                date: date.into(),
                outcome: outcome.map(String::from),
                note: String::new(),
            },
            1,
        )
        .unwrap()
    }

    fn state(channel: Channel, events: &[Checked]) -> Result<RequestState> {
        work_out(channel, events, gongkai_domain::calendar::builtin())
    }

    #[test]
    fn an_answer_concludes_with_its_row_and_a_lapse_withdraws() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // 当面 on Fri 2024-06-14: due 2024-07-12 (as the domain's worked case).
        let open = state(Channel::当面, &[ev("submitted", "2024-06-14", None)]).unwrap();
        assert_eq!(
            open,
            RequestState { received_on: Some(d("2024-06-14")), due_on: Some(d("2024-07-12")), ..Default::default() }
        );
        let answered = state(
            Channel::当面,
            &[ev("submitted", "2024-06-14", None), ev("answered", "2024-07-01", Some("属于国家秘密"))],
        )
        .unwrap();
        assert_eq!(answered.outcome.as_deref(), Some("1.属于国家秘密"));
        assert_eq!((answered.due_on, answered.concluded_on), (Some(d("2024-07-12")), Some(d("2024-07-01"))));
        let lapsed = state(
            Channel::当面,
            &[
                ev("submitted", "2024-06-03", None),
                ev("correction_requested", "2024-06-05", None),
                ev("correction_lapsed", "2024-06-20", None),
            ],
        )
        .unwrap();
        assert_eq!(lapsed.outcome.as_deref(), Some(TABLE3_ROWS[LAPSED_ROW].label));
        assert_eq!(lapsed.concluded_on, Some(d("2024-06-20")));
        // Extended: the last day is the extended one.
        let extended =
            state(Channel::当面, &[ev("submitted", "2024-09-04", None), ev("延期答复", "2024-10-08", None)]).unwrap();
        assert_eq!(extended.due_on, Some(d("2024-11-05")));
    }

    #[test]
    fn events_out_of_order_are_refused_by_name() {
        let said = |r: Result<RequestState>| match r {
            Err(Error::Invalid(m)) => m,
            other => panic!("{other:?}"),
        };
        let after = said(state(
            Channel::当面,
            &[
                ev("submitted", "2024-06-03", None),
                ev("answered", "2024-06-10", Some("（一）予以公开")),
                ev("extended", "2024-06-12", None),
            ],
        ));
        assert!(after.contains("答复后不能再登记"), "{after}");
        let twice = said(state(
            Channel::当面,
            &[
                ev("submitted", "2024-06-03", None),
                ev("extended", "2024-06-20", None),
                ev("extended", "2024-06-21", None),
            ],
        ));
        assert!(twice.contains("只能延长一次"), "{twice}");
        let orphan = said(state(
            Channel::当面,
            &[ev("submitted", "2024-06-03", None), ev("correction_received", "2024-06-05", None)],
        ));
        assert!(orphan.contains("没有发出补正告知"), "{orphan}");
        let early = said(state(
            Channel::网络,
            &[
                ev("submitted", "2024-06-03", None),
                ev("confirmed", "2024-06-05", None),
                ev("extended", "2024-06-04", None),
            ],
        ));
        assert!(early.contains("早于收到申请之日"), "{early}");
        let no_outcome =
            check_event(&EventInput { kind: "answered".into(), date: "2024-06-10".into(), ..Default::default() }, 2);
        assert!(matches!(no_outcome, Err(Error::Invalid(m)) if m.contains("第 2 项") && m.contains("处理结果")));
    }

    #[test]
    fn a_receipt_number_is_typed_back_however_written() {
        let number = new_number(2025).unwrap();
        assert!(number.starts_with("2025-") && number.len() == 19, "{number}");
        assert_ne!(number, new_number(2025).unwrap());
        let spaced: String = number.replace('-', " ");
        assert_eq!(typed_number(&spaced), number);
        let wide: String = number
            .chars()
            .filter(char::is_ascii_digit)
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap())
            .collect();
        assert_eq!(typed_number(&wide), number);
    }
}
