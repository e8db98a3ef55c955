-- The parts of a board kept apart by the kind of write that moves them
-- (issue 13, after 0019 set cases apart). Two more counters per city,
-- moved with the stamp by the same triggers (no lock taken anywhere new):
--   rest  the board's areas, communes, daily reports and declarations;
--   facts the area facts (0016): sites, checkpoints, testing, targets,
--         tasks, clusters, lockdowns.
-- Every write but a case's moves both, as before it moved `others`; the
-- frequent writes that can only change facts other than the red/green
-- ones (clusters, lockdowns, lockdown sites) — a checkpoint's shift
-- report, a directive's target or a task — move `facts` alone, and a
-- daily report `rest` alone. So the red/green facts change only with
-- writes that move both. A board computed after a shift report reads
-- again its other facts and what cases move, and keeps the rest.
alter table city_stamps
    add column rest bigint not null default 0,
    add column facts bigint not null default 0;

create or replace function bump_city_stamp(city text) returns void language sql as $$
    insert into city_stamps as s (city_code, stamp, others, rest, facts) values (city, 1, 1, 1, 1)
    on conflict (city_code) do update
        set stamp = s.stamp + 1, others = s.others + 1, rest = s.rest + 1, facts = s.facts + 1;
    select pg_notify('vx_feed', 'stamp ' || city);
$$;

create function bump_city_stamp_facts(city text) returns void language sql as $$
    insert into city_stamps as s (city_code, stamp, others, facts) values (city, 1, 1, 1)
    on conflict (city_code) do update
        set stamp = s.stamp + 1, others = s.others + 1, facts = s.facts + 1;
    select pg_notify('vx_feed', 'stamp ' || city);
$$;

create function bump_city_stamp_rest(city text) returns void language sql as $$
    insert into city_stamps as s (city_code, stamp, others, rest) values (city, 1, 1, 1)
    on conflict (city_code) do update
        set stamp = s.stamp + 1, others = s.others + 1, rest = s.rest + 1;
    select pg_notify('vx_feed', 'stamp ' || city);
$$;

-- Shift reports (checkpoint_reports) change only the violations facts.
create or replace function stamp_by_checkpoint() returns trigger language plpgsql as $$
begin
    perform bump_city_stamp_facts((select city_code from checkpoints where id = coalesce(new.checkpoint_id, old.checkpoint_id)));
    return null;
end $$;

-- Directive targets and tasks change only the targets', tasks' facts.
create or replace function stamp_by_directive() returns trigger language plpgsql as $$
begin
    perform bump_city_stamp_facts((select city_code from directives where id = coalesce(new.directive_id, old.directive_id)));
    return null;
end $$;

-- Daily reports change only the report rollups.
create function stamp_rest_by_city_code() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform bump_city_stamp_rest(old.city_code);
    else
        perform bump_city_stamp_rest(new.city_code);
    end if;
    return null;
end $$;

drop trigger daily_reports_stamp on daily_reports;
create trigger daily_reports_stamp after insert or update or delete on daily_reports
    for each row execute function stamp_rest_by_city_code();
