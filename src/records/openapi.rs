//! (in progress)

use axum::Router;

use crate::AppState;

/// `GET /openapi.json`.
pub fn router() -> Router<AppState> {
    Router::new()
}
