//! A private PostgreSQL cluster under the project's data folder, for when no
//! `DATABASE_URL` is given: created on first use, started, and stopped again.
//!
//! `initdb` refuses to run as root, so when we are root the cluster belongs to
//! an unprivileged system user (`postgres` from the Debian package, or `nobody`).

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context, Result, bail};
use tokio::process::Command;

/// The superuser the private cluster is created with.
pub const SUPERUSER: &str = "vungxanh";
const PORT: u16 = 5432;
/// Unix sockets live in `sun_path`, which holds 107 bytes on Linux.
const MAX_SOCKET_DIR_LEN: usize = 90;

/// A PostgreSQL cluster that only this project uses, reached over a Unix
/// socket in a private folder (no TCP port to collide with anything).
#[derive(Debug, Clone)]
pub struct PrivateCluster {
    data_dir: PathBuf,
    socket_dir: PathBuf,
    log_file: PathBuf,
    archive_dir: PathBuf,
    /// Whether completed WAL segments are copied to `archive_dir`.
    wal_archive: bool,
    bin_dir: PathBuf,
    run_as: Option<String>,
}

impl PrivateCluster {
    /// Describes the cluster that lives under `base` (nothing is created yet).
    pub async fn locate(base: &Path) -> Result<Self> {
        let base = absolute(base)?;
        let bin_dir = find_bin_dir().await?;
        let run_as = if is_root().await {
            Some(unprivileged_user().await?)
        } else {
            None
        };
        let mut base = base;
        if let Some(user) = &run_as {
            std::fs::create_dir_all(&base)
                .with_context(|| format!("creating {}", base.display()))?;
            if !user_can_enter(user, &base).await {
                // A clone under /root is out of reach for the cluster's user:
                // keep the cluster in a folder of its own under the temp folder.
                let alt = std::env::temp_dir().join(format!("vungxanh-{}", short_hash(&base)));
                tracing::warn!(
                    wanted = %base.display(), using = %alt.display(),
                    "the data folder is not reachable by user {user}; using another folder"
                );
                base = alt;
            }
        }
        let mut socket_dir = base.join("pg-run");
        if socket_dir.as_os_str().len() > MAX_SOCKET_DIR_LEN {
            socket_dir = std::env::temp_dir().join(format!("vx-{}", short_hash(&base)));
        }
        Ok(Self {
            data_dir: base.join("pg"),
            log_file: base.join("pg-run").join("postgres.log"),
            archive_dir: base.join("pg-wal-archive"),
            wal_archive: true,
            socket_dir,
            bin_dir,
            run_as,
        })
    }

    /// The folder holding the cluster's files.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The folder the cluster copies each completed WAL segment into
    /// (`archive_mode`), from which a base backup is rolled forward to a
    /// point in time.
    pub fn archive_dir(&self) -> &Path {
        &self.archive_dir
    }

    /// Turns WAL archiving off (from the next start): a test cluster that
    /// creates a database per test has no use for 16 MB segments by the hundred.
    pub fn with_wal_archive(mut self, on: bool) -> Self {
        self.wal_archive = on;
        self
    }

    /// The folder of PostgreSQL's programs (`pg_dump`, `pg_basebackup`, …).
    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    /// Connection URL for `database` on this cluster.
    pub fn database_url(&self, database: &str) -> String {
        let host: String = self
            .socket_dir
            .to_string_lossy()
            .chars()
            .map(|c| match c {
                ' ' => "%20".to_string(),
                '&' => "%26".to_string(),
                '#' => "%23".to_string(),
                c => c.to_string(),
            })
            .collect();
        format!("postgres://{SUPERUSER}@localhost/{database}?host={host}&port={PORT}")
    }

