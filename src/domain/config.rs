//! Configuration by environment variables (or flags), with safe defaults.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Settings for serving the dashboard.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "VX_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// PostgreSQL to use; without it a private cluster is run under the data folder.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Folder for the private PostgreSQL cluster and other local state.
    #[arg(long, env = "VX_DATA_DIR", default_value = "var")]
    pub data_dir: PathBuf,

    /// Largest number of database connections this process opens.
    #[arg(long, env = "VX_DB_MAX_CONNECTIONS", default_value_t = 20)]
    pub db_max_connections: u32,

    /// The address users reach the dashboard at; `https://` makes cookies Secure.
    #[arg(long, env = "VX_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: String,

    /// Minutes without activity after which a session ends.
    #[arg(long, env = "VX_SESSION_IDLE_MINUTES", default_value_t = 120)]
    pub session_idle_minutes: i64,

    /// Hours after sign-in after which a session ends whatever the activity.
    #[arg(long, env = "VX_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: i64,

    /// Days an API token stays valid.
    #[arg(long, env = "VX_TOKEN_DAYS", default_value_t = 30)]
    pub token_days: i64,

    /// Failed sign-ins allowed per account from one address within the
    /// window (and four times as many per address across accounts).
    #[arg(long, env = "VX_SIGNIN_MAX_FAILURES", default_value_t = 5)]
    pub sign_in_max_failures: i64,

    /// The window for counting failed sign-ins, in minutes.
    #[arg(long, env = "VX_SIGNIN_WINDOW_MINUTES", default_value_t = 15)]
    pub sign_in_window_minutes: i64,

    /// Failed sign-ins allowed per account from all addresses together
    /// within the account window: far above anyone's typing, against
    /// guessing spread over many addresses.
    #[arg(long, env = "VX_SIGNIN_ACCOUNT_MAX_FAILURES", default_value_t = 50)]
    pub sign_in_account_max_failures: i64,

    /// The window of the per-account ceiling, in minutes.
    #[arg(long, env = "VX_SIGNIN_ACCOUNT_WINDOW_MINUTES", default_value_t = 60)]
    pub sign_in_account_window_minutes: i64,

    /// Seconds a client has to send a request's headers (idle keep-alive
    /// connections included); a slower one is disconnected.
    #[arg(long, env = "VX_HEADER_READ_TIMEOUT", default_value = "10", value_parser = parse_seconds)]
    pub header_read_timeout: Duration,

    /// Seconds a request may take from its headers to the response.
    #[arg(long, env = "VX_REQUEST_TIMEOUT", default_value = "30", value_parser = parse_seconds)]
    pub request_timeout: Duration,

    /// Connections served at once; more wait to be accepted.
    #[arg(long, env = "VX_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// Epidemic level bands: new community cases per 100,000 over 7 days at
    /// which levels 2, 3 and 4 begin (Resolution 128/NQ-CP).
    #[arg(long, env = "VX_LEVEL_BANDS", default_value = "20,50,150", value_parser = parse_bands)]
    pub level_bands: [f64; 3],

    /// Vaccine coverage (share of adults with a first dose, in %) below
    /// which the level is raised by one when there are cases.
    #[arg(long, env = "VX_VACCINE_MIN_PCT", default_value_t = 70.0)]
    pub vaccine_min_pct: f64,

    /// Share of the population aged 18 and over (in %), used for an area
    /// whose adult population is not recorded (see data/PROVENANCE.md).
    #[arg(long, env = "VX_ADULT_SHARE_PCT", default_value_t = ADULT_SHARE_PCT)]
    pub adult_share_pct: f64,

    /// Occupancy of treatment facilities (in % of capacity) at or above which
    /// the level is raised by one when there are cases.
    #[arg(long, env = "VX_TREATMENT_MAX_PCT", default_value_t = 90.0)]
    pub treatment_max_pct: f64,

    /// Days a contact (F1) is held from their last exposure (DESIGN §3a).
    #[arg(long, env = "VX_QUARANTINE_DAYS", default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=60))]
    pub quarantine_days: u32,

    /// Areas (codes, comma-separated) whose rule forbids quarantine at home:
    /// there, and in the areas under them, a contact held at home is a
    /// warning on the board ("không để cách ly F0, F1 tại nhà").
    #[arg(long, env = "VX_NO_HOME_QUARANTINE")]
    pub no_home_quarantine: Option<String>,

    /// The days of quarantine a contact is tested on, the first day being 1.
    #[arg(long, env = "VX_CONTACT_TEST_DAYS", default_value = "1,7,14")]
    pub contact_test_days: String,

    /// A folder of extra static files served under `/files/` (e.g. exports
    /// published for other units; the benchmark's static baseline).
    #[arg(long, env = "VX_FILES_DIR")]
    pub files_dir: Option<PathBuf>,

    /// Requests to the public page `/cong-khai` per address per minute.
    #[arg(long, env = "VX_PUBLIC_PER_MINUTE", default_value_t = 120)]
    pub public_per_minute: u32,

    /// The province `/cong-khai` shows when several share the deployment
    /// (each has its own at `/cong-khai/{code}`); the first by code if unset.
    #[arg(long, env = "VX_PUBLIC_CITY")]
    pub public_city: Option<String>,

    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    #[arg(long, env = "VX_TRUST_PROXY", default_value_t = false)]
    pub trust_proxy: bool,

    /// Whether the private cluster copies its WAL to `<data dir>/pg-wal-archive`,
    /// which `restore --until` needs (takes effect at the cluster's next start).
    #[arg(long, env = "VX_WAL_ARCHIVE", default_value_t = true, action = clap::ArgAction::Set)]
    pub wal_archive: bool,

    /// Where backups are written; `<data dir>/backups` when not set.
    #[arg(long, env = "VX_BACKUP_DIR")]
    pub backup_dir: Option<PathBuf>,

    /// Hà Nội time of the daily backup `serve` takes itself, `HH:MM`, or `off`.
    #[arg(long, env = "VX_BACKUP_AT", default_value = "02:00", value_parser = parse_backup_at)]
    pub backup_at: DailyAt,

    /// Backups kept: after each backup, older ones (and the WAL only they
    /// need) are deleted.
    #[arg(long, env = "VX_BACKUP_KEEP", default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..))]
    pub backup_keep: u32,

    /// A token `/metrics` asks for (`Authorization: Bearer …`); without it,
    /// `/metrics` answers only to this machine, not through the proxy.
    #[arg(long, env = "VX_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// The database's hosts (`db1:5432,db2:5432`) in place of DATABASE_URL's
    /// host: the app writes to whichever is the primary and follows a
    /// failover (a multi-host DATABASE_URL does the same).
    #[arg(long, env = "VX_DATABASE_HOSTS")]
    pub database_hosts: Option<String>,

    /// A streaming replica of DATABASE_URL for dashboards, lists and exports.
    #[arg(long, env = "VX_READ_DATABASE_URL", hide_env_values = true)]
    pub read_database_url: Option<String>,

    /// Milliseconds a write waits for the replica to replay it before this
    /// process reads from the primary instead (until the replica has).
    #[arg(long, env = "VX_READ_WAIT_MS", default_value_t = 2000)]
    pub read_wait_ms: u64,

    /// A quarantine or treatment site at or above this % of its places
    /// raises an alert (DESIGN §3b).
    #[arg(long, env = "VX_ALERT_SITE_PCT", default_value_t = 90.0, value_parser = parse_pct)]
    pub alert_site_pct: f64,

    /// A treatment tier (a district's, the city's) at or above this % of
    /// its places raises an alert.
    #[arg(long, env = "VX_ALERT_TIER_PCT", default_value_t = 85.0, value_parser = parse_pct)]
    pub alert_tier_pct: f64,

    /// Hà Nội time from which a commune's daily report not filed raises an alert.
    #[arg(long, env = "VX_REPORT_DEADLINE", default_value = "17:00", value_parser = parse_time)]
    pub report_deadline: chrono::NaiveTime,

    /// Hà Nội time by which a district files its report up to the city.
    #[arg(long, env = "VX_REPORT_UP_DEADLINE", default_value = "18:00", value_parser = parse_time)]
    pub report_up_deadline: chrono::NaiveTime,

    /// Seconds a webhook has to answer one delivery of an alert.
    #[arg(long, env = "VX_WEBHOOK_TIMEOUT", default_value = "10", value_parser = parse_seconds)]
    pub webhook_timeout: Duration,
}

