//! The browser app served by the binary (`src/web.rs`): `/`, invite links and deep links give
//! `index.html` (not cached), hashed assets are immutable and come precompressed, and unknown
//! API paths still get the API's JSON 404.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a panic is how a test reports failure

mod common;

use common::TestServer;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY, CONTENT_TYPE, VARY,
    X_CONTENT_TYPE_OPTIONS,
};

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The script the app's `index.html` loads, e.g. `/assets/index-B_w_Njtx.js`.
fn entry_script(html: &str) -> String {
    let start = html
        .find("src=\"/assets/")
        .expect("index.html loads a script from /assets/")
        + 5;
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

#[tokio::test]
async fn the_app_is_served_at_the_root_invite_links_and_deep_links() {
    let server = TestServer::start().await;
    let base = format!("http://{}", server.address);
    let mut first_html = None;
    for path in [
        "/",
        "/join",
        "/vi-kan",
        "/w/f5a55859-ef1a-533e-a356-7737f6868912",
        "/w/roskilde-bibliotekerne/assets",
        "/anything/deep",
    ] {
        let response = server
            .http
            .get(format!("{base}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            header(&response, CONTENT_TYPE),
            "text/html; charset=utf-8",
            "{path}"
        );
        assert_eq!(header(&response, CACHE_CONTROL), "no-cache", "{path}");
        assert_eq!(
            header(&response, X_CONTENT_TYPE_OPTIONS),
            "nosniff",
            "{path}"
        );
        assert!(
            header(&response, CONTENT_SECURITY_POLICY).contains("script-src 'self'"),
            "{path}"
        );
        let html = response.text().await.unwrap();
        assert!(html.contains("<div id=\"app\">"), "{path}: {html}");
        assert_eq!(
            first_html.get_or_insert_with(|| html.clone()),
            &html,
            "{path}"
        );
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_precompressed() {
    let server = TestServer::start().await;
    let base = format!("http://{}", server.address);
    let html = server
        .http
        .get(&base)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let script = entry_script(&html);

    let plain = server
        .http
        .get(format!("{base}{script}"))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 200);
    assert_eq!(
        header(&plain, CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        header(&plain, CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(header(&plain, CONTENT_ENCODING), "");
    let plain_bytes = plain.bytes().await.unwrap();

    for (accept, coding) in [
        ("gzip, deflate, br", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
    ] {
        let compressed = server
            .http
            .get(format!("{base}{script}"))
            .header(ACCEPT_ENCODING, accept)
            .send()
            .await
            .unwrap();
        assert_eq!(compressed.status(), 200);
        assert_eq!(header(&compressed, CONTENT_ENCODING), coding, "{accept}");
        assert_eq!(header(&compressed, VARY), "accept-encoding");
        assert_eq!(
            header(&compressed, CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        let bytes = compressed.bytes().await.unwrap();
        assert!(bytes.len() < plain_bytes.len(), "{coding} is smaller");
        if coding == "gzip" {
            assert_eq!(&bytes[..2], &[0x1f, 0x8b], "a gzip stream");
        }
    }

    // A hashed asset that does not exist is a 404, never index.html.
    let missing = server
        .http
        .get(format!("{base}/assets/index-00000000.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn unknown_api_paths_keep_the_json_404() {
    let server = TestServer::start().await;
    let base = format!("http://{}", server.address);
    for path in ["/api/nope", "/api", "/api/workspaces/x/y/z"] {
        let response = server
            .http
            .get(format!("{base}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(
            header(&response, CONTENT_TYPE),
            "application/json",
            "{path}"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "not_found", "{path}");
    }
    // The app is for reading: other methods on app paths get the JSON 404 too.
    let post = server
        .http
        .post(format!("{base}/join"))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 404);
}
