//! The one error type every layer returns. What it means to the user (a
//! status, a page, a JSON body) is decided by the web layer; how a database
//! failure maps onto it, by the storage layer.

use crate::domain::i18n::Lang;

/// Errors attached to the fields of a form or a JSON body: field name → (catalogue key, arguments).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(pub Vec<(String, String, Vec<String>)>);

impl FieldErrors {
    /// Adds an error for `field`.
    pub fn add(&mut self, field: &str, key: &str) {
        self.0
            .push((field.to_string(), key.to_string(), Vec::new()));
    }

    /// Adds an error with placeholder arguments.
    pub fn add_with(&mut self, field: &str, key: &str, args: &[&str]) {
        self.0.push((
            field.to_string(),
            key.to_string(),
            args.iter().map(|s| s.to_string()).collect(),
        ));
    }

    /// Whether there is no error.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for `field` in `lang`, if it has an error.
    pub fn get(&self, field: &str, lang: Lang) -> Option<String> {
        self.0
            .iter()
            .find(|(f, _, _)| f == field)
            .map(|(_, key, args)| {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                lang.tf(key, &args)
            })
    }

    /// The messages of errors on fields a form does not draw (`drawn` are
    /// those it does): a hidden key's error is shown above the form.
    pub fn others(&self, drawn: &[&str], lang: Lang) -> Vec<String> {
        let mut names: Vec<&str> = Vec::new();
        for (f, _, _) in &self.0 {
            if !drawn.contains(&f.as_str()) && !names.contains(&f.as_str()) {
                names.push(f);
            }
        }
        names
            .into_iter()
            .filter_map(|n| self.get(n, lang))
            .collect()
    }

    /// `Ok(())` when empty, else the errors as an [`AppError::Invalid`].
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self))
        }
    }
}

/// What went wrong, as the user should hear it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Malformed request (400).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Not signed in, or no valid token (401).
    #[error("not signed in")]
    Unauthorized,
    /// Signed in but not allowed (403).
    #[error("forbidden")]
    Forbidden,
    /// A form without a valid CSRF token (403).
    #[error("missing or wrong CSRF token")]
    Csrf,
    /// No such page or record (404).
    #[error("not found")]
    NotFound,
    /// A duplicate or a stale version (409).
    #[error("conflict")]
    Conflict(FieldErrors),
    /// Values that do not pass validation (422).
    #[error("invalid values")]
    Invalid(FieldErrors),
    /// A date in a query or path outside the dates the system serves (400):
    /// from [`crate::domain::forms::EARLIEST_DATE`] to `latest`.
    #[error("date out of range")]
    DateOutOfRange {
        /// The last date served.
        latest: chrono::NaiveDate,
    },
    /// Too many attempts (429); try again after this many minutes.
    #[error("rate limited")]
    RateLimited(i64),
    /// The database cannot be reached (503).
    #[error("database unavailable: {0}")]
    Unavailable(#[source] anyhow::Error),
    /// The primary database is lost and another not yet found (503, retry
    /// after a few seconds): pages are read-only meanwhile.
    #[error("database primary switching")]
    Switching,
    /// Anything else (500); logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}
