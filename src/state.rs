//! What every handler can reach.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};

use sqlx::PgPool;

use crate::domain::area::{AreaRef, Codes};
use crate::domain::clock::Clock;
use crate::domain::config::Config;
use crate::domain::error::AppError;
use crate::domain::i18n::Lang;
use crate::domain::zone::Thresholds;
use crate::storage::board::{Board, BoardCache};
use crate::storage::feed::Feed;
use crate::storage::replica::Replica;

/// What every handler can reach. Holds no request state: sessions and
/// everything else live in PostgreSQL, so several copies can run.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: PgPool,
    /// Configuration.
    pub config: Arc<Config>,
    /// The clock ("now" comes from here).
    pub clock: Clock,
    /// Dashboards computed, checked against the database on every use.
    pub boards: Arc<BoardCache>,
    /// The public page's copies and per-address counters.
    pub public: Arc<PublicCache>,
    /// Rendered parts of pages, each kept with the board stamp it shows.
    pub fragments: Arc<FragmentCache>,
    /// The read replica, when there is one (`VX_READ_DATABASE_URL`).
    pub replica: Option<Arc<Replica>>,
    /// Stamps, sessions and users kept in memory while PostgreSQL's
    /// notifications say they are current ([`AppState::listen`]).
    pub feed: Arc<Feed>,
}

impl AppState {
    /// State over a pool, with the given configuration and clock.
    pub fn new(db: PgPool, config: Config, clock: Clock) -> Self {
        Self {
            db,
            config: Arc::new(config),
            clock,
            boards: Arc::default(),
            public: Arc::default(),
            fragments: Arc::default(),
            replica: None,
            feed: Arc::default(),
        }
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
        let reads = self.reads().await;
        crate::storage::board::board(&reads, &self.boards, &thresholds, area, date, known).await
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

/// Seconds a public page copy is served before the city's stamp is read again.
const CHECK_EVERY: i64 = 60;

/// The copies of the page, one per language, and the per-address counters.
#[derive(Default)]
pub struct PublicCache {
    copies: Mutex<HashMap<Lang, PublicCopy>>,
    /// One rebuild at a time; the others wait and take its copy.
    building: tokio::sync::Mutex<()>,
    hits: Mutex<HashMap<String, (DateTime<Utc>, u32)>>,
}

/// A rendered public page and what it was checked against.
#[derive(Clone)]
pub struct PublicCopy {
    pub html: Arc<String>,
    pub stamp: i64,
    pub day: NaiveDate,
    pub checked_at: DateTime<Utc>,
}

impl PublicCache {
    /// The rebuild turn: one rebuild at a time.
    pub fn building(&self) -> &tokio::sync::Mutex<()> {
        &self.building
    }

    /// The copy in `lang`, however old.
    pub fn kept(&self, lang: Lang) -> Option<PublicCopy> {
        self.copies
            .lock()
            .expect("public copies")
            .get(&lang)
            .cloned()
    }

    /// Keeps `copy` as the one in `lang`.
    pub fn keep(&self, lang: Lang, copy: PublicCopy) {
        self.copies
            .lock()
            .expect("public copies")
            .insert(lang, copy);
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
    pub fn fresh(&self, lang: Lang, now: DateTime<Utc>, today: NaiveDate) -> Option<PublicCopy> {
        let copies = self.copies.lock().expect("public copies");
        copies
            .get(&lang)
            .filter(|c| c.day == today && (now - c.checked_at).num_seconds() < CHECK_EVERY)
            .cloned()
    }
}

/// Rendered parts of pages (an area page's board), each with the stamp of
/// the board it was rendered from: a part is served only for that stamp.
#[derive(Default)]
pub struct FragmentCache {
    parts: Mutex<HashMap<String, (i64, Arc<String>)>>,
}

/// Parts kept at most; past this the cache starts again empty.
const FRAGMENTS_MAX: usize = 2048;

impl FragmentCache {
    /// The part under `key` if it was rendered from the board at `stamp`.
    pub fn get(&self, key: &str, stamp: i64) -> Option<Arc<String>> {
        let parts = self.parts.lock().expect("fragments");
        parts
            .get(key)
            .filter(|(s, _)| *s == stamp)
            .map(|(_, html)| html.clone())
    }

    /// Keeps `html` under `key` for `stamp`, unless a newer one is kept.
    pub fn put(&self, key: String, stamp: i64, html: Arc<String>) {
        let mut parts = self.parts.lock().expect("fragments");
        if parts.len() >= FRAGMENTS_MAX {
            parts.clear();
        }
        if parts.get(&key).is_none_or(|(s, _)| *s <= stamp) {
            parts.insert(key, (stamp, html));
        }
    }
}
