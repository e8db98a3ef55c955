-- The change feed: every web process LISTENs on `vx_feed` and keeps the
-- city stamps, sessions and signed-in users in memory, dropping what a
-- notification names. A page then needs no round trip when nothing changed.
-- Payloads carry no personal data: a city code, a user id, a session id.
-- Identical payloads in one transaction arrive once, so a bulk load of a
-- million cases sends one "stamp" notification per city.

create or replace function bump_city_stamp(city text) returns void language sql as $$
    insert into city_stamps as s (city_code, stamp) values (city, 1)
    on conflict (city_code) do update set stamp = s.stamp + 1;
    select pg_notify('vx_feed', 'stamp ' || city);
$$;

create function feed_user_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('vx_feed', 'user ' || coalesce(new.id, old.id));
    return null;
end $$;

create trigger users_feed after update or delete on users
    for each row execute function feed_user_changed();

-- A signed-in user carries their area's name: a renamed area drops them all.
create function feed_areas_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('vx_feed', 'users');
    return null;
end $$;

create trigger areas_feed after update or delete on areas
    for each statement execute function feed_areas_changed();

create function feed_session_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('vx_feed', 'session ' || coalesce(new.id, old.id));
    return null;
end $$;

create trigger session_feed after update or delete on tower_sessions.session
    for each row execute function feed_session_changed();
