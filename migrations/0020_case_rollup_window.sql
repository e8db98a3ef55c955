-- The board's fortnight of every child and the area's own 240 days, read
-- from the index alone (issue 13): through the primary key each of those
-- ~630 rows cost a visit to its own heap page.
create index case_rollup_window_idx on case_rollup (area_code, day)
    include (detected, community, recovered, died, transferred);
