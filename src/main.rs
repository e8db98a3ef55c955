//! The `vungxanh` program: serves the dashboard and runs operator commands.

use std::io::Read;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use sqlx::PgPool;
use vungxanh::domain::account::UserInput;
use vungxanh::domain::area;
use vungxanh::storage::audit::Actor;
use vungxanh::storage::pg::PrivateCluster;
use vungxanh::storage::primary::{self, Primary};
use vungxanh::storage::{areas, backup, db, demo};
use vungxanh::{AppState, Clock, Config, router};

#[derive(Parser)]
#[command(
    name = "vungxanh",
    version,
    about = "Vùng Xanh — COVID-19 command-centre dashboard"
)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the dashboard (the default).
    Serve {
        /// Load the Hà Nội demo first when the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations.
    Migrate,
    /// Load the Hà Nội demo: the real area tree and one user per role.
    Demo,
    /// Generate a synthetic epidemic of any size over a city's communes (for benchmarks).
    Synth {
        /// The city's code.
        #[arg(long, default_value = "01")]
        city: String,
        #[command(flatten)]
        scale: vungxanh::storage::synth::Scale,
    },
    /// A synthetic country (issue 28): every province of the loaded tree gets
    /// its share of `--cases` as its 2021 confirmed cases were shared
    /// (`--shares`, code,name,cases,…; a province without a figure gets the
    /// smallest one), its sites, checkpoints and directives in proportion.
    SynthCountry {
        #[arg(long, default_value_t = 11_000_000)]
        cases: usize,
        #[arg(long, default_value = "data/covid_cases_2021_by_province.csv")]
        shares: std::path::PathBuf,
        #[arg(long, default_value_t = 2021)]
        seed: u64,
    },
    /// Time the dashboard's database work alone, without HTTP (for BENCHMARKS.md).
    BenchBoard {
        /// Area codes to time.
        #[arg(long, default_values_t = ["01".to_string(), "020".to_string(), "00682".to_string()])]
        area: Vec<String>,
        /// Computations per area.
        #[arg(long, default_value_t = 50)]
        n: usize,
    },
    /// Time one evaluation of a city's alert rules (for BENCHMARKS.md): after
    /// a write (every board read again) and with nothing moved.
    BenchAlerts {
        #[arg(long, default_value = "01")]
        city: String,
        /// Evaluations of each kind.
        #[arg(long, default_value_t = 20)]
        n: usize,
    },
    /// Time the national board (for BENCHMARKS.md): every province's board
    /// computed once (a cold start), then after a write to one province
    /// (only that board computed again), then with nothing moved.
    BenchNational {
        /// The province written to between runs.
        #[arg(long, default_value = "79")]
        city: String,
        #[arg(long, default_value_t = 20)]
        n: usize,
    },
    /// Back up the database: a pg_dump from one snapshot with its checksum and
    /// manifest, and on the private cluster a base backup for `restore --until`.
    Backup {
        /// Folder to write into [default: VX_BACKUP_DIR, or <data dir>/backups].
        #[arg(long)]
        to: Option<std::path::PathBuf>,
        /// Then keep only the newest N backups (and the WAL they need).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        keep: Option<u32>,
    },
    /// Restore a backup into an empty database, or (--until) the private
    /// cluster to a point in time. Stop `serve` first.
    Restore {
        /// The dump to restore (a .dump written by `backup`).
        #[arg(required_unless_present = "until", conflicts_with = "until")]
        file: Option<std::path::PathBuf>,
        /// Replace whatever the database holds.
        #[arg(long)]
        force: bool,
        /// Recover the private cluster to this instant: "2021-08-24 10:15"
        /// (Hà Nội time) or RFC 3339.
        #[arg(long)]
        until: Option<String>,
        /// Folder of the backups [default: VX_BACKUP_DIR, or <data dir>/backups].
        #[arg(long)]
        from: Option<std::path::PathBuf>,
    },
    /// The private PostgreSQL cluster (used when DATABASE_URL is not set).
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
    /// Areas.
    Areas {
        #[command(subcommand)]
        action: AreasAction,
    },
    /// Users.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Send an area's alerts (its own and those under it) to a webhook: a
    /// JSON POST signed with HMAC-SHA256 of the body under the secret read
    /// from standard input (header X-VungXanh-Signature: sha256=<hex>).
    AlertHook {
        /// The area's code.
        #[arg(long)]
        area: String,
        /// Where to POST (http://; relay https through the proxy).
        #[arg(long)]
        url: String,
    },
}

