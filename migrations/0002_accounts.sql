create table users (
    id            bigserial primary key,
    username      text not null unique check (username ~ '^[a-z0-9._-]{3,64}$'),
    display_name  text not null default '',
    password_hash text not null,
    role          text not null check (role in ('commune', 'district', 'city', 'admin')),
    area_code     text not null references areas (code),
    disabled_at   timestamptz,
    created_at    timestamptz not null,
    updated_at    timestamptz not null
);

create index users_area_idx on users (area_code);

-- Bearer tokens for the JSON API; only a SHA-256 of the token is kept.
create table api_tokens (
    id         bigserial primary key,
    user_id    bigint not null references users (id),
    token_hash bytea not null unique,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    revoked_at timestamptz
);

create index api_tokens_user_idx on api_tokens (user_id);

-- Failed sign-ins, kept in the database so every copy of the web tier
-- applies the same limit.
create table sign_in_failures (
    id       bigserial primary key,
    username text not null,
    address  text not null,
    at       timestamptz not null
);

create index sign_in_failures_username_idx on sign_in_failures (username, at);
create index sign_in_failures_address_idx on sign_in_failures (address, at);

-- Every write: who, when, what, old and new values.
create table audit_log (
    id        bigserial primary key,
    at        timestamptz not null,
    user_id   bigint references users (id),
    username  text not null,
    area_code text references areas (code),
    action    text not null,
    entity    text not null,
    entity_id text not null,
    old_value jsonb,
    new_value jsonb
);

create index audit_log_area_idx on audit_log (area_code, at desc);
create index audit_log_user_idx on audit_log (user_id, at desc);
create index audit_log_at_idx on audit_log (at desc);
