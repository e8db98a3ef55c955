-- Contacts on the boards (issue 26, DESIGN §3a), as facts like every other
-- figure (0016): F1 held in a site and at home (levels: from the day they
-- were placed to the day they left), F1 traced and those traced within a
-- day of their case's confirmation, and cases found among people held
-- (window sums). One function says which facts a contact makes; the
-- trigger adds them and takes back the old ones, the rebuild sums them.

create function contact_facts(c contacts) returns table (day date, fact text, n integer)
language sql stable as $$
    select (c.created_at at time zone 'Asia/Ho_Chi_Minh')::date, 'f1_traced', 1
     where c.case_id is not null
    union all
    select (c.created_at at time zone 'Asia/Ho_Chi_Minh')::date, 'f1_traced_24h', 1
     where c.case_id is not null
       and (c.created_at at time zone 'Asia/Ho_Chi_Minh')::date
           <= (select k.detected_on from cases k where k.id = c.case_id) + 1
    union all
    select c.quarantine_from, 'f1_' || c.held_at, 1
     where c.case_id is not null and c.held_at in ('site', 'home')
       and c.quarantine_from is not null and c.status <> 'traced'
    union all
    select greatest(c.quarantine_to, c.quarantine_from), 'f1_' || c.held_at, -1
     where c.case_id is not null and c.held_at in ('site', 'home')
       and c.quarantine_from is not null and c.status not in ('traced', 'quarantined')
       and c.quarantine_to is not null
    union all
    select coalesce(c.quarantine_to, c.quarantine_from), 'f0_held', 1
     where c.status = 'became_case' and c.quarantine_from is not null
$$;

create function contacts_facts_trigger() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform fact_add(fact_codes(old.commune_code, old.district_code, old.city_code), f.day, f.fact, -f.n)
        from contact_facts(old) f;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform fact_add(fact_codes(new.commune_code, new.district_code, new.city_code), f.day, f.fact, f.n)
        from contact_facts(new) f;
    end if;
    return null;
end $$;
create trigger contacts_facts after insert or update or delete on contacts
    for each row execute function contacts_facts_trigger();

-- The rebuild of 0016, with the contacts summed set-wise (ten million rows
-- at city scale: one pass, not a call per row).
create or replace function rebuild_area_facts() returns void language plpgsql as $$
begin
    truncate area_facts, area_fact_totals, site_facts_kept;
    insert into area_facts (area_code, day, fact, n)
    select code, r.day, 'violations', sum(r.violations)
    from checkpoint_reports r join checkpoints k on k.id = r.checkpoint_id
    cross join unnest(fact_codes(k.area_code, k.district_code, k.city_code)) code
    group by code, r.day having sum(r.violations) <> 0;
    insert into area_fact_totals (fact, area_code, n)
    select 'violations', area_code, sum(n) from area_facts group by area_code;
    create temporary table contact_sums on commit drop as
    select code, f.day, f.fact, sum(f.n)::bigint as n
    from contacts c cross join lateral contact_facts(c) f
    cross join unnest(fact_codes(c.commune_code, c.district_code, c.city_code)) code
    group by 1, 2, 3 having sum(f.n) <> 0;
    insert into area_facts (area_code, day, fact, n) select code, day, fact, n from contact_sums;
    insert into area_fact_totals (fact, area_code, n)
    select fact, code, sum(n) from contact_sums group by 1, 2 having sum(n) <> 0;
    drop table contact_sums;
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

-- Contacts recorded before these facts existed (0026 without 0027).
with f as (select code, f.day, f.fact, sum(f.n)::bigint as n
           from contacts c cross join lateral contact_facts(c) f
           cross join unnest(fact_codes(c.commune_code, c.district_code, c.city_code)) code
           group by 1, 2, 3 having sum(f.n) <> 0),
     added as (insert into area_facts as x (area_code, day, fact, n)
               select code, day, fact, n from f
               on conflict (area_code, day, fact) do update set n = x.n + excluded.n)
insert into area_fact_totals as t (fact, area_code, n)
select fact, code, sum(n) from f group by 1, 2
on conflict (fact, area_code) do update set n = t.n + excluded.n;
