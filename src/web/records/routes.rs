//! Where each record's pages and API routes are mounted.

use axum::Router;

use super::{cases, checkpoints, contacts, daily, directives, openapi, paste, record, tasks};
use crate::state::AppState;
use crate::storage::records::clusters::ClusterRow;
use crate::storage::records::hotlines::{DutyRow, HotlineRow};
use crate::storage::records::inspections::InspectionRow;
use crate::storage::records::lockdowns::LockdownRow;
use crate::storage::records::sites::SiteRow;
use crate::storage::records::testing::TestingRow;
use crate::storage::records::units::UnitRow;

/// Every record's pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(cases::router())
        .merge(paste::router())
        .merge(record::pages::<ClusterRow>())
        .merge(record::pages::<SiteRow>())
        .merge(record::pages::<LockdownRow>())
        .merge(record::pages::<TestingRow>())
        .merge(record::pages::<HotlineRow>())
        .merge(record::pages::<DutyRow>())
        .merge(checkpoints::router())
        .merge(directives::router())
        .merge(tasks::router())
        .merge(record::pages::<UnitRow>())
        .merge(record::pages::<InspectionRow>())
        .merge(daily::router())
        .merge(contacts::router())
}

/// Every record's API routes.
pub fn api_router() -> Router<AppState> {
    Router::new()
        .merge(cases::api_router())
        .merge(record::api::<ClusterRow>())
        .merge(record::api::<SiteRow>())
        .merge(record::api::<LockdownRow>())
        .merge(record::api::<TestingRow>())
        .merge(record::api::<HotlineRow>())
        .merge(record::api::<DutyRow>())
        .merge(checkpoints::api_router())
        .merge(directives::api_router())
        .merge(tasks::api_router())
        .merge(record::api::<UnitRow>())
        .merge(record::api::<InspectionRow>())
        .merge(daily::api_router())
        .merge(contacts::api_router())
        .merge(openapi::router())
}
