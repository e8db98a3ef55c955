//! What every handler can reach.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};

use sqlx::PgPool;

use crate::domain::area::{AreaRef, Codes};
use crate::domain::clock::Clock;
use crate::domain::config::Config;
use crate::domain::country::Province;
use crate::domain::error::AppError;
use crate::domain::i18n::Lang;
use crate::domain::zone::Thresholds;
use crate::storage::alerts;
use crate::storage::board::{Board, BoardCache};
use crate::storage::feed::Feed;
use crate::storage::primary::{Primary, PrimaryStatus};
use crate::storage::replica::Replica;

/// What every handler can reach. Holds no request state: sessions and
/// everything else live in PostgreSQL, so several copies can run.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: PgPool,
    /// Connections for board computations ([`crate::storage::db::board_pool`]).
    pub board_db: PgPool,
    /// Configuration.
    pub config: Arc<Config>,
    /// The clock ("now" comes from here).
    pub clock: Clock,
    /// Dashboards computed, checked against the database on every use.
    pub boards: Arc<BoardCache>,
    /// The public page's copies and per-address counters.
    pub public: Arc<PublicCache>,
    /// Rendered parts of pages and what they show, each kept with the
    /// board stamp it was read at.
    pub kept: Arc<Kept>,
    /// The read replica, when there is one (`VX_READ_DATABASE_URL`).
    pub replica: Option<Arc<Replica>>,
    /// Stamps, sessions and users kept in memory while PostgreSQL's
    /// notifications say they are current ([`AppState::listen`]).
    pub feed: Arc<Feed>,
    /// Whether a writable primary is known ([`AppState::following`]).
    pub primary: Arc<PrimaryStatus>,
    /// Woken when alerts were raised with deliveries to send.
    pub deliveries: Arc<tokio::sync::Notify>,
}

impl AppState {
    /// State over a pool, with the given configuration and clock.
    pub fn new(db: PgPool, config: Config, clock: Clock) -> Self {
        Self {
            board_db: crate::storage::db::board_pool(&db),
            db,
            config: Arc::new(config),
            clock,
            boards: Arc::default(),
            public: Arc::default(),
            kept: Arc::default(),
            replica: None,
            feed: Arc::default(),
            primary: Arc::default(),
            deliveries: Arc::default(),
        }
    }

    /// The same, following `primary` among several hosts: board
    /// connections move with it, and while it is lost the change feed's
    /// memory is served read-only and writes answer 503.
    pub fn following(mut self, primary: &Primary) -> Self {
        primary.follow(&self.board_db, Some(crate::storage::db::BOARD_PLAN_MODE));
        let feed = self.feed.clone();
        primary.on_change(move |lost| feed.hold(lost));
        self.primary = primary.status();
        self
    }

    /// Starts listening for changes, so pages are served from memory while
    /// nothing changed. Without it every page reads PostgreSQL.
    pub fn listen(&self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(self.feed.clone().run(self.db.clone()))
    }

    /// The same, with dashboards, lists and exports read from `replica`.
    pub fn with_replica(mut self, replica: PgPool) -> Self {
        let wait = std::time::Duration::from_millis(self.config.read_wait_ms);
        self.replica = Some(Arc::new(Replica::new(replica, wait)));
        self
    }

    /// The board of `area` on `date` through the cache. While the change
    /// feed listens the stamp comes from memory; with a replica it is read
    /// from the replica, which may lag the stamp the primary announced.
    pub async fn board(&self, area: &AreaRef, date: NaiveDate) -> Result<Arc<Board>, AppError> {
        let thresholds = Thresholds::from(&*self.config);
        let known = match &self.replica {
            Some(_) => None,
            None => self.feed.stamp(&Codes::of(area).city),
        };
        let reads = match &self.replica {
            Some(r) if r.usable().await => r.board_pool().clone(),
            _ => self.board_db.clone(),
        };
        crate::storage::board::board(&reads, &self.boards, &thresholds, area, date, known).await
    }

    /// Every province's counts on `date`, in Vietnamese name order, from
    /// each province's own board: those are kept per province stamp, so
    /// after a write only the province written to is computed again (and
    /// the alert watcher keeps the others warm). While the feed listens the
    /// whole list is kept too, under the sum of every province's stamp:
    /// stamps only grow, so any write anywhere (or a new province) moves it.
    pub async fn country(&self, date: NaiveDate) -> Result<Arc<Vec<Province>>, AppError> {
        let load = async {
            let cities = crate::storage::areas::cities(&self.db).await?;
            let mut out = Vec::with_capacity(cities.len());
            for code in cities {
                if let Some(city) = self.area_ref(&code).await? {
                    out.push(self.board(&city, date).await?.me.province());
                }
            }
            Ok(out)
        };
        if self.feed.listening() && self.replica.is_none() {
            let all: i64 = self.feed.stamps().values().sum();
            self.kept.get_or(format!("country|{date}"), all, load).await
        } else {
            Ok(Arc::new(load.await?))
        }
    }

