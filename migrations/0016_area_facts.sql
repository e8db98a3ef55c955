-- Every other board figure as facts per area and day, like cases already
-- are (issue 13): clusters, lockdowns, checkpoints and their violations,
-- quarantine sites as they stood, directive targets and tasks, testing
-- rounds. A fact is a change on a day ("one more active cluster from the
-- 3rd", "12 more places from the 5th"), rolled up to the record's commune,
-- district and city, with a running total per area beside it; a figure on
-- a day is the total less the changes after it (for today, nothing), and a
-- window ("violations today", "samples in 7 days") is a sum over its days.
-- So a board reads O(areas) rows whatever the number of records. Kept by
-- triggers in the same transaction as each write; `rebuild_area_facts()`
-- recomputes them from the records (the exactness test compares the two).

create table area_facts (
    area_code text not null references areas (code),
    day       date not null,
    fact      text not null,
    n         bigint not null default 0,
    primary key (area_code, day, fact)
);
create index area_facts_day_idx on area_facts (day);

create table area_fact_totals (
    fact      text not null,
    area_code text not null references areas (code),
    n         bigint not null default 0,
    primary key (fact, area_code)
);
create index area_fact_totals_area_idx on area_fact_totals (area_code);

-- The distinct codes of a record's place (a checkpoint at a district has
-- the district as its area and as its district).
create function fact_codes(a text, b text, c text) returns text[] language sql immutable as $$
    select array(select distinct x from unnest(array[a, b, c]) x where x is not null);
$$;

-- An area and those above it.
create function area_chain(code text) returns text[] language sql stable as $$
    select fact_codes(a.code, a.parent_code, p.parent_code)
    from areas a left join areas p on p.code = a.parent_code where a.code = $1;
$$;

create function fact_add(codes text[], on_day date, what text, delta bigint) returns void
language plpgsql as $$
declare
    code text;
begin
    if delta = 0 or on_day is null or codes is null then
        return;
    end if;
    foreach code in array codes loop
        insert into area_facts as f (area_code, day, fact, n) values (code, on_day, what, delta)
        on conflict (area_code, day, fact) do update set n = f.n + excluded.n;
        insert into area_fact_totals as t (fact, area_code, n) values (what, code, delta)
        on conflict (fact, area_code) do update set n = t.n + excluded.n;
    end loop;
end $$;

-- Clusters: active from the day opened until the day closed.
create function facts_of_cluster(c clusters, s integer) returns void language plpgsql as $$
declare
    codes text[] := fact_codes(c.commune_code, c.district_code, c.city_code);
begin
    perform fact_add(codes, c.opened_on, 'clusters', s);
    if c.closed_on is not null then
        perform fact_add(codes, greatest(c.closed_on, c.opened_on), 'clusters', -s);
    end if;
end $$;

-- Lockdown areas: standing from the day started until the day lifted.
create function facts_of_lockdown(l lockdowns, s integer) returns void language plpgsql as $$
declare
    codes text[] := fact_codes(l.commune_code, l.district_code, l.city_code);
    ends date := greatest(l.lifted_on, l.started_on);
begin
    perform fact_add(codes, l.started_on, 'lockdowns', s);
    perform fact_add(codes, l.started_on, 'lockdown_people', s * l.people);
    if l.lifted_on is not null then
        perform fact_add(codes, ends, 'lockdowns', -s);
        perform fact_add(codes, ends, 'lockdown_people', -s * l.people);
    end if;
end $$;

-- Checkpoints: active from the day of their status.
create function facts_of_checkpoint(k checkpoints, s integer) returns void language plpgsql as $$
begin
    if k.status = 'active' then
        perform fact_add(fact_codes(k.area_code, k.district_code, k.city_code), k.status_on, 'checkpoints', s);
    end if;
end $$;

create function facts_of_checkpoint_report(r checkpoint_reports, s integer) returns void language plpgsql as $$
begin
    perform fact_add((select fact_codes(k.area_code, k.district_code, k.city_code) from checkpoints k
                      where k.id = r.checkpoint_id), r.day, 'violations', s * r.violations);
end $$;

-- Testing rounds: samples, results and positives on the day tested; what
-- still waits for a result counts from the day tested too.
create function facts_of_testing(t testing_rounds, s integer) returns void language plpgsql as $$
declare
    codes text[] := fact_codes(t.area_code, t.district_code, t.city_code);
begin
    perform fact_add(codes, t.tested_on, 'samples', s * t.samples);
    perform fact_add(codes, t.tested_on, 'results', s * t.results);
    perform fact_add(codes, t.tested_on, 'positives', s * t.positives);
    perform fact_add(codes, t.tested_on, 'waiting', s * (t.samples - t.results));
end $$;

