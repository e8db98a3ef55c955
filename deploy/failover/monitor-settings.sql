-- How quickly the monitor gives up on a primary and promotes the standby.
-- pg_auto_failover's defaults (health check every 5 s, node unhealthy after
-- 20 s) take 25–35 s to promote; these take about 5 s, which keeps the
-- writes' gap well under the 30 s the city was promised (RELIABILITY.md).
-- A shorter unhealthy timeout would promote on a primary merely slowed by a
-- long checkpoint; 3 s of silence plus a failed health check is the floor
-- we chose. Applied by scripts/failover-cluster.sh (tests) and by hand on
-- the monitor in production (deploy/failover/README.md), then reloaded.
alter system set pgautofailover.health_check_period = 1000;
alter system set pgautofailover.health_check_timeout = 1000;
alter system set pgautofailover.health_check_max_retries = 1;
alter system set pgautofailover.health_check_retry_delay = 500;
alter system set pgautofailover.node_considered_unhealthy_timeout = 3000;
-- The promoted standby stays read-only this long, giving an old primary cut
-- off from the monitor (not dead) time to stop. Its commits cannot be
-- acknowledged meanwhile anyway: they wait for its synchronous standby,
-- which is the node just promoted. Default 30 s.
alter system set pgautofailover.primary_demote_timeout = 10000;
select pg_reload_conf();
