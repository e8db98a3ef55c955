//! The change feed: what a page needs on every view (the city's stamp, the
//! session, the signed-in user) kept in memory and dropped when PostgreSQL
//! says it changed (`LISTEN vx_feed`, migration 0013).
//!
//! Exactness: while the feed is not listening (not started, or its
//! connection lost and not yet back) nothing is served from memory and
//! every page reads PostgreSQL as before. Writes made through this process
//! update memory before their response is sent (`read_your_writes` in
//! `web/mod.rs` calls [`Feed::refresh_stamps`]), so
//! the next page shows them; writes made elsewhere (another web process,
//! the CLI) arrive as notifications, which PostgreSQL delivers in commit
//! order, and a browser that wrote through another process carries the
//! stamp it saw in a cookie ([`Feed::catch_up`]).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions_sqlx_store::PostgresStore;

use crate::domain::area::AreaRef;
use crate::domain::error::AppError;
use crate::domain::policy::CurrentUser;

/// The channel the triggers of migration 0013 notify.
pub const CHANNEL: &str = "vx_feed";

/// Entries kept at most per map; past this a map starts again empty.
const KEEP_MAX: usize = 50_000;

/// What this process holds from the database, and whether it may trust it.
#[derive(Default)]
pub struct Feed {
    listening: AtomicBool,
    /// The primary is lost ([`crate::storage::primary`]): what was held when
    /// the feed stopped listening is served read-only until one is found.
    holding: AtomicBool,
    stamps: Mutex<HashMap<String, i64>>,
    users: Mutex<HashMap<i64, (CurrentUser, i32)>>,
    sessions: Mutex<HashMap<Id, Record>>,
    /// Every area with its ancestors, loaded on first use.
    areas: Mutex<Option<Arc<HashMap<String, AreaRef>>>>,
    /// Moves with every drop: a value read from the database is kept only
    /// if nothing was dropped while it was being read.
    epoch: AtomicU64,
    /// The same for sessions, which change far more often.
    session_epoch: AtomicU64,
    /// The highest barrier number heard, for [`Feed::settle`].
    heard: AtomicU64,
    said: AtomicU64,
    heard_signal: tokio::sync::Notify,
    ready_signal: tokio::sync::Notify,
    /// Counts the bursts of writes heard, for whoever acts on a change
    /// (the alert rules): a receiver sees every move made since it looked.
    moved: tokio::sync::watch::Sender<u64>,
    /// Moves when an alert or a "seen" changes; unseen counts are kept by it.
    alerts_epoch: AtomicU64,
    unseen: Mutex<HashMap<i64, (u64, i64)>>,
}

impl std::fmt::Debug for Feed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Feed")
            .field("listening", &self.listening())
            .finish_non_exhaustive()
    }
}

impl Feed {
    /// Whether memory is trusted: the listener is connected and was
    /// connected before anything now held was read.
    pub fn listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    /// Whether memory may be served: the feed listens, or the primary is
    /// lost and nothing can be written anywhere until another is found.
    fn trusted(&self) -> bool {
        self.listening() || self.holding.load(Ordering::Acquire)
    }

    /// Serves what is held while `on` (the primary is lost): no database
    /// can take a write then, so what was heard last is the latest there is
    /// but for the notifications of the last instant before the loss.
    pub fn hold(&self, on: bool) {
        self.holding.store(on, Ordering::Release);
    }

    /// The city's stamp as last heard; `None` when the database must be asked.
    pub fn stamp(&self, city: &str) -> Option<i64> {
        if !self.trusted() {
            return None;
        }
        self.stamps.lock().expect("feed stamps").get(city).copied()
    }

    /// A receiver that sees the city stamps move (any city's).
    pub fn moves(&self) -> tokio::sync::watch::Receiver<u64> {
        self.moved.subscribe()
    }

    /// Says a stamp moved (a write heard, or made by this process).
    pub fn moved(&self) {
        self.moved.send_modify(|n| *n += 1);
    }

    /// The epoch of alerts: what a count of unseen alerts is kept with.
    pub fn alerts_epoch(&self) -> u64 {
        self.alerts_epoch.load(Ordering::Acquire)
    }

    /// A user's unseen alert count kept at `epoch`, while the feed listens.
    pub fn unseen(&self, user: i64, epoch: u64) -> Option<i64> {
        if !self.trusted() {
            return None;
        }
        let map = self.unseen.lock().expect("feed unseen");
        map.get(&user).filter(|(e, _)| *e == epoch).map(|(_, n)| *n)
    }

