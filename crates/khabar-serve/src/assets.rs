//! The web page: HTML, CSS and JavaScript embedded in the binary.

use axum::extract::Path;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::AppError;

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");

/// No inline scripts, nothing from elsewhere: article text can never run.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
                   base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    r
}

/// `GET /`: the page (every view; `/?q=` opens with that search done).
pub async fn page() -> Response {
    asset(INDEX_HTML, "text/html; charset=utf-8")
}

/// `GET /assets/{file}`.
pub async fn file(Path(name): Path<String>) -> Result<Response, AppError> {
    match name.as_str() {
        "app.js" => Ok(asset(APP_JS, "text/javascript; charset=utf-8")),
        "app.css" => Ok(asset(APP_CSS, "text/css; charset=utf-8")),
        _ => Err(AppError::not_found(format!("no asset {name:?}"))),
    }
}
