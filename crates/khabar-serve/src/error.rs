//! Errors as JSON: `{"error": {"code": "...", "message": "..."}}`, for the
//! handlers' own errors and for every other 4xx/5xx answer (unknown route,
//! wrong method, body over the limit, timeout, panic).

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answered to the client.
#[derive(Debug)]
pub struct AppError {
    /// HTTP status.
    pub status: StatusCode,
    /// Machine-readable code (`bad_request`, `not_found`, ...).
    pub code: &'static str,
    /// What went wrong, for a person.
    pub message: String,
}

impl AppError {
    /// 400 with this message.
    pub fn bad_request(message: impl Into<String>) -> AppError {
        AppError { status: StatusCode::BAD_REQUEST, code: "bad_request", message: message.into() }
    }

    /// 404 with this message.
    pub fn not_found(message: impl Into<String>) -> AppError {
        AppError { status: StatusCode::NOT_FOUND, code: "not_found", message: message.into() }
    }

    /// 403 `read_only`: the server does not add documents (started read-only, or the
    /// folder is not writable, or another process holds the index's writer).
    pub fn read_only(message: impl Into<String>) -> AppError {
        AppError { status: StatusCode::FORBIDDEN, code: "read_only", message: message.into() }
    }

    /// 500; the cause is logged, the client sees a generic message.
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        tracing::error!("internal error: {cause}");
        AppError { status: StatusCode::INTERNAL_SERVER_ERROR, code: "internal", message: "internal error (see the server log)".into() }
    }
}

impl From<khabar_index::Error> for AppError {
    fn from(e: khabar_index::Error) -> AppError {
        if e.is_input() {
            AppError::bad_request(e.to_string())
        } else {
            AppError::internal(e)
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        error_response(self.status, self.code, &self.message)
    }
}

/// The JSON error answer.
pub(crate) fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": {"code": code, "message": message}});
    let mut r = (status, axum::Json(body)).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn code_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "unprocessable",
        s if s.is_server_error() => "internal",
        _ => "error",
    }
}

/// Middleware: turn any 4xx/5xx answer that is not JSON yet (axum's own
/// rejections, the fallback, the timeout) into the JSON error.
pub(crate) async fn json_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json =
        response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return response;
    }
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).trim().to_owned();
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "the request body is over the size limit".to_owned(),
        StatusCode::REQUEST_TIMEOUT => "the request took too long".to_owned(),
        _ if !text.is_empty() => text,
        _ => status.canonical_reason().unwrap_or("error").to_owned(),
    };
    error_response(status, code_of(status), &message)
}

/// CatchPanicLayer's answer: a 500 JSON error (the panic is logged).
pub(crate) fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    let what = err.downcast_ref::<String>().map(String::as_str).or_else(|| err.downcast_ref::<&str>().copied()).unwrap_or("panic");
    tracing::error!("handler panicked: {what}");
    error_response(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error (see the server log)")
}
