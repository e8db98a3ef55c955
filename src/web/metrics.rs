//! `/metrics` in Prometheus's text format, for the operator's monitoring:
//! requests and their latency per route, and the gauges read at each scrape
//! (the database pool). What the layers below count — board computations and
//! cache hits, sign-in failures and refusals, idempotent writes, pool
//! timeouts — goes through the `metrics` facade to the same recorder.
//!
//! Who may read it: with `VX_METRICS_TOKEN`, whoever sends it as a bearer
//! token; without, only a client on this machine that did not come through
//! the proxy (Prometheus scraping 127.0.0.1 directly).

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::state::AppState;
use crate::storage::tokens::constant_time_eq;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Latency buckets, in seconds: a page is expected within 50 ms, a board
/// computation within a few hundred, nothing beyond the 30 s request timeout.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The process's recorder, installed on first use (one per process: every
/// router in it, tests included, reports to it).
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
            .expect("buckets are not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was installed already; /metrics shows only its own");
        }
        describe();
        handle
    })
}

fn describe() {
    describe_counter!(
        "vx_http_requests_total",
        "Requests answered, by method, route and status."
    );
    describe_histogram!(
        "vx_http_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to answer a request, by method and route."
    );
    describe_gauge!("vx_http_requests_in_flight", "Requests being answered.");
    describe_gauge!(
        "vx_db_pool_connections",
        "Database connections open, by state (in_use, idle)."
    );
    describe_gauge!(
        "vx_db_pool_max_connections",
        "The pool's ceiling (VX_DB_MAX_CONNECTIONS)."
    );
    describe_counter!(
        "vx_db_pool_timeouts_total",
        "Requests that waited for a database connection longer than allowed (answered 503)."
    );
    describe_counter!(
        "vx_board_computations_total",
        "Dashboards computed from the database, by level of the area shown."
    );
    describe_histogram!(
        "vx_board_computation_seconds",
        metrics::Unit::Seconds,
        "Time to compute a dashboard, by level."
    );
    describe_histogram!(
        "vx_board_render_seconds",
        metrics::Unit::Seconds,
        "Time to draw a dashboard's board (figures, map, curves, table) after it was computed, by level."
    );
    describe_counter!(
        "vx_board_cache_hits_total",
        "Dashboards served from the cache, still fresh."
    );
    describe_counter!(
        "vx_sign_in_failures_total",
        "Sign-ins with a wrong username or password."
    );
    describe_counter!(
        "vx_sign_in_refusals_total",
        "Sign-ins refused by a rate limit (per account and address, per address, per account)."
    );
    describe_counter!(
        "vx_idempotent_writes_total",
        "Writes sent with an idempotency key (forms, the offline outbox): stored, or a repeat answered as the first."
    );
}

/// Counts and times every request by its route's pattern (not its path, so
/// the labels stay few); a path no route matches is `unmatched`.
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    let method = match *req.method() {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PATCH => "PATCH",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let started = Instant::now();
    let in_flight = gauge!("vx_http_requests_in_flight");
    in_flight.increment(1.0);
    let res = next.run(req).await;
    in_flight.decrement(1.0);
    histogram!("vx_http_request_duration_seconds", "method" => method, "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    counter!(
        "vx_http_requests_total",
        "method" => method,
        "route" => route,
        "status" => res.status().as_u16().to_string()
    )
    .increment(1);
    res
}

/// `GET /metrics`.
pub async fn metrics(State(state): State<AppState>, req: Request) -> Response {
    if let Some((status, why)) = refused(&state, req.headers(), req.extensions().get()) {
        return refusal(status, why);
    }
    let pool = &state.db;
    let idle = pool.num_idle() as f64;
    gauge!("vx_db_pool_connections", "state" => "idle").set(idle);
    gauge!("vx_db_pool_connections", "state" => "in_use").set(f64::from(pool.size()) - idle);
    gauge!("vx_db_pool_max_connections").set(f64::from(pool.options().get_max_connections()));
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle().render(),
    )
        .into_response()
}

/// Why a scrape is refused, if it is.
fn refused(
    state: &AppState,
    headers: &HeaderMap,
    peer: Option<&ConnectInfo<SocketAddr>>,
) -> Option<(StatusCode, &'static str)> {
    match &state.config.metrics_token {
        Some(token) => {
            let sent = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "))
                .unwrap_or_default();
            (!constant_time_eq(sent, token.as_bytes())).then_some((
                StatusCode::UNAUTHORIZED,
                "send VX_METRICS_TOKEN as a bearer token",
            ))
        }
        None => {
            let local = peer.is_some_and(|c| c.0.ip().is_loopback());
            (!local || headers.contains_key("x-forwarded-for")).then_some((
                StatusCode::FORBIDDEN,
                "only from this machine, not through the proxy; or set VX_METRICS_TOKEN",
            ))
        }
    }
}

/// A refusal for a scraper, in the API's JSON shape (which the error pages
/// leave as it is: a 401 here is no reason to send anyone to the sign-in page).
fn refusal(status: StatusCode, message: &str) -> Response {
    let code = if status == StatusCode::UNAUTHORIZED {
        "unauthorized"
    } else {
        "forbidden"
    };
    let mut res = (
        status,
        axum::Json(serde_json::json!({"error": {"code": code, "message": message, "fields": {}}})),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer"),
        );
    }
    res
}

/// Folds the recorded latencies into their buckets now and then, so memory
/// stays flat between scrapes (or without any).
pub async fn upkeep() {
    let mut every = tokio::time::interval(Duration::from_secs(5));
    loop {
        every.tick().await;
        handle().run_upkeep();
    }
}
