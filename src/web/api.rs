//! The JSON API under `/api/v1` (DESIGN §7): same rules as the pages,
//! bearer tokens only, errors as `{"error": {"code", "message", "fields"}}`.

use axum::Router;

use crate::domain::error::AppError;
use crate::state::AppState;

/// Every API route, to be nested under `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(crate::web::sign_in::api_router())
        .merge(crate::web::areas::api_router())
        .merge(crate::web::country::api_router())
        .merge(crate::web::users::api_router())
        .merge(crate::web::records::routes::api_router())
        .fallback(|| async { AppError::NotFound })
}