-- A directive's target or task: counted from the day the directive was
-- issued, done or not (its status now), overdue from the day after it was due.
create function facts_of_target(area text, status text, issued date, due date, s integer)
returns void language plpgsql as $$
declare
    codes text[] := area_chain(area);
begin
    perform fact_add(codes, issued, 'targets', s);
    if status = 'done' then
        perform fact_add(codes, issued, 'done', s);
    elsif due is not null then
        perform fact_add(codes, greatest(due + 1, issued), 'overdue', s);
    end if;
end $$;

-- A site's figures as they stood at the end of each day come from its
-- history; what a site added is kept, so a change takes it back whole.
create table site_facts_kept (
    site_id   bigint not null,
    area_code text not null,
    day       date not null,
    fact      text not null,
    n         bigint not null
);
create index site_facts_kept_site_idx on site_facts_kept (site_id);

create function refresh_site_facts(sid bigint) returns void language plpgsql as $$
declare
    r record;
begin
    for r in select area_code, day, fact, n from site_facts_kept where site_id = sid loop
        perform fact_add(array[r.area_code], r.day, r.fact, -r.n);
    end loop;
    delete from site_facts_kept where site_id = sid;
    insert into site_facts_kept (site_id, area_code, day, fact, n)
    select sid, code, x.day, x.fact, sum(x.n)
    from (
        select h.day, v.fact,
               v.val - coalesce(lag(v.val) over (partition by v.fact order by h.at, h.id), 0) as n
        from (select o.id, o.at, (o.at at time zone 'Asia/Ho_Chi_Minh')::date as day,
                     o.status = 'active' as active, o.capacity, o.occupancy
              from quarantine_occupancy o where o.site_id = sid) h
        cross join quarantine_sites s
        cross join lateral (values
            ('sites', case when h.active then 1 else 0 end),
            ('capacity', case when h.active then h.capacity else 0 end),
            ('occupancy', case when h.active then h.occupancy else 0 end),
            ('t_capacity', case when h.active and s.kind = 'treatment' then h.capacity else 0 end),
            ('t_occupancy', case when h.active and s.kind = 'treatment' then h.occupancy else 0 end),
            ('tier1_capacity', case when h.active and s.kind = 'treatment' and s.treatment_tier = 1 then h.capacity else 0 end),
            ('tier1_occupancy', case when h.active and s.kind = 'treatment' and s.treatment_tier = 1 then h.occupancy else 0 end),
            ('tier2_capacity', case when h.active and s.kind = 'treatment' and s.treatment_tier = 2 then h.capacity else 0 end),
            ('tier2_occupancy', case when h.active and s.kind = 'treatment' and s.treatment_tier = 2 then h.occupancy else 0 end),
            ('tier3_capacity', case when h.active and s.kind = 'treatment' and s.treatment_tier = 3 then h.capacity else 0 end),
            ('tier3_occupancy', case when h.active and s.kind = 'treatment' and s.treatment_tier = 3 then h.occupancy else 0 end),
            ('lockdown_sites', case when h.active and s.kind = 'lockdown' then 1 else 0 end)
        ) v(fact, val)
        where s.id = sid
    ) x
    cross join unnest((select fact_codes(s.area_code, s.district_code, s.city_code)
                       from quarantine_sites s where s.id = sid)) code
    group by code, x.day, x.fact
    having sum(x.n) <> 0;
    for r in select area_code, day, fact, n from site_facts_kept where site_id = sid loop
        perform fact_add(array[r.area_code], r.day, r.fact, r.n);
    end loop;
end $$;

-- The triggers: take back what the old row added, add what the new one does.
create function clusters_facts_trigger() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then perform facts_of_cluster(old, -1); end if;
    if tg_op in ('INSERT', 'UPDATE') then perform facts_of_cluster(new, 1); end if;
    return null;
end $$;
create trigger clusters_facts after insert or update or delete on clusters
    for each row execute function clusters_facts_trigger();

create function lockdowns_facts_trigger() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then perform facts_of_lockdown(old, -1); end if;
    if tg_op in ('INSERT', 'UPDATE') then perform facts_of_lockdown(new, 1); end if;
    return null;
end $$;
create trigger lockdowns_facts after insert or update or delete on lockdowns
    for each row execute function lockdowns_facts_trigger();

create function checkpoints_facts_trigger() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then perform facts_of_checkpoint(old, -1); end if;
    if tg_op in ('INSERT', 'UPDATE') then perform facts_of_checkpoint(new, 1); end if;
    -- A checkpoint moved to another place takes its reports' violations along.
    if tg_op = 'UPDATE' and fact_codes(old.area_code, old.district_code, old.city_code)
                          <> fact_codes(new.area_code, new.district_code, new.city_code) then
        perform fact_add(fact_codes(old.area_code, old.district_code, old.city_code), r.day, 'violations', -r.violations)
        from checkpoint_reports r where r.checkpoint_id = new.id;
        perform fact_add(fact_codes(new.area_code, new.district_code, new.city_code), r.day, 'violations', r.violations)
        from checkpoint_reports r where r.checkpoint_id = new.id;
    end if;
    return null;
