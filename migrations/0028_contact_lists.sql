-- Contact lists at city scale (issue 26: 10,000,000 contacts): each level's
-- list reads its own index in the list's order (newest exposure first),
-- with or without a status, as the case lists do (0014). The status
-- indexes of 0026 become the first columns of these.
drop index contacts_commune_idx;
drop index contacts_district_idx;
drop index contacts_city_idx;
create index contacts_commune_list_idx on contacts (commune_code, exposed_on desc, id desc);
create index contacts_district_list_idx on contacts (district_code, exposed_on desc, id desc);
create index contacts_city_list_idx on contacts (city_code, exposed_on desc, id desc);
create index contacts_commune_status_idx on contacts (commune_code, status, exposed_on desc, id desc);
create index contacts_district_status_idx on contacts (district_code, status, exposed_on desc, id desc);
create index contacts_city_status_idx on contacts (city_code, status, exposed_on desc, id desc);