#[derive(Subcommand)]
enum DbAction {
    /// Create (if needed) and start the private cluster; print its DATABASE_URL.
    Start {
        /// Database to create on it.
        #[arg(long, default_value = "vungxanh")]
        database: String,
    },
    /// Stop the private cluster.
    Stop,
    /// Print the private cluster's DATABASE_URL.
    Url {
        #[arg(long, default_value = "vungxanh")]
        database: String,
    },
}

#[derive(Subcommand)]
enum AreasAction {
    /// Import or update areas from a CSV (code,name,unit_type,level,parent_code,population),
    /// or one province of the shipped 2021 national tree (`--province 79`,
    /// or by name: `--province "ho chi minh"`).
    Import {
        #[arg(required_unless_present = "province", conflicts_with = "province")]
        file: Option<std::path::PathBuf>,
        #[arg(long)]
        province: Option<String>,
    },
    /// Set populations from a CSV: code,population[,adult_population]
    /// (all or nothing; clears "estimated" marks).
    Populations {
        file: std::path::PathBuf,
        /// Only areas under this one (itself included).
        #[arg(long, default_value = "01")]
        under: String,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create a user; the password is read from standard input.
    Create {
        #[arg(long)]
        username: String,
        /// commune, district, city, admin or country (the national view).
        #[arg(long)]
        role: String,
        /// The code of the user's area.
        #[arg(long)]
        area: String,
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Set a user's password, read from standard input.
    SetPassword {
        #[arg(long)]
        username: String,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    init_logs();
    let cli = Cli::parse();
    let config = cli.config;
    config.check().map_err(anyhow::Error::msg)?;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => serve(config, demo).await,
        Command::Backup { to, keep } => {
            let (url, cluster, started) = target(&config).await?;
            let dir = to.unwrap_or_else(|| config.backup_dir());
            let result = async {
                let m = backup::backup(&url, cluster.as_ref(), &dir).await?;
                print_backup(&dir, &m);
                if let Some(keep) = keep {
                    for gone in backup::prune(&dir, keep as usize, cluster.as_ref()).await? {
                        println!("deleted {gone} (keeping the newest {keep})");
                    }
                }
                anyhow::Ok(())
            }
            .await;
            stop_if(started, cluster).await?;
            result
        }
        Command::Restore {
            file,
            force,
            until,
            from,
        } => {
            if let Some(until) = until {
                if config.database_url.is_some() {
                    bail!(
                        "--until recovers the private cluster; a server of your own (DATABASE_URL) \
                         is recovered with its own tools"
                    );
                }
                let until = backup::parse_instant(&until)?;
                let cluster = private_cluster(&config).await?;
                let was_running = cluster.is_running().await;
                let dir = from.unwrap_or_else(|| config.backup_dir());
                let r = backup::restore_until(&cluster, &dir, until).await?;
                println!(
                    "recovered to {until} from {} in {:.1} s; the cluster as it was is kept in {} \
                     (delete it once satisfied)",
                    r.from,
                    r.seconds,
                    r.kept_aside.display()
                );
                if !was_running {
                    cluster.stop().await?;
                }
                return Ok(());
            }
            let file = file.expect("clap requires FILE without --until");
            let (url, cluster, started) = target(&config).await?;
            let result = backup::restore(&file, &url, force).await;
            stop_if(started, cluster).await?;
            let r = result?;
            for (table, n) in &r.tables {
                println!("{n:>10}  {table}");
            }
            println!(
                "restored {} in {:.1} s{}",
                file.display(),
                r.seconds,
                if r.verified {
                    "; checksum and row counts match the manifest"
                } else {
                    " (no manifest: not verified)"
                }
            );
            Ok(())
        }
        Command::Db { action } => {
            let cluster = private_cluster(&config).await?;
            match action {
                DbAction::Start { database } => {
                    cluster.start().await?;
                    cluster.ensure_database(&database).await?;
                    println!("{}", cluster.database_url(&database));
                }
                DbAction::Stop => cluster.stop().await?,
                DbAction::Url { database } => println!("{}", cluster.database_url(&database)),
            }
            Ok(())
        }
        command => {
            let (pool, cluster) = open(&config).await?;
            let result = run_command(command, &pool, &config).await;
            pool.close().await;
            if let Some(c) = cluster {
                c.stop().await?;
            }
            result
        }
    }
}

fn init_logs() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("VX_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("VX_LOG_JSON").is_ok_and(|v| v == "1") {
        builder.json().init();
    } else {
        builder.compact().init();
    }
}

/// The private cluster under the data folder, as configured.
async fn private_cluster(config: &Config) -> Result<PrivateCluster> {
    Ok(PrivateCluster::locate(&config.data_dir)
        .await?
        .with_wal_archive(config.wal_archive))
}

/// The database to back up or restore into, without migrating it: the URL,
/// the private cluster when it is the one, and whether this process started it.
/// With several hosts, the one that is the primary now.
async fn target(config: &Config) -> Result<(String, Option<PrivateCluster>, bool)> {
    match &config.database_url {
        Some(url) => Ok((
            primary::writable_url(url, config.database_hosts.as_deref()).await?,
            None,
            false,
        )),
        None => {
            let cluster = private_cluster(config).await?;
            let started = cluster.start().await?;
            cluster.ensure_database("vungxanh").await?;
            Ok((cluster.database_url("vungxanh"), Some(cluster), started))
        }
    }
}

async fn stop_if(started: bool, cluster: Option<PrivateCluster>) -> Result<()> {
    if let (true, Some(c)) = (started, cluster) {
        c.stop().await?;
    }
    Ok(())
}

fn print_backup(dir: &std::path::Path, m: &backup::Manifest) {
    println!(
        "{}: {} bytes, sha256 {}, schema version {}, {} rows in {} tables{}; {:.1} s",
        dir.join(&m.dump).display(),
        m.bytes,
        m.sha256,
        m.schema_version,
        m.tables.values().sum::<i64>(),
        m.tables.len(),
        m.base_backup
            .as_ref()
            .map(|b| format!(", base backup {} ({} bytes)", b.dir, b.bytes))
            .unwrap_or_default(),
        m.seconds
    );
}

/// Connects to DATABASE_URL, or to the private cluster (started if needed;
/// returned when this process started it, so the caller stops it).
async fn open(config: &Config) -> Result<(PgPool, Option<PrivateCluster>)> {
    let (pool, cluster, _) = open_following(config).await?;
    Ok((pool, cluster))
}

/// [`open`], and with several database hosts (a multi-host DATABASE_URL or
/// VX_DATABASE_HOSTS) the [`Primary`] the pool follows among them.
async fn open_following(
    config: &Config,
) -> Result<(PgPool, Option<PrivateCluster>, Option<Arc<Primary>>)> {
    if let Some(url) = &config.database_url {
        let urls = primary::host_urls(url, config.database_hosts.as_deref())
            .map_err(|e| anyhow::anyhow!("DATABASE_URL / VX_DATABASE_HOSTS: {e}"))?;
        if urls.len() > 1 {
            let (primary, pool) = Primary::connect(
                &urls,
                config.db_max_connections,
                std::time::Duration::from_secs(60),
            )
            .await?;
            tracing::info!(host = %primary.status().host(), "following the writable database host");
            db::migrate(&pool).await?;
            return Ok((pool, None, Some(primary)));
        }
    }
    let (url, cluster) = match &config.database_url {
        Some(url) => (url.clone(), None),
        None => {
            let cluster = private_cluster(config).await?;
            let started = cluster.start().await?;
            cluster.ensure_database("vungxanh").await?;
            (cluster.database_url("vungxanh"), started.then_some(cluster))
        }
    };
    let pool = db::connect(&url, config.db_max_connections).await?;
    db::migrate(&pool).await?;
    Ok((pool, cluster, None))
}

async fn run_command(command: Command, pool: &PgPool, config: &Config) -> Result<()> {
    let clock = Clock::system();
    match command {
        Command::Migrate => println!("migrations applied"),
        Command::Demo => print_demo(demo::load(pool, &clock).await?),
        Command::BenchAlerts { city, n } => {
            let state = AppState::new(pool.clone(), config.clone(), clock.clone());
            let area = state
                .area_ref(&city)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .context("no such city")?;
            let first = state
                .evaluate_alerts(&area)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "first evaluation: {} alerts raised, {} ended",
                first.raised.len(),
                first.ended.len()
            );
            let mut timed: [Vec<f64>; 2] = Default::default();
            for _ in 0..n {
                for (i, times) in timed.iter_mut().enumerate() {
                    if i == 0 {
                        sqlx::query("select bump_city_stamp($1)")
                            .bind(&city)
                            .execute(pool)
                            .await?;
                    }
                    let t = std::time::Instant::now();
                    state
                        .evaluate_alerts(&area)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                }
            }
            for (what, times) in ["after a write", "nothing moved"].iter().zip(&mut timed) {
                let (median, p95) = median_p95(times);
                println!(
                    "alerts of {city}, {what}: median {median:.1} ms, p95 {p95:.1} ms ({n} runs)"
                );
            }
        }
        Command::BenchNational { city, n } => {
            let state = AppState::new(pool.clone(), config.clone(), clock.clone());
            // As `serve` reads it: the stamps from the listening feed.
            drop(state.listen());
            state.feed.ready().await;
            let today = clock.today();
            let country = |state: AppState| async move {
                let t = std::time::Instant::now();
                let rows = state
                    .country(today)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                let mut rows = rows.as_ref().clone();
                vungxanh::domain::country::sort(&mut rows, "level");
                let totals = vungxanh::domain::country::totals(&rows);
                anyhow::Ok((totals.provinces, t.elapsed().as_secs_f64() * 1000.0))
            };
            let (provinces, cold) = country(state.clone()).await?;
            println!(
                "national board, cold (every province's board computed): {cold:.1} ms for {provinces} provinces"
            );
            // A case moves the cases' part of its province's board alone; any
            // other write (a site, an area) every part: that board whole.
            let writes = [
                ("a case", "select bump_city_stamp_for_cases($1)"),
                ("another write", "select bump_city_stamp($1)"),
            ];
            let mut timed: [Vec<f64>; 3] = Default::default();
            for _ in 0..n {
                for (i, (_, bump)) in writes.iter().enumerate() {
                    let before = state.feed.stamp(&city);
                    let mut moves = state.feed.moves();
                    sqlx::query(bump).bind(&city).execute(pool).await?;
                    // The feed hears of the write before a page would be asked.
                    while state.feed.stamp(&city) == before {
                        moves.changed().await?;
                    }
                    timed[i].push(country(state.clone()).await?.1);
                }
                timed[2].push(country(state.clone()).await?.1);
            }
            let whats = [
                format!("after {} in {city}", writes[0].0),
                format!("after {} in {city}", writes[1].0),
                "nothing moved".to_string(),
            ];
            for (what, times) in whats.iter().zip(&mut timed) {
                let (median, p95) = median_p95(times);
                println!(
                    "national board, {what}: median {median:.2} ms, p95 {p95:.2} ms ({n} runs)"
                );
            }
        }
        Command::BenchBoard { area, n } => {
            let thresholds = vungxanh::domain::zone::Thresholds::default();
            for code in area {
                let a = vungxanh::storage::areas::area_ref(pool, &code)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                    .context("no such area")?;
                let boards = vungxanh::storage::db::board_pool(pool);
                let mut conn = boards.acquire().await?;
                // Whole, then again as the next board after a case, a shift
                // report and a daily report leaves it (the parts those writes
                // do not move kept from the whole one): (computation, statement)
                // times in ms for each of the four.
                let mut timed: [(Vec<f64>, Vec<f64>); 4] = Default::default();
                for _ in 0..n {
                    let mut whole = None;
                    for (i, (times, reads)) in timed.iter_mut().enumerate() {
                        let kept = whole.as_ref().map(|b: &vungxanh::storage::board::Board| {
                            let k = b.kept_part();
                            match i {
                                2 => k.after_facts(),
                                3 => k.after_rest(),
                                _ => k.clone(),
                            }
                        });
                        let t = std::time::Instant::now();
                        let board = vungxanh::storage::board::compute(
                            &mut conn,
                            &a,
                            clock.today(),
                            &thresholds,
                            kept.as_ref(),
                        )
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                        times.push(t.elapsed().as_secs_f64() * 1000.0);
                        reads.push(board.read_in.as_secs_f64() * 1000.0);
                        whole.get_or_insert(board);
                    }
                }
                for (times, reads) in &mut timed {
                    times.sort_by(f64::total_cmp);
                    reads.sort_by(f64::total_cmp);
                }
                let mut stamp_times = Vec::with_capacity(n);
                for _ in 0..n {
                    let t = std::time::Instant::now();
                    sqlx::query_scalar::<_, i64>(
                        "select stamp from city_stamps where city_code = '01'",
                    )
                    .fetch_optional(&mut *conn)
                    .await?;
                    stamp_times.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                stamp_times.sort_by(f64::total_cmp);
                let q = |v: &[f64], p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
                println!(
                    "board {code}: full computation median {:.2} ms p99 {:.2} ms (its statement {:.2} ms); after cases alone median {:.2} ms p99 {:.2} ms (statement {:.2} ms); after facts (a shift report) median {:.2} ms (statement {:.2} ms); after the rest (a daily report) median {:.2} ms (statement {:.2} ms); freshness check median {:.3} ms",
                    q(&timed[0].0, 0.5),
                    q(&timed[0].0, 0.99),
                    q(&timed[0].1, 0.5),
                    q(&timed[1].0, 0.5),
                    q(&timed[1].0, 0.99),
                    q(&timed[1].1, 0.5),
                    q(&timed[2].0, 0.5),
                    q(&timed[2].1, 0.5),
                    q(&timed[3].0, 0.5),
                    q(&timed[3].1, 0.5),
                    q(&stamp_times, 0.5)
                );
            }
        }
        Command::SynthCountry {
            cases,
            shares,
            seed,
        } => {
            let started = std::time::Instant::now();
            let text = std::fs::read_to_string(&shares)
                .with_context(|| format!("reading {}", shares.display()))?;
            let loaded: std::collections::HashSet<String> =
                sqlx::query_scalar("select code from areas where level = 'city'")
                    .fetch_all(pool)
                    .await?
                    .into_iter()
                    .collect();
            let mut figures: Vec<(String, Option<f64>)> = Vec::new();
            for line in text.lines().skip(1) {
                let cols: Vec<&str> = line.split(',').collect();
                if let [code, _, n, ..] = cols.as_slice()
                    && loaded.contains(*code)
                {
                    figures.push((code.to_string(), n.trim().parse::<f64>().ok()));
                }
            }
            anyhow::ensure!(
                !figures.is_empty(),
                "no province of {} is loaded",
                shares.display()
            );
            let least = figures
                .iter()
                .filter_map(|(_, n)| *n)
                .fold(f64::INFINITY, f64::min);
            let total: f64 = figures.iter().map(|(_, n)| n.unwrap_or(least)).sum();
            let plan: Vec<(String, vungxanh::storage::synth::Scale)> = figures
                .iter()
                .enumerate()
                .map(|(i, (code, n))| {
                    let n = ((n.unwrap_or(least) / total) * cases as f64)
                        .round()
                        .max(1.0) as usize;
                    let scale = vungxanh::storage::synth::Scale {
                        cases: n,
                        days: 240,
                        sites: (n / 2000).clamp(5, 600),
                        checkpoints: (n / 500).clamp(20, 2000),
                        directives: (n / 3000).clamp(5, 300),
                        report_days: 14,
                        contacts_per_case: 0,
                        seed: seed + i as u64,
                    };
                    (code.clone(), scale)
                })
                .collect();
            let made =
                vungxanh::storage::synth::generate_cities(pool, &plan, clock.today()).await?;
            println!(
                "{} provinces: {made:?} in {:.1} s",
                plan.len(),
                started.elapsed().as_secs_f64()
            );
        }
        Command::Synth { city, scale } => {
            let started = std::time::Instant::now();
            let made =
                vungxanh::storage::synth::generate(pool, &city, &scale, clock.today()).await?;
            println!("{made:?} in {:.1} s", started.elapsed().as_secs_f64());
        }
        Command::Areas {
            action: AreasAction::Import { file, province },
        } => {
            let (text, what) = match (&file, &province) {
                (Some(f), _) => (
                    std::fs::read_to_string(f)
                        .with_context(|| format!("reading {}", f.display()))?,
                    f.display().to_string(),
                ),
                (None, _) => (area::VIETNAM_2021_CSV.to_string(), "the 2021 tree".into()),
            };
            let rows = match area::parse_csv(&text) {
                Ok(rows) => rows,
                Err(errors) => {
                    for e in &errors {
                        eprintln!("{e}");
                    }
                    bail!("{} problem(s) in {what}; nothing imported", errors.len());
                }
            };
            let rows = match &province {
                Some(p) => area::province(&rows, p).map_err(anyhow::Error::msg)?,
                None => rows,
            };
            if let Some(first) = rows.first().filter(|_| province.is_some()) {
                println!("{} {}: {} areas", first.code, first.name, rows.len());
            }
            let mut tx = vungxanh::storage::db::begin(pool).await?;
            let report =
                areas::store(&mut tx, &rows, &Actor::system("import"), clock.now()).await?;
            tx.commit().await?;
            println!(
                "{} added, {} updated, {} unchanged",
                report.inserted, report.updated, report.unchanged
            );
        }
        Command::Areas {
            action: AreasAction::Populations { file, under },
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let lang = vungxanh::domain::i18n::Lang::En;
            let rows = match area::parse_populations(&text) {
                Ok(rows) => rows,
                Err(errors) => {
                    for (line, key) in &errors {
                        eprintln!("{}", lang.tf("pop.line", &[&line.to_string(), lang.t(key)]));
                    }
                    bail!(
                        "{} problem(s) in {}; nothing saved",
                        errors.len(),
                        file.display()
                    );
                }
            };
            let report = areas::import_populations(
                pool,
                &Actor::system("import"),
                clock.now(),
                &under,
                &rows,
            )
            .await
            .map_err(|e| match e {
                vungxanh::domain::error::AppError::Invalid(errors) => {
                    anyhow::anyhow!("{}", errors.get("populations", lang).unwrap_or_default())
                }
                e => anyhow::anyhow!("{e}"),
            })?;
            println!("{} updated, {} unchanged", report.updated, report.unchanged);
        }
        Command::User { action } => match action {
            UserAction::Create {
                username,
                role,
                area,
                name,
            } => {
                let password = read_password()?;
                let input = UserInput {
                    username,
                    display_name: name,
                    password,
                    role,
                    area_code: area,
                    disabled: None,
                };
                match vungxanh::storage::users::create_user(
                    pool,
                    &Actor::system("cli"),
                    clock.now(),
                    &input,
                )
                .await
                {
                    Ok(id) => println!(
                        "user {} created (id {id})",
                        input.username.trim().to_lowercase()
                    ),
                    Err(
                        vungxanh::domain::error::AppError::Invalid(f)
                        | vungxanh::domain::error::AppError::Conflict(f),
                    ) => {
                        for (field, _, _) in &f.0 {
                            eprintln!(
                                "{field}: {}",
                                f.get(field, vungxanh::domain::i18n::Lang::En)
                                    .unwrap_or_default()
                            );
                        }
                        bail!("user not created");
                    }
                    Err(e) => return Err(anyhow::anyhow!("{e}")),
                }
            }
            UserAction::SetPassword { username } => {
                let password = read_password()?;
                if let Err(k) = vungxanh::domain::account::check_password(&password) {
                    bail!("{}", vungxanh::domain::i18n::Lang::En.tf(k, &["200"]));
                }
                let hash = vungxanh::domain::password::hash(password)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                let username = username.trim().to_lowercase();
                let mut conn = pool.acquire().await?;
                if !vungxanh::storage::users::set_password(
                    &mut conn,
                    &Actor::system("cli"),
                    &username,
                    &hash,
                    clock.now(),
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
                {
                    bail!("no user {username}");
                }
                println!("password set for {username}; their sessions and API tokens have ended");
            }
        },
        Command::AlertHook { area, url } => {
            let secret = read_password()?;
            if !(16..=200).contains(&secret.chars().count()) {
                bail!("the secret (standard input) must be 16 to 200 characters");
            }
            if !url.starts_with("http://") || url.chars().any(char::is_whitespace) {
                bail!("--url: an http:// address (relay https through the proxy)");
            }
            if vungxanh::storage::areas::area_ref(pool, &area)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .is_none()
            {
                bail!("no area {area}");
            }
            vungxanh::storage::alerts::set_hook(
                pool,
                &Actor::system("cli"),
                clock.now(),
                &area,
                &url,
                &secret,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("alerts of {area} and the areas under it are sent to {url}");
        }
        Command::Serve { .. }
        | Command::Db { .. }
        | Command::Backup { .. }
        | Command::Restore { .. } => unreachable!("handled in main"),
    }
    Ok(())
}

fn read_password() -> Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s.trim_end_matches(['\r', '\n']).to_string())
}

/// The median and 95th percentile of timings (sorts them); `times` is not empty.
fn median_p95(times: &mut [f64]) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    let n = times.len();
    (times[n / 2], times[(n * 95 / 100).min(n - 1)])
}

