//! (in progress)

use axum::Router;

use crate::AppState;

/// Routes of the pages.
pub fn router() -> Router<AppState> {
    Router::new()
}

/// Routes of the API.
pub fn api_router() -> Router<AppState> {
    Router::new()
}