/// The default adult share of the population, in % (data/PROVENANCE.md).
pub const ADULT_SHARE_PCT: f64 = 73.0;

impl Config {
    /// Defaults, as a test or a library user would want them.
    pub fn for_tests() -> Self {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Wrap {
            #[command(flatten)]
            config: Config,
        }
        Wrap::parse_from(["vungxanh"]).config
    }

    /// Where backups go.
    pub fn backup_dir(&self) -> PathBuf {
        self.backup_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("backups"))
    }

    /// The quarantine rule for contacts; the default rule when the test
    /// days do not fit the quarantine (refused at start by [`Config::check`]).
    pub fn quarantine_rule(&self) -> crate::domain::contacts::QuarantineRule {
        crate::domain::contacts::QuarantineRule::with_test_days(
            self.quarantine_days,
            &self.contact_test_days,
        )
        .unwrap_or_default()
    }

    /// Settings that cannot be checked one by one.
    pub fn check(&self) -> Result<(), String> {
        crate::domain::contacts::QuarantineRule::with_test_days(
            self.quarantine_days,
            &self.contact_test_days,
        )
        .map(|_| ())
        .ok_or_else(|| {
            format!(
                "VX_CONTACT_TEST_DAYS: days between 1 and VX_QUARANTINE_DAYS ({}), e.g. 1,7,14",
                self.quarantine_days
            )
        })
    }

    /// The alert rules' settings.
    pub fn alert_rules(&self) -> crate::domain::alerts::Rules {
        crate::domain::alerts::Rules {
            site_share: self.alert_site_pct / 100.0,
            tier_share: self.alert_tier_pct / 100.0,
            report_deadline: self.report_deadline,
            report_up_deadline: self.report_up_deadline,
        }
    }

    /// Whether cookies must carry the Secure attribute.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// A time of day something runs at, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyAt(pub Option<chrono::NaiveTime>);

fn parse_backup_at(s: &str) -> Result<DailyAt, String> {
    match s.trim() {
        "off" | "" => Ok(DailyAt(None)),
        t => chrono::NaiveTime::parse_from_str(t, "%H:%M")
            .map(|t| DailyAt(Some(t)))
            .map_err(|_| "a time as HH:MM, or off".to_string()),
    }
}

fn parse_time(s: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| "a time as HH:MM, e.g. 17:00".into())
}

fn parse_pct(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(p) if p > 0.0 && p <= 100.0 => Ok(p),
        _ => Err("a percentage above 0 and at most 100, e.g. 90".into()),
    }
}

fn parse_seconds(s: &str) -> Result<Duration, String> {
    let secs: f64 = s.trim().parse().map_err(|e| format!("{e}"))?;
    if secs > 0.0 && secs <= 86_400.0 {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err("a number of seconds above 0 and at most 86400, e.g. 10 or 0.5".into())
    }
}

fn parse_bands(s: &str) -> Result<[f64; 3], String> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>().map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    match v.as_slice() {
        [a, b, c] if 0.0 < *a && a < b && b < c => Ok([*a, *b, *c]),
        _ => Err("three increasing positive numbers, e.g. 20,50,150".into()),
    }
}
