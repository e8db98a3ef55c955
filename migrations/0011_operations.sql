-- Operations the seeds describe (issue 15): lockdown areas, testing rounds,
-- hotlines and duty rosters. Each is a versioned record placed in the tree
-- like the others, and bumps its city's stamp so dashboards stay exact.

-- Lockdown areas (điểm phong tỏa / vùng cách ly y tế), in a commune.
create table lockdowns (
    id            bigserial primary key,
    city_code     text not null references areas (code),
    district_code text not null references areas (code),
    commune_code  text not null references areas (code),
    name          text not null check (length(name) between 1 and 200),
    kind          text not null check (kind in ('isolation_area', 'lockdown_point')),
    started_on    date not null,
    -- Unknown is not zero: a moved quarantine site had no household count.
    households    integer check (households >= 0),
    people        integer not null check (people >= 0),
    cluster_id    bigint references clusters (id),
    status        text not null check (status in ('active', 'lifted')),
    lifted_on     date,
    note          text not null default '' check (length(note) <= 1000),
    version       integer not null default 1,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    check ((status = 'lifted') = (lifted_on is not null)),
    check (lifted_on is null or lifted_on >= started_on)
);
create index lockdowns_commune_idx on lockdowns (commune_code);
create index lockdowns_district_idx on lockdowns (district_code);
create index lockdowns_city_idx on lockdowns (city_code, status);
create trigger lockdowns_stamp after insert or update or delete on lockdowns
    for each row execute function stamp_by_city_code();

-- Lockdown-kind quarantine sites were the only way to file one before:
-- those in a commune move over (people = their occupancy; households
-- unknown), with their history of occupancy, and stop being sites.
insert into lockdowns (city_code, district_code, commune_code, name, kind, started_on, households,
                       people, status, lifted_on, note, created_at, updated_at)
select s.city_code, s.district_code, s.area_code, s.name, 'lockdown_point',
       coalesce((select min(o.at)::date from quarantine_occupancy o where o.site_id = s.id), s.created_at::date),
       null, s.occupancy,
       case when s.status = 'closed' then 'lifted' else 'active' end,
       case when s.status = 'closed' then greatest(s.status_on,
           coalesce((select min(o.at)::date from quarantine_occupancy o where o.site_id = s.id), s.created_at::date)) end,
       'Chuyển từ khu cách ly #' || s.id, s.created_at, s.updated_at
from quarantine_sites s join areas a on a.code = s.area_code
where s.kind = 'lockdown' and a.level = 'commune';
delete from quarantine_occupancy o using quarantine_sites s, areas a
where o.site_id = s.id and s.kind = 'lockdown' and a.code = s.area_code and a.level = 'commune';
delete from quarantine_sites s using areas a
where s.kind = 'lockdown' and a.code = s.area_code and a.level = 'commune';

-- Testing rounds (đợt xét nghiệm), filed by a commune or a district.
create table testing_rounds (
    id            bigserial primary key,
    city_code     text not null references areas (code),
    district_code text not null references areas (code),
    area_code     text not null references areas (code),
    tested_on     date not null,
    target        text not null check (length(target) between 1 and 200),
    method        text not null check (method in ('pooled_pcr', 'individual_pcr', 'rapid_antigen')),
    samples       integer not null check (samples > 0),
    results       integer not null default 0 check (results >= 0 and results <= samples),
    results_on    date,
    positives     integer not null default 0 check (positives >= 0 and positives <= results),
    note          text not null default '' check (length(note) <= 1000),
    version       integer not null default 1,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    check (results_on is null or results_on >= tested_on),
    check (results = 0 or results_on is not null)
);
create index testing_rounds_area_idx on testing_rounds (area_code, tested_on);
create index testing_rounds_district_idx on testing_rounds (district_code, tested_on);
create index testing_rounds_city_idx on testing_rounds (city_code, tested_on);
create trigger testing_rounds_stamp after insert or update or delete on testing_rounds
    for each row execute function stamp_by_city_code();

