//! PostgreSQL for the tests: the server at `PARTNERHUB_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/test`; `skip` runs the tests that need it as no-ops
//! that say so) and a schema of each test's own, dropped at the end.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use uuid::Uuid;

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The PostgreSQL server the tests use, or `None` when told to skip it.
pub fn postgres_base_url() -> Option<String> {
    match std::env::var("PARTNERHUB_TEST_POSTGRES") {
        Ok(value) if value == "skip" => None,
        Ok(value) if !value.is_empty() => Some(value),
        _ => Some(DEFAULT_POSTGRES_URL.to_owned()),
    }
}

/// A connection outside any store, for setting up and inspecting schemas.
pub async fn raw_client(url: &str) -> (tokio_postgres::Client, tokio::task::JoinHandle<()>) {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|error| {
            panic!(
                "cannot reach PostgreSQL at {url} ({error}); start it, point \
                 PARTNERHUB_TEST_POSTGRES at another server, or set it to `skip`"
            )
        });
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    (client, driver)
}

/// A schema of one test's own, dropped when the guard drops (also when the test panics).
pub struct TestSchema {
    pub name: String,
    pub base_url: String,
}

impl TestSchema {
    pub async fn create() -> Option<Self> {
        let base_url = postgres_base_url()?;
        let name = format!("ph_test_{}", Uuid::new_v4().simple());
        let (client, driver) = raw_client(&base_url).await;
        client
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .await
            .unwrap();
        drop(client);
        let _ = driver.await;
        Some(TestSchema { name, base_url })
    }

    /// The URL a store opens: the server's, with the schema as the search path.
    pub fn url(&self) -> String {
        let separator = if self.base_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{separator}options=-c%20search_path%3D{}",
            self.base_url, self.name
        )
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        let (url, name) = (self.base_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime; a thread of its own may block on another.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let Ok((client, connection)) =
                    tokio_postgres::connect(&url, tokio_postgres::NoTls).await
                else {
                    return;
                };
                let driver = tokio::spawn(connection);
                let _ = client
                    .batch_execute(&format!(
                        "SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS {name} CASCADE"
                    ))
                    .await;
                drop(client);
                let _ = driver.await;
            });
        });
        let _ = dropped.join();
    }
}
