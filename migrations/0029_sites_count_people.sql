-- A site that keeps people (0026) is as full as the people held there,
-- whatever an edit of the site sends: its form no longer offers the number,
-- and an API edit's number gives way to the count.
create function sites_keep_count() returns trigger language plpgsql as $$
begin
    if new.keeps_people then
        new.occupancy := (select count(*) from contacts c
                          where c.site_id = new.id and c.status = 'quarantined');
    end if;
    return new;
end $$;
create trigger quarantine_sites_keep_count before update on quarantine_sites
    for each row execute function sites_keep_count();
