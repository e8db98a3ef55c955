//! The API's JSON bodies, read with the API's errors.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::domain::error::{AppError, FieldErrors};

/// A JSON body; a malformed one is 400, one with wrong types or missing
/// fields is 422 with the parser's explanation.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(JsonRejection::JsonDataError(e)) => {
                let mut f = FieldErrors::default();
                f.add_with("body", "err.json_data", &[&e.body_text()]);
                Err(AppError::Invalid(f))
            }
            Err(e) => Err(AppError::BadRequest(e.body_text())),
        }
    }
}
