//! The register's pages: the list, entering a request, one request with
//! its acts; the annual report; the letters' wording.

use crate::auth::{ApiUser, PageUser};
use crate::error::{AppError, AppResult, FormBody};
use crate::page::{DOCX, Pager, download};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Datelike;
use gongkai_app::foi::{self, CaseInput, EventInput, RequestInput, letters, report};
use gongkai_domain::annual_report::{CASE_KINDS, CASE_RESULTS, TABLE2, TABLE3_COLUMNS, TABLE3_ROWS, TABLE4_COLUMNS};
use gongkai_domain::foi::{Channel, EventKind};
use gongkai_store::{CaseId, RequestId};
use serde::Deserialize;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A kept file's content type, as one of the kinds an upload may be (a
/// stored value is never sent back as it is).
fn content_type(stored: &str) -> &'static str {
    const KINDS: [&str; 10] = [
        "application/pdf",
        "image/png",
        "image/jpeg",
        DOCX,
        XLSX,
        "application/ofd",
        "application/zip",
        "application/msword",
        "application/vnd.ms-excel",
        "text/plain; charset=utf-8",
    ];
    KINDS.into_iter().find(|k| *k == stored).unwrap_or("application/octet-stream")
}

/// A refusal the page shows beside the form; anything else is the error page.
fn refused(err: AppError) -> Result<AppError, AppError> {
    if matches!(err.status.as_u16(), 400 | 409 | 413) { Ok(err) } else { Err(err) }
}

fn applicant_kinds() -> Vec<&'static str> {
    TABLE3_COLUMNS[..6].to_vec()
}

fn channels() -> Vec<&'static str> {
    Channel::ALL.iter().map(|c| c.label()).collect()
}

/// The result rows for the answer's choice: the label as printed, and in short words.
fn outcomes() -> Vec<serde_json::Value> {
    TABLE3_ROWS[2..23]
        .iter()
        .map(|r| serde_json::json!({ "label": r.label, "words": foi::short_outcome(r.label) }))
        .collect()
}

#[derive(Deserialize, Default)]
pub struct RegisterQuery {
    #[serde(default)]
    unit: Option<String>,
    /// "open": not yet concluded only.
    #[serde(default)]
    show: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

pub async fn register(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<RegisterQuery>,
) -> AppResult<Html<String>> {
    let open = query.show.as_deref() == Some("open");
    let pager = Pager::new(query.page);
    let (rows, total) =
        foi::register(&state, &page.user, query.unit.as_deref(), open, (pager.offset(), pager.limit())).await?;
    let region = !page.user.role.is_unit_bound();
    let unit = query.unit.clone().unwrap_or_default();
    let link = |n: i64| {
        format!(
            "/requests?unit={}&show={}&page={n}",
            gongkai_app::ledger::percent_encode(&unit),
            if open { "open" } else { "all" }
        )
    };
    Ok(Html(state.render(
        "foi/register.html",
        serde_json::json!({
            "frame": crate::page::frame_json(&state, &page),
            "rows": rows, "open": open, "unit": unit, "region": region,
            "units": if region { state.directory().await?.units().iter().map(|u| u.name.clone()).collect() } else { Vec::new() },
            "may_enter": matches!(page.user.role, gongkai_domain::people::Role::Office | gongkai_domain::people::Role::Handler | gongkai_domain::people::Role::Head),
            "office": gongkai_app::access::manages(page.user.role),
            "year": state.today().year() - 1,
            "paging": pager.view(total, link),
        }),
    )?))
}

/// What a form typed, kept when it is refused.
#[derive(Deserialize, Default, serde::Serialize)]
pub struct RequestForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    applicant_kind: String,
    #[serde(default)]
    applicant: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    submitted: String,
    #[serde(default)]
    received: String,
    #[serde(default)]
    revision: i32,
    /// The form page's own key: the same page sent twice enters one request.
    #[serde(default)]
    once: String,
}

async fn new_html(state: &AppState, page: &PageUser, typed: &RequestForm, error: &str) -> AppResult<String> {
    let region = !page.user.role.is_unit_bound();
    state.render(
        "foi/new.html",
        serde_json::json!({
            "frame": crate::page::frame_json(state, page),
            "units": if region { state.directory().await?.units().iter().map(|u| u.name.clone()).collect() } else { Vec::new() },
            "region": region, "kinds": applicant_kinds(), "channels": channels(),
            "typed": typed, "today": state.today().to_string(), "error": error,
        }),
    )
}