    /// An area with its ancestors (from memory while the feed listens).
    pub async fn area_ref(&self, code: &str) -> Result<Option<AreaRef>, AppError> {
        self.feed.area(&self.db, code).await
    }

    /// Several areas with their ancestors, by code.
    pub async fn area_refs(&self, codes: &[String]) -> Result<HashMap<String, AreaRef>, AppError> {
        self.feed.areas(&self.db, codes).await
    }

    /// The names of the areas under `root` for a list's area filter, in
    /// Vietnamese order; kept with the city's stamp (an area's change moves it).
    pub async fn area_names(&self, root: &AreaRef) -> Result<Arc<Vec<String>>, AppError> {
        let load = crate::storage::areas::names_under(&self.db, &root.code);
        match self.feed.stamp(&Codes::of(root).city) {
            Some(stamp) => {
                self.kept
                    .get_or(format!("names|{}", root.code), stamp, load)
                    .await
            }
            None => Ok(Arc::new(load.await?)),
        }
    }

    /// Where a read-only page reads: the replica when it answers and has
    /// replayed the writes this process made, else the primary.
    pub async fn reads(&self) -> PgPool {
        match &self.replica {
            Some(r) if r.usable().await => r.pool().clone(),
            _ => self.db.clone(),
        }
    }
}

impl AppState {
    /// Evaluates the alert rules of `city` against today's boards and the
    /// records they name, and settles its alerts (DESIGN §3b). O(areas):
    /// the boards are those the pages read, computed once per change.
    pub async fn evaluate_alerts(&self, city: &AreaRef) -> Result<alerts::Outcome, AppError> {
        use crate::domain::alerts::{self as rules, AreaFigures};
        let now = self.clock.now();
        let today = crate::domain::clock::local_date(now);
        let time = now.with_timezone(&chrono_tz::Asia::Ho_Chi_Minh).time();
        let figures = |s: &crate::storage::board::Summary, up: bool| AreaFigures {
            code: s.area.code.clone(),
            level: crate::domain::area::Level::parse(&s.area.level),
            red: s.zone.colour == "red",
            zone_level: s.zone.level,
            tier_capacity: s.treatment.tier_capacity,
            tier_occupancy: s.treatment.tier_occupancy,
            tests_waiting: s.testing.waiting_over_48h,
            reported: s.reports.reported > 0,
            forbidden_at_home: if s.contacts.home_warning() {
                s.contacts.at_home
            } else {
                0
            },
            reported_up: up,
        };
        let top = self.board(city, today).await?;
        let up = crate::storage::reports_up::filed(&self.db, &city.code, today).await?;
        let mut areas = vec![figures(&top.me, false)];
        for d in &top.children {
            areas.push(figures(d, up.contains(&d.area.code)));
            let Some(district) = self.area_ref(&d.area.code).await? else {
                continue;
            };
            let b = self.board(&district, today).await?;
            areas.extend(b.children.iter().map(|c| figures(c, false)));
        }
        let sites = alerts::sites(&self.db, &city.code).await?;
        let late = alerts::late(&self.db, &city.code, today).await?;
        let seen = alerts::levels_seen(&self.db, &city.code).await?;
        let open = alerts::open_levels(&self.db, &city.code).await?;
        let inputs = rules::Inputs {
            areas: &areas,
            sites: &sites,
            late: &late,
            seen_levels: seen,
            open_levels: open,
            today: Some(today),
            time: Some(time),
        };
        let (holding, levels) = rules::conditions(&inputs, &self.config.alert_rules());
        let out = alerts::settle(&self.db, &city.code, now, &holding, &levels).await?;
        if out.queued > 0 {
            self.deliveries.notify_one();
        }
        if !out.raised.is_empty() || !out.ended.is_empty() {
            tracing::info!(city = %city.code, raised = out.raised.len(), ended = out.ended.len(), "alerts");
        }
        Ok(out)
    }

