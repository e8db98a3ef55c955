//! The integration suite as one binary (links once): a module per area of
//! behaviour, each test against a database of its own (`#[sqlx::test]`).

mod common;

mod access;
mod access_records;
mod accessibility;
mod alerts;
mod api_document;
mod areas;
mod auth;
mod backup;
mod bad_input;
mod browser;
mod cases;
mod contacts;
mod dashboard;
mod directives_tasks;
mod failover;
mod feed;
mod hardening;
mod layers;
mod lists;
mod metrics;
mod offline;
mod operations;
mod paste;
mod pg_cluster;
mod provinces;
mod records;
mod reliability;
mod replica;
mod upgrade;
