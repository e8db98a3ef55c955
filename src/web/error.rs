//! One error type for the whole application. A handler returns `AppError`;
//! the response carries an [`ErrorInfo`] that [`render_errors`] turns into a
//! friendly page in the user's language, or into the JSON error of the API.
//! Details of 5xx errors go to the log only.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

pub use crate::domain::error::{AppError, FieldErrors};
use crate::domain::i18n::Lang;

/// How an error answers over HTTP.
pub trait HttpError {
    /// The HTTP status this error answers with.
    fn status_code(&self) -> StatusCode;
    /// The error as the page or JSON renderer needs it.
    fn info(&self) -> ErrorInfo;
}

impl HttpError for AppError {
    /// The HTTP status this error answers with.
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) | Self::DateOutOfRange { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::Csrf => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::Switching => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn info(&self) -> ErrorInfo {
        let status = self.status_code();
        let (code, message_key, args, fields) = match self {
            Self::BadRequest(_) => ("bad_request", "error.400", vec![], FieldErrors::default()),
            Self::DateOutOfRange { latest } => (
                "bad_request",
                "error.400_date",
                vec![latest.format("%d/%m/%Y").to_string()],
                FieldErrors::default(),
            ),
            Self::Unauthorized => ("unauthorized", "error.401", vec![], FieldErrors::default()),
            Self::Forbidden => ("forbidden", "error.403", vec![], FieldErrors::default()),
            Self::Csrf => ("csrf", "error.403_csrf", vec![], FieldErrors::default()),
            Self::NotFound => ("not_found", "error.404", vec![], FieldErrors::default()),
            Self::Conflict(f) => ("conflict", "error.409", vec![], f.clone()),
            Self::Invalid(f) => ("invalid", "error.422", vec![], f.clone()),
            Self::RateLimited(m) => (
                "rate_limited",
                "auth.rate_limited",
                vec![m.to_string()],
                FieldErrors::default(),
            ),
            Self::Unavailable(_) => ("unavailable", "error.503", vec![], FieldErrors::default()),
            Self::Switching => (
                "switching",
                "error.503_switching",
                vec![],
                FieldErrors::default(),
            ),
            Self::Internal(_) => ("internal", "error.500", vec![], FieldErrors::default()),
        };
        ErrorInfo {
            status,
            code,
            message_key,
            args,
            fields,
        }
    }
}

/// The error as carried from the handler to [`render_errors`].
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    status: StatusCode,
    code: &'static str,
    message_key: &'static str,
    args: Vec<String>,
    fields: FieldErrors,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            Self::Internal(e) => tracing::error!(error = ?e, "internal error"),
            Self::Unavailable(e) => tracing::warn!(error = %e, "database unavailable"),
            _ => tracing::debug!(error = %self, "request refused"),
        }
        let info = self.info();
        let mut res = info.status.into_response();
        match self {
            Self::RateLimited(m) => {
                res.headers_mut().insert(
                    header::RETRY_AFTER,
                    (m * 60).to_string().parse().expect("number"),
                );
            }
            Self::Switching => {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
            }
            _ => {}
        }
        res.extensions_mut().insert(info);
        res
    }
}

/// Whether a request is for the JSON API.
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// The language of a page: the `lang` cookie set by the switch, else
/// Vietnamese — whatever language the browser itself was installed in.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    cookie(headers, "lang")
        .and_then(|v| Lang::parse(&v))
        .unwrap_or_default()
}