    /// Keeps a user's unseen count read at `epoch`.
    pub fn keep_unseen(&self, user: i64, epoch: u64, n: i64) {
        if !self.listening() || self.alerts_epoch() != epoch {
            return;
        }
        let mut map = self.unseen.lock().expect("feed unseen");
        if map.len() >= KEEP_MAX {
            map.clear();
        }
        map.insert(user, (epoch, n));
    }

    /// Every city's stamp as this process knows it.
    pub fn stamps(&self) -> HashMap<String, i64> {
        self.stamps.lock().expect("feed stamps").clone()
    }

    fn raise(&self, city: &str, stamp: i64) {
        let mut map = self.stamps.lock().expect("feed stamps");
        let s = map.entry(city.to_string()).or_insert(stamp);
        *s = (*s).max(stamp);
    }

    /// Reads every city's stamp from the database into memory.
    pub async fn refresh_stamps(&self, db: &PgPool) -> Result<HashMap<String, i64>, AppError> {
        let rows = sqlx::query!("select city_code, stamp from city_stamps")
            .fetch_all(db)
            .await?;
        for r in &rows {
            self.raise(&r.city_code, r.stamp);
        }
        Ok(self.stamps())
    }

    /// A browser says it has seen `seen` (from its cookie): if this process
    /// is behind on any city, it reads the stamps now instead of waiting
    /// for the notification.
    pub async fn catch_up(&self, db: &PgPool, seen: &HashMap<String, i64>) -> Result<(), AppError> {
        if !self.listening() {
            return Ok(());
        }
        let behind = {
            let map = self.stamps.lock().expect("feed stamps");
            seen.iter().any(|(c, s)| map.get(c).is_none_or(|k| k < s))
        };
        if behind {
            self.refresh_stamps(db).await?;
        }
        Ok(())
    }

    /// The user `id` and their session generation, if kept.
    pub fn user(&self, id: i64) -> Option<(CurrentUser, i32)> {
        if !self.trusted() {
            return None;
        }
        self.users.lock().expect("feed users").get(&id).cloned()
    }

    /// Where a read from the database starts: pass it to the `keep_` call.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Keeps a user read from the database since `epoch`, unless something
    /// was dropped meanwhile (it may be this user, changed after the read).
    pub fn keep_user(&self, epoch: u64, id: i64, user: (CurrentUser, i32)) {
        let mut map = self.users.lock().expect("feed users");
        if !self.listening() || self.epoch() != epoch {
            return;
        }
        if map.len() >= KEEP_MAX {
            map.clear();
        }
        map.insert(id, user);
    }

    /// Drops a user this process changed, before its response goes.
    pub fn forget_user(&self, id: i64) {
        let mut map = self.users.lock().expect("feed users");
        self.epoch.fetch_add(1, Ordering::AcqRel);
        map.remove(&id);
    }

    fn forget_session(&self, id: &Id) {
        let mut map = self.sessions.lock().expect("feed sessions");
        self.session_epoch.fetch_add(1, Ordering::AcqRel);
        map.remove(id);
    }

    fn forget_all(&self) {
        let mut users = self.users.lock().expect("feed users");
        let mut sessions = self.sessions.lock().expect("feed sessions");
        let mut areas = self.areas.lock().expect("feed areas");
        self.epoch.fetch_add(1, Ordering::AcqRel);
        self.session_epoch.fetch_add(1, Ordering::AcqRel);
        self.alerts_epoch.fetch_add(1, Ordering::AcqRel);
        users.clear();
        sessions.clear();
        *areas = None;
    }

    /// The area tree in memory, loaded now if it is not; `None` while the
    /// feed does not listen.
    async fn area_map(
        &self,
        db: &PgPool,
    ) -> Result<Option<Arc<HashMap<String, AreaRef>>>, AppError> {
        if !self.trusted() {
            return Ok(None);
        }
        if let Some(m) = self.areas.lock().expect("feed areas").clone() {
            return Ok(Some(m));
        }
        let epoch = self.epoch();
        let map = Arc::new(crate::storage::areas::every_area_ref(db).await?);
        let mut kept = self.areas.lock().expect("feed areas");
        if self.listening() && self.epoch() == epoch {
            *kept = Some(map.clone());
        }
        Ok(Some(map))
    }

    /// An area with its ancestors: from memory while the feed listens (an
    /// area added since it was loaded is read from PostgreSQL).
    pub async fn area(&self, db: &PgPool, code: &str) -> Result<Option<AreaRef>, AppError> {
        if let Some(map) = self.area_map(db).await?
            && let Some(a) = map.get(code)
        {
            return Ok(Some(a.clone()));
        }
        crate::storage::areas::area_ref(db, code).await
    }

