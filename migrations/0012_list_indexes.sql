-- Lists of cases at a million rows (issue 13): each level reads its own
-- index in the list's order, live cases only, so a page is a short index
-- walk instead of a scan and sort of the whole city.
create index cases_city_list_idx on cases (city_code, detected_on desc, id desc) where voided_at is null;
create index cases_district_list_idx on cases (district_code, detected_on desc, id desc) where voided_at is null;
create index cases_commune_list_idx on cases (commune_code, detected_on desc, id desc) where voided_at is null;
