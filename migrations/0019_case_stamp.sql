-- Case writes apart (issue 13, write storms). Every write a board shows
-- moves its city's stamp, as before; every write but a case's also moves
-- `others`. A board computed after a run of case writes reads again only
-- the parts cases move (their totals and days, the communes' red inputs,
-- treatment), and keeps the rest — areas, daily reports, area facts,
-- declarations, open tasks and targets — while `others` stands still.
alter table city_stamps add column others bigint not null default 0;

create or replace function bump_city_stamp(city text) returns void language sql as $$
    insert into city_stamps as s (city_code, stamp, others) values (city, 1, 1)
    on conflict (city_code) do update set stamp = s.stamp + 1, others = s.others + 1;
    select pg_notify('vx_feed', 'stamp ' || city);
$$;

create function bump_city_stamp_for_cases(city text) returns void language sql as $$
    insert into city_stamps as s (city_code, stamp) values (city, 1)
    on conflict (city_code) do update set stamp = s.stamp + 1;
    select pg_notify('vx_feed', 'stamp ' || city);
$$;

-- A case moves its rollups (0005), its treatment rollup (0011) and the
-- totals beside them (0015, 0017), nothing else a board reads.
create function stamp_by_case() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform bump_city_stamp_for_cases(old.city_code);
    else
        perform bump_city_stamp_for_cases(new.city_code);
    end if;
    return null;
end $$;

drop trigger cases_stamp on cases;
create trigger cases_stamp after insert or update or delete on cases
    for each row execute function stamp_by_case();
