-- The Ministry's view of every province (issue 28, DESIGN §2): a role
-- above the city that reads the provinces' counts and nothing else. Its
-- account is filed under a province (as the administrator's is) only so
-- that its own sign-ins and tokens have an audit home.
alter table users drop constraint users_role_check;
alter table users add constraint users_role_check
    check (role in ('commune', 'district', 'city', 'admin', 'country'));
