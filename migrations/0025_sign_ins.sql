-- Issue 25: a user sees where they are signed in. One row per sign-in,
-- removed at sign-out; a row of an older session generation (a changed
-- password, "sign out everywhere") or older than a session may live is
-- over and is not shown.
create table sign_ins (
    id           bigserial primary key,
    user_id      bigint not null references users (id) on delete cascade,
    generation   integer not null,
    signed_in_at timestamptz not null,
    address      text not null,
    user_agent   text not null default ''
);
create index sign_ins_user_idx on sign_ins (user_id, signed_in_at desc);
