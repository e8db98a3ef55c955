-- Derived data for the dashboards, kept exactly in step with the records by
-- triggers in the same transaction as each write.

-- Cases per area per day: detections by the day detected, status changes by
-- the day of the change; one row set for the commune, its district and city.
create table case_rollup (
    area_code   text not null references areas (code),
    day         date not null,
    detected    integer not null default 0,
    community   integer not null default 0,
    recovered   integer not null default 0,
    died        integer not null default 0,
    transferred integer not null default 0,
    primary key (area_code, day)
);

create function case_rollup_apply(c cases, sign integer) returns void language plpgsql as $$
declare
    code text;
begin
    if c.voided_at is not null then
        return;
    end if;
    foreach code in array array[c.commune_code, c.district_code, c.city_code] loop
        insert into case_rollup as r (area_code, day, detected, community)
        values (code, c.detected_on, sign, case when c.detected_in = 'community' then sign else 0 end)
        on conflict (area_code, day) do update
            set detected = r.detected + excluded.detected, community = r.community + excluded.community;
        if c.status <> 'treating' then
            insert into case_rollup as r (area_code, day, recovered, died, transferred)
            values (code, c.status_on,
                    case when c.status = 'recovered' then sign else 0 end,
                    case when c.status = 'died' then sign else 0 end,
                    case when c.status = 'transferred' then sign else 0 end)
            on conflict (area_code, day) do update
                set recovered = r.recovered + excluded.recovered, died = r.died + excluded.died,
                    transferred = r.transferred + excluded.transferred;
        end if;
    end loop;
end $$;

create function cases_rollup_trigger() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform case_rollup_apply(old, -1);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform case_rollup_apply(new, 1);
    end if;
    return null;
end $$;

create trigger cases_rollup after insert or update or delete on cases
    for each row execute function cases_rollup_trigger();

-- Daily reports per area per day, summed over the communes that reported.
create table report_rollup (
    area_code      text not null references areas (code),
    day            date not null,
    reports        integer not null default 0,
    f1_traced      integer not null default 0,
    f1_quarantined integer not null default 0,
    tests          integer not null default 0,
    dose1          integer not null default 0,
    dose2          integer not null default 0,
    dose3          integer not null default 0,
    primary key (area_code, day)
);

create function report_rollup_apply(d daily_reports, sign integer) returns void language plpgsql as $$
declare
    code text;
begin
    foreach code in array array[d.commune_code, d.district_code, d.city_code] loop
        insert into report_rollup as r (area_code, day, reports, f1_traced, f1_quarantined, tests, dose1, dose2, dose3)
        values (code, d.day, sign, sign * d.f1_traced, sign * d.f1_quarantined, sign * d.tests,
                sign * d.dose1, sign * d.dose2, sign * d.dose3)
        on conflict (area_code, day) do update
            set reports = r.reports + excluded.reports, f1_traced = r.f1_traced + excluded.f1_traced,
                f1_quarantined = r.f1_quarantined + excluded.f1_quarantined, tests = r.tests + excluded.tests,
                dose1 = r.dose1 + excluded.dose1, dose2 = r.dose2 + excluded.dose2, dose3 = r.dose3 + excluded.dose3;
    end loop;
end $$;

create function daily_reports_rollup_trigger() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform report_rollup_apply(old, -1);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform report_rollup_apply(new, 1);
    end if;
    return null;
end $$;

create trigger daily_reports_rollup after insert or update or delete on daily_reports
    for each row execute function daily_reports_rollup_trigger();

-- Zone declarations by the authorised level; withdrawn, never deleted.
create table zone_declarations (
    id            bigserial primary key,
    city_code     text not null references areas (code),
    area_code     text not null references areas (code),
    colour        text check (colour in ('red', 'green')),
    level         integer check (level between 1 and 4),
    reason        text not null check (length(reason) between 1 and 1000),
    effective_on  date not null,
    declared_by   bigint references users (id),
    declared_name text not null,
    declared_at   timestamptz not null,
    withdrawn_at  timestamptz,
    withdrawn_by  text,
    check (colour is not null or level is not null)
);
create index zone_declarations_area_idx on zone_declarations (area_code, effective_on desc);

-- A counter per city bumped by every write to anything a dashboard shows,
-- in the same transaction: a dashboard computed at stamp N is fresh while
-- the stamp is still N.
create table city_stamps (
    city_code text primary key references areas (code),
    stamp     bigint not null default 0
);

create function bump_city_stamp(city text) returns void language sql as $$
    insert into city_stamps as s (city_code, stamp) values (city, 1)
    on conflict (city_code) do update set stamp = s.stamp + 1;
$$;

create function stamp_by_city_code() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform bump_city_stamp(old.city_code);
    else
        perform bump_city_stamp(new.city_code);
    end if;
    return null;
end $$;

create function stamp_by_checkpoint() returns trigger language plpgsql as $$
begin
    perform bump_city_stamp((select city_code from checkpoints where id = coalesce(new.checkpoint_id, old.checkpoint_id)));
    return null;
end $$;

create function stamp_by_directive() returns trigger language plpgsql as $$
begin
    perform bump_city_stamp((select city_code from directives where id = coalesce(new.directive_id, old.directive_id)));
    return null;
end $$;

create function stamp_by_site() returns trigger language plpgsql as $$
begin
    perform bump_city_stamp((select city_code from quarantine_sites where id = coalesce(new.site_id, old.site_id)));
    return null;
end $$;

create function stamp_by_area() returns trigger language plpgsql as $$
declare
    city text;
begin
    select coalesce(p2.code, p1.code, a.code) into city
    from areas a left join areas p1 on p1.code = a.parent_code left join areas p2 on p2.code = p1.parent_code
    where a.code = coalesce(new.code, old.code);
    if city is not null then
        perform bump_city_stamp(city);
    end if;
    return null;
end $$;

create trigger cases_stamp after insert or update or delete on cases
    for each row execute function stamp_by_city_code();
create trigger clusters_stamp after insert or update or delete on clusters
    for each row execute function stamp_by_city_code();
create trigger quarantine_sites_stamp after insert or update or delete on quarantine_sites
    for each row execute function stamp_by_city_code();
create trigger checkpoints_stamp after insert or update or delete on checkpoints
    for each row execute function stamp_by_city_code();
create trigger directives_stamp after insert or update or delete on directives
    for each row execute function stamp_by_city_code();
create trigger daily_reports_stamp after insert or update or delete on daily_reports
    for each row execute function stamp_by_city_code();
create trigger zone_declarations_stamp after insert or update or delete on zone_declarations
    for each row execute function stamp_by_city_code();
create trigger checkpoint_reports_stamp after insert or update or delete on checkpoint_reports
    for each row execute function stamp_by_checkpoint();
create trigger directive_targets_stamp after insert or update or delete on directive_targets
    for each row execute function stamp_by_directive();
create trigger quarantine_occupancy_stamp after insert or update or delete on quarantine_occupancy
    for each row execute function stamp_by_site();
create trigger areas_stamp after insert or update on areas
    for each row execute function stamp_by_area();

create index checkpoint_reports_day_idx on checkpoint_reports (day);
create index quarantine_sites_kind_idx on quarantine_sites (kind, status);
