-- The records of DESIGN §3. Every record carries the codes of its commune,
-- district and city, so lists and rollups filter by jurisdiction without
-- walking the tree, and the tables can later be distributed by city_code.

create table clusters (
    id            bigserial primary key,
    city_code     text not null references areas (code),
    district_code text not null references areas (code),
    commune_code  text not null references areas (code),
    name          text not null check (length(name) between 1 and 200),
    opened_on     date not null,
    closed_on     date check (closed_on >= opened_on),
    note          text not null default '',
    version       integer not null default 1,
    created_at    timestamptz not null,
    updated_at    timestamptz not null
);
create index clusters_commune_idx on clusters (commune_code, opened_on);
create index clusters_district_idx on clusters (district_code, opened_on);

create table cases (
    id            bigserial primary key,
    city_code     text not null references areas (code),
    district_code text not null references areas (code),
    commune_code  text not null references areas (code),
    case_code     text not null check (case_code ~ '^[A-Z0-9][A-Z0-9._/-]{1,29}$'),
    detected_on   date not null,
    detected_in   text not null check (detected_in in ('community', 'quarantine', 'lockdown', 'screening')),
    status        text not null check (status in ('treating', 'recovered', 'died', 'transferred')),
    status_on     date not null check (status_on >= detected_on),
    treated_at    text check (treated_at in ('home', 'commune_station', 'tier1', 'tier2', 'tier3')),
    cluster_id    bigint references clusters (id),
    village       text not null default '',
    sex           text check (sex in ('m', 'f')),
    birth_year    integer check (birth_year between 1900 and 2100),
    full_name     text not null default '',
    phone         text not null default '',
    address       text not null default '',
    voided_at     timestamptz,
    void_reason   text,
    version       integer not null default 1,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    -- Unique within the city (the distribution key, should the tables be sharded).
    constraint cases_case_code_key unique (city_code, case_code)
);
create index cases_commune_idx on cases (commune_code, detected_on);
create index cases_district_idx on cases (district_code, detected_on);
create index cases_city_idx on cases (city_code, detected_on);
create index cases_cluster_idx on cases (cluster_id) where cluster_id is not null;

create table quarantine_sites (
    id            bigserial primary key,
    city_code     text not null references areas (code),
    district_code text references areas (code),
    area_code     text not null references areas (code),
    name          text not null check (length(name) between 1 and 200),
    kind          text not null check (kind in ('centralised', 'treatment', 'lockdown')),
    run_by        text not null check (run_by in ('city', 'district', 'commune', 'military')),
    capacity      integer not null check (capacity >= 0),
    occupancy     integer not null check (occupancy >= 0 and occupancy <= capacity),
    status        text not null check (status in ('standby', 'active', 'closed')),
    status_on     date not null,
    version       integer not null default 1,
    created_at    timestamptz not null,
    updated_at    timestamptz not null
);
create index quarantine_sites_area_idx on quarantine_sites (area_code);
create index quarantine_sites_district_idx on quarantine_sites (district_code);
create index quarantine_sites_city_idx on quarantine_sites (city_code);

-- Every change of occupancy, capacity or status, so occupancy can be drawn over time.
create table quarantine_occupancy (
    id        bigserial primary key,
    site_id   bigint not null references quarantine_sites (id),
    at        timestamptz not null,
    occupancy integer not null,
    capacity  integer not null,
    status    text not null
);
create index quarantine_occupancy_site_idx on quarantine_occupancy (site_id, at);

create table checkpoints (
    id            bigserial primary key,
    city_code     text not null references areas (code),
    district_code text references areas (code),
    area_code     text not null references areas (code),
    name          text not null check (length(name) between 1 and 200),
    kind          text not null check (kind in ('city_gate', 'district_border', 'commune', 'lane')),
    staffed_by    text not null check (staffed_by in ('police', 'militia', 'community_team', 'volunteers')),
    status        text not null check (status in ('active', 'stood_down')),
    status_on     date not null,
    version       integer not null default 1,
    created_at    timestamptz not null,
    updated_at    timestamptz not null
);
create index checkpoints_area_idx on checkpoints (area_code);
create index checkpoints_district_idx on checkpoints (district_code);
create index checkpoints_city_idx on checkpoints (city_code);

create table checkpoint_reports (
    id               bigserial primary key,
    checkpoint_id    bigint not null references checkpoints (id),
    day              date not null,
    people_checked   integer not null check (people_checked >= 0),
    vehicles_checked integer not null check (vehicles_checked >= 0),
    violations       integer not null check (violations >= 0),
    fines_vnd        bigint not null check (fines_vnd >= 0),
    created_at       timestamptz not null
);
create index checkpoint_reports_idx on checkpoint_reports (checkpoint_id, day);

create table directives (
    id             bigserial primary key,
    city_code      text not null references areas (code),
    issuer_code    text not null references areas (code),
    number         text not null check (length(number) between 1 and 60),
    kind           text not null check (kind in ('directive', 'conclusion', 'letter', 'decision', 'plan')),
    title          text not null check (length(title) between 1 and 300),
    summary        text not null default '',
    issued_on      date not null,
    effective_from date,
    effective_to   date,
    due_on         date check (due_on >= issued_on),
    implements_id  bigint references directives (id),
    version        integer not null default 1,
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    constraint directives_number_key unique (issuer_code, number)
);
create index directives_issuer_idx on directives (issuer_code, issued_on);
create index directives_implements_idx on directives (implements_id);

-- A targeted area and its report: null status until it says it received it.
create table directive_targets (
    directive_id bigint not null references directives (id),
    area_code    text not null references areas (code),
    status       text check (status in ('received', 'in_progress', 'done')),
    note         text not null default '',
    reported_on  date,
    updated_at   timestamptz,
    primary key (directive_id, area_code)
);
create index directive_targets_area_idx on directive_targets (area_code);

create table daily_reports (
    commune_code   text not null references areas (code),
    day            date not null,
    city_code      text not null references areas (code),
    district_code  text not null references areas (code),
    f1_traced      integer not null check (f1_traced >= 0),
    f1_quarantined integer not null check (f1_quarantined >= 0),
    tests          integer not null check (tests >= 0),
    dose1          integer not null check (dose1 >= 0),
    dose2          integer not null check (dose2 >= 0),
    dose3          integer not null check (dose3 >= 0),
    notes          text not null default '',
    version        integer not null default 1,
    updated_at     timestamptz not null,
    primary key (commune_code, day)
);
create index daily_reports_district_idx on daily_reports (district_code, day);