/// The language of an API error: `Accept-Language` for other systems
/// (English when asked), else Vietnamese.
pub fn api_lang(headers: &HeaderMap) -> Lang {
    if let Some(l) = cookie(headers, "lang").and_then(|v| Lang::parse(&v)) {
        return l;
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.trim_start().to_ascii_lowercase().starts_with("en") {
        Lang::En
    } else {
        Lang::Vi
    }
}

/// The value of cookie `name` from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Marks an error response whose body is meant as it is (`/readyz`'s
/// reason for a load balancer and an operator): not turned into a page.
#[derive(Debug, Clone, Copy)]
pub struct AsIs;

/// Renders every error response in one place: the JSON error shape under
/// `/api/`, a page in the user's language elsewhere, a redirect to sign-in
/// for an anonymous page visit. Errors raised by axum itself (unknown route,
/// wrong method, body too large, malformed body) get the same treatment.
pub async fn render_errors(uri: OriginalUri, req: Request, next: Next) -> Response {
    let path = uri.path().to_string();
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    let lang = if is_api_path(&path) {
        api_lang(req.headers())
    } else {
        request_lang(req.headers())
    };
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error())
        || res.extensions().get::<AsIs>().is_some()
    {
        return res;
    }
    let info = match res.extensions().get::<ErrorInfo>() {
        Some(info) => info.clone(),
        None => {
            // A response a handler built on purpose (a form shown again with its errors).
            let ct = res
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            // A 5xx is never a page on purpose (a session that failed to save
            // turns the handler's page into a 500): it gets the error page.
            if (ct.starts_with("text/html") || ct.starts_with("application/json"))
                && !status.is_server_error()
            {
                return res;
            }
            framework_error(status)
        }
    };
    let retry_after = res.headers().get(header::RETRY_AFTER).cloned();
    let mut out = if is_api_path(&path) {
        let fields: serde_json::Map<String, serde_json::Value> = info
            .fields
            .0
            .iter()
            .map(|(f, _, _)| {
                (
                    f.clone(),
                    info.fields.get(f, lang).unwrap_or_default().into(),
                )
            })
            .collect();
        let args: Vec<&str> = info.args.iter().map(String::as_str).collect();
        let body = serde_json::json!({"error": {
            "code": info.code,
            "message": lang.tf(info.message_key, &args),
            "fields": fields,
        }});
        (info.status, axum::Json(body)).into_response()
    } else if info.status == StatusCode::UNAUTHORIZED {
        let next = format!("{path}{query}");
        Redirect::to(&format!("/sign-in?next={}", url_encode(&next))).into_response()
    } else {
        let args: Vec<&str> = info.args.iter().map(String::as_str).collect();
        let page = ErrorPage {
            lang,
            status: info.status.as_u16(),
            message: lang.tf(info.message_key, &args),
            fields: info
                .fields
                .0
                .iter()
                .map(|(f, _, _)| (f.clone(), info.fields.get(f, lang).unwrap_or_default()))
                .collect(),
        };
        (info.status, page).into_response()
    };
    if let Some(v) = retry_after {
        out.headers_mut().insert(header::RETRY_AFTER, v);
    }
    out
}

/// What a handler that panicked answers: a 500 that [`render_errors`]
/// turns into the usual error page or JSON error. The panic is logged.
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    AppError::Internal(anyhow::anyhow!("a handler panicked: {what}")).into_response()
}

fn framework_error(status: StatusCode) -> ErrorInfo {
    let (code, key) = match status.as_u16() {
        400 => ("bad_request", "error.400"),
        401 => ("unauthorized", "error.401"),
        403 => ("forbidden", "error.403"),
        404 | 405 => ("not_found", "error.404"),
        408 => ("timeout", "error.408"),
        413 => ("too_large", "error.413"),
        422 => ("invalid", "error.422"),
        429 => ("rate_limited", "error.429"),
        503 => ("unavailable", "error.503"),
        s if s >= 500 => ("internal", "error.500"),
        _ => ("bad_request", "error.400"),
    };
    ErrorInfo {
        status,
        code,
        message_key: key,
        args: vec![],
        fields: FieldErrors::default(),
    }
}

/// The error page, in the user's language.
#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub lang: Lang,
    pub status: u16,
    pub message: String,
    pub fields: Vec<(String, String)>,
}

impl ErrorPage {
    fn t<'a>(&self, key: &'a str) -> &'a str {
        self.lang.t(key)
    }
}

/// Percent-encodes a string for a URL query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
