-- Sessions of tower-sessions-sqlx-store, created here so every database
-- (tests included) has the table before the first request.
create schema if not exists tower_sessions;

create table if not exists tower_sessions.session (
    id          text primary key not null,
    data        bytea not null,
    expiry_date timestamptz not null
);

create index if not exists session_expiry_idx on tower_sessions.session (expiry_date);
