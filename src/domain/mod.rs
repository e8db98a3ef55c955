//! The domain layer: pure types and rules, unit-tested. Nothing here
//! names axum, askama, tower or sqlx.

pub mod account;
pub mod alerts;
pub mod area;
pub mod body;
pub mod clock;
pub mod config;
pub mod contacts;
pub mod country;
pub mod error;
pub mod fields;
pub mod forms;
pub mod i18n;
pub mod password;
pub mod person;
pub mod policy;
pub mod tiles;
pub mod trend;
pub mod vocab;
pub mod zone;
