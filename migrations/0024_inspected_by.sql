-- Issue 25: an area a directive reaches inspects the areas below it against
-- that directive (a district checks its wards on the city's Directive 17),
-- and the task a "not met" opens is then the inspecting area's to follow.
-- by_code: that area, where it is not the directive's issuer (null: the
-- issuer, as every row before this).
alter table inspections add column by_code text references areas (code);
alter table tasks add column by_code text references areas (code);
