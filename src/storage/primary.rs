//! Following the writable server among several (pg_auto_failover's primary
//! and standby, `deploy/failover/`).
//!
//! sqlx connects to one host, so this module does what libpq's
//! `target_session_attrs=read-write` does: it asks each host whether it
//! takes writes and points the pools at the one that does. A
//! watcher asks the current host once a second over a connection of its
//! own (a busy pool cannot make it think the primary is gone); when that
//! host is gone or has become a standby it marks the primary lost — pages
//! are then served read-only from what the process holds, writes answer
//! 503 — and looks again every quarter second until a host is writable.
//! The pools then connect there, and connections made before the switch
//! are dropped instead of reused.

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

/// How often the watcher asks the current primary whether it still is.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// How long one host may take to answer before it counts as away.
const ANSWER_WITHIN: Duration = Duration::from_secs(2);
/// How often the hosts are asked while no primary is known.
const LOOK_EVERY: Duration = Duration::from_millis(250);

/// One URL per host of a libpq-style URL (`postgres://u@h1:5432,h2:5433/db`),
/// or of `hosts` (`h1:5432,h2:5433`, as `VX_DATABASE_HOSTS`) in place of the
/// URL's own. `target_session_attrs` is dropped: the choice is made here.
pub fn host_urls(url: &str, hosts: Option<&str>) -> Result<Vec<String>, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| "the database URL has no scheme".to_string())?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (user, listed) = match authority.rsplit_once('@') {
        Some((u, h)) => (format!("{u}@"), h),
        None => (String::new(), authority),
    };
    let listed = hosts.unwrap_or(listed);
    let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
    let query: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("target_session_attrs="))
        .collect();
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    let hosts: Vec<&str> = listed.split(',').map(str::trim).collect();
    if hosts.iter().any(|h| h.is_empty()) {
        return Err(format!("an empty host in {listed:?}"));
    }
    Ok(hosts
        .iter()
        .map(|h| format!("{scheme}://{user}{h}{path}{query}"))
        .collect())
}

/// The URL of the writable host among `url`'s (or `hosts`), for a tool that
/// connects once (a backup): `url` itself when it names one host.
pub async fn writable_url(url: &str, hosts: Option<&str>) -> anyhow::Result<String> {
    let urls = host_urls(url, hosts).map_err(anyhow::Error::msg)?;
    if urls.len() == 1 && hosts.is_none() {
        return Ok(url.to_string());
    }
    for u in &urls {
        let o = PgConnectOptions::from_str(u).context("reading a database host's URL")?;
        if let Ok(Ok(false)) = tokio::time::timeout(ANSWER_WITHIN, refuses_writes(&o)).await {
            return Ok(u.clone());
        }
    }
    bail!("none of the database hosts is writable")
}

/// What the app knows of its primary; one per process, shared by the
/// watcher, the pages (their banner) and the write guard.
#[derive(Debug, Default)]
pub struct PrimaryStatus {
    inner: Mutex<Known>,
}

#[derive(Debug, Default)]
struct Known {
    /// Since when no writable host is known (`None`: one is).
    lost_since: Option<Instant>,
    /// When the pools last moved to another host: connections older than
    /// this lead to the old one.
    switched_at: Option<Instant>,
    /// The host in use, for `/readyz` and the logs.
    host: String,
}

impl PrimaryStatus {
    /// How long ago the primary was lost, while no writable host is known.
    pub fn lost_for(&self) -> Option<Duration> {
        self.inner
            .lock()
            .expect("primary status")
            .lost_since
            .map(|t| t.elapsed())
    }

    /// The host the pools use now.
    pub fn host(&self) -> String {
        self.inner.lock().expect("primary status").host.clone()
    }

    fn lose(&self) -> bool {
        let mut k = self.inner.lock().expect("primary status");
        let first = k.lost_since.is_none();
        k.lost_since.get_or_insert_with(Instant::now);
        first
    }

    fn found(&self, host: &str, moved: bool) {
        let mut k = self.inner.lock().expect("primary status");
        k.lost_since = None;
        if moved {
            k.switched_at = Some(Instant::now());
        }
        k.host = host.to_string();
    }

