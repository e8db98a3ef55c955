-- Contacts (F1 of a case, F2 of an F1), their quarantine and their tests
-- (DESIGN §3a, issue 26). A contact is recorded in the commune where they
-- live; personal details follow the cases' need-to-know.

-- A site that keeps people counts them: its occupancy is the contacts held
-- there, kept by the trigger below, no longer a number typed by hand.
alter table quarantine_sites add column keeps_people boolean not null default false;

create table contacts (
    id              bigserial primary key,
    city_code       text not null references areas (code),
    district_code   text not null references areas (code),
    commune_code    text not null references areas (code),
    -- Exposed to a case (an F1) or to an F1 (an F2): exactly one.
    case_id         bigint references cases (id),
    source_id       bigint references contacts (id),
    exposed_on      date not null,
    found_by        text not null check (found_by in ('household', 'workplace', 'neighbourhood', 'checkpoint', 'other')),
    held_at         text not null check (held_at in ('site', 'home', 'unplaced')),
    site_id         bigint references quarantine_sites (id),
    quarantine_from date,
    quarantine_to   date,
    status          text not null check (status in ('traced', 'quarantined', 'released', 'became_case', 'lost')),
    became_case_id  bigint references cases (id),
    village         text not null default '' check (length(village) <= 100),
    sex             text check (sex in ('m', 'f')),
    birth_year      integer check (birth_year between 1900 and 2100),
    full_name       text not null default '' check (length(full_name) <= 100),
    phone           text not null default '' check (length(phone) <= 20),
    address         text not null default '' check (length(address) <= 200),
    note            text not null default '' check (length(note) <= 1000),
    version         integer not null default 1,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    check ((case_id is null) <> (source_id is null)),
    check ((held_at = 'site') = (site_id is not null)),
    check ((status = 'quarantined') <= (quarantine_from is not null)),
    check (quarantine_to is null or quarantine_from is null or quarantine_to >= quarantine_from),
    check ((status = 'became_case') = (became_case_id is not null))
);
create index contacts_commune_idx on contacts (commune_code, status);
create index contacts_district_idx on contacts (district_code, status);
create index contacts_city_idx on contacts (city_code, status);
create index contacts_case_idx on contacts (case_id);
create index contacts_source_idx on contacts (source_id);
create index contacts_site_idx on contacts (site_id) where status = 'quarantined';
create trigger contacts_stamp after insert or update or delete on contacts
    for each row execute function stamp_by_city_code();

-- A contact's tests: on the days the rule sets, each with its result.
create table contact_tests (
    id          bigserial primary key,
    contact_id  bigint not null references contacts (id),
    taken_on    date not null,
    kind        text not null check (kind in ('pooled_pcr', 'individual_pcr', 'rapid_antigen')),
    result      text not null check (result in ('pending', 'negative', 'positive')),
    created_at  timestamptz not null
);
create index contact_tests_contact_idx on contact_tests (contact_id, taken_on);

-- The occupancy of each site a contact enters or leaves, counted again with
-- the site's row locked: two officials placing people into its last place
-- at once are serialised here, and the second breaks the site's
-- `occupancy <= capacity` check instead of overfilling it.
create function count_site_people() returns trigger language plpgsql as $$
declare
    site bigint;
begin
    foreach site in array array[
        case when tg_op <> 'INSERT' then old.site_id end,
        case when tg_op <> 'DELETE' then new.site_id end
    ] loop
        continue when site is null;
        perform 1 from quarantine_sites where id = site for update;
        update quarantine_sites s
           set keeps_people = true,
               occupancy = (select count(*) from contacts c
                            where c.site_id = site and c.status = 'quarantined')
         where s.id = site;
        insert into quarantine_occupancy (site_id, at, occupancy, capacity, status)
        select s.id, now(), s.occupancy, s.capacity, s.status from quarantine_sites s
         where s.id = site
           and not exists (
               select 1 from (select o.occupancy, o.capacity, o.status from quarantine_occupancy o
                              where o.site_id = site order by o.at desc, o.id desc limit 1) last
               where last.occupancy = s.occupancy and last.capacity = s.capacity and last.status = s.status);
    end loop;
    return null;
end $$;
create trigger contacts_site_people after insert or update of site_id, status or delete on contacts
    for each row execute function count_site_people();
