//! The 标准目录 pages: the list (with the pilot-area view), one catalogue
//! with its items, readings, acts and published records, the exports, and
//! the public's pages.

use crate::auth::PageUser;
use crate::error::{AppError, AppResult, FormBody};
use crate::page::{DOCX, XLSX, download};
use crate::state::AppState;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use gongkai_app::catalogues::{self, GENERAL_AREA};
use gongkai_domain::catalogue::{CatalogueAct, CatalogueStatus, pilot_areas};
use gongkai_domain::timelimit::{Clause, Event, Kind, TimeLimit, Unit};
use gongkai_store::{CatalogueFilter, CatalogueId, CatalogueRow, ItemId};
use serde::Deserialize;

fn areas() -> Vec<String> {
    pilot_areas().iter().map(|a| a.name.clone()).chain(std::iter::once(GENERAL_AREA.to_string())).collect()
}

fn row_json(row: &CatalogueRow) -> serde_json::Value {
    serde_json::json!({
        "id": row.id, "unit": row.unit, "area": row.area, "status": row.status, "status_label": row.status().label(),
        "version": row.version, "items": row.items, "updated_by": row.updated_by,
        // The version the public reads: the one before a revision in progress.
        "public_version": if row.status() == CatalogueStatus::Published { row.version } else { (row.version - 1).max(1) },
        "updated_at": row.updated_at.to_rfc3339(),
    })
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    area: Option<String>,
    #[serde(default)]
    status: Option<String>,
}

async fn list_html(state: &AppState, page: &PageUser, query: ListQuery, error: &str) -> AppResult<String> {
    let blank = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    let status = blank(query.status);
    if let Some(code) = &status
        && CatalogueStatus::from_code(code).is_none()
    {
        return Err(AppError::bad_request(format!("状态“{code}”无效")));
    }
    let filter = CatalogueFilter {
        unit: blank(query.unit.clone()),
        area: blank(query.area.clone()),
        status: status.clone(),
        id: None,
    };
    let rows = catalogues::list(state, &page.user, filter).await?;
    let directory = state.directory().await?;
    let own = page.user.unit.clone();
    // The areas this unit supervises (task 14): its department is the area's usual owner.
    let supervised: Vec<String> = own
        .as_deref()
        .map(|unit| {
            pilot_areas()
                .iter()
                .filter(|a| catalogues::area_department(&directory, &a.name).as_deref() == Some(unit))
                .map(|a| a.name.clone())
                .collect()
        })
        .unwrap_or_default();
    let (mine, others): (Vec<&CatalogueRow>, Vec<&CatalogueRow>) =
        rows.iter().partition(|r| own.as_deref() == Some(r.unit.as_str()));
    let office = gongkai_app::access::manages(page.user.role);
    let units: Vec<String> =
        if office { directory.units().iter().map(|u| u.name.clone()).collect() } else { Vec::new() };
    let sources = state
        .store
        .catalogues(&CatalogueFilter { status: Some(CatalogueStatus::Published.code().into()), ..Default::default() })
        .await?;
    state.render(
        "catalogues/list.html",
        serde_json::json!({
            "frame": crate::page::frame_json(state, page),
            "mine": mine.iter().map(|r| row_json(r)).collect::<Vec<_>>(),
            "others": others.iter().map(|r| row_json(r)).collect::<Vec<_>>(),
            "supervised": supervised, "office": office, "own_unit": own,
            "may_draft": office || own.is_some(),
            "units": units, "areas": areas(), "sources": sources.iter().map(row_json).collect::<Vec<_>>(),
            "statuses": CatalogueStatus::ALL.iter().map(|s| serde_json::json!({"code": s.code(), "label": s.label()})).collect::<Vec<_>>(),
            "query": { "unit": query.unit.unwrap_or_default(), "area": query.area.unwrap_or_default(), "status": status.unwrap_or_default() },
            "error": error,
        }),
    )
}

