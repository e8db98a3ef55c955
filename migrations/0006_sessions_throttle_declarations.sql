-- Issue 10.

-- A session remembers the generation its user had at sign-in; changing the
-- password or disabling the account moves the generation on, which ends
-- every session of that user at once (the session rows are opaque to SQL).
alter table users add column session_generation integer not null default 0;

-- Sign-in limits as counters, so counting an attempt and checking the
-- limit are one atomic statement (an upsert locks its row): per account
-- and address together (`pair`), per address across accounts, and a
-- ceiling per account whatever the address. `n` counts attempts within
-- the window that began at `window_start`.
create table sign_in_counters (
    scope        text not null check (scope in ('pair', 'address', 'account')),
    key          text not null,
    window_start timestamptz not null,
    n            integer not null,
    primary key (scope, key)
);

-- The level that made a declaration: only that level or a level above may
-- withdraw it, and a city declaration outranks a district's while it stands.
alter table zone_declarations
    add column declared_level text check (declared_level in ('city', 'district', 'commune'));
update zone_declarations z
   set declared_level = case u.role when 'district' then 'district' when 'commune' then 'commune' else 'city' end
  from users u
 where u.id = z.declared_by;
update zone_declarations set declared_level = 'city' where declared_level is null;
alter table zone_declarations alter column declared_level set not null;