    /// Evaluates every city's alerts whenever its figures move, and at the
    /// moments time alone changes a rule's answer (midnight, the report
    /// deadlines); runs until the process ends.
    pub async fn watch_alerts(self) {
        let rules = self.config.alert_rules();
        let mut moves = self.feed.moves();
        let mut evaluated: HashMap<String, i64> = HashMap::new();
        let mut slot = None;
        loop {
            moves.borrow_and_update();
            let now = self.clock.now();
            let this_slot = time_slot(now, &rules);
            // Every province, written to or not: a deadline passes for all.
            // While the feed listens it has read the stamps it announced.
            let stamps = async {
                if self.feed.listening() {
                    Ok(self.feed.stamps())
                } else {
                    self.feed.refresh_stamps(&self.db).await
                }
            };
            let read = tokio::try_join!(stamps, crate::storage::areas::cities(&self.db));
            let (stamps, cities) = match read {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(error = %e, "alerts: stamps not read");
                    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                    continue;
                }
            };
            for city in cities {
                let stamp = stamps.get(&city).copied().unwrap_or(0);
                if slot == Some(this_slot) && evaluated.get(&city) == Some(&stamp) {
                    continue;
                }
                let Ok(Some(area)) = self.area_ref(&city).await else {
                    continue;
                };
                match self.evaluate_alerts(&area).await {
                    Ok(_) => {
                        evaluated.insert(city, stamp);
                    }
                    Err(e) => tracing::warn!(error = %e, city, "alerts not evaluated"),
                }
            }
            slot = Some(this_slot);
            let until = next_boundary(now, &rules) - now;
            // Without the feed nothing says a city moved: look again soon.
            let wait = if self.feed.listening() {
                until.to_std().unwrap_or_default()
            } else {
                std::time::Duration::from_secs(10).min(until.to_std().unwrap_or_default())
            };
            let evaluated_at = tokio::time::Instant::now();
            tokio::select! {
                _ = moves.changed() => {
                    // A burst of writes is evaluated once: at most one
                    // evaluation a second, each over every write before it.
                    tokio::time::sleep_until(evaluated_at + ALERTS_SETTLE).await;
                }
                _ = tokio::time::sleep(wait + std::time::Duration::from_millis(50)) => {}
            }
        }
    }

    /// Sends the deliveries due now, each to its hook; how many were tried.
    pub async fn send_due_alerts(&self) -> Result<usize, AppError> {
        let due = alerts::take_due(&self.db, self.clock.now(), 20).await?;
        for d in &due {
            let answer = crate::storage::webhook::post(d, self.config.webhook_timeout).await;
            let (code, error) = match &answer {
                Ok(c) => (Some(*c), None),
                Err(e) => (None, Some(e.as_str())),
            };
            tracing::info!(alert = d.alert_id, hook = %d.hook_area, attempt = d.attempt, code, error, "alert sent");
            alerts::answered(&self.db, d, self.clock.now(), code, error).await?;
        }
        Ok(due.len())
    }

    /// Sends deliveries as alerts are raised and as retries fall due; runs
    /// until the process ends.
    pub async fn send_alerts(self) {
        loop {
            let sent = match self.send_due_alerts().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "alert deliveries");
                    0
                }
            };
            if sent > 0 {
                continue;
            }
            let now = self.clock.now();
            let wait = match alerts::next_due(&self.db).await {
                Ok(Some(at)) => (at - now).to_std().unwrap_or_default(),
                _ => std::time::Duration::from_secs(30),
            }
            .min(std::time::Duration::from_secs(30));
            tokio::select! {
                _ = self.deliveries.notified() => {}
                _ = tokio::time::sleep(wait + std::time::Duration::from_millis(50)) => {}
            }
        }
    }
}

/// The shortest time between two evaluations of the alert rules while
/// writes keep coming (a city at its evening peak writes many times a second).
const ALERTS_SETTLE: std::time::Duration = std::time::Duration::from_secs(1);

/// The part of the day that decides the time rules: the day, and which
/// deadlines have passed.
fn time_slot(now: DateTime<Utc>, r: &crate::domain::alerts::Rules) -> (NaiveDate, bool, bool) {
    let local = now.with_timezone(&chrono_tz::Asia::Ho_Chi_Minh);
    let t = local.time();
    (
        local.date_naive(),
        t >= r.report_deadline,
        t >= r.report_up_deadline,
    )
}

/// The next instant [`time_slot`] changes.
fn next_boundary(now: DateTime<Utc>, r: &crate::domain::alerts::Rules) -> DateTime<Utc> {
    let today = crate::domain::clock::local_date(now);
    let start = crate::domain::clock::start_of_day(today);
    let tomorrow = crate::domain::clock::start_of_day(today + chrono::Days::new(1));
    [r.report_deadline, r.report_up_deadline]
        .into_iter()
        .map(|t| start + (t - chrono::NaiveTime::MIN))
        .filter(|at| *at > now)
        .min()
        .unwrap_or(tomorrow)
}

/// Seconds a public page copy is served before the city's stamp is read again.
const CHECK_EVERY: i64 = 60;

/// The copies of the page, one per province and language, and the
/// per-address counters.
#[derive(Default)]
pub struct PublicCache {
    copies: Mutex<HashMap<(String, Lang), PublicCopy>>,
    /// One rebuild at a time; the others wait and take its copy.
    building: tokio::sync::Mutex<()>,
    hits: Mutex<HashMap<String, (DateTime<Utc>, u32)>>,
}