pub async fn new_request(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    let once = gongkai_app::secrets::new_secret().map_err(|e| AppError::internal(e.to_string()))?;
    let typed =
        RequestForm { applicant_kind: "自然人".into(), channel: "当面".into(), once, ..RequestForm::default() };
    Ok(Html(new_html(&state, &page, &typed, "").await?))
}

/// 登记申请: submitted on a day; received then (当面) or on the day given
/// (signed for, or confirmed with the applicant).
pub async fn create(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<RequestForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let unit = match &page.user.unit {
        Some(own) if page.user.role.is_unit_bound() => own.clone(),
        _ => form.unit.clone(),
    };
    let mut events =
        vec![EventInput { kind: "submitted".into(), date: form.submitted.clone(), ..EventInput::default() }];
    let receipt = match Channel::named(&form.channel) {
        Some(Channel::当面) | None => None,
        Some(Channel::邮寄) => Some("signed"),
        Some(_) => Some("confirmed"),
    };
    if let Some(kind) = receipt.filter(|_| !form.received.trim().is_empty()) {
        events.push(EventInput { kind: kind.into(), date: form.received.clone(), ..EventInput::default() });
    }
    let input = RequestInput {
        unit,
        applicant_kind: form.applicant_kind.clone(),
        applicant: form.applicant.clone(),
        contact: form.contact.clone(),
        channel: form.channel.clone(),
        text: form.text.clone(),
        number: None,
        submission_key: Some(form.once.clone()),
        events,
        cases: Vec::new(),
    };
    match foi::add(&state, &page.user, &[input]).await {
        Ok(ids) => Ok(Redirect::to(&format!("/requests/{}", ids[0])).into_response()),
        Err(err) => {
            let mut err = refused(AppError::from(err))?;
            err.message = err.message.trim_start_matches("第 1 件：").to_string();
            Ok((err.status, Html(new_html(&state, &page, &form, &err.message).await?)).into_response())
        }
    }
}

async fn request_html(state: &AppState, page: &PageUser, id: RequestId, error: &str) -> AppResult<String> {
    let v = foi::view(state, &page.user, id).await?;
    let kinds: Vec<serde_json::Value> = EventKind::ALL
        .iter()
        .filter(|k| **k != EventKind::Answered)
        .map(|k| serde_json::json!({ "code": k.code(), "label": k.label() }))
        .collect();
    state.render(
        "foi/request.html",
        serde_json::json!({
            "frame": crate::page::frame_json(state, page),
            "v": v, "kinds": kinds, "outcomes": outcomes(), "applicant_kinds": applicant_kinds(),
            "case_kinds": CASE_KINDS, "case_results": CASE_RESULTS,
            "concluded": v.request.concluded_on.is_some(),
            "today": state.today().to_string(), "error": error,
        }),
    )
}

pub async fn request(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<RequestId>,
) -> AppResult<Html<String>> {
    Ok(Html(request_html(&state, &page, id, "").await?))
}

