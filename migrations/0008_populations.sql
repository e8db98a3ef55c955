-- Populations the levels can use (issue 11): a figure may be an estimate
-- (the demo's commune figures, a share of the district's), and an area may
-- keep its adult (18+) population for criterion 2 of the epidemic level;
-- without one the configured census share of the population is used.
alter table areas add column population_estimated boolean not null default false;
alter table areas add column adult_population bigint check (adult_population >= 0);
alter table areas add constraint areas_adults_within_population
    check (adult_population is null or population is null or adult_population <= population);

-- Sign-in failures are counted in sign_in_throttle since 0006; this table
-- of 0002 has had no reader or writer since.
drop table sign_in_failures;