    /// Several areas with their ancestors, by code, as [`Feed::area`].
    pub async fn areas(
        &self,
        db: &PgPool,
        codes: &[String],
    ) -> Result<HashMap<String, AreaRef>, AppError> {
        if let Some(map) = self.area_map(db).await?
            && codes.iter().all(|c| map.contains_key(c))
        {
            return Ok(codes.iter().map(|c| (c.clone(), map[c].clone())).collect());
        }
        crate::storage::areas::area_refs(db, codes).await
    }

    /// Applies one message; true when a city's stamp moved (to be read).
    fn apply(&self, payload: &str) -> bool {
        let (what, arg) = payload.split_once(' ').unwrap_or((payload, ""));
        match what {
            "stamp" => return true,
            "alerts" => {
                self.alerts_epoch.fetch_add(1, Ordering::AcqRel);
            }
            "user" => {
                if let Ok(id) = arg.parse() {
                    self.forget_user(id);
                }
            }
            // An area changed: the users (who carry their area) and the tree.
            "users" => {
                let mut map = self.users.lock().expect("feed users");
                let mut areas = self.areas.lock().expect("feed areas");
                self.epoch.fetch_add(1, Ordering::AcqRel);
                map.clear();
                *areas = None;
            }
            "session" => {
                if let Ok(id) = arg.parse::<Id>() {
                    self.forget_session(&id);
                }
            }
            "barrier" => {
                if let Ok(n) = arg.parse::<u64>() {
                    self.heard.fetch_max(n, Ordering::AcqRel);
                    self.heard_signal.notify_waiters();
                }
            }
            _ => tracing::warn!(payload, "unknown change feed message"),
        }
        false
    }

    /// Returns once the feed listens (pages are served from memory).
    pub async fn ready(&self) {
        loop {
            let signal = self.ready_signal.notified();
            tokio::pin!(signal);
            signal.as_mut().enable();
            if self.listening() {
                return;
            }
            signal.await;
        }
    }

    /// Returns once every notification committed before this call has been
    /// applied: it sends one more and waits to hear it (PostgreSQL delivers
    /// notifications in commit order). For tests and for tools that need
    /// another process's writes seen here.
    pub async fn settle(&self, db: &PgPool) -> Result<(), AppError> {
        let n = self.said.fetch_add(1, Ordering::AcqRel) + 1;
        let heard = self.heard_signal.notified();
        tokio::pin!(heard);
        heard.as_mut().enable();
        sqlx::query!("select pg_notify($1, $2)", CHANNEL, format!("barrier {n}"))
            .execute(db)
            .await?;
        while self.heard.load(Ordering::Acquire) < n {
            heard.as_mut().await;
            heard.set(self.heard_signal.notified());
            heard.as_mut().enable();
        }
        Ok(())
    }

    /// Listens until the process ends. Connects, then reads every stamp and
    /// starts trusting memory; on a lost connection it stops trusting it
    /// (but keeps it, for [`Feed::hold`]) and starts again, forgetting
    /// everything once it listens.
    pub async fn run(self: Arc<Self>, db: PgPool) {
        let mut pause = std::time::Duration::from_millis(100);
        loop {
            match self.listen_once(&db).await {
                Ok(()) => pause = std::time::Duration::from_millis(100),
                Err(e) => tracing::warn!(error = %e, "change feed lost; pages read PostgreSQL"),
            }
            self.listening.store(false, Ordering::Release);
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(std::time::Duration::from_secs(5));
        }
    }

    async fn listen_once(&self, db: &PgPool) -> Result<(), AppError> {
        let mut listener = PgListener::connect_with(db).await?;
        listener.listen(CHANNEL).await?;
        // Listening before reading: a write after this read is heard.
        self.forget_all();
        self.refresh_stamps(db).await?;
        self.listening.store(true, Ordering::Release);
        self.ready_signal.notify_waiters();
        tracing::info!("change feed listening");
        loop {
            let Some(n) = listener.try_recv().await? else {
                return Ok(());
            };
            if self.apply(n.payload()) {
                // A burst of writes is read once: what is queued is applied
                // first, then every city's stamp is read in one query.
                while let Some(more) = listener.next_buffered() {
                    self.apply(more.payload());
                }
                self.refresh_stamps(db).await?;
                self.moved();
            }
        }
    }
}

/// Sessions kept in memory in front of PostgreSQL, only while the feed
/// listens, so a session ended or changed by another process is dropped
/// here too. Writes go to PostgreSQL first.
#[derive(Debug, Clone)]
pub struct CachedSessions {
    feed: Arc<Feed>,
    store: PostgresStore,
}

