-- The administrative tree: city → districts → communes, keyed by the
-- statistics office's codes, which are unique nationwide.
create table areas (
    code        text primary key check (code ~ '^[0-9]{2,5}$'),
    name        text not null check (length(name) between 1 and 200),
    unit_type   text not null,
    level       text not null check (level in ('city', 'district', 'commune')),
    parent_code text references areas (code),
    population  bigint check (population >= 0),
    -- Name folded to lower case without diacritics, so "lien ninh" finds "Xã Liên Ninh".
    search_key  text not null,
    check ((level = 'city') = (parent_code is null))
);

create index areas_parent_idx on areas (parent_code);
create index areas_search_idx on areas (search_key);