    /// Whether a postmaster is running on this cluster's data folder.
    pub async fn is_running(&self) -> bool {
        if !self.data_dir.join("PG_VERSION").exists() {
            return false;
        }
        self.pg("pg_ctl", &["status", "-D", &self.data_str()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await
            .map(|s| s.success())
            .unwrap_or(false)
    }

    /// Creates the cluster if it does not exist and starts it.
    /// Returns `false` when it was already running (someone else owns its lifetime).
    pub async fn start(&self) -> Result<bool> {
        self.start_with(&[]).await
    }

    /// [`start`](Self::start) with extra settings for this run only (the
    /// recovery settings of a point-in-time restore, which must not outlive it).
    pub async fn start_with(&self, settings: &[(&str, String)]) -> Result<bool> {
        if self.is_running().await {
            return Ok(false);
        }
        for dir in [&self.data_dir, &self.socket_dir, &self.archive_dir] {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            set_private(dir)?;
            self.give_to_cluster_user(dir).await?;
        }
        if let Some(parent) = self.log_file.parent() {
            std::fs::create_dir_all(parent)?;
            self.give_to_cluster_user(parent).await?;
        }
        if !self.data_dir.join("PG_VERSION").exists() {
            tracing::info!(dir = %self.data_dir.display(), "creating a private PostgreSQL cluster");
            let out = self
                .pg(
                    "initdb",
                    &[
                        "-D",
                        &self.data_str(),
                        "-U",
                        SUPERUSER,
                        "--auth=trust",
                        "-E",
                        "UTF8",
                        "--locale=C",
                    ],
                )
                .output()
                .await
                .context("running initdb")?;
            if !out.status.success() {
                bail!("initdb failed: {}", String::from_utf8_lossy(&out.stderr));
            }
        }
        // pg_ctl hands these to a shell, hence the quoting. Every completed
        // WAL segment is copied to the archive (never over an existing
        // file, as PostgreSQL's documentation asks), so a base backup can be
        // rolled forward to any later instant.
        let archive = self.archive_dir.to_string_lossy();
        // Autovacuum looks at each database every 15 s instead of every
        // minute: a storm of cases leaves ~600 dead rollup rows a second
        // (migration 0021).
        let memory = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| mem_total_kb(&m));
        let mut options = format!(
            "-k {} -c listen_addresses='' -p {PORT} -c max_connections=300 -c shared_buffers={}MB \
             -c wal_level=replica -c autovacuum_naptime=15s",
            shell_quote(&self.socket_dir.to_string_lossy()),
            shared_buffers_mb(memory),
        );
        // The cache refilled after a restart from the list of pages it held
        // (autoprewarm, of the pg_prewarm module PostgreSQL ships): without
        // it the first export after a restart read its rows from the disk,
        // one page per row (1,746 rows/s at ten million cases, 100,000 warm).
        if self.bin_dir.join("../lib/pg_prewarm.so").exists() {
            options.push_str(" -c shared_preload_libraries=pg_prewarm");
        }
        if self.wal_archive {
            options.push_str(&format!(
                " -c archive_mode=on -c {}",
                shell_quote(&format!(
                    "archive_command=test ! -f '{archive}/%f' && cp '%p' '{archive}/%f'"
                ))
            ));
        }
        for (name, value) in settings {
            options.push_str(&format!(" -c {}", shell_quote(&format!("{name}={value}"))));
        }
        let out = self
            .pg(
                "pg_ctl",
                &[
                    "start",
                    "-w",
                    "-t",
                    "120",
                    "-D",
                    &self.data_str(),
                    "-l",
                    &self.log_file.to_string_lossy(),
                    "-o",
                    &options,
                ],
            )
            .stdout(Stdio::null())
            .output()
            .await
            .context("running pg_ctl start")?;
        if !out.status.success() {
            let log = std::fs::read_to_string(&self.log_file).unwrap_or_default();
            bail!(
                "PostgreSQL did not start: {}\n{}",
                String::from_utf8_lossy(&out.stderr),
                tail(&log, 20)
            );
        }
        tracing::info!(socket = %self.socket_dir.display(), "private PostgreSQL started");
        Ok(true)
    }

    /// Stops the cluster, waiting for it to finish (fast shutdown: open
    /// transactions are rolled back, committed data is safe).
    pub async fn stop(&self) -> Result<()> {
        if !self.is_running().await {
            return Ok(());
        }
        let out = self
            .pg(
                "pg_ctl",
                &["stop", "-w", "-m", "fast", "-D", &self.data_str()],
            )
            .stdout(Stdio::null())
            .output()
            .await
            .context("running pg_ctl stop")?;
        if !out.status.success() {
            bail!(
                "pg_ctl stop failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        tracing::info!("private PostgreSQL stopped");
        Ok(())
    }

    /// A streaming replica of this cluster under `base`: a base backup with
    /// the standby settings (`pg_basebackup -R`), started on a socket of its
    /// own. An existing one is started as it is.
    pub async fn start_replica(&self, base: &Path) -> Result<PrivateCluster> {
        let replica = PrivateCluster::locate(base).await?.with_wal_archive(false);
        if !replica.data_dir.join("PG_VERSION").exists() {
            if let Some(parent) = replica.data_dir.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let out = Command::new(self.bin_dir.join("pg_basebackup"))
                .arg("--pgdata")
                .arg(&replica.data_dir)
                .args([
                    "--write-recovery-conf",
                    "--wal-method=stream",
                    "--checkpoint=fast",
                ])
                .arg(format!("--dbname={}", self.database_url("postgres")))
                .stdin(Stdio::null())
                .output()
                .await
                .context("running pg_basebackup")?;
            if !out.status.success() {
                bail!(
                    "pg_basebackup failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        replica.start().await?;
        Ok(replica)
    }

    /// Creates `database` unless it exists.
    pub async fn ensure_database(&self, database: &str) -> Result<()> {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&self.database_url("postgres")).await?;
        let exists: bool =
            sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
                .bind(database)
                .fetch_one(&mut conn)
                .await?;
        if !exists {
            // Identifiers cannot be bound; the name is checked instead.
            if !database
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                bail!("invalid database name {database:?}");
            }
            sqlx::query(&format!("create database {database}"))
                .execute(&mut conn)
                .await?;
        }
        conn.close().await?;
        Ok(())
    }

    fn data_str(&self) -> String {
        self.data_dir.to_string_lossy().into_owned()
    }

    /// The last lines of the server's log, for an error message.
    pub fn log_tail(&self, lines: usize) -> String {
        tail(
            &std::fs::read_to_string(&self.log_file).unwrap_or_default(),
            lines,
        )
    }

    /// Makes `dir` (recursively) the cluster user's, when the cluster runs
    /// as another user than us.
    pub async fn give_to_cluster_user(&self, dir: &Path) -> Result<()> {
        if let Some(user) = &self.run_as {
            let status = Command::new("chown")
                .arg("-R")
                .arg(format!("{user}:"))
                .arg(dir)
                .status()
                .await?;
            if !status.success() {
                bail!("could not give {} to {user}", dir.display());
            }
        }
        Ok(())
    }

    fn pg(&self, program: &str, args: &[&str]) -> Command {
        let bin = self.bin_dir.join(program);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.arg("-u").arg(user).arg("--").arg(bin);
                c
            }
            None => Command::new(bin),
        };
        cmd.args(args).stdin(Stdio::null()).kill_on_drop(false);
        cmd
    }
}

/// `s` as one word for `sh`.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn absolute(p: &Path) -> Result<PathBuf> {
    Ok(if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    })
}

