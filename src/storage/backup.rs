//! Backups that restore.
//!
//! A backup is a `pg_dump` (custom format) of one database, taken from one
//! snapshot, with a manifest beside it: when it was taken, the schema version,
//! the rows of every table in that same snapshot, and the dump's SHA-256. On
//! the private cluster it also holds a base backup (`pg_basebackup`) which,
//! rolled forward through the archived WAL, restores the whole cluster to any
//! later instant (`restore --until`).
//!
//! Files, for a backup taken at 2021-08-24 03:15:00 UTC:
//! `vungxanh-20210824T031500Z.dump`, `.json` (the manifest), `.sha256`
//! (for `sha256sum -c`) and `.base/` (the base backup, private cluster only).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection};
use tokio::process::Command;

use crate::storage::pg::{self, PrivateCluster};

/// What a backup holds, written beside the dump as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// The dump's file name, in the same folder.
    pub dump: String,
    pub sha256: String,
    pub bytes: u64,
    /// The instant of the snapshot the dump and the counts were read from.
    pub taken_at: DateTime<Utc>,
    pub database: String,
    /// The newest migration applied, and all of them.
    pub schema_version: i64,
    pub migrations: Vec<i64>,
    /// Rows per table (`schema.table`, or `table` in `public`), in the dump's snapshot.
    pub tables: BTreeMap<String, i64>,
    /// The base backup for point-in-time recovery (private cluster only).
    pub base_backup: Option<BaseBackup>,
    /// Seconds the whole backup took.
    pub seconds: f64,
    pub program_version: String,
}

/// A `pg_basebackup` of the private cluster.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaseBackup {
    /// Its folder's name, in the same folder as the manifest.
    pub dir: String,
    pub bytes: u64,
    /// After this instant the cluster can be recovered from it.
    pub finished_at: DateTime<Utc>,
    /// The oldest archived WAL segment it needs; older ones can go.
    pub first_wal: String,
}

/// Takes a backup of the database at `url` into `dir`; with the private
/// `cluster`, a base backup too.
pub async fn backup(url: &str, cluster: Option<&PrivateCluster>, dir: &Path) -> Result<Manifest> {
    let started = Instant::now();
    let bin = bin_dir(cluster).await?;
    if !dir.exists() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        // Backups hold names, phone numbers and addresses.
        pg::set_private(dir)?;
    }

    // The counts and the dump come from one snapshot, so the manifest
    // describes exactly what the dump holds, whatever is written meanwhile.
    let mut conn = PgConnection::connect(url)
        .await
        .context("connecting to PostgreSQL")?;
    let mut snap = conn.begin().await?;
    sqlx::query("set transaction isolation level repeatable read, read only")
        .execute(&mut *snap)
        .await?;
    let (snapshot, taken_at, database): (String, DateTime<Utc>, String) =
        sqlx::query_as("select pg_export_snapshot(), now(), current_database()")
            .fetch_one(&mut *snap)
            .await?;
    let migrations = applied_migrations(&mut snap).await?;
    let tables = count_rows(&mut snap).await?;

    let name = format!("vungxanh-{}", taken_at.format("%Y%m%dT%H%M%SZ"));
    let dump_name = format!("{name}.dump");
    let dump = dir.join(&dump_name);
    if dump.exists() {
        bail!("{} exists already", dump.display());
    }
    let partial = dir.join(format!("{dump_name}.partial"));
    let (conn_str, password) = libpq(url);
    let mut cmd = Command::new(bin.join("pg_dump"));
    cmd.arg("--format=custom")
        .arg(format!("--snapshot={snapshot}"))
        .arg("--file")
        .arg(&partial)
        .arg(format!("--dbname={conn_str}"));
    run(cmd, password.as_deref(), "pg_dump").await?;
    snap.commit().await?;
    // A backup holds names and phone numbers: its owner's alone, even
    // when copied out of its private folder.
    make_private(&partial)?;
    std::fs::rename(&partial, &dump)?;
    let sha256 = sha256_file(&dump)?;
    let bytes = std::fs::metadata(&dump)?.len();

    let base_backup = match cluster {
        Some(c) => Some(base_backup(c, &mut conn, dir, &name).await?),
        None => None,
    };
    conn.close().await?;

    let manifest = Manifest {
        dump: dump_name.clone(),
        sha256: sha256.clone(),
        bytes,
        taken_at,
        database,
        schema_version: migrations.last().copied().unwrap_or(0),
        migrations,
        tables,
        base_backup,
        seconds: started.elapsed().as_secs_f64(),
        program_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    write_atomically(
        &dir.join(format!("{name}.sha256")),
        format!("{sha256}  {dump_name}\n").as_bytes(),
    )?;
    // Written last: a backup without its manifest is one that did not finish.
    write_atomically(
        &dir.join(format!("{name}.json")),
        &serde_json::to_vec_pretty(&manifest)?,
    )?;
    Ok(manifest)
}

