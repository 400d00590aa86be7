//! The request-body limit, answered so that every client can read the 413.
//!
//! A body over the limit used to be refused by the handlers' extractor before it
//! was read; hyper then closed the connection with the rest of the body unread,
//! and the kernel answers data that arrives on a closed socket with a reset. A
//! client that writes the whole body before reading the answer (urllib,
//! requests, `curl -H 'Expect:'` on a slow link, this crate's client) saw a
//! broken pipe or a reset connection instead of the JSON 413. So this layer
//! reads the rest of such a body and drops it — at most [`DRAIN_BYTES`] bytes,
//! for at most [`DRAIN_TIME`] — then answers 413; when it could not read it all
//! it says `Connection: close`. A client that sent `Expect: 100-continue` has
//! not sent the body yet: it gets the 413 at once, nothing is read.

use std::pin::Pin;
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::error_response;

/// The most bytes of an over-limit body read (and dropped) so that the client
/// can read the 413; a body that declares more is answered at once.
pub const DRAIN_BYTES: u64 = 64 * 1024 * 1024;

/// The longest time spent reading the rest of an over-limit body.
pub const DRAIN_TIME: Duration = Duration::from_secs(10);

/// The next data of a body (trailers skipped); `None` at its end.
async fn next_data(body: &mut Body) -> Option<Result<Bytes, axum::Error>> {
    loop {
        match std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await? {
            Ok(frame) => {
                if let Ok(data) = frame.into_data() {
                    return Some(Ok(data));
                }
            }
            Err(e) => return Some(Err(e)),
        }
    }
}

/// Read `body` to its end and drop it, within `budget` bytes and [`DRAIN_TIME`]:
/// true when the end was reached.
pub(crate) async fn drain(mut body: Body, mut budget: u64) -> bool {
    let read = async {
        while let Some(data) = next_data(&mut body).await {
            let Ok(data) = data else { return false };
            let n = u64::try_from(data.len()).unwrap_or(u64::MAX);
            if n > budget {
                return false;
            }
            budget -= n;
        }
        true
    };
    tokio::time::timeout(DRAIN_TIME, read).await.unwrap_or(false)
}

fn too_large(drained: bool) -> Response {
    let mut r = error_response(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is over the size limit");
    if !drained {
        r.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    r
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok())
}

/// Middleware: a body over `limit` bytes is answered 413 after the rest of it is
/// read (see the module's comment). A declared length is judged from the
/// header; a chunked body is read here, and passed on whole when within the limit.
pub(crate) async fn body_limit(State(limit): State<usize>, req: Request, next: Next) -> Response {
    let limit = u64::try_from(limit).unwrap_or(u64::MAX);
    let headers = req.headers();
    if let Some(n) = declared_length(headers) {
        if n <= limit {
            return next.run(req).await;
        }
        let waits = headers.get(header::EXPECT).is_some();
        let drained = !waits && n <= DRAIN_BYTES && drain(req.into_body(), n).await;
        return too_large(drained);
    }
    if !headers.contains_key(header::TRANSFER_ENCODING) {
        return next.run(req).await;
    }
    let (parts, mut body) = req.into_parts();
    let mut buf: Vec<u8> = Vec::new();
    while let Some(data) = next_data(&mut body).await {
        let data = match data {
            Ok(d) => d,
            Err(e) => return error_response(StatusCode::BAD_REQUEST, "bad_request", &format!("could not read the request body: {e}")),
        };
        if u64::try_from(buf.len() + data.len()).unwrap_or(u64::MAX) > limit {
            return too_large(drain(body, DRAIN_BYTES).await);
        }
        buf.extend_from_slice(&data);
    }
    next.run(Request::from_parts(parts, Body::from(buf))).await
}