/// After an act on a request: its page again, or the refusal on it.
async fn after(
    state: &AppState,
    page: &PageUser,
    id: RequestId,
    outcome: gongkai_app::Result<()>,
) -> AppResult<Response> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/requests/{id}")).into_response()),
        Err(err) => {
            let err = refused(AppError::from(err))?;
            Ok((err.status, Html(request_html(state, page, id, &err.message).await?)).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct EventForm {
    csrf: String,
    revision: i32,
    #[serde(flatten)]
    event: EventInput,
}

/// 登记办理情况 (and 作出答复, with its result).
pub async fn record(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<RequestId>,
    FormBody(form): FormBody<EventForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let outcome = foi::record(&state, &page.user, id, form.revision, &form.event).await;
    after(&state, &page, id, outcome).await
}

#[derive(Deserialize)]
pub struct RevisionForm {
    csrf: String,
    revision: i32,
}

/// 撤销一项登记 entered by mistake.
pub async fn remove_event(
    State(state): State<AppState>,
    page: PageUser,
    Path((id, event)): Path<(RequestId, i64)>,
    FormBody(form): FormBody<RevisionForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let outcome = foi::remove_event(&state, &page.user, id, form.revision, event).await;
    after(&state, &page, id, outcome).await
}

/// 修改申请人信息和申请内容.
pub async fn edit(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<RequestId>,
    FormBody(form): FormBody<RequestForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let input = RequestInput {
        applicant_kind: form.applicant_kind,
        applicant: form.applicant,
        contact: form.contact,
        text: form.text,
        ..RequestInput::default()
    };
    let outcome = foi::edit(&state, &page.user, id, form.revision, &input).await;
    after(&state, &page, id, outcome).await
}

#[derive(Deserialize)]
pub struct LetterForm {
    csrf: String,
    revision: i32,
    letter: String,
    #[serde(default)]
    format: String,
}

/// 生成文书: kept with the request, listed for download.
pub async fn make_letter(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<RequestId>,
    FormBody(form): FormBody<LetterForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let outcome =
        letters::make(&state, &page.user, id, form.revision, &form.letter, form.format == "pdf").await.map(|_| ());
    after(&state, &page, id, outcome).await
}

/// 上传申请材料: kept among the request's documents.
pub async fn attach(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<RequestId>,
    multipart: axum::extract::Multipart,
) -> AppResult<Response> {
    let upload = crate::page::read_upload(multipart).await?;
    page.check_csrf(upload.field("csrf"))?;
    if upload.file_name.is_empty() {
        return after(&state, &page, id, Err(gongkai_app::Error::invalid("请选择要上传的文件"))).await;
    }
    let Ok(seen) = upload.field("revision").parse::<i32>() else {
        return Err(AppError::bad_request("表单缺少版本号，请刷新页面后重新上传"));
    };
    let outcome = foi::attach(&state, &page.user, id, seen, &upload.file_name, &upload.bytes).await.map(|_| ());
    after(&state, &page, id, outcome).await
}

pub async fn document(
    State(state): State<AppState>,
    page: PageUser,
    Path((id, document)): Path<(RequestId, i64)>,
) -> AppResult<Response> {
    let (row, bytes) = letters::download(&state, &page.user, id, document).await?;
    Ok(download(bytes, &row.name, content_type(&row.content_type)))
}

#[derive(Deserialize)]
pub struct CaseForm {
    csrf: String,
    revision: i32,
    kind: String,
    filed: String,
    #[serde(default)]
    note: String,
}

/// 登记行政复议或行政诉讼.
pub async fn add_case(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<RequestId>,
    FormBody(form): FormBody<CaseForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let case = CaseInput { kind: form.kind, filed: form.filed, note: form.note, ..CaseInput::default() };
    let outcome = foi::add_case(&state, &page.user, id, form.revision, &case).await.map(|_| ());
    after(&state, &page, id, outcome).await
}

#[derive(Deserialize)]
pub struct CaseResultForm {
    csrf: String,
    revision: i32,
    result: String,
    #[serde(default)]
    closed: String,
}

/// 登记复议、诉讼结果.
pub async fn close_case(
    State(state): State<AppState>,
    page: PageUser,
    Path((id, case)): Path<(RequestId, CaseId)>,
    FormBody(form): FormBody<CaseResultForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let outcome = foi::close_case(&state, &page.user, id, case, form.revision, &form.result, &form.closed).await;
    after(&state, &page, id, outcome).await
}

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    format: Option<String>,
}

async fn report_html(
    state: &AppState,
    page: &PageUser,
    unit: Option<&str>,
    year: i32,
    error: &str,
) -> AppResult<String> {
    let found = report::annual(state, &page.user, unit, year).await?;
    let region = !page.user.role.is_unit_bound();
    let suggested = match &found.unit {
        Some(unit) => report::table2_suggestions(state, unit, year).await?,
        None => Default::default(),
    };
    let lines = if found.unit.is_none() { report::unit_lines(state, &page.user, year).await? } else { Vec::new() };
    let table2: Vec<serde_json::Value> = TABLE2
        .iter()
        .map(|part| {
            serde_json::json!({
                "heading": part.heading, "columns": part.columns,
                "rows": part.rows.iter().map(|row| serde_json::json!({
                    "name": row,
                    "cells": part.columns.iter().map(|c| {
                        let entered = found.table2.get(&format!("{row}/{c}")).cloned();
                        let suggested = suggested.get(&format!("{row}/{c}")).filter(|_| entered.is_none());
                        serde_json::json!({
                            "field": format!("t2|{row}|{c}"),
                            "value": entered.or(suggested.map(i64::to_string)).unwrap_or_default(),
                            "suggested": suggested.is_some(),
                        })
                    }).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let rows3: Vec<serde_json::Value> = TABLE3_ROWS
        .iter()
        .zip(found.table3.0.iter())
        .map(|(r, values)| serde_json::json!({ "label": r.label, "depth": r.parents.len(), "values": values }))
        .collect();
    let this_year = state.today().year();
    state.render(
        "foi/report.html",
        serde_json::json!({
            "frame": crate::page::frame_json(state, page),
            "r": found, "rows3": rows3, "columns3": TABLE3_COLUMNS, "lines": lines,
            "columns4": TABLE4_COLUMNS.iter().map(|c| c.label).collect::<Vec<_>>(),
            "table2": table2, "region": region,
            "may_write": found.unit.is_some() && !matches!(page.user.role, gongkai_domain::people::Role::Viewer | gongkai_domain::people::Role::Admin),
            "units": if region { state.directory().await?.units().iter().map(|u| u.name.clone()).collect() } else { Vec::new() },
            "years": (2019..=this_year).rev().collect::<Vec<_>>(),
            "unit_query": gongkai_app::ledger::percent_encode(found.unit.as_deref().unwrap_or_default()),
            "error": error,
        }),
    )
}

/// The year a report is usually for: last year (reports are due by 31 January).
fn report_year(state: &AppState, asked: Option<i32>) -> i32 {
    asked.unwrap_or_else(|| state.today().year() - 1)
}

pub async fn report(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<ReportQuery>,
) -> AppResult<Html<String>> {
    let year = report_year(&state, query.year);
    Ok(Html(report_html(&state, &page, query.unit.as_deref(), year, "").await?))
}

/// Saves sections 一, 五, 六 and table 二 (fields `t2|row|column`).
pub async fn save_report(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<Vec<(String, String)>>,
) -> AppResult<Response> {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    page.check_csrf(&field("csrf"))?;
    let unit = field("unit");
    let year: i32 = field("year").parse().map_err(|_| AppError::bad_request("年份无效"))?;
    let seen: i32 = field("revision").parse().map_err(|_| AppError::bad_request("版本号无效"))?;
    let written = report::Written {
        overview: field("overview"),
        problems: field("problems"),
        other: field("other"),
        table2: form
            .iter()
            .filter_map(|(k, v)| {
                let mut parts = k.strip_prefix("t2|")?.splitn(2, '|');
                Some((parts.next()?.to_string(), parts.next()?.to_string(), v.clone()))
            })
            .take(64)
            .collect(),
    };
    match report::save(&state, &page.user, &unit, year, seen, &written).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/foi-report?unit={}&year={year}", gongkai_app::ledger::percent_encode(&unit)))
                .into_response())
        }
        Err(err) => {
            let err = refused(AppError::from(err))?;
            Ok((err.status, Html(report_html(&state, &page, Some(&unit), year, &err.message).await?)).into_response())
        }
    }
}

/// 导出年度报告: .docx, .pdf or .xlsx; refused while a table does not add up.
pub async fn export_report(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<ReportQuery>,
) -> AppResult<Response> {
    let year = report_year(&state, query.year);
    let found = report::annual(&state, &page.user, query.unit.as_deref(), year).await?;
    let (bytes, kind, extension) = match query.format.as_deref().unwrap_or("docx") {
        "docx" => (report::export_document(&found, false, state.today()).await?, DOCX, "docx"),
        "pdf" => (report::export_document(&found, true, state.today()).await?, "application/pdf", "pdf"),
        "xlsx" => (report::export_workbook(&found).await?, XLSX, "xlsx"),
        other => return Err(AppError::bad_request(format!("格式“{other}”无效：可选 docx、pdf、xlsx"))),
    };
    Ok(download(bytes, &format!("{}.{extension}", found.title), kind))
}

/// The report's tables for scripts: as `gongkai foi report --json` prints them.
pub async fn report_api(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<ReportQuery>,
) -> AppResult<axum::Json<serde_json::Value>> {
    let year = report_year(&state, query.year);
    Ok(axum::Json(report::annual(&state, &user, query.unit.as_deref(), year).await?.json()))
}

async fn templates_html(state: &AppState, page: &PageUser, error: &str) -> AppResult<String> {
    state.render(
        "foi/letters.html",
        serde_json::json!({
            "frame": crate::page::frame_json(state, page),
            "templates": letters::templates(state).await?,
            "placeholders": letters::PLACEHOLDERS,
            "office": gongkai_app::access::manages(page.user.role),
            "error": error,
        }),
    )
}

pub async fn letter_templates(State(state): State<AppState>, page: PageUser) -> AppResult<Html<String>> {
    Ok(Html(templates_html(&state, &page, "").await?))
}

#[derive(Deserialize)]
pub struct TemplateForm {
    csrf: String,
    revision: i32,
    body: String,
}

/// The office changes a letter's wording.
pub async fn save_letter_template(
    State(state): State<AppState>,
    page: PageUser,
    Path(code): Path<String>,
    FormBody(form): FormBody<TemplateForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    match letters::save_template(&state, &page.user, &code, form.revision, &form.body).await {
        Ok(()) => Ok(Redirect::to(&format!("/letter-templates#{code}")).into_response()),
        Err(err) => {
            let err = refused(AppError::from(err))?;
            Ok((err.status, Html(templates_html(&state, &page, &err.message).await?)).into_response())
        }
    }
}
