//! 导入 from the browser and the API: upload a .docx/.xlsx/.txt list, see how
//! every row was understood and every problem at its row and cell, then
//! confirm. The file waits in the content-addressed store between the two
//! steps, so the confirmed import is exactly the previewed file.
//!
//! May use: the shared pieces; `gongkai_app::import`.

pub mod pages;

use crate::routes::{Group, Routes};
pub mod api;

use crate::error::AppResult;
use crate::state::AppState;
use axum::extract::Multipart;
use gongkai_app::import::{ImportRequest, Outcome};
use gongkai_store::User;

/// An import request: a task list at most, and the form around it.
pub const MAX_REQUEST_BYTES: usize = gongkai_io::limits::MAX_LIST_BYTES + 64 * 1024;

/// The upload as the form sends it: the request and the page's CSRF token.
#[derive(Debug, Default)]
pub struct ImportForm {
    pub csrf: String,
    pub request: ImportRequest,
}

async fn read(multipart: Multipart) -> AppResult<ImportForm> {
    let upload = crate::page::read_upload(multipart).await?;
    let mut form = ImportForm::default();
    form.request.file_name = upload.file_name;
    form.request.bytes = upload.bytes;
    for (name, text) in upload.fields {
        match name.as_str() {
            "csrf" => form.csrf = text,
            "sha256" => form.request.sha256 = text,
            "file_name" => form.request.file_name = text,
            "year" => form.request.year = text,
            "start" => form.request.start = text,
            "title" => form.request.title = text,
            "region" => form.request.region = text,
            "commit" => form.request.commit = text,
            // One per column of the preview: "<role>=<header>".
            "col" if !text.ends_with('=') => {
                if !form.request.map.is_empty() {
                    form.request.map.push(',');
                }
                form.request.map.push_str(&text);
            }
            // One per unknown unit: "<name>|create:<kind>" or "<name>|match:<full name>".
            "unit" => {
                if let Some((name, choice)) = text.split_once('|')
                    && !choice.is_empty()
                {
                    form.request.units.push((name.to_string(), choice.to_string()));
                }
            }
            _ => {}
        }
    }
    Ok(form)
}

/// Reads the list, understands it against the directory, and saves it when
/// asked and when nothing is wrong (`gongkai_app::import::run`).
pub async fn run(state: &AppState, user: &User, form: ImportForm) -> AppResult<Outcome> {
    Ok(gongkai_app::import::run(state, user, form.request).await?)
}

pub fn routes(routes: Routes) -> Routes {
    routes
        .get(Group::Pages, "/import", pages::page)
        .upload(Group::Pages, "/import", pages::upload, MAX_REQUEST_BYTES)
        .upload(Group::Api, "/api/v1/imports", api::api, MAX_REQUEST_BYTES)
}