-- Hotlines (đường dây nóng) of an area, public by the seeds' own rule.
create table hotlines (
    id            bigserial primary key,
    city_code     text not null references areas (code),
    district_code text references areas (code),
    area_code     text not null references areas (code),
    label         text not null check (length(label) between 1 and 200),
    phone         text not null check (length(phone) between 3 and 30),
    version       integer not null default 1,
    created_at    timestamptz not null,
    updated_at    timestamptz not null
);
create index hotlines_area_idx on hotlines (area_code);
create index hotlines_city_idx on hotlines (city_code);
create trigger hotlines_stamp after insert or update or delete on hotlines
    for each row execute function stamp_by_city_code();

-- Who is on duty (trực ban 24/7), per area and day.
create table duty_roster (
    id            bigserial primary key,
    city_code     text not null references areas (code),
    district_code text references areas (code),
    area_code     text not null references areas (code),
    day           date not null,
    name          text not null check (length(name) between 1 and 200),
    position      text not null check (length(position) between 1 and 200),
    phone         text not null check (length(phone) between 3 and 30),
    version       integer not null default 1,
    created_at    timestamptz not null,
    updated_at    timestamptz not null
);
create index duty_roster_area_idx on duty_roster (area_code, day);
create index duty_roster_city_idx on duty_roster (city_code, day);
create trigger duty_roster_stamp after insert or update or delete on duty_roster
    for each row execute function stamp_by_city_code();

-- Treatment tiers: F0 under treatment by where they are treated, per area
-- and day, as changes (+1 on the day detected, −1 on the day treatment
-- ended), kept by a trigger in the same transaction as every case write.
create table treatment_rollup (
    area_code  text not null references areas (code),
    day        date not null,
    treated_at text not null,
    delta      integer not null default 0,
    primary key (area_code, day, treated_at)
);

create function treatment_rollup_apply(c cases, sign integer) returns void language plpgsql as $$
declare
    code text;
begin
    if c.voided_at is not null then
        return;
    end if;
    foreach code in array array[c.commune_code, c.district_code, c.city_code] loop
        insert into treatment_rollup as r (area_code, day, treated_at, delta)
        values (code, c.detected_on, coalesce(c.treated_at, 'unknown'), sign)
        on conflict (area_code, day, treated_at) do update set delta = r.delta + excluded.delta;
        if c.status <> 'treating' then
            insert into treatment_rollup as r (area_code, day, treated_at, delta)
            values (code, c.status_on, coalesce(c.treated_at, 'unknown'), -sign)
            on conflict (area_code, day, treated_at) do update set delta = r.delta + excluded.delta;
        end if;
    end loop;
end $$;

create function cases_treatment_trigger() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform treatment_rollup_apply(old, -1);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform treatment_rollup_apply(new, 1);
    end if;
    return null;
end $$;

create trigger cases_treatment_rollup after insert or update or delete on cases
    for each row execute function cases_treatment_trigger();

insert into treatment_rollup (area_code, day, treated_at, delta)
select area_code, day, treated_at, sum(delta) from (
    select unnest(array[commune_code, district_code, city_code]) as area_code, detected_on as day,
           coalesce(treated_at, 'unknown') as treated_at, 1 as delta
    from cases where voided_at is null
    union all
    select unnest(array[commune_code, district_code, city_code]), status_on, coalesce(treated_at, 'unknown'), -1
    from cases where voided_at is null and status <> 'treating'
) x group by area_code, day, treated_at;

-- Which tier a treatment facility is (1–3), so each tier's places can be
-- set beside the F0 treated there.
alter table quarantine_sites add column treatment_tier smallint
    check (treatment_tier between 1 and 3);

-- A department's name shows on the boards ("units behind"): renaming one
-- moves its city's stamp like every other write a dashboard shows.
create function stamp_by_unit() returns trigger language plpgsql as $$
declare
    unit_area text := coalesce(new.area_code, old.area_code);
    city text;
begin
    select coalesce(g.code, p.code, a.code) into city
    from areas a left join areas p on p.code = a.parent_code left join areas g on g.code = p.parent_code
    where a.code = unit_area;
    perform bump_city_stamp(city);
    return null;
end $$;

create trigger units_stamp after insert or update or delete on units
    for each row execute function stamp_by_unit();
