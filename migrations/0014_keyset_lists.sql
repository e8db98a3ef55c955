-- Lists at a million rows, part 2 (issue 13, item 5): keyset paging.
-- A page after the first starts after the last row of the one before
-- (`(key, id) > (…)`), so each list needs an index in its own order for
-- each level of area, as 0012 made for cases.
--
-- Quarantine sites and checkpoints are listed by name in Vietnamese order,
-- then id.
create index quarantine_sites_city_list_idx on quarantine_sites (city_code, name collate "vi-x-icu", id);
create index quarantine_sites_district_list_idx on quarantine_sites (district_code, name collate "vi-x-icu", id);
create index quarantine_sites_area_list_idx on quarantine_sites (area_code, name collate "vi-x-icu", id);
create index checkpoints_city_list_idx on checkpoints (city_code, name collate "vi-x-icu", id);
create index checkpoints_district_list_idx on checkpoints (district_code, name collate "vi-x-icu", id);
create index checkpoints_area_list_idx on checkpoints (area_code, name collate "vi-x-icu", id);

-- The city's case list by status (those under treatment, the recovered):
-- the city index in list order would walk past every case of the other
-- statuses first (170 ms for page 1 of the recovered at 1,000,000 cases,
-- seconds for an export of those under treatment). A district or a
-- commune has few enough cases to filter its own index.
create index cases_city_status_list_idx on cases (city_code, status, detected_on desc, id desc) where voided_at is null;

-- The search by the start of a case code (`case_code like 'BN2021-00%'`,
-- within the city) reads the unique index on (city_code, case_code) when
-- the database sorts text bytewise (collation C, as the private cluster
-- does). Under a linguistic collation that index cannot serve a LIKE
-- prefix, so such a database gets one that can.
do $$
begin
  if (select datcollate from pg_database where datname = current_database()) not in ('C', 'POSIX') then
    create index cases_case_code_prefix_idx on cases (city_code, case_code text_pattern_ops);
  end if;
end
$$;