/// A rendered public page and what it was checked against.
#[derive(Clone)]
pub struct PublicCopy {
    pub html: Arc<String>,
    /// Each commune's answer card for the lookup, under its folded name
    /// ("xa tu hiep"): a citizen's search costs no database work either.
    pub answers: Arc<Vec<(String, String)>>,
    pub stamp: i64,
    pub day: NaiveDate,
    pub checked_at: DateTime<Utc>,
}

impl PublicCache {
    /// The rebuild turn: one rebuild at a time.
    pub fn building(&self) -> &tokio::sync::Mutex<()> {
        &self.building
    }

    /// The copy of `city` in `lang`, however old.
    pub fn kept(&self, city: &str, lang: Lang) -> Option<PublicCopy> {
        self.copies
            .lock()
            .expect("public copies")
            .get(&(city.to_string(), lang))
            .cloned()
    }

    /// Keeps `copy` as the one of `city` in `lang`.
    pub fn keep(&self, city: &str, lang: Lang, copy: PublicCopy) {
        self.copies
            .lock()
            .expect("public copies")
            .insert((city.to_string(), lang), copy);
    }

    /// Counts a request from `address`; false once it is over `per_minute`
    /// in the current minute.
    pub fn admit(&self, address: &str, now: DateTime<Utc>, per_minute: u32) -> bool {
        let mut hits = self.hits.lock().expect("public hits");
        if hits.len() > 100_000 {
            hits.retain(|_, (start, _)| (now - *start).num_seconds() < 60);
        }
        let entry = hits.entry(address.to_string()).or_insert((now, 0));
        if (now - entry.0).num_seconds() >= 60 {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= per_minute
    }

    /// The copy in `lang` if it may be served without asking the database.
    pub fn fresh(
        &self,
        city: &str,
        lang: Lang,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Option<PublicCopy> {
        let copies = self.copies.lock().expect("public copies");
        copies
            .get(&(city.to_string(), lang))
            .filter(|c| c.day == today && (now - c.checked_at).num_seconds() < CHECK_EVERY)
            .cloned()
    }
}

/// What a page shows that only a write can change (an area page's
/// rendered board, its open tasks), each with the board stamp it was read
/// at: served only for that stamp. Any type, under keys that name it.
#[derive(Default)]
pub struct Kept {
    parts: Mutex<HashMap<String, (i64, AnyPart)>>,
}

type AnyPart = Arc<dyn std::any::Any + Send + Sync>;

/// Parts kept at most; past this the cache starts again empty.
const KEPT_MAX: usize = 4096;

impl Kept {
    /// The value under `key` if it was read at `stamp` (and is a `T`).
    pub fn get<T: std::any::Any + Send + Sync>(&self, key: &str, stamp: i64) -> Option<Arc<T>> {
        let parts = self.parts.lock().expect("kept parts");
        let (s, v) = parts.get(key)?;
        (*s == stamp).then(|| v.clone().downcast::<T>().ok())?
    }

    /// Keeps `value` under `key` for `stamp`, unless a newer one is kept.
    pub fn put<T: std::any::Any + Send + Sync>(&self, key: String, stamp: i64, value: Arc<T>) {
        let mut parts = self.parts.lock().expect("kept parts");
        if parts.len() >= KEPT_MAX {
            parts.clear();
        }
        if parts.get(&key).is_none_or(|(s, _)| *s <= stamp) {
            parts.insert(key, (stamp, value));
        }
    }

    /// The value under `key` at `stamp`, or `load`ed now and kept.
    pub async fn get_or<T, F>(&self, key: String, stamp: i64, load: F) -> Result<Arc<T>, AppError>
    where
        T: std::any::Any + Send + Sync,
        F: std::future::Future<Output = Result<T, AppError>>,
    {
        if let Some(v) = self.get::<T>(&key, stamp) {
            return Ok(v);
        }
        let v = Arc::new(load.await?);
        self.put(key, stamp, v.clone());
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_part_is_served_only_for_its_stamp_and_its_type() {
        let kept = Kept::default();
        kept.put("board|01".into(), 7, Arc::new("<section>".to_string()));
        assert_eq!(
            kept.get::<String>("board|01", 7)
                .as_deref()
                .map(String::as_str),
            Some("<section>")
        );
        assert!(
            kept.get::<String>("board|01", 8).is_none(),
            "a write since: read again"
        );
        assert!(
            kept.get::<i64>("board|01", 7).is_none(),
            "another type under the key"
        );
        kept.put("board|01".into(), 6, Arc::new("older".to_string()));
        assert_eq!(
            kept.get::<String>("board|01", 7)
                .as_deref()
                .map(String::as_str),
            Some("<section>"),
            "an older read never replaces a newer one"
        );
    }
}
