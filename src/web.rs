//! The browser app, served by the same binary as the API: the files of `web/dist/` (built by
//! `npm run build` in `web/` and committed, so `cargo run` needs no Node.js) are embedded at
//! compile time and answered for every path the API and the websocket do not claim.
//!
//! [`app_or_not_found`] is the router's fallback. A path under `/api/` (or `/ws`,
//! `/healthz`, `/readyz`) that no route took keeps the JSON 404 of the API. A path naming a
//! file of the bundle gets that file; any other path (`/`, `/join` and `/invite` for invite links,
//! `/vi-kan` for the public assets page, deep links such as `/w/<workspace id>`) gets
//! `index.html`, and the app routes on it.
//!
//! Caching: the bundler puts a content hash in every file name under `assets/`, so those are
//! `public, max-age=31536000, immutable`; `index.html` (which names the current hashes) and
//! the other top-level files are `no-cache`, so a new deploy is seen at once. Compression: the
//! build writes a Brotli (`.br`) and a gzip (`.gz`) variant beside every compressible file;
//! the variant the client accepts is answered with `content-encoding` and
//! `vary: accept-encoding`, so no compression runs per request.
//!
//! Every file is sent with `x-content-type-options: nosniff`, and `index.html` with a
//! content security policy that lets the page load only the server's own scripts, styles and
//! connections (plus the `blob:` worker of the map's layout), so an injected script from
//! elsewhere does not run.

use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING,
    CONTENT_SECURITY_POLICY as CONTENT_SECURITY_POLICY_HEADER, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
    VARY, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::app_state::ApiError;

/// The built app, `web/dist/` at compile time.
#[derive(RustEmbed)]
#[folder = "web/dist/"]
struct AppFiles;

/// Cache header of files whose name carries their content hash.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache header of files a deploy changes under the same name.
const REVALIDATE: &str = "no-cache";
/// What the app's page may load: its own files and API, the layout worker made from a blob.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
    worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
    form-action 'self'";

/// The router's fallback: the app's files and `index.html` for app paths, the API's JSON 404
/// for API paths.
pub async fn app_or_not_found(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    if is_server_path(path) || !(method == Method::GET || method == Method::HEAD) {
        return not_found();
    }
    let wanted = path.trim_start_matches('/');
    let name = if !wanted.is_empty() && AppFiles::get(wanted).is_some() {
        wanted
    } else if wanted.starts_with("assets/") || looks_like_file(wanted) {
        // A missing hashed asset or file is a 404, not the app: a browser that asked for a
        // script must not get HTML.
        return not_found();
    } else {
        "index.html"
    };
    file_response(name, &headers).unwrap_or_else(not_found)
}

/// Paths that belong to the server itself, never to the app.
fn is_server_path(path: &str) -> bool {
    path == "/api"
        || path.starts_with("/api/")
        || path == "/ws"
        || path.starts_with("/ws/")
        || path == "/healthz"
        || path == "/readyz"
}

/// A last segment with a dot (`favicon.ico`, `robots.txt`) asks for a file.
fn looks_like_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

fn not_found() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such route; see /api/openapi.json",
    )
    .into_response()
}

/// The response for the bundle's file `name`, in the best encoding `request` accepts.
fn file_response(name: &str, request: &HeaderMap) -> Option<Response> {
    let plain = AppFiles::get(name)?;
    let accepted = request
        .get(ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let variant = [("br", ".br"), ("gzip", ".gz")]
        .into_iter()
        .filter(|(coding, _)| accepts(accepted, coding))
        .find_map(|(coding, suffix)| {
            AppFiles::get(&format!("{name}{suffix}")).map(|file| (coding, file))
        });
    let etag = format!("\"{}\"", hex::encode(&plain.metadata.sha256_hash()[..16]));
    let cache = if name.starts_with("assets/") {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let mut response = if request
        .get(IF_NONE_MATCH)
        .is_some_and(|value| value.as_bytes() == etag.as_bytes())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        match &variant {
            Some((coding, file)) => {
                let mut response = file.data.clone().into_owned().into_response();
                response
                    .headers_mut()
                    .insert(CONTENT_ENCODING, HeaderValue::from_static(coding));
                response
            }
            None => plain.data.into_owned().into_response(),
        }
    };
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type(name)));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if name.ends_with(".html") {
        headers.insert(
            CONTENT_SECURITY_POLICY_HEADER,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
    }
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(ETAG, value);
    }
    Some(response)
}

/// Whether an `accept-encoding` header value accepts `coding` (with a non-zero weight).
fn accepts(header: &str, coding: &str) -> bool {
    header.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or("");
        let refused = parts.any(|parameter| {
            parameter
                .strip_prefix("q=")
                .and_then(|weight| weight.parse::<f32>().ok())
                .is_some_and(|weight| weight <= 0.0)
        });
        name.eq_ignore_ascii_case(coding) && !refused
    })
}

/// The media type of a bundle file, by its extension.
fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_honours_weights() {
        assert!(accepts("gzip, deflate, br", "br"));
        assert!(accepts("gzip;q=1.0, br;q=0.5", "gzip"));
        assert!(!accepts("gzip;q=0, identity", "gzip"));
        assert!(!accepts("", "br"));
        assert!(!accepts("brotli", "br"));
    }

    #[test]
    fn server_paths_are_never_the_app() {
        for path in ["/api", "/api/nope", "/ws", "/healthz", "/readyz"] {
            assert!(is_server_path(path), "{path}");
        }
        for path in ["/", "/join", "/w/abc/map", "/apiary"] {
            assert!(!is_server_path(path), "{path}");
        }
    }
}
