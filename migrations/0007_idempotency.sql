-- Issue 12: a write sent again (a phone's outbox retried after a lost
-- answer, a double tap, a duplicated request) is stored once. The key is
-- the client's, scoped to the user who sent it, and is written in the same
-- transaction as the record, so a key is taken exactly when its record is
-- stored; a repeat answers with the record stored under it.
create table idempotency_keys (
    user_id    bigint not null references users (id) on delete cascade,
    key        text not null check (key ~ '^[A-Za-z0-9_-]{8,100}$'),
    -- What the first send wrote: the audit log's entity, its id, and
    -- whether it was a creation or (a daily report) a replacement.
    entity     text not null,
    entity_id  text not null,
    action     text not null check (action in ('create', 'update')),
    created_at timestamptz not null,
    primary key (user_id, key)
);