fn print_demo(users: Vec<demo::DemoUser>) {
    if users.is_empty() {
        println!(
            "demo data already loaded (users exist; passwords were printed when they were created)"
        );
        return;
    }
    println!("\n  Demo accounts — passwords shown this once, write them down:\n");
    for u in users {
        println!(
            "    {:<10} {:<17} {:<9} {:<6} {}",
            u.username, u.password, u.role, u.area_code, u.display_name
        );
    }
    println!();
}

async fn serve(mut config: Config, load_demo: bool) -> Result<()> {
    // The demo's district forbids home quarantine (215/KH-BCĐ, seed 000).
    if load_demo && config.no_home_quarantine.is_none() {
        config.no_home_quarantine = Some("020".into());
    }
    let (pool, cluster, primary) = open_following(&config).await?;
    if load_demo {
        print_demo(demo::load(&pool, &Clock::system()).await?);
    }
    let store = tower_sessions_sqlx_store::PostgresStore::new(pool.clone());
    let cleanup = tokio::spawn(
        tower_sessions::session_store::ExpiredDeletion::continuously_delete_expired(
            store,
            tokio::time::Duration::from_secs(600),
        ),
    );
    let counters = {
        let (pool, config, clock) = (pool.clone(), config.clone(), Clock::system());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(tokio::time::Duration::from_secs(600));
            loop {
                every.tick().await;
                if let Err(e) =
                    vungxanh::storage::throttle::purge(&pool, &config, clock.now()).await
                {
                    tracing::warn!(error = %e, "forgetting old sign-in counters failed");
                }
            }
        })
    };
    let backups = config
        .backup_at
        .0
        .map(|at| tokio::spawn(daily_backups(pool.clone(), config.clone(), at)));
    let metrics_upkeep = tokio::spawn(vungxanh::web::metrics::upkeep());
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    tracing::info!("Vùng Xanh is serving http://{}", listener.local_addr()?);
    let limits = vungxanh::web::serve::Limits::from(&config);
    let mut state = AppState::new(pool.clone(), config.clone(), Clock::system());
    if let Some(url) = &config.read_database_url {
        state = state.with_replica(db::connect_replica(url, config.db_max_connections)?);
        tracing::info!("dashboards, lists and exports read from the replica");
    }
    let watcher = primary.map(|p| {
        state = state.clone().following(&p);
        tokio::spawn(p.watch())
    });
    let feed = state.listen();
    let alert_rules = tokio::spawn(state.clone().watch_alerts());
    let alert_sends = tokio::spawn(state.clone().send_alerts());
    let app = router(state);
    vungxanh::web::serve::serve(listener, app, limits, shutdown_signal()).await;
    feed.abort();
    alert_rules.abort();
    alert_sends.abort();
    if let Some(w) = watcher {
        w.abort();
    }
    cleanup.abort();
    counters.abort();
    metrics_upkeep.abort();
    if let Some(b) = backups {
        b.abort();
    }
    pool.close().await;
    if let Some(c) = cluster {
        c.stop().await?;
    }
    Ok(())
}