impl CachedSessions {
    /// `store` with `feed`'s memory in front.
    pub fn new(feed: Arc<Feed>, store: PostgresStore) -> Self {
        Self { feed, store }
    }

    fn keep(&self, epoch: u64, record: &Record) {
        let feed = &self.feed;
        let mut map = feed.sessions.lock().expect("feed sessions");
        if !feed.listening() || feed.session_epoch.load(Ordering::Acquire) != epoch {
            map.remove(&record.id);
            return;
        }
        if map.len() >= KEEP_MAX {
            map.clear();
        }
        map.insert(record.id, record.clone());
    }
}

#[async_trait::async_trait]
impl SessionStore for CachedSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let epoch = self.feed.session_epoch.load(Ordering::Acquire);
        self.store.create(record).await?;
        self.keep(epoch, record);
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        // Dropped first: a failed save must not leave memory ahead of PostgreSQL.
        self.feed.forget_session(&record.id);
        let epoch = self.feed.session_epoch.load(Ordering::Acquire);
        self.store.save(record).await?;
        self.keep(epoch, record);
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let feed = &self.feed;
        if feed.trusted() {
            let mut map = feed.sessions.lock().expect("feed sessions");
            let now = tower_sessions::cookie::time::OffsetDateTime::now_utc();
            match map.get(id) {
                Some(r) if r.expiry_date > now => return Ok(Some(r.clone())),
                Some(_) => {
                    map.remove(id);
                }
                None => {}
            }
        }
        let epoch = feed.session_epoch.load(Ordering::Acquire);
        let record = self.store.load(id).await?;
        if let Some(r) = &record {
            self.keep(epoch, r);
        }
        Ok(record)
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.feed.forget_session(id);
        self.store.delete(id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::area::{AreaRef, Level};
    use crate::domain::policy::Role;

    fn user(id: i64) -> (CurrentUser, i32) {
        let area = AreaRef {
            code: "00682".into(),
            name: "Xã Liên Ninh".into(),
            level: Level::Commune,
            parent_code: Some("020".into()),
            grandparent_code: Some("01".into()),
        };
        let u = CurrentUser {
            id,
            username: format!("u{id}"),
            display_name: String::new(),
            role: Role::Commune,
            area,
            token_id: None,
        };
        (u, 1)
    }

    fn listening() -> Feed {
        let f = Feed::default();
        f.listening.store(true, Ordering::Release);
        f
    }

    #[test]
    fn nothing_is_served_from_memory_while_the_feed_is_not_listening() {
        let f = Feed::default();
        f.raise("01", 7);
        f.keep_user(f.epoch(), 1, user(1));
        assert_eq!(f.stamp("01"), None);
        assert!(f.user(1).is_none());
    }

    #[test]
    fn a_message_drops_what_it_names_and_a_stamp_message_asks_for_the_stamps() {
        let f = listening();
        f.keep_user(f.epoch(), 1, user(1));
        f.keep_user(f.epoch(), 2, user(2));
        assert!(f.apply("stamp 01"), "a stamp message asks for the stamps");
        assert!(f.user(1).is_some());
        assert!(!f.apply("user 1"));
        assert!(f.user(1).is_none() && f.user(2).is_some());
        f.apply("users");
        assert!(f.user(2).is_none());
    }

    #[test]
    fn a_value_read_while_something_was_dropped_is_not_kept() {
        let f = listening();
        let epoch = f.epoch();
        f.apply("user 1");
        f.keep_user(epoch, 1, user(1));
        assert!(
            f.user(1).is_none(),
            "it may be the value from before the change"
        );
    }

    #[test]
    fn what_was_held_is_served_while_the_primary_is_lost_and_not_after() {
        let f = listening();
        f.raise("01", 7);
        f.keep_user(f.epoch(), 1, user(1));
        f.listening.store(false, Ordering::Release);
        assert_eq!(f.stamp("01"), None, "the feed stopped listening");
        f.hold(true);
        assert_eq!(f.stamp("01"), Some(7));
        assert!(f.user(1).is_some());
        f.keep_user(f.epoch(), 2, user(2));
        assert!(f.user(2).is_none(), "nothing new is kept while held");
        f.hold(false);
        assert_eq!(f.stamp("01"), None);
    }

    #[test]
    fn stamps_only_move_forward() {
        let f = listening();
        f.raise("01", 9);
        f.raise("01", 4);
        assert_eq!(f.stamp("01"), Some(9));
    }
}