async fn base_backup(
    cluster: &PrivateCluster,
    conn: &mut PgConnection,
    dir: &Path,
    name: &str,
) -> Result<BaseBackup> {
    // The backup starts at or after this segment: the WAL it needs.
    let first_wal: String = sqlx::query_scalar("select pg_walfile_name(pg_current_wal_lsn())")
        .fetch_one(&mut *conn)
        .await?;
    let archiving: Option<String> =
        sqlx::query_scalar("select setting from pg_settings where name = 'archive_mode'")
            .fetch_optional(&mut *conn)
            .await?;
    if archiving.as_deref() != Some("on") {
        tracing::warn!(
            "WAL archiving is off (VX_WAL_ARCHIVE=false): this base backup restores only to itself"
        );
    }
    let dir_name = format!("{name}.base");
    let target = dir.join(&dir_name);
    let mut cmd = Command::new(cluster.bin_dir().join("pg_basebackup"));
    cmd.arg("--pgdata")
        .arg(&target)
        .args([
            "--format=tar",
            "--gzip",
            "--wal-method=stream",
            "--checkpoint=fast",
        ])
        .arg(format!("--dbname={}", cluster.database_url("postgres")));
    run(cmd, None, "pg_basebackup").await?;
    make_private(&target)?;
    let finished_at: DateTime<Utc> = sqlx::query_scalar("select clock_timestamp()")
        .fetch_one(&mut *conn)
        .await?;
    Ok(BaseBackup {
        dir: dir_name,
        bytes: folder_size(&target)?,
        finished_at,
        first_wal,
    })
}

/// What a restore put back.
#[derive(Debug)]
pub struct Restored {
    pub tables: BTreeMap<String, i64>,
    /// Whether a manifest was there to check the dump and the counts against.
    pub verified: bool,
    pub seconds: f64,
}

