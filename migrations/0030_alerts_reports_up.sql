-- Alerts, their webhooks, and the district's daily report to the city
-- (issue 27, DESIGN §3b).

-- An alert stands from `since` while its rule's condition holds for the
-- area, and is ended (never deleted) when it stops. One open alert per
-- area, kind and subject (a site, a directive's target, a tier, a day):
-- two evaluations racing cannot raise the same alert twice.
create table alerts (
    id         bigserial primary key,
    city_code  text not null references areas (code),
    -- The district the area is or lies in (none for the city): a district
    -- reads its alerts by this.
    district_code text references areas (code),
    area_code  text not null references areas (code),
    kind       text not null check (kind in ('red', 'level', 'site_full', 'tier_full', 'tests_late',
                                             'overdue', 'report_missing', 'home_forbidden',
                                             'report_up_missing')),
    subject    text not null default '',
    severity   smallint not null check (severity between 1 and 3),
    -- What the condition was when raised (names and figures for the message).
    detail     jsonb not null default '{}',
    since      timestamptz not null,
    ended_at   timestamptz
);
create unique index alerts_open_key on alerts (area_code, kind, subject) where ended_at is null;
create index alerts_city_open_idx on alerts (city_code, severity, since) where ended_at is null;
create index alerts_area_since_idx on alerts (area_code, since desc);
create index alerts_district_open_idx on alerts (district_code) where ended_at is null;

-- "Đã xem": who has seen which alert.
create table alert_seen (
    alert_id bigint not null references alerts (id),
    user_id  bigint not null references users (id),
    seen_at  timestamptz not null,
    primary key (alert_id, user_id)
);
create index alert_seen_user_idx on alert_seen (user_id);

-- The level each area stood at when last evaluated: a rise is told from a
-- fall only against what was seen before.
create table alert_levels (
    area_code text primary key references areas (code),
    city_code text not null references areas (code),
    level     smallint not null check (level between 1 and 4)
);

-- Where an area's alerts (its own and those of the areas under it) are sent.
create table alert_hooks (
    area_code  text primary key references areas (code),
    url        text not null check (url ~ '^https?://[^[:space:]]+$' and length(url) <= 500),
    secret     text not null check (length(secret) between 16 and 200),
    updated_at timestamptz not null
);

-- One delivery per alert and hook, whatever the retries and restarts: the
-- primary key is what "never twice" rests on.
create table alert_deliveries (
    alert_id   bigint not null references alerts (id),
    hook_area  text not null references alert_hooks (area_code),
    state      text not null default 'pending' check (state in ('pending', 'sent', 'given_up')),
    attempts   integer not null default 0,
    next_at    timestamptz not null,
    last_code  integer,
    last_error text,
    sent_at    timestamptz,
    primary key (alert_id, hook_area)
);
create index alert_deliveries_due_idx on alert_deliveries (next_at) where state = 'pending';

-- Pages count unseen alerts from memory while nothing about alerts changed.
create function alerts_feed() returns trigger language plpgsql as $$
begin
    perform pg_notify('vx_feed', 'alerts');
    return null;
end $$;
create trigger alerts_feed after insert or update or delete on alerts
    for each statement execute function alerts_feed();
create trigger alert_seen_feed after insert or update or delete on alert_seen
    for each statement execute function alerts_feed();

-- A district's daily report up to the city: its figures as filed (prefilled
-- from its board, editable), and its remarks.
create table district_reports (
    district_code text not null references areas (code),
    day           date not null,
    city_code     text not null references areas (code),
    new_f0        integer not null check (new_f0 >= 0),
    active_f0     integer not null check (active_f0 >= 0),
    f1_held       integer not null check (f1_held >= 0),
    free_places   integer not null check (free_places >= 0),
    red_communes  integer not null check (red_communes >= 0),
    level         smallint not null check (level between 1 and 4),
    situation     text not null default '' check (length(situation) <= 4000),
    difficulties  text not null default '' check (length(difficulties) <= 4000),
    proposals     text not null default '' check (length(proposals) <= 4000),
    filed_by      bigint references users (id),
    version       integer not null default 1,
    updated_at    timestamptz not null,
    primary key (district_code, day)
);
create index district_reports_city_day_idx on district_reports (city_code, day);

-- A report filed moves the city's stamp: the alert for a missing one ends.
create trigger district_reports_stamp after insert or update or delete on district_reports
    for each row execute function stamp_rest_by_city_code();