/// Makes `dir` readable by its owner only (PostgreSQL refuses a data folder
/// others can read).
pub fn set_private(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    Ok(())
}

fn short_hash(p: &Path) -> String {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut h = DefaultHasher::new();
    p.hash(&mut h);
    format!("{:08x}", h.finish() as u32)
}

fn tail(s: &str, lines: usize) -> String {
    let all: Vec<&str> = s.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

async fn is_root() -> bool {
    match Command::new("id").arg("-u").output().await {
        Ok(out) => String::from_utf8_lossy(&out.stdout).trim() == "0",
        Err(_) => false,
    }
}

async fn unprivileged_user() -> Result<String> {
    for user in ["postgres", "nobody"] {
        let ok = Command::new("id")
            .arg("-u")
            .arg(user)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await
            .map(|s| s.success())
            .unwrap_or(false);
        if ok {
            return Ok(user.to_string());
        }
    }
    bail!("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")
}

async fn user_can_enter(user: &str, dir: &Path) -> bool {
    Command::new("runuser")
        .args(["-u", user, "--", "test", "-x"])
        .arg(dir)
        .status()
        .await
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Finds PostgreSQL's server programs: `VX_PG_BINDIR`, then the newest
/// Debian layout `/usr/lib/postgresql/<major>/bin`, then `PATH`.
pub async fn find_bin_dir() -> Result<PathBuf> {
    if let Ok(dir) = std::env::var("VX_PG_BINDIR") {
        return Ok(PathBuf::from(dir));
    }
    let mut best: Option<(u32, PathBuf)> = None;
    if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
        for e in entries.flatten() {
            let bin = e.path().join("bin");
            let major = e.file_name().to_string_lossy().parse::<u32>().ok();
            if let Some(major) = major
                && bin.join("initdb").exists()
                && best.as_ref().is_none_or(|(m, _)| major > *m)
            {
                best = Some((major, bin));
            }
        }
    }
    if let Some((_, bin)) = best {
        return Ok(bin);
    }
    if let Ok(path) = std::env::var("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").exists() && dir.join("pg_ctl").exists() {
                return Ok(dir);
            }
        }
    }
    bail!(
        "PostgreSQL server programs (initdb, pg_ctl) not found: install the `postgresql` \
         package (make run does it for you) or set DATABASE_URL"
    )
}

/// PostgreSQL's own cache for a machine of `memory_kb`: a quarter of it
/// (PostgreSQL's documentation's starting point for a dedicated server),
/// at least 256 MB and at most 8 GB. A city's cases at ten million are
/// 4.5 GB: with 256 MB an export read every row from the kernel's cache or
/// the disk, one page per row.
pub fn shared_buffers_mb(memory_kb: Option<u64>) -> u64 {
    memory_kb.map_or(256, |kb| (kb / 1024 / 4).clamp(256, 8192))
}

/// `MemTotal` of `/proc/meminfo`, in kB.
fn mem_total_kb(meminfo: &str) -> Option<u64> {
    meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgresql_caches_a_quarter_of_the_machine_within_bounds() {
        let meminfo = "MemTotal:       24576000 kB\nMemFree:        1000 kB\n";
        assert_eq!(mem_total_kb(meminfo), Some(24_576_000));
        assert_eq!(shared_buffers_mb(mem_total_kb(meminfo)), 6000);
        assert_eq!(shared_buffers_mb(Some(512 * 1024)), 256);
        assert_eq!(shared_buffers_mb(Some(256 * 1024 * 1024)), 8192);
        assert_eq!(shared_buffers_mb(None), 256);
    }
}