pub async fn list(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Html<String>> {
    Ok(Html(list_html(&state, &page, query, "").await?))
}

/// A refused form shows its page again with the message; other errors stay errors.
fn refused(err: AppError) -> Result<AppError, AppError> {
    if matches!(err.status.as_u16(), 400 | 409 | 413) { Ok(err) } else { Err(err) }
}

/// 导入: the county's file becomes the unit's draft; a refused file says
/// where, and nothing is stored.
pub async fn import(State(state): State<AppState>, page: PageUser, multipart: Multipart) -> AppResult<Response> {
    let upload = crate::page::read_upload(multipart).await?;
    let (csrf, mut unit, area) =
        (upload.field("csrf").to_string(), upload.field("unit").to_string(), upload.field("area").to_string());
    let (file_name, bytes) = (upload.file_name, upload.bytes);
    page.check_csrf(&csrf)?;
    if unit.is_empty() {
        unit = page.user.unit.clone().unwrap_or_default();
    }
    let outcome = if bytes.is_empty() {
        Err(AppError::bad_request("请选择要导入的标准目录文件（Word 或 Excel 表格）"))
    } else {
        catalogues::import(&state, &page.user, &unit, &area, &file_name, &bytes, false).await.map_err(AppError::from)
    };
    match outcome {
        Ok(preview) => {
            let id = preview.saved.ok_or_else(|| AppError::bad_request("未保存"))?;
            Ok(Redirect::to(&format!("/catalogues/{id}")).into_response())
        }
        Err(err) => {
            let err = refused(err)?;
            let message = format!("《{file_name}》未导入：{}", err.message);
            Ok((err.status, Html(list_html(&state, &page, ListQuery::default(), &message).await?)).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct CopyForm {
    csrf: String,
    #[serde(default)]
    unit: String,
    area: String,
    from: CatalogueId,
}

/// 复制: another unit's published catalogue as this unit's draft.
pub async fn copy(
    State(state): State<AppState>,
    page: PageUser,
    FormBody(form): FormBody<CopyForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let unit = if form.unit.trim().is_empty() { page.user.unit.clone().unwrap_or_default() } else { form.unit.clone() };
    match catalogues::copy_from(&state, &page.user, &unit, &form.area, form.from).await {
        Ok(id) => Ok(Redirect::to(&format!("/catalogues/{id}")).into_response()),
        Err(err) => {
            let err = refused(AppError::from(err))?;
            Ok((err.status, Html(list_html(&state, &page, ListQuery::default(), &err.message).await?)).into_response())
        }
    }
}

/// The acts this user may take on the catalogue now.
fn acts(row: &CatalogueRow, access: &catalogues::CatalogueAccess) -> Vec<serde_json::Value> {
    CatalogueAct::ALL
        .into_iter()
        .filter(|act| act.transition().0.contains(&row.status()) && access.may(*act))
        .map(|act| {
            serde_json::json!({
                "code": act.code(), "label": act.label(),
                "comment": act == CatalogueAct::Return, "approval": act == CatalogueAct::Approve,
            })
        })
        .collect()
}

async fn show_html(state: &AppState, page: &PageUser, id: CatalogueId, error: &str) -> AppResult<String> {
    let (row, access) = catalogues::find(state, &page.user, id).await?;
    let items = catalogues::items(&state.store, &row).await?;
    let events = state.store.catalogue_events(id).await?;
    let changes = catalogues::changes(&state.store, &row, &items).await?;
    let records: usize = items.iter().map(|i| i.records.len()).sum();
    let late: usize = items.iter().map(|i| i.late).sum();
    let empty = items.iter().filter(|i| i.records.is_empty()).count();
    state.render(
        "catalogues/show.html",
        serde_json::json!({
            "frame": crate::page::frame_json(state, page),
            "c": row_json(&row), "comment": row.comment, "approval": row.approval, "source": row.source,
            "published": row.status() == CatalogueStatus::Published,
            "editable": row.status().editable() && access.own,
            "may_set_url": access.office || (access.own && row.status().editable()),
            "access": access, "acts": acts(&row, &access), "revision": row.revision,
            "items": items, "events": events.iter().map(|e| serde_json::json!({
                "act": act_words(&e.act), "status": CatalogueStatus::from_code(&e.status).map_or("", |s| s.label()),
                "comment": e.comment, "actor": e.actor, "at": e.at.to_rfc3339(),
            })).collect::<Vec<_>>(),
            "totals": { "records": records, "late": late, "empty": empty },
            "changes": changes, "public_version": (row.version - 1).max(1),
            "events_all": Event::ALL.iter().map(|e| e.name()).collect::<Vec<_>>(),
            "areas": areas(), "today": state.today().to_string(),
            "error": error,
        }),
    )
}

/// An entry of the history in words: a save, or an act.
fn act_words(code: &str) -> &'static str {
    CatalogueAct::from_code(code).map_or("保存目录", CatalogueAct::label)
}

pub async fn show(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<CatalogueId>,
) -> AppResult<Html<String>> {
    Ok(Html(show_html(&state, &page, id, "").await?))
}

#[derive(Deserialize)]
pub struct ActForm {
    csrf: String,
    act: String,
    revision: i32,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    approval: String,
}

pub async fn act(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<CatalogueId>,
    FormBody(form): FormBody<ActForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    match catalogues::act(&state, &page.user, id, &form.act, form.revision, &form.comment, &form.approval).await {
        Ok(_) => Ok(Redirect::to(&format!("/catalogues/{id}")).into_response()),
        Err(err) => {
            let err = refused(AppError::from(err))?;
            Ok((err.status, Html(show_html(&state, &page, id, &err.message).await?)).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct RuleForm {
    csrf: String,
    #[serde(default)]
    event: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    time_unit: String,
    /// "reset": back to the parser's reading.
    #[serde(default)]
    reset: String,
}

/// 更正: the office says how an item's 公开时限 is to be read.
pub async fn rule(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<ItemId>,
    FormBody(form): FormBody<RuleForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    if !gongkai_app::access::manages(page.user.role) {
        return Err(AppError::forbidden());
    }
    let item = state.store.catalogue_item(id).await.map_err(|_| AppError::not_found())?;
    let rule = if form.reset == "reset" {
        None
    } else {
        let event = if form.event.is_empty() {
            None
        } else {
            Some(Event::named(&form.event).ok_or_else(|| AppError::bad_request("起算事件无效"))?)
        };
        let amount: Option<u32> = match form.amount.trim() {
            "" => None,
            text => Some(
                text.parse()
                    .ok()
                    .filter(|n| (1..=3650).contains(n))
                    .ok_or_else(|| AppError::bad_request("期限应为 1 到 3650 之间的整数"))?,
            ),
        };
        let unit = match form.time_unit.as_str() {
            "working_day" => Some(Unit::WorkingDay),
            "day" => Some(Unit::Day),
            "month" => Some(Unit::Month),
            "year" => Some(Unit::Year),
            "" => None,
            _ => return Err(AppError::bad_request("期限单位无效")),
        };
        if amount.is_some() != unit.is_some() {
            return Err(AppError::bad_request("期限和单位要一起填写"));
        }
        let mut limit = TimeLimit::parse("");
        limit.kind = if event.is_some() || amount.is_some() { Kind::Relative } else { Kind::Ongoing };
        limit.clauses = vec![Clause { scope: None, event, amount, unit, immediate: amount.is_none() }];
        Some(limit)
    };
    catalogues::correct_rule(&state, &page.user, id, rule).await?;
    Ok(Redirect::to(&format!("/catalogues/{}#item-{id}", item.catalogue_id)).into_response())
}

#[derive(Deserialize)]
pub struct UrlForm {
    csrf: String,
    #[serde(default)]
    url: String,
}

/// 栏目地址: where the item's information is published on the website.
pub async fn url(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<ItemId>,
    FormBody(form): FormBody<UrlForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let item = state.store.catalogue_item(id).await.map_err(|_| AppError::not_found())?;
    catalogues::find(&state, &page.user, item.catalogue_id).await?;
    match catalogues::set_url(&state, &page.user, id, &form.url).await {
        Ok(()) => Ok(Redirect::to(&format!("/catalogues/{}#item-{id}", item.catalogue_id)).into_response()),
        Err(err) => {
            let err = refused(AppError::from(err))?;
            Ok((err.status, Html(show_html(&state, &page, item.catalogue_id, &err.message).await?)).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct RecordForm {
    csrf: String,
    title: String,
    #[serde(default)]
    url: String,
    published_on: String,
    #[serde(default)]
    event_on: String,
}

/// 登记: what the unit published under an item, with the date its time limit counts from.
pub async fn record(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<ItemId>,
    FormBody(form): FormBody<RecordForm>,
) -> AppResult<Response> {
    page.check_csrf(&form.csrf)?;
    let item = state.store.catalogue_item(id).await.map_err(|_| AppError::not_found())?;
    // Another unit's catalogue is not there, whatever the form says.
    catalogues::find(&state, &page.user, item.catalogue_id).await?;
    let outcome = async {
        let published_on = gongkai_app::optional_date(&form.published_on, "发布日期")?
            .ok_or_else(|| gongkai_app::Error::Invalid("请填写发布日期".into()))?;
        let event_on = gongkai_app::optional_date(&form.event_on, "起算日期")?;
        let record = catalogues::NewRecord { title: form.title.clone(), url: form.url.clone(), published_on, event_on };
        catalogues::add_record(&state, &page.user, id, record).await
    }
    .await
    .map_err(AppError::from);
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/catalogues/{}#item-{id}", item.catalogue_id)).into_response()),
        Err(err) => {
            let err = refused(err)?;
            Ok((err.status, Html(show_html(&state, &page, item.catalogue_id, &err.message).await?)).into_response())
        }
    }
}

/// The 公开信息登记表 to fill in Excel.
pub async fn records_template(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<CatalogueId>,
) -> AppResult<Response> {
    let (name, bytes) = catalogues::records_template(&state, &page.user, id).await?;
    Ok(download(bytes, &name, XLSX))
}

/// The filled-in 登记表: every line or none.
pub async fn records_upload(
    State(state): State<AppState>,
    page: PageUser,
    Path(id): Path<CatalogueId>,
    multipart: Multipart,
) -> AppResult<Response> {
    let upload = crate::page::read_upload(multipart).await?;
    let (csrf, file_name, bytes) = (upload.field("csrf").to_string(), upload.file_name, upload.bytes);
    page.check_csrf(&csrf)?;
    match catalogues::import_records(&state, &page.user, id, &file_name, &bytes).await {
        Ok(_) => Ok(Redirect::to(&format!("/catalogues/{id}#records")).into_response()),
        Err(err) => {
            let err = refused(AppError::from(err))?;
            Ok((err.status, Html(show_html(&state, &page, id, &err.message).await?)).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    format: Option<String>,
}

/// The workbook, or the 文件汇编 (.docx / PDF): one unit's catalogues, or
/// every published one.
pub async fn export(
    State(state): State<AppState>,
    page: PageUser,
    Query(query): Query<ExportQuery>,
) -> AppResult<Response> {
    let unit = query.unit.filter(|u| !u.trim().is_empty());
    let unit = match unit {
        Some(name) => {
            Some(state.directory().await?.find(&name).map(|u| u.name.clone()).ok_or_else(AppError::not_found)?)
        }
        None => None,
    };
    let mut rows = catalogues::for_export(&state, &page.user, unit.as_deref()).await?;
    if unit.is_none() {
        rows.retain(|r| r.status() == CatalogueStatus::Published);
    }
    if rows.is_empty() {
        return Err(AppError::bad_request("没有可导出的标准目录（文件汇编只收已发布的目录）"));
    }
    let stem = format!("{}政务公开事项标准目录", unit.as_deref().unwrap_or("从化区"));
    let (bytes, name, kind) = match query.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => (catalogues::export_xlsx(&state, &rows).await?, format!("{stem}.xlsx"), XLSX),
        format @ ("docx" | "pdf") => {
            let document = catalogues::compilation(&state, &rows, "从化区").await?;
            let pdf = format == "pdf";
            let bytes = gongkai_app::documents::render_bounded(document, pdf).await?;
            let kind = if pdf { "application/pdf" } else { DOCX };
            (bytes, format!("{stem}汇编.{format}"), kind)
        }
        other => return Err(AppError::bad_request(format!("格式“{other}”无效：可选 xlsx、docx、pdf"))),
    };
    Ok(download(bytes, &name, kind))
}

#[derive(Deserialize)]
pub struct TemplateQuery {
    #[serde(default)]
    area: String,
}

/// An empty catalogue for an area, with the standard two-row header, to
/// fill in Excel and import.
pub async fn template(page: PageUser, Query(query): Query<TemplateQuery>) -> AppResult<Response> {
    let area = catalogues::area_name(&query.area)?;
    let unit = page.user.unit.clone().unwrap_or_else(|| "（单位名称）".into());
    let sheet = gongkai_io::out::CatalogueSheet { unit, area: area.clone(), items: Vec::new() };
    let bytes = gongkai_io::out::catalogue_xlsx(&[sheet])
        .map_err(|e| AppError::from(gongkai_app::Error::Internal(e.to_string())))?;
    let name = format!("{area}领域标准目录（空白模板）.xlsx");
    Ok(download(bytes, &name, XLSX))
}

/// The published catalogues, by unit.
pub async fn public_list(State(state): State<AppState>) -> AppResult<Html<String>> {
    // A catalogue being revised stays public in the version last published.
    let rows: Vec<CatalogueRow> =
        state.store.catalogues(&CatalogueFilter::default()).await?.into_iter().filter(|r| r.public).collect();
    Ok(Html(state.render(
        "catalogues/public_list.html",
        serde_json::json!({ "frame": null, "rows": rows.iter().map(row_json).collect::<Vec<_>>() }),
    )?))
}

/// One published catalogue: each item with its rule and a link to its column,
/// and what was published under it.
pub async fn public_show(State(state): State<AppState>, Path(id): Path<CatalogueId>) -> AppResult<Html<String>> {
    let row = state.store.catalogue(id).await.map_err(|_| AppError::not_found())?;
    let items = catalogues::public_items(&state.store, &row).await?.ok_or_else(AppError::not_found)?;
    Ok(Html(state.render(
        "catalogues/public_show.html",
        serde_json::json!({ "frame": null, "c": row_json(&row), "approval": row.approval, "items": items,
            "published_at": row.published_at.map(|t| t.to_rfc3339()) }),
    )?))
}