    /// Whether a connection of age `age` was made before the last switch.
    fn older_than_switch(&self, age: Duration) -> bool {
        let k = self.inner.lock().expect("primary status");
        k.switched_at.is_some_and(|t| age > t.elapsed())
    }
}

/// The hosts and the pools that follow whichever of them is writable.
pub struct Primary {
    hosts: Vec<PgConnectOptions>,
    names: Vec<String>,
    status: Arc<PrimaryStatus>,
    current: Mutex<usize>,
    pools: Mutex<Vec<Following>>,
    /// Told `true` when the primary is lost and `false` when one is found.
    on_change: Mutex<Option<OnChange>>,
}

/// A pool that moves with the primary, and the server setting its
/// connections carry.
type Following = (PgPool, Option<(&'static str, &'static str)>);
type OnChange = Box<dyn Fn(bool) + Send + Sync>;

impl std::fmt::Debug for Primary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Primary")
            .field("hosts", &self.names)
            .finish_non_exhaustive()
    }
}

impl Primary {
    /// Finds the writable one of `urls` (waiting up to `wait` for one) and
    /// opens the main pool there.
    pub async fn connect(
        urls: &[String],
        max_connections: u32,
        wait: Duration,
    ) -> anyhow::Result<(Arc<Self>, PgPool)> {
        let mut hosts = Vec::new();
        let mut names = Vec::new();
        for u in urls {
            let o = PgConnectOptions::from_str(u).context("reading a database host's URL")?;
            names.push(format!("{}:{}", o.get_host(), o.get_port()));
            hosts.push(o);
        }
        let status = Arc::new(PrimaryStatus::default());
        let this = Arc::new(Self {
            hosts,
            names,
            status: status.clone(),
            current: Mutex::new(0),
            pools: Mutex::new(Vec::new()),
            on_change: Mutex::new(None),
        });
        let deadline = Instant::now() + wait;
        let first = loop {
            if let Some(i) = this.find().await {
                break i;
            }
            if Instant::now() >= deadline {
                bail!(
                    "none of the database hosts {} is writable",
                    this.names.join(", ")
                );
            }
            tokio::time::sleep(LOOK_EVERY).await;
        };
        *this.current.lock().expect("primary") = first;
        status.found(&this.names[first], false);
        let before = status.clone();
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            // A host that became a standby is not given out as the primary.
            .after_connect(|conn, _| {
                Box::pin(async move {
                    if read_only(conn).await? {
                        return Err(sqlx::Error::Protocol(
                            "this database host is a standby, not the primary".into(),
                        ));
                    }
                    Ok(())
                })
            })
            .before_acquire(move |_, meta| {
                let stale = before.older_than_switch(meta.age);
                Box::pin(async move { Ok(!stale) })
            })
            .connect_lazy_with(this.hosts[first].clone());
        this.follow(&pool, None);
        Ok((this, pool))
    }

    /// What the app knows of the primary (shared with pages and guards).
    pub fn status(&self) -> Arc<PrimaryStatus> {
        self.status.clone()
    }

    /// Moves `pool` along with the primary; `option` is a server setting
    /// its connections carry (the board pool's plan mode).
    pub fn follow(&self, pool: &PgPool, option: Option<(&'static str, &'static str)>) {
        self.pools
            .lock()
            .expect("primary pools")
            .push((pool.clone(), option));
    }

    /// Calls `f(true)` when the primary is lost and `f(false)` once found.
    pub fn on_change(&self, f: impl Fn(bool) + Send + Sync + 'static) {
        *self.on_change.lock().expect("primary") = Some(Box::new(f));
    }

    fn tell(&self, lost: bool) {
        if let Some(f) = &*self.on_change.lock().expect("primary") {
            f(lost);
        }
    }

    /// The first host that answers and is not in recovery.
    async fn find(&self) -> Option<usize> {
        for (i, o) in self.hosts.iter().enumerate() {
            if let Ok(Ok(false)) = tokio::time::timeout(ANSWER_WITHIN, refuses_writes(o)).await {
                return Some(i);
            }
        }
        None
    }

