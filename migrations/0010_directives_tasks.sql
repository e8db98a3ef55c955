-- Issue 14: directives as the seeds describe them. A directive is issued by a
-- body of its area (People's Committee, Party Committee, COVID command or one
-- of the area's departments), may cite other directives, and assigns tasks to
-- units: an area below the issuer or a department of the issuer's own area.

-- The departments and forces of an area, kept by the administrator.
create table units (
    id         bigserial primary key,
    area_code  text not null references areas (code),
    kind       text not null check (kind in ('health_office', 'health_centre', 'police', 'military',
                 'home_affairs', 'culture_centre', 'community_team', 'other')),
    name       text not null check (length(name) between 1 and 200),
    active     boolean not null default true,
    version    integer not null default 1,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint units_name_key unique (area_code, name)
);
create index units_area_idx on units (area_code);

-- Every directive so far was issued by its area's People's Committee.
alter table directives
    add column body text not null default 'people_committee'
        check (body in ('people_committee', 'party_committee', 'command', 'department')),
    add column body_unit_id bigint references units (id),
    add constraint directives_body_unit_check check ((body = 'department') = (body_unit_id is not null));

-- "triển khai Công văn 2434": a directive applies others besides its parent.
create table directive_citations (
    directive_id bigint not null references directives (id),
    cited_id     bigint not null references directives (id),
    primary key (directive_id, cited_id),
    check (directive_id <> cited_id)
);
create index directive_citations_cited_idx on directive_citations (cited_id);

-- A task assigned by a directive to one unit: an area (area_code) or a
-- department (unit_id). owner_code is the area that answers for it (the
-- area itself, or the department's area): reports and "who is behind" count there.
create table tasks (
    id           bigserial primary key,
    directive_id bigint not null references directives (id),
    area_code    text references areas (code),
    unit_id      bigint references units (id),
    owner_code   text not null references areas (code),
    what         text not null check (length(what) between 1 and 2000),
    due_on       date,
    status       text check (status in ('received', 'in_progress', 'done')),
    note         text not null default '',
    reported_on  date,
    version      integer not null default 1,
    created_at   timestamptz not null,
    updated_at   timestamptz not null,
    check ((area_code is null) <> (unit_id is null))
);
create index tasks_directive_idx on tasks (directive_id);
create index tasks_owner_idx on tasks (owner_code, status);

-- Each report on a task, kept in order (the task holds the latest).
create table task_reports (
    id          bigserial primary key,
    task_id     bigint not null references tasks (id),
    status      text not null check (status in ('received', 'in_progress', 'done')),
    note        text not null default '',
    reported_on date not null,
    reported_by bigint references users (id),
    created_at  timestamptz not null
);
create index task_reports_task_idx on task_reports (task_id, id);

-- Tasks count on the boards: a change to one makes its city's board fresh.
create trigger tasks_stamp after insert or update or delete on tasks
    for each row execute function stamp_by_directive();

-- An inspection team's visit to a unit, checking a directive is carried out
-- (the "tổng kiểm tra" of quarantine sites, mobile health stations,
-- industrial zones and communes). A "not met" verdict opens a task for the
-- inspected unit under the same directive (task_id).
create table inspections (
    id            bigserial primary key,
    directive_id  bigint not null references directives (id),
    area_code     text references areas (code),
    unit_id       bigint references units (id),
    owner_code    text not null references areas (code),
    team          text not null check (length(team) between 1 and 200),
    visited_on    date not null,
    findings      text not null check (length(findings) between 1 and 4000),
    verdict       text not null check (verdict in ('met', 'not_met')),
    follow_up_due date check (follow_up_due >= visited_on),
    task_id       bigint references tasks (id),
    version       integer not null default 1,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    check ((area_code is null) <> (unit_id is null)),
    check (verdict = 'met' or follow_up_due is not null)
);
create index inspections_directive_idx on inspections (directive_id);
create index inspections_owner_idx on inspections (owner_code, visited_on);