/// Restores a dump into the database at `url`, which must be empty unless
/// `force` (then everything in it is replaced). The dump is checked against
/// its manifest's SHA-256 first, and the restored rows against its counts.
pub async fn restore(file: &Path, url: &str, force: bool) -> Result<Restored> {
    let started = Instant::now();
    let manifest = manifest_for(file)?;
    if let Some(m) = &manifest {
        let sum = sha256_file(file)?;
        if sum != m.sha256 {
            bail!(
                "{} does not match its manifest's checksum (file {sum}, manifest {}): the file is damaged",
                file.display(),
                m.sha256
            );
        }
    } else {
        tracing::warn!(file = %file.display(), "no manifest beside the dump: its checksum and row counts cannot be checked");
    }
    let mut conn = PgConnection::connect(url)
        .await
        .context("connecting to PostgreSQL")?;
    let present = count_rows(&mut conn).await?;
    if !present.is_empty() {
        if !force {
            bail!(
                "the database is not empty ({} tables, {} rows): restore into an empty database, \
                 or add --force to replace everything in it",
                present.len(),
                present.values().sum::<i64>()
            );
        }
        let schemas: Vec<String> = sqlx::query_scalar(
            "select nspname::text from pg_namespace
              where nspname <> 'information_schema' and nspname not like 'pg\\_%'",
        )
        .fetch_all(&mut conn)
        .await?;
        for s in schemas {
            let sql = format!("drop schema {} cascade", quote_ident(&s));
            sqlx::query(&sql).execute(&mut conn).await?;
        }
        sqlx::query("create schema public")
            .execute(&mut conn)
            .await?;
    }
    let bin = pg::find_bin_dir().await?;
    let (conn_str, password) = libpq(url);
    let mut cmd = Command::new(bin.join("pg_restore"));
    cmd.args([
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ])
    .arg(format!("--dbname={conn_str}"))
    .arg(file);
    run(cmd, password.as_deref(), "pg_restore").await?;
    let tables = count_rows(&mut conn).await?;
    conn.close().await?;
    if let Some(m) = &manifest
        && m.tables != tables
    {
        let diff: Vec<String> = m
            .tables
            .iter()
            .filter(|(t, n)| tables.get(*t) != Some(n))
            .map(|(t, n)| format!("{t}: {n} in the backup, {:?} restored", tables.get(t)))
            .collect();
        bail!(
            "the restored rows differ from the manifest: {}",
            diff.join("; ")
        );
    }
    Ok(Restored {
        tables,
        verified: manifest.is_some(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// What a point-in-time recovery did.
#[derive(Debug)]
pub struct Recovered {
    /// The base backup it started from.
    pub from: String,
    /// Where the cluster's files as they were before are kept.
    pub kept_aside: PathBuf,
    pub seconds: f64,
}

/// Recovers the whole private cluster to `until`: the newest base backup in
/// `dir` finished before it, rolled forward through the archived WAL. The
/// cluster's files as they were are moved aside, never deleted. The cluster
/// is left running.
pub async fn restore_until(
    cluster: &PrivateCluster,
    dir: &Path,
    until: DateTime<Utc>,
) -> Result<Recovered> {
    let started = Instant::now();
    let from = list(dir)?
        .into_iter()
        .filter_map(|m| m.base_backup)
        .filter(|b| b.finished_at < until)
        .max_by_key(|b| b.finished_at)
        .with_context(|| {
            format!(
                "no base backup in {} finished before {until}: a point in time can be reached \
                 only from a backup taken before it",
                dir.display()
            )
        })?;

    cluster.start().await?;
    let mut conn = PgConnection::connect(&cluster.database_url("postgres")).await?;
    let now: DateTime<Utc> = sqlx::query_scalar("select clock_timestamp()")
        .fetch_one(&mut conn)
        .await?;
    if until >= now {
        bail!("{until} is not in the past (the server's clock reads {now})");
    }
    // Recovery stops at the first commit after `until`; make sure there is
    // one, then close the current WAL segment and wait until it is archived,
    // so everything committed so far can be replayed.
    sqlx::query("select txid_current()")
        .execute(&mut conn)
        .await?;
    let last: String = sqlx::query_scalar("select pg_walfile_name(pg_switch_wal())")
        .fetch_one(&mut conn)
        .await?;
    let deadline = Instant::now() + Duration::from_secs(120);
    while !cluster.archive_dir().join(&last).exists() {
        let failed: Option<String> =
            sqlx::query_scalar("select last_failed_wal from pg_stat_archiver")
                .fetch_one(&mut conn)
                .await?;
        if Instant::now() > deadline || failed.as_deref() == Some(last.as_str()) {
            bail!(
                "WAL segment {last} was not archived into {} (is VX_WAL_ARCHIVE on?)",
                cluster.archive_dir().display()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    conn.close().await?;
    cluster.stop().await?;

    let data = cluster.data_dir().to_path_buf();
    let kept_aside = data.with_file_name(format!(
        "pg.before-restore-{}",
        now.format("%Y%m%dT%H%M%SZ")
    ));
    std::fs::rename(&data, &kept_aside)
        .with_context(|| format!("moving {} aside", data.display()))?;
    std::fs::create_dir_all(data.join("pg_wal"))?;
    let base = dir.join(&from.dir);
    untar(&base.join("base.tar.gz"), &data).await?;
    untar(&base.join("pg_wal.tar.gz"), &data.join("pg_wal")).await?;
    std::fs::write(data.join("recovery.signal"), b"")?;
    pg::set_private(&data)?;
    cluster.give_to_cluster_user(&data).await?;

    let archive = cluster.archive_dir().to_string_lossy().into_owned();
    cluster
        .start_with(&[
            ("restore_command", format!("cp '{archive}/%f' '%p'")),
            (
                "recovery_target_time",
                until.format("%Y-%m-%d %H:%M:%S%.6f+00").to_string(),
            ),
            ("recovery_target_action", "promote".to_string()),
            ("recovery_target_timeline", "latest".to_string()),
        ])
        .await
        .with_context(|| {
            format!(
                "recovery did not start; the cluster as it was is in {}",
                kept_aside.display()
            )
        })?;
    // Connections are accepted once the replay is consistent; the cluster
    // is ours again when it has reached `until` and promoted itself.
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        match in_recovery(&cluster.database_url("postgres")).await {
            Ok(false) => break,
            _ if Instant::now() > deadline || !cluster.is_running().await => bail!(
                "recovery to {until} did not finish; the cluster as it was is in {}\n{}",
                kept_aside.display(),
                cluster.log_tail(20)
            ),
            _ => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    Ok(Recovered {
        from: from.dir,
        kept_aside,
        seconds: started.elapsed().as_secs_f64(),
    })
}

async fn in_recovery(url: &str) -> Result<bool> {
    let mut c = PgConnection::connect(url).await?;
    let r = sqlx::query_scalar("select pg_is_in_recovery()")
        .fetch_one(&mut c)
        .await?;
    c.close().await?;
    Ok(r)
}

/// The backups in `dir`, oldest first (those whose manifest was written).
pub fn list(dir: &Path) -> Result<Vec<Manifest>> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("vungxanh-")
            && name.ends_with(".json")
            && let Ok(m) = serde_json::from_slice::<Manifest>(&std::fs::read(e.path())?)
        {
            out.push(m);
        }
    }
    out.sort_by_key(|m| m.taken_at);
    Ok(out)
}

/// Keeps the newest `keep` backups in `dir` and deletes the others, with
/// the archived WAL that only they needed. Returns the dumps deleted.
pub async fn prune(
    dir: &Path,
    keep: usize,
    cluster: Option<&PrivateCluster>,
) -> Result<Vec<String>> {
    let all = list(dir)?;
    let cut = all.len().saturating_sub(keep.max(1));
    let mut gone = Vec::new();
    for m in &all[..cut] {
        let stem = m.dump.trim_end_matches(".dump");
        for f in [
            m.dump.clone(),
            format!("{stem}.sha256"),
            format!("{stem}.json"),
        ] {
            let _ = std::fs::remove_file(dir.join(f));
        }
        if let Some(b) = &m.base_backup {
            let _ = std::fs::remove_dir_all(dir.join(&b.dir));
        }
        gone.push(m.dump.clone());
    }
    if let Some(c) = cluster
        && let Some(oldest) = all[cut..].iter().find_map(|m| m.base_backup.as_ref())
        && c.archive_dir().exists()
    {
        let mut cmd = Command::new(c.bin_dir().join("pg_archivecleanup"));
        cmd.arg(c.archive_dir()).arg(&oldest.first_wal);
        run(cmd, None, "pg_archivecleanup").await?;
    }
    Ok(gone)
}

/// The next instant after `now` when Hà Nội's clock reads `at`.
pub fn next_daily(at: chrono::NaiveTime, now: DateTime<Utc>) -> DateTime<Utc> {
    let tz = chrono_tz::Asia::Ho_Chi_Minh;
    let today = now.with_timezone(&tz).date_naive();
    [today, today + chrono::Duration::days(1)]
        .into_iter()
        .filter_map(|d| tz.from_local_datetime(&d.and_time(at)).single())
        .map(|t| t.to_utc())
        .find(|t| *t > now)
        .unwrap_or(now + chrono::Duration::days(1))
}

/// Reads an instant as an operator types it: RFC 3339 with its offset, or
/// `YYYY-MM-DD HH:MM[:SS]` in Hà Nội time (the command centre's clock).
pub fn parse_instant(s: &str) -> Result<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.to_utc());
    }
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(s, f) {
            // Việt Nam keeps no summer time: every local time is one instant.
            return Ok(chrono_tz::Asia::Ho_Chi_Minh
                .from_local_datetime(&local)
                .single()
                .context("not a time in Hà Nội")?
                .to_utc());
        }
    }
    bail!("{s:?} is not a time: write it as \"2021-08-24 10:15\" (Hà Nội time) or in RFC 3339")
}

/// The manifest beside a dump (`x.dump` → `x.json`), if there is one.
fn manifest_for(file: &Path) -> Result<Option<Manifest>> {
    let path = file.with_extension("json");
    match std::fs::read(&path) {
        Ok(bytes) => {
            Ok(Some(serde_json::from_slice(&bytes).with_context(|| {
                format!("reading the manifest {}", path.display())
            })?))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn applied_migrations(conn: &mut PgConnection) -> Result<Vec<i64>> {
    let exists: bool =
        sqlx::query_scalar("select to_regclass('public._sqlx_migrations') is not null")
            .fetch_one(&mut *conn)
            .await?;
    if !exists {
        return Ok(Vec::new());
    }
    Ok(
        sqlx::query_scalar("select version from _sqlx_migrations where success order by version")
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// Rows of every table outside PostgreSQL's own schemas.
async fn count_rows(conn: &mut PgConnection) -> Result<BTreeMap<String, i64>> {
    let tables: Vec<(String, String)> = sqlx::query_as(
        "select schemaname::text, tablename::text from pg_tables
          where schemaname <> 'information_schema' and schemaname not like 'pg\\_%'",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out = BTreeMap::new();
    for (schema, table) in tables {
        let sql = format!(
            "select count(*) from {}.{}",
            quote_ident(&schema),
            quote_ident(&table)
        );
        let n: i64 = sqlx::query_scalar(&sql).fetch_one(&mut *conn).await?;
        let key = if schema == "public" {
            table
        } else {
            format!("{schema}.{table}")
        };
        out.insert(key, n);
    }
    Ok(out)
}

fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

async fn bin_dir(cluster: Option<&PrivateCluster>) -> Result<PathBuf> {
    match cluster {
        Some(c) => Ok(c.bin_dir().to_path_buf()),
        None => pg::find_bin_dir().await,
    }
}

/// The URL for libpq's programs without its password, which goes to
/// `PGPASSWORD` instead so it never shows in the process list.
fn libpq(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None);
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return (url.to_string(), None);
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return (url.to_string(), None);
    };
    (
        format!("{scheme}://{user}@{host}{tail}"),
        Some(percent_decode(password)),
    )
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn run(mut cmd: Command, password: Option<&str>, what: &str) -> Result<()> {
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let out = cmd
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .with_context(|| format!("running {what}"))?;
    if !out.status.success() {
        bail!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

async fn untar(archive: &Path, into: &Path) -> Result<()> {
    let mut cmd = Command::new("tar");
    cmd.arg("-xzf").arg(archive).arg("-C").arg(into);
    run(cmd, None, "tar").await
}

fn sha256_file(path: &Path) -> Result<String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

fn folder_size(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for e in std::fs::read_dir(dir)?.flatten() {
        let m = e.metadata()?;
        total += if m.is_dir() {
            folder_size(&e.path())?
        } else {
            m.len()
        };
    }
    Ok(total)
}

/// Writes through a temporary file and a rename, so a reader sees all or
/// nothing; readable by its owner alone.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension("partial");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(bytes)?;
    drop(f);
    make_private(&tmp)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// Makes a file its owner's alone (0600), or a folder and all in it (0700
/// for folders): whoever else is on the machine reads none of a backup.
fn make_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
        for e in std::fs::read_dir(path)?.flatten() {
            make_private(&e.path())?;
        }
    } else {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operator_types_times_in_hanoi_time_or_with_an_offset() {
        let utc = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            parse_instant("2021-08-24 10:15").unwrap(),
            utc("2021-08-24T03:15:00Z")
        );
        assert_eq!(
            parse_instant("2021-08-24T10:15:30").unwrap(),
            utc("2021-08-24T03:15:30Z")
        );
        assert_eq!(
            parse_instant("2021-08-24T10:15:00+00:00").unwrap(),
            utc("2021-08-24T10:15:00Z")
        );
        assert!(parse_instant("hôm qua").is_err());
    }

    #[test]
    fn the_daily_backup_runs_at_the_next_0200_in_hanoi() {
        let at = chrono::NaiveTime::from_hms_opt(2, 0, 0).unwrap();
        let utc = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // 01:00 in Hà Nội: later the same night.
        assert_eq!(
            next_daily(at, utc("2021-08-23T18:00:00Z")),
            utc("2021-08-23T19:00:00Z")
        );
        // 02:00 exactly has just run: tomorrow.
        assert_eq!(
            next_daily(at, utc("2021-08-23T19:00:00Z")),
            utc("2021-08-24T19:00:00Z")
        );
    }

    #[test]
    fn a_password_leaves_the_url_for_pgpassword() {
        assert_eq!(
            libpq("postgres://vx:p%40ss@db.local:5432/vungxanh?sslmode=require"),
            (
                "postgres://vx@db.local:5432/vungxanh?sslmode=require".to_string(),
                Some("p@ss".to_string())
            )
        );
        let socket = "postgres://vungxanh@localhost/vungxanh?host=/var/run&port=5432";
        assert_eq!(libpq(socket), (socket.to_string(), None));
    }
}