end $$;
create trigger checkpoints_facts after insert or update or delete on checkpoints
    for each row execute function checkpoints_facts_trigger();

create function checkpoint_reports_facts_trigger() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then perform facts_of_checkpoint_report(old, -1); end if;
    if tg_op in ('INSERT', 'UPDATE') then perform facts_of_checkpoint_report(new, 1); end if;
    return null;
end $$;
create trigger checkpoint_reports_facts after insert or update or delete on checkpoint_reports
    for each row execute function checkpoint_reports_facts_trigger();

create function testing_rounds_facts_trigger() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then perform facts_of_testing(old, -1); end if;
    if tg_op in ('INSERT', 'UPDATE') then perform facts_of_testing(new, 1); end if;
    return null;
end $$;
create trigger testing_rounds_facts after insert or update or delete on testing_rounds
    for each row execute function testing_rounds_facts_trigger();

create function directive_targets_facts_trigger() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform facts_of_target(old.area_code, old.status, d.issued_on, d.due_on, -1)
        from directives d where d.id = old.directive_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform facts_of_target(new.area_code, new.status, d.issued_on, d.due_on, 1)
        from directives d where d.id = new.directive_id;
    end if;
    return null;
end $$;
create trigger directive_targets_facts after insert or update or delete on directive_targets
    for each row execute function directive_targets_facts_trigger();

create function tasks_facts_trigger() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform facts_of_target(old.owner_code, old.status, d.issued_on, old.due_on, -1)
        from directives d where d.id = old.directive_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform facts_of_target(new.owner_code, new.status, d.issued_on, new.due_on, 1)
        from directives d where d.id = new.directive_id;
    end if;
    return null;
end $$;
create trigger tasks_facts after insert or update or delete on tasks
    for each row execute function tasks_facts_trigger();

-- A directive's new dates move its targets' and tasks' facts.
create function directives_facts_trigger() returns trigger language plpgsql as $$
begin
    if old.issued_on is distinct from new.issued_on or old.due_on is distinct from new.due_on then
        perform facts_of_target(t.area_code, t.status, old.issued_on, old.due_on, -1),
                facts_of_target(t.area_code, t.status, new.issued_on, new.due_on, 1)
        from directive_targets t where t.directive_id = new.id;
        perform facts_of_target(k.owner_code, k.status, old.issued_on, k.due_on, -1),
                facts_of_target(k.owner_code, k.status, new.issued_on, k.due_on, 1)
        from tasks k where k.directive_id = new.id;
    end if;
    return null;
end $$;
create trigger directives_facts after update on directives
    for each row execute function directives_facts_trigger();

create function sites_facts_trigger() returns trigger language plpgsql as $$
begin
    perform refresh_site_facts(coalesce(new.id, old.id));
    return null;
end $$;
create trigger quarantine_sites_facts after insert or update or delete on quarantine_sites
    for each row execute function sites_facts_trigger();

create function occupancy_facts_trigger() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then perform refresh_site_facts(old.site_id); end if;
    if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.site_id <> old.site_id) then
        perform refresh_site_facts(new.site_id);
    end if;
    return null;
end $$;
create trigger quarantine_occupancy_facts after insert or update or delete on quarantine_occupancy
    for each row execute function occupancy_facts_trigger();

-- Everything again from the records: the big tables set-wise, the rest
-- through the same functions the triggers use.
create function rebuild_area_facts() returns void language plpgsql as $$
begin
    truncate area_facts, area_fact_totals, site_facts_kept;
    insert into area_facts (area_code, day, fact, n)
    select code, r.day, 'violations', sum(r.violations)
    from checkpoint_reports r join checkpoints k on k.id = r.checkpoint_id
    cross join unnest(fact_codes(k.area_code, k.district_code, k.city_code)) code
    group by code, r.day having sum(r.violations) <> 0;
    insert into area_fact_totals (fact, area_code, n)
    select 'violations', area_code, sum(n) from area_facts group by area_code;
    perform facts_of_cluster(c, 1) from clusters c;
    perform facts_of_lockdown(l, 1) from lockdowns l;
    perform facts_of_checkpoint(k, 1) from checkpoints k;
    perform facts_of_testing(t, 1) from testing_rounds t;
    perform facts_of_target(t.area_code, t.status, d.issued_on, d.due_on, 1)
    from directive_targets t join directives d on d.id = t.directive_id;
    perform facts_of_target(k.owner_code, k.status, d.issued_on, k.due_on, 1)
    from tasks k join directives d on d.id = k.directive_id;
    perform refresh_site_facts(s.id) from quarantine_sites s;
end $$;

select rebuild_area_facts();
