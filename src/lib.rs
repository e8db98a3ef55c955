//! Vùng Xanh: a dashboard for the COVID-19 command centres of a city, its
//! districts and its communes. See DESIGN.md for the product.
//!
//! Three layers whose imports only point down (a test keeps it so):
//! [`domain`] (pure types and rules) ← [`storage`] (SQL) ← [`web`]
//! (extractors, pages, API), with [`state::AppState`] between the last two.

pub mod domain;
pub mod state;
pub mod storage;
pub mod web;

pub use domain::clock::Clock;
pub use domain::config::Config;
pub use state::AppState;
pub use web::router;