    /// Watches the primary until the process ends.
    pub async fn watch(self: Arc<Self>) {
        let mut conn: Option<PgConnection> = None;
        loop {
            tokio::time::sleep(CHECK_EVERY).await;
            let i = *self.current.lock().expect("primary");
            if conn.is_none() {
                conn =
                    tokio::time::timeout(ANSWER_WITHIN, PgConnection::connect_with(&self.hosts[i]))
                        .await
                        .ok()
                        .and_then(Result::ok);
            }
            let fine = match conn.as_mut() {
                Some(c) => matches!(
                    tokio::time::timeout(ANSWER_WITHIN, read_only(c)).await,
                    Ok(Ok(false))
                ),
                None => false,
            };
            if fine {
                continue;
            }
            conn = None;
            if self.status.lose() {
                metrics::gauge!("vx_db_primary_lost").set(1.0);
                tracing::warn!(host = %self.names[i], "the database primary is lost; pages are read-only until one is found");
                self.tell(true);
            }
            let lost_at = Instant::now();
            let found = loop {
                if let Some(f) = self.find().await {
                    break f;
                }
                tokio::time::sleep(LOOK_EVERY).await;
            };
            *self.current.lock().expect("primary") = found;
            let moved = found != i;
            if moved {
                for (pool, option) in self.pools.lock().expect("primary pools").iter() {
                    let mut o = self.hosts[found].clone();
                    if let Some(option) = option {
                        o = o.options([*option]);
                    }
                    pool.set_connect_options(o);
                }
            }
            self.status.found(&self.names[found], moved);
            metrics::gauge!("vx_db_primary_lost").set(0.0);
            if moved {
                metrics::counter!("vx_db_primary_switches_total").increment(1);
            }
            tracing::warn!(
                host = %self.names[found],
                after_ms = lost_at.elapsed().as_millis() as u64,
                "the database primary is found; writes resume"
            );
            self.tell(false);
        }
    }
}

/// Whether a host refuses writes, over a connection of its own.
async fn refuses_writes(o: &PgConnectOptions) -> Result<bool, sqlx::Error> {
    let mut c = PgConnection::connect_with(o).await?;
    let r = read_only(&mut c).await;
    let _ = c.close().await;
    r
}

/// Whether a host refuses writes: a standby, or a primary that
/// pg_auto_failover has promoted but holds read-only until the old one is
/// known to be gone (`default_transaction_read_only`), as libpq's
/// `target_session_attrs=read-write` asks.
async fn read_only(c: &mut PgConnection) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "select pg_is_in_recovery() or current_setting('transaction_read_only')::bool",
    )
    .fetch_one(c)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multi_host_url_becomes_one_url_per_host_without_the_session_attribute() {
        let urls = host_urls(
            "postgres://vx:pw@db1:5432,db2:5433/vungxanh?target_session_attrs=read-write&sslmode=require",
            None,
        )
        .unwrap();
        assert_eq!(
            urls,
            [
                "postgres://vx:pw@db1:5432/vungxanh?sslmode=require",
                "postgres://vx:pw@db2:5433/vungxanh?sslmode=require"
            ]
        );
    }

    #[test]
    fn listed_hosts_take_the_place_of_the_urls_host() {
        let urls = host_urls("postgres://vx@localhost/vungxanh", Some("a:1, b:2")).unwrap();
        assert_eq!(
            urls,
            ["postgres://vx@a:1/vungxanh", "postgres://vx@b:2/vungxanh"]
        );
        assert_eq!(
            host_urls("postgres://localhost:5432/db", None).unwrap(),
            ["postgres://localhost:5432/db"]
        );
    }

    #[test]
    fn a_url_without_a_scheme_or_with_an_empty_host_is_refused() {
        assert!(host_urls("db1,db2/vx", None).is_err());
        assert!(host_urls("postgres://u@db1,,db2/vx", None).is_err());
    }

    #[test]
    fn connections_made_before_a_switch_are_stale_and_later_ones_are_not() {
        let s = PrimaryStatus::default();
        assert!(
            !s.older_than_switch(Duration::from_secs(3600)),
            "no switch yet"
        );
        s.found("b:2", true);
        assert!(s.older_than_switch(Duration::from_secs(1)));
        assert!(!s.older_than_switch(Duration::ZERO));
        assert!(s.lose() && !s.lose(), "lost once, not twice");
        assert!(s.lost_for().is_some());
        s.found("b:2", false);
        assert!(s.lost_for().is_none());
    }
}
