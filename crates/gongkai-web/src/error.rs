//! One error type for every handler: a status, a message for the user, and
//! for 500s a detail that is logged and never shown.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gongkai_store::StoreError;

#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub message: String,
    /// Logged, never sent.
    detail: Option<String>,
    /// Answer with JSON (the API) rather than a page.
    pub json: bool,
}

impl AppError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> AppError {
        AppError { status, message: message.into(), detail: None, json: false }
    }

    pub fn internal(detail: impl Into<String>) -> AppError {
        AppError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "服务器内部错误，请稍后再试".into(),
            detail: Some(detail.into()),
            json: false,
        }
    }

    pub fn not_found() -> AppError {
        AppError::new(StatusCode::NOT_FOUND, "没有找到这一页或这条记录")
    }

    pub fn forbidden() -> AppError {
        AppError::new(StatusCode::FORBIDDEN, "您的账号没有权限进行这项操作")
    }

    pub fn unauthorized() -> AppError {
        AppError::new(StatusCode::UNAUTHORIZED, "请先登录")
    }

    pub fn bad_request(message: impl Into<String>) -> AppError {
        AppError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn as_json(mut self) -> AppError {
        self.json = true;
        self
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(_) => AppError::not_found(),
            StoreError::Invalid(message) => AppError::bad_request(message),
            StoreError::Conflict { constraint } => AppError::new(StatusCode::CONFLICT, constraint),
            other => AppError::internal(other.to_string()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Some(detail) = &self.detail {
            tracing::error!(status = %self.status, %detail, "request failed");
        }
        if self.json {
            let body = serde_json::json!({ "error": self.message, "status": self.status.as_u16() });
            return (self.status, axum::Json(body)).into_response();
        }
        // A plain page that needs no template, so an error never hides another.
        let page = format!(
            "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{code} · 政务公开</title>\
             <link rel=\"stylesheet\" href=\"/static/site.css\"></head><body><main class=\"narrow\"><h1>{code}</h1>\
             <p>{message}</p><p><a href=\"/\">返回首页</a></p></main></body></html>",
            code = self.status.as_u16(),
            message = escape(&self.message),
        );
        (self.status, Html(page)).into_response()
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub type AppResult<T> = Result<T, AppError>;

/// A JSON request body; one that is not what the route takes is refused
/// with a message in Chinese that names the problem, as JSON.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => {
                Err(AppError::bad_request(format!("请求内容不是所需的 JSON：{}", rejection.body_text())).as_json())
            }
        }
    }
}

/// A submitted form; one without the fields the page sends is refused with
/// a message in Chinese.
pub struct FormBody<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for FormBody<T> {
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        match axum::Form::<T>::from_request(request, state).await {
            Ok(axum::Form(value)) => Ok(FormBody(value)),
            Err(rejection) => Err(AppError::bad_request(format!("表单内容不完整：{}", rejection.body_text()))),
        }
    }
}
