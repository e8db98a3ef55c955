-- Running totals beside the per-day rollups, so a board sums O(areas) rows
-- instead of every day since the first case: a figure on `day` is the
-- total less what the rollup holds after `day` (nothing, for today).
-- Kept by triggers on the rollups themselves, in the same transaction as
-- the write that moved the rollup.

create table case_totals (
    area_code   text primary key references areas (code),
    detected    bigint not null default 0,
    community   bigint not null default 0,
    recovered   bigint not null default 0,
    died        bigint not null default 0,
    transferred bigint not null default 0
);

create function case_totals_trigger() returns trigger language plpgsql as $$
declare
    o case_rollup;
    n case_rollup;
    code text;
begin
    if tg_op in ('UPDATE', 'DELETE') then o := old; end if;
    if tg_op in ('INSERT', 'UPDATE') then n := new; end if;
    code := coalesce(n.area_code, o.area_code);
    insert into case_totals as t (area_code, detected, community, recovered, died, transferred)
    values (code,
            coalesce(n.detected, 0) - coalesce(o.detected, 0),
            coalesce(n.community, 0) - coalesce(o.community, 0),
            coalesce(n.recovered, 0) - coalesce(o.recovered, 0),
            coalesce(n.died, 0) - coalesce(o.died, 0),
            coalesce(n.transferred, 0) - coalesce(o.transferred, 0))
    on conflict (area_code) do update
        set detected = t.detected + excluded.detected, community = t.community + excluded.community,
            recovered = t.recovered + excluded.recovered, died = t.died + excluded.died,
            transferred = t.transferred + excluded.transferred;
    return null;
end $$;

create trigger case_rollup_totals after insert or update or delete on case_rollup
    for each row execute function case_totals_trigger();

insert into case_totals (area_code, detected, community, recovered, died, transferred)
select area_code, sum(detected), sum(community), sum(recovered), sum(died), sum(transferred)
from case_rollup group by area_code;

create table report_totals (
    area_code text primary key references areas (code),
    reports   bigint not null default 0,
    dose1     bigint not null default 0
);

create function report_totals_trigger() returns trigger language plpgsql as $$
declare
    o report_rollup;
    n report_rollup;
begin
    if tg_op in ('UPDATE', 'DELETE') then o := old; end if;
    if tg_op in ('INSERT', 'UPDATE') then n := new; end if;
    insert into report_totals as t (area_code, reports, dose1)
    values (coalesce(n.area_code, o.area_code),
            coalesce(n.reports, 0) - coalesce(o.reports, 0),
            coalesce(n.dose1, 0) - coalesce(o.dose1, 0))
    on conflict (area_code) do update
        set reports = t.reports + excluded.reports, dose1 = t.dose1 + excluded.dose1;
    return null;
end $$;

create trigger report_rollup_totals after insert or update or delete on report_rollup
    for each row execute function report_totals_trigger();

insert into report_totals (area_code, reports, dose1)
select area_code, sum(reports), sum(dose1) from report_rollup group by area_code;

create table treatment_totals (
    area_code  text not null references areas (code),
    treated_at text not null,
    n          bigint not null default 0,
    primary key (area_code, treated_at)
);

create function treatment_totals_trigger() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        insert into treatment_totals as t (area_code, treated_at, n)
        values (old.area_code, old.treated_at, -old.delta)
        on conflict (area_code, treated_at) do update set n = t.n + excluded.n;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into treatment_totals as t (area_code, treated_at, n)
        values (new.area_code, new.treated_at, new.delta)
        on conflict (area_code, treated_at) do update set n = t.n + excluded.n;
    end if;
    return null;
end $$;

create trigger treatment_rollup_totals after insert or update or delete on treatment_rollup
    for each row execute function treatment_totals_trigger();

insert into treatment_totals (area_code, treated_at, n)
select area_code, treated_at, sum(delta) from treatment_rollup group by area_code, treated_at;

-- The last fortnight of every area in one range: red/green inputs and
-- sparklines read it without visiting each area's rows.
create index case_rollup_day_idx on case_rollup (day, area_code) include (community, detected);
