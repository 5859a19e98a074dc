//! One error type for every handler: a status, a message for the user, and
//! for 500s a detail that is logged and never shown. A handler never picks
//! the body's format: an error answers as a page, and the API's route group
//! turns every error answer into JSON (`json_errors`) — chosen once, by where
//! the route is.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gongkai_store::StoreError;

#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub message: String,
    /// Logged, never sent.
    detail: Option<String>,
}

/// What an error answer said, kept on the response for `json_errors`.
#[derive(Debug, Clone)]
struct ErrorBody {
    status: StatusCode,
    message: String,
}

impl AppError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> AppError {
        AppError { status, message: message.into(), detail: None }
    }

    pub fn internal(detail: impl Into<String>) -> AppError {
        AppError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "服务器内部错误，请稍后再试".into(),
            detail: Some(detail.into()),
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
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(_) => AppError::not_found(),
            StoreError::Invalid(message) => AppError::bad_request(message),
            StoreError::Conflict { constraint } => AppError::new(StatusCode::CONFLICT, constraint),
            StoreError::Stale(message) => AppError::new(StatusCode::CONFLICT, message),
            other => AppError::internal(other.to_string()),
        }
    }
}

impl From<gongkai_app::Error> for AppError {
    fn from(err: gongkai_app::Error) -> Self {
        use gongkai_app::Error;
        match err {
            Error::Invalid(message) => AppError::bad_request(message),
            Error::Forbidden => AppError::forbidden(),
            Error::NotFound => AppError::not_found(),
            Error::Conflict(message) => AppError::new(StatusCode::CONFLICT, message),
            Error::TooLarge(message) => AppError::new(StatusCode::PAYLOAD_TOO_LARGE, message),
            Error::Busy(message) => AppError::new(StatusCode::SERVICE_UNAVAILABLE, message),
            Error::Internal(detail) => AppError::internal(detail),
        }
    }
}

impl From<gongkai_domain::input::InputError> for AppError {
    fn from(err: gongkai_domain::input::InputError) -> Self {
        AppError::bad_request(err.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Some(detail) = &self.detail {
            tracing::error!(status = %self.status, %detail, "request failed");
        }
        // A plain page that needs no template, so an error never hides another.
        let page = format!(
            "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{code} · 政务公开</title>\
             <link rel=\"stylesheet\" href=\"/static/site.css\"></head><body><main class=\"narrow\"><h1>{code}</h1>\
             <p>{message}</p><p><a href=\"/\">返回首页</a></p></main></body></html>",
            code = self.status.as_u16(),
            message = minijinja::HtmlEscape(&self.message),
        );
        let mut response = (self.status, Html(page)).into_response();
        response.extensions_mut().insert(ErrorBody { status: self.status, message: self.message });
        response
    }
}

/// The API group's answers: an error answer becomes
/// `{"error": "…", "status": N}`, whatever produced it.
pub async fn json_errors(response: Response) -> Response {
    match response.extensions().get::<ErrorBody>().cloned() {
        Some(ErrorBody { status, message }) => {
            let body = serde_json::json!({ "error": message, "status": status.as_u16() });
            let mut json = (status, axum::Json(body)).into_response();
            // Headers set for the error (a cookie) stay.
            for (name, value) in response.headers() {
                if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
                    json.headers_mut().insert(name.clone(), value.clone());
                }
            }
            json
        }
        None => response,
    }
}

/// The framework's own refusals (an address or query that does not parse,
/// an unsupported method) come as English plain text: they become an
/// [`AppError`] in Chinese, so the group shows them as its pages or JSON do.
pub async fn plain_refusals(response: Response) -> Response {
    let status = response.status();
    let plain = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/plain"));
    if !plain || !status.is_client_error() || response.extensions().get::<ErrorBody>().is_some() {
        return response;
    }
    let message = match status {
        StatusCode::NOT_FOUND => "没有找到这一页或这条记录",
        StatusCode::METHOD_NOT_ALLOWED => "不支持这种请求方式",
        StatusCode::PAYLOAD_TOO_LARGE => "提交的内容过长，未保存任何内容",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "请求内容的类型不对：表单请以表单提交，接口请以 JSON 提交",
        _ => "地址或参数的格式不对（例如编号应为数字、日期应写作 2020-09-01），请检查后重试",
    };
    AppError::new(status, message).into_response()
}

/// A serde or framework message about a body, in Chinese: which field is
/// missing or malformed, when it says so.
fn body_words(text: &str) -> String {
    let quoted = |after: &str| text.split(after).nth(1).and_then(|r| r.split('`').nth(1)).map(str::to_string);
    if let Some(field) = quoted("missing field") {
        return format!("缺少“{field}”");
    }
    if let Some(field) = quoted("unknown field") {
        return format!("不认识的字段“{field}”");
    }
    if text.contains("Content-Type") {
        return "请求内容的类型不对（表单或 JSON）".into();
    }
    // "…target type: due: input contains invalid characters at line 1 column 20"
    let field = text.split("target type: ").nth(1).and_then(|r| r.split(": ").next()).filter(|f| {
        !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '[' || c == ']')
    });
    match field {
        Some(field) => format!("“{field}”的值格式不对"),
        None => "内容格式不对".into(),
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// The body of a form or a JSON request, read within the route's size
/// limit; one that carries a NUL character (as `%00` or `\u0000`) is
/// refused here, whatever field it is in: no database keeps it the same way.
async fn body_without_nul<S: Send + Sync>(
    request: axum::extract::Request,
    state: &S,
    json: bool,
) -> Result<axum::extract::Request, AppError> {
    use axum::extract::FromRequest;
    let (parts, body) = request.into_parts();
    let bytes = axum::body::Bytes::from_request(axum::extract::Request::from_parts(parts.clone(), body), state)
        .await
        .map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::new(StatusCode::PAYLOAD_TOO_LARGE, "提交的内容过长，未保存任何内容")
        } else {
            AppError::bad_request("提交的内容不完整，请重试")
        }
    })?;
    if contains_nul(&bytes, json) {
        return Err(AppError::bad_request("提交的内容中含有空字符（NUL），请删去后重试"));
    }
    Ok(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes)))
}

/// A NUL in a body as a form or JSON encodes it.
fn contains_nul(bytes: &[u8], json: bool) -> bool {
    let lower = |w: &[u8]| w.to_ascii_lowercase();
    bytes.contains(&0)
        || if json { bytes.windows(6).any(|w| lower(w) == b"\\u0000") } else { bytes.windows(3).any(|w| w == b"%00") }
}

/// A JSON request body; one that is not what the route takes is refused
/// with a message in Chinese that names the problem, as JSON.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        let request = body_without_nul(request, state, true).await?;
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => {
                Err(AppError::bad_request(format!("请求内容不是所需的 JSON：{}", body_words(&rejection.body_text()))))
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
        let request = body_without_nul(request, state, false).await?;
        match axum::Form::<T>::from_request(request, state).await {
            Ok(axum::Form(value)) => Ok(FormBody(value)),
            Err(rejection) => Err(AppError::bad_request(format!(
                "表单内容不完整或格式不对：{}。请检查后重新提交",
                body_words(&rejection.body_text())
            ))),
        }
    }
}
