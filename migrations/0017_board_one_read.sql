-- The board in one read (issue 13): what a board needs beside the totals
-- of 0015 and 0016, so one statement of O(areas) rows computes it.
--
-- Red/green needs, per commune, only whether a case was found in the
-- community in the last 14 days. The day of the latest such case is kept
-- beside the case totals, so a board reads one narrow row per commune
-- instead of each commune's fortnight; for a past date before that day the
-- board looks at the commune's own rows.

alter table case_totals add column last_community date;

update case_totals t set last_community =
    (select max(day) from case_rollup r where r.area_code = t.area_code and r.community > 0);

create or replace function case_totals_trigger() returns trigger language plpgsql as $$
declare
    o case_rollup;
    n case_rollup;
    code text;
begin
    if tg_op in ('UPDATE', 'DELETE') then o := old; end if;
    if tg_op in ('INSERT', 'UPDATE') then n := new; end if;
    code := coalesce(n.area_code, o.area_code);
    insert into case_totals as t (area_code, detected, community, recovered, died, transferred, last_community)
    values (code,
            coalesce(n.detected, 0) - coalesce(o.detected, 0),
            coalesce(n.community, 0) - coalesce(o.community, 0),
            coalesce(n.recovered, 0) - coalesce(o.recovered, 0),
            coalesce(n.died, 0) - coalesce(o.died, 0),
            coalesce(n.transferred, 0) - coalesce(o.transferred, 0),
            case when n.community > 0 then n.day end)
    on conflict (area_code) do update
        set detected = t.detected + excluded.detected, community = t.community + excluded.community,
            recovered = t.recovered + excluded.recovered, died = t.died + excluded.died,
            transferred = t.transferred + excluded.transferred,
            last_community = greatest(t.last_community, excluded.last_community);
    -- The latest community day lost its last case (voided, or moved to
    -- another day): the latest is found again among the area's days.
    if coalesce(o.community, 0) > 0 and coalesce(n.community, 0) = 0 then
        update case_totals t set last_community =
            (select max(day) from case_rollup r where r.area_code = code and r.community > 0)
        where t.area_code = code and t.last_community = o.day;
    end if;
    return null;
end $$;

-- An area's facts in a window of days, read from the index alone.
create index area_facts_window_idx on area_facts (area_code, day) include (fact, n);

-- The red/green facts changed after a date, without visiting every fact
-- of those days; it replaces the index by day alone, which only that
-- read used.
create index area_facts_fact_day_idx on area_facts (fact, day);
drop index area_facts_day_idx;