/// Takes a backup every day at `at` (Hà Nội time) and keeps the newest
/// `VX_BACKUP_KEEP`. Several processes serving one database take one backup:
/// the one holding an advisory lock, and none if a backup is less than an hour old.
async fn daily_backups(pool: PgPool, config: Config, at: chrono::NaiveTime) {
    let clock = Clock::system();
    let dir = config.backup_dir();
    loop {
        let next = backup::next_daily(at, clock.now());
        let wait = (next - clock.now()).to_std().unwrap_or_default();
        tracing::info!(at = %next, dir = %dir.display(), "next backup");
        tokio::time::sleep(wait).await;
        if let Err(e) = take_daily_backup(&pool, &config, &dir, &clock).await {
            tracing::error!(error = format!("{e:#}"), "the daily backup failed");
        }
    }
}

async fn take_daily_backup(
    pool: &PgPool,
    config: &Config,
    dir: &std::path::Path,
    clock: &Clock,
) -> Result<()> {
    let mut conn = pool.acquire().await?;
    let locked: bool =
        sqlx::query_scalar("select pg_try_advisory_lock(hashtext('vungxanh-backup'))")
            .fetch_one(&mut *conn)
            .await?;
    if !locked {
        tracing::info!("another process is taking the backup");
        return Ok(());
    }
    let result = backup_unless_fresh(config, dir, clock).await;
    sqlx::query("select pg_advisory_unlock(hashtext('vungxanh-backup'))")
        .execute(&mut *conn)
        .await?;
    result
}

async fn backup_unless_fresh(config: &Config, dir: &std::path::Path, clock: &Clock) -> Result<()> {
    let fresh = backup::list(dir)?
        .last()
        .is_some_and(|m| clock.now() - m.taken_at < chrono::Duration::hours(1));
    if fresh {
        return Ok(());
    }
    let (url, cluster) = match &config.database_url {
        // With several hosts, from the one that is the primary now.
        Some(url) => (
            primary::writable_url(url, config.database_hosts.as_deref()).await?,
            None,
        ),
        None => {
            let c = private_cluster(config).await?;
            (c.database_url("vungxanh"), Some(c))
        }
    };
    let m = backup::backup(&url, cluster.as_ref(), dir).await?;
    tracing::info!(dump = %m.dump, bytes = m.bytes, seconds = m.seconds, "backup taken");
    for gone in backup::prune(dir, config.backup_keep as usize, cluster.as_ref()).await? {
        tracing::info!(dump = %gone, "old backup deleted");
    }
    Ok(())
}

/// Ctrl-C or SIGTERM; requests in flight are finished before the server stops.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    tokio::select! {
        _ = ctrl_c => {},
        _ = term.recv() => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
