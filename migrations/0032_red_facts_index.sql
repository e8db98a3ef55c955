-- A board reads the red/green facts (clusters, lockdowns, lockdown sites)
-- of the communes under it alone, not the whole table's (issue 28: several
-- provinces share one database): one entry of this small index per commune,
-- where the primary key took one descent per fact and commune.
create index area_fact_totals_red_idx on area_fact_totals (area_code) include (fact, n)
    where fact in ('clusters', 'lockdowns', 'lockdown_sites') and n <> 0;
