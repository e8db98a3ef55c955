//! The area dashboard (DESIGN §6) and `GET /api/v1/areas/{code}/summary`
//! (DESIGN §7): one design at every level, figures from the rollups that
//! triggers keep in step with the records, zones from [`crate::domain::zone`].
//!
//! A computed board is kept in memory with the city's change stamp; every
//! request reads the stamp (from the change feed, or one indexed row) and
//! recomputes when it moved, so a page never shows figures older than the
//! last committed write. A computation is one statement (one snapshot,
//! one round trip) over O(areas) rows.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};

use crate::domain::area::{AreaRef, Codes, Level};
use crate::domain::error::AppError;
use crate::domain::forms::{Check, Raw, Vocab};
use crate::domain::policy::{Action, CurrentUser};
use crate::domain::trend::{Change, Worsening};
use crate::domain::vocab::Colour;
use crate::domain::zone::{
    self, Criterion, Lacking, LevelInputs, LevelOutcome, RedInputs, Thresholds,
};
use crate::storage::audit;

/// New F0 figures (DESIGN §7 `f0`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct F0 {
    pub total: i64,
    pub active: i64,
    pub new_today: i64,
    /// New the day before, for "today vs yesterday".
    pub new_yesterday: i64,
    pub new_7d: i64,
    /// New in the 7 days before the last 7, for "this week vs last".
    pub new_prev_7d: i64,
    pub community_7d: i64,
    pub community_total: i64,
    pub recovered: i64,
    pub died: i64,
}

impl F0 {
    /// New cases today against yesterday.
    pub fn day(&self) -> Change {
        Change::new(self.new_today, self.new_yesterday)
    }

    /// New cases in the last 7 days against the 7 before.
    pub fn week(&self) -> Change {
        Change::new(self.new_7d, self.new_prev_7d)
    }
}

/// Quarantine figures over active sites.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Quarantine {
    pub sites_active: i64,
    pub capacity: i64,
    pub occupancy: i64,
    pub free: i64,
}

/// Checkpoint figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Checkpoints {
    pub active: i64,
    pub violations_today: i64,
}

/// Directive figures over the targets within the area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Directives {
    pub open: i64,
    pub overdue: i64,
    pub done_rate: f64,
    #[serde(skip)]
    pub done: i64,
    #[serde(skip)]
    pub targets: i64,
}

/// Active lockdown areas on the day and the people inside them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Lockdowns {
    pub active: i64,
    pub people: i64,
}

/// Contacts (F1) on the day: held in sites and at home, with the change
/// since the day before; traced in the last 7 days and how many of them
/// within a day of their case's confirmation; cases of the 7 days found
/// among people held in quarantine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ContactsFig {
    pub in_sites: i64,
    pub at_home: i64,
    pub in_sites_change: i64,
    pub at_home_change: i64,
    pub traced_7d: i64,
    pub traced_24h_7d: i64,
    pub f0_held_7d: i64,
    /// Home quarantine is forbidden here (configuration, DESIGN §3a).
    pub home_forbidden: bool,
}

impl ContactsFig {
    /// Whether the area has any contact work to show.
    pub fn any(&self) -> bool {
        self.in_sites + self.at_home + self.traced_7d + self.f0_held_7d > 0
    }

    /// The share of the week's F1 traced within a day of their case.
    pub fn traced_24h_share(&self) -> Option<f64> {
        (self.traced_7d > 0).then(|| self.traced_24h_7d as f64 / self.traced_7d as f64)
    }

    /// People held at home where the area's rule forbids it.
    pub fn home_warning(&self) -> bool {
        self.home_forbidden && self.at_home > 0
    }
}

/// Testing in the last 7 days, and samples still waiting for results
/// two days or more after they were taken.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Testing {
    pub samples_7d: i64,
    pub results_7d: i64,
    pub positives_7d: i64,
    pub waiting_over_48h: i64,
}

impl Testing {
    /// Positives over results returned, 0–1; none before any result.
    pub fn positive_rate(&self) -> Option<f64> {
        (self.results_7d > 0).then(|| self.positives_7d as f64 / self.results_7d as f64)
    }
}

/// Where treatment happens: F0 under treatment by place, and each tier's
/// facilities (treatment-kind sites with a tier).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Treatment {
    pub home: i64,
    pub commune_station: i64,
    /// F0 treated in tier 1, 2 and 3 facilities.
    pub tiers: [i64; 3],
    /// F0 whose place of treatment was not recorded.
    pub unknown: i64,
    /// Places and people in each tier's active facilities.
    pub tier_capacity: [i64; 3],
    pub tier_occupancy: [i64; 3],
}

impl Treatment {
    /// Tiers (1–3) whose facilities are at or above `share` (0–1) full.
    pub fn strained(&self, share: f64) -> Vec<usize> {
        (0..3)
            .filter(|i| {
                self.tier_capacity[*i] > 0
                    && self.tier_occupancy[*i] as f64 >= share * self.tier_capacity[*i] as f64
            })
            .map(|i| i + 1)
            .collect()
    }
}

/// Everything counted per area, additive over the tree.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Counts {
    sites_active: i64,
    capacity: i64,
    occupancy: i64,
    treatment_capacity: i64,
    treatment_occupancy: i64,
    checkpoints_active: i64,
    violations_today: i64,
    clusters_active: i64,
    targets: i64,
    done: i64,
    overdue: i64,
    lockdowns: i64,
    lockdown_people: i64,
    samples_7d: i64,
    results_7d: i64,
    positives_7d: i64,
    waiting: i64,
    tier_capacity: [i64; 3],
    tier_occupancy: [i64; 3],
    f1_site: i64,
    f1_home: i64,
    f1_site_change: i64,
    f1_home_change: i64,
    f1_traced_7d: i64,
    f1_traced_24h_7d: i64,
    f0_held_7d: i64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Self) {
        self.sites_active += o.sites_active;
        self.capacity += o.capacity;
        self.occupancy += o.occupancy;
        self.treatment_capacity += o.treatment_capacity;
        self.treatment_occupancy += o.treatment_occupancy;
        self.checkpoints_active += o.checkpoints_active;
        self.violations_today += o.violations_today;
        self.clusters_active += o.clusters_active;
        self.targets += o.targets;
        self.done += o.done;
        self.overdue += o.overdue;
        self.lockdowns += o.lockdowns;
        self.lockdown_people += o.lockdown_people;
        self.samples_7d += o.samples_7d;
        self.results_7d += o.results_7d;
        self.positives_7d += o.positives_7d;
        self.waiting += o.waiting;
        self.f1_site += o.f1_site;
        self.f1_home += o.f1_home;
        self.f1_site_change += o.f1_site_change;
        self.f1_home_change += o.f1_home_change;
        self.f1_traced_7d += o.f1_traced_7d;
        self.f1_traced_24h_7d += o.f1_traced_24h_7d;
        self.f0_held_7d += o.f0_held_7d;
        for i in 0..3 {
            self.tier_capacity[i] += o.tier_capacity[i];
            self.tier_occupancy[i] += o.tier_occupancy[i];
        }
    }
}

/// An area's facts on the day, by name (see migration 0016).
type Facts = HashMap<String, FactVal>;

/// One fact of an area on the day. The board reads only the days each
/// figure needs, so `waiting` holds for the fact `waiting`, `week` for the
/// testing facts and `today` for `violations`; `level` holds for all.
#[derive(Debug, Clone, Copy, Default)]
struct FactVal {
    /// Standing at the end of the day: the total less the changes after it.
    level: i64,
    /// Standing two days before (samples still waiting two days on).
    waiting: i64,
    /// Summed over the 7 days to the day.
    week: i64,
    /// On the day.
    today: i64,
}

impl FactVal {
    fn minus(self, o: Self) -> Self {
        Self {
            level: self.level - o.level,
            waiting: self.waiting - o.waiting,
            week: self.week - o.week,
            today: self.today - o.today,
        }
    }
}

impl Counts {
    fn from_facts(f: &Facts) -> Self {
        let get = |name: &str| f.get(name).copied().unwrap_or_default();
        let level = |name: &str| get(name).level;
        Self {
            sites_active: level("sites"),
            capacity: level("capacity"),
            occupancy: level("occupancy"),
            treatment_capacity: level("t_capacity"),
            treatment_occupancy: level("t_occupancy"),
            checkpoints_active: level("checkpoints"),
            violations_today: get("violations").today,
            clusters_active: level("clusters"),
            targets: level("targets"),
            done: level("done"),
            overdue: level("overdue"),
            lockdowns: level("lockdowns"),
            lockdown_people: level("lockdown_people"),
            samples_7d: get("samples").week,
            results_7d: get("results").week,
            positives_7d: get("positives").week,
            waiting: get("waiting").waiting,
            tier_capacity: [1, 2, 3].map(|t| level(&format!("tier{t}_capacity"))),
            tier_occupancy: [1, 2, 3].map(|t| level(&format!("tier{t}_occupancy"))),
            f1_site: level("f1_site"),
            f1_home: level("f1_home"),
            f1_site_change: get("f1_site").today,
            f1_home_change: get("f1_home").today,
            f1_traced_7d: get("f1_traced").week,
            f1_traced_24h_7d: get("f1_traced_24h").week,
            f0_held_7d: get("f0_held").week,
        }
    }
}

/// A declaration in force.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Declaration {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub area_code: String,
    pub colour: Option<String>,
    pub level: Option<i32>,
    pub reason: String,
    pub effective_on: NaiveDate,
    pub declared_name: String,
    pub declared_at: DateTime<Utc>,
    /// The level that declared it (`city`, `district`): a city declaration
    /// outranks a district's while it stands.
    pub declared_level: String,
}

/// The zone of an area: computed, declared, and what is in force.
#[derive(Debug, Clone, Serialize)]
pub struct Zone {
    pub colour: &'static str,
    pub level: Option<u8>,
    pub declared: bool,
    pub reason: Option<String>,
    pub computed_colour: &'static str,
    pub computed_level: Option<u8>,
    pub set_by: Criterion,
    pub rate_per_100k: Option<f64>,
    /// First-dose coverage of adults; none when no daily report gave doses.
    pub vaccine_coverage: Option<f64>,
    /// The adults coverage was measured against, and whether that is the
    /// configured share of the population rather than a recorded figure.
    pub adults: Option<i64>,
    pub adults_estimated: bool,
    /// The population behind the rate is an estimate.
    pub population_estimated: bool,
    /// Criteria that lacked figures (and so raised nothing).
    pub lacking: Vec<Lacking>,
    pub red_communes: i64,
    pub green_communes: i64,
    pub declaration: Option<Declaration>,
}

/// One area's figures (DESIGN §7 summary).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub area: crate::storage::areas::Area,
    pub date: NaiveDate,
    pub f0: F0,
    pub quarantine: Quarantine,
    pub checkpoints: Checkpoints,
    pub clusters: ClustersFig,
    pub directives: Directives,
    pub zone: Zone,
    pub reports: ReportsFig,
    pub lockdowns: Lockdowns,
    pub testing: Testing,
    pub treatment: Treatment,
    pub contacts: ContactsFig,
    /// New cases on each of the last 14 days (oldest first).
    #[serde(skip)]
    pub spark: Vec<i64>,
}

impl Summary {
    /// The counts the national board shows of a province's own summary.
    pub fn province(&self) -> crate::domain::country::Province {
        crate::domain::country::Province {
            code: self.area.code.clone(),
            name: self.area.name.clone(),
            level: self.zone.level,
            declared: self.zone.declared,
            red_communes: self.zone.red_communes,
            communes: self.zone.red_communes + self.zone.green_communes,
            cases: crate::domain::country::Cases {
                new_today: self.f0.new_today,
                new_yesterday: self.f0.new_yesterday,
                new_7d: self.f0.new_7d,
                new_prev_7d: self.f0.new_prev_7d,
                active: self.f0.active,
            },
            rate_per_100k: self.zone.rate_per_100k,
            population: self.area.population,
        }
    }

    /// What "getting worse" ranks this area by.
    pub fn worsening(&self) -> Worsening {
        Worsening {
            week: self.f0.week(),
            rate: self.zone.rate_per_100k,
        }
    }
}

/// Clusters active on the day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ClustersFig {
    pub active: i64,
}

/// Daily reports filed for the day among the communes of the area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ReportsFig {
    pub reported: i64,
    pub communes: i64,
}

/// What a board reads that only writes of areas, daily reports and
/// declarations move (migrations 0019, 0022): kept with the board, and
/// reused by the next computation of the same board while the city's
/// `rest` counter stands.
#[derive(Debug, Clone)]
pub struct Rest {
    /// The city's `rest` counter when these were read.
    counter: i64,
    me_area: crate::storage::areas::Area,
    kids: Vec<crate::storage::areas::Area>,
    /// The communes under the area (or the commune itself), with their parents.
    communes: Vec<(String, Option<String>)>,
    reps: HashMap<String, (i64, Option<i64>)>,
    declarations: HashMap<String, Declaration>,
}

/// The area facts a board reads (0016), kept while the city's `facts`
/// counter stands (0022).
#[derive(Debug)]
pub struct FactsPart {
    /// The city's `facts` counter when these were read.
    counter: i64,
    facts: HashMap<String, Facts>,
}

/// The red/green facts of every area (clusters, lockdowns, lockdown
/// sites): only writes that move both the `rest` and the `facts` counters
/// change them (0022), so they are kept while either stands.
#[derive(Debug)]
pub struct RedPart {
    /// The city's `rest` and `facts` counters when these were read.
    counters: (i64, i64),
    /// (area, fact, level).
    red: Vec<(String, String, i64)>,
}

/// The parts of a board that cases do not move, for the next computation
/// of the same board to keep (see [`compute`]).
#[derive(Debug, Clone)]
pub struct Kept {
    rest: Arc<Rest>,
    facts: Arc<FactsPart>,
    red: Arc<RedPart>,
}

impl Kept {
    /// These parts as a write of facts alone would leave them: the rest
    /// kept, the facts to read again (benchmarks).
    pub fn after_facts(&self) -> Kept {
        Kept {
            rest: self.rest.clone(),
            facts: Arc::new(FactsPart {
                counter: -1,
                facts: HashMap::new(),
            }),
            red: self.red.clone(),
        }
    }

    /// These parts as a write of the rest alone (a daily report) would
    /// leave them: the facts kept, the rest to read again (benchmarks).
    pub fn after_rest(&self) -> Kept {
        Kept {
            rest: Arc::new(Rest {
                counter: -1,
                ..(*self.rest).clone()
            }),
            facts: self.facts.clone(),
            red: self.red.clone(),
        }
    }
}

/// An area's dashboard: its own summary, its children's, and the records
/// kept at its own level (a district's own sites, a city's gates).
#[derive(Debug, Clone)]
pub struct Board {
    pub me: Summary,
    pub children: Vec<Summary>,
    pub own_level: Option<Summary>,
    /// (day, new cases, new community cases) up to the date.
    pub series: Vec<(NaiveDate, i64, i64)>,
    pub stamp: i64,
    /// The city's stamp of writes other than cases: what is kept beside a
    /// board that cases do not move (open tasks, targets) is kept by it.
    pub others: i64,
    /// How long its one statement took to answer (metrics, benchmarks).
    pub read_in: std::time::Duration,
    kept: Kept,
}

impl Board {
    /// The parts of this board that cases do not move, for the next
    /// computation of the same board to keep (see [`compute`]).
    pub fn kept_part(&self) -> &Kept {
        &self.kept
    }
}

/// Boards computed, with the stamp they were computed at.
#[derive(Default)]
pub struct BoardCache {
    boards: Mutex<HashMap<BoardKey, Arc<Board>>>,
    /// One computation at a time per board: after a write, the first
    /// request computes and the others wait for it instead of all
    /// computing the same figures at once.
    computing: Mutex<HashMap<BoardKey, Gate>>,
}

type BoardKey = (String, NaiveDate);
type Gate = Arc<tokio::sync::Mutex<()>>;

/// Boards kept at most; past this the cache starts again empty.
const CACHE_MAX: usize = 4096;

impl BoardCache {
    /// A board that already includes every write counted by `stamp`.
    fn get(&self, code: &str, date: NaiveDate, stamp: i64) -> Option<Arc<Board>> {
        let map = self.boards.lock().expect("board cache");
        map.get(&(code.to_string(), date))
            .filter(|b| b.stamp >= stamp)
            .cloned()
    }

    /// The last board computed, whatever its stamp: its [`Rest`] may
    /// still hold.
    fn latest(&self, code: &str, date: NaiveDate) -> Option<Arc<Board>> {
        let map = self.boards.lock().expect("board cache");
        map.get(&(code.to_string(), date)).cloned()
    }

    fn gate(&self, code: &str, date: NaiveDate) -> Gate {
        let mut map = self.computing.lock().expect("board gates");
        if map.len() >= CACHE_MAX {
            map.retain(|_, g| Arc::strong_count(g) > 1);
        }
        map.entry((code.to_string(), date)).or_default().clone()
    }

    fn put(&self, code: &str, date: NaiveDate, board: Arc<Board>) {
        let mut map = self.boards.lock().expect("board cache");
        if map.len() >= CACHE_MAX {
            map.clear();
        }
        let key = (code.to_string(), date);
        // Two computations may finish out of order: keep the newer.
        if map.get(&key).is_none_or(|b| b.stamp < board.stamp) {
            map.insert(key, board);
        }
    }
}

async fn stamp(conn: &mut PgConnection, city: &str) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar!("select stamp from city_stamps where city_code = $1", city)
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or(0),
    )
}

/// The city's change stamp now: it moves with every write a dashboard shows.
pub async fn current_stamp(db: &PgPool, city: &str) -> Result<i64, AppError> {
    let mut conn = db.acquire().await?;
    stamp(&mut conn, city).await
}

/// The board of `area` on `date`, including every write committed before
/// this call: the stamp read first counts them (or `known`, the stamp the
/// change feed holds, which counts them too), and only a board computed at
/// that stamp or later is served.
pub async fn board(
    db: &PgPool,
    cache: &BoardCache,
    thresholds: &Thresholds,
    area: &AreaRef,
    date: NaiveDate,
    known: Option<i64>,
) -> Result<Arc<Board>, AppError> {
    let city = Codes::of(area).city;
    let asked_at = match known {
        Some(s) => s,
        None => {
            let mut conn = db.acquire().await?;
            stamp(&mut conn, &city).await?
        }
    };
    if let Some(b) = cache.get(&area.code, date, asked_at) {
        metrics::counter!("vx_board_cache_hits_total").increment(1);
        return Ok(b);
    }
    let gate = cache.gate(&area.code, date);
    let _turn = gate.lock().await;
    // Whoever held the gate may have computed it after this call began.
    if let Some(b) = cache.get(&area.code, date, asked_at) {
        metrics::counter!("vx_board_cache_hits_total").increment(1);
        return Ok(b);
    }
    let started = std::time::Instant::now();
    let mut conn = db.acquire().await?;
    let kept = cache.latest(&area.code, date).map(|b| b.kept.clone());
    let b = Arc::new(compute(&mut conn, area, date, thresholds, kept.as_ref()).await?);
    cache.put(&area.code, date, b.clone());
    let level = area.level.as_str();
    metrics::counter!("vx_board_computations_total", "level" => level).increment(1);
    metrics::histogram!("vx_board_computation_seconds", "level" => level)
        .record(started.elapsed().as_secs_f64());
    metrics::histogram!("vx_board_statement_seconds", "level" => level)
        .record(b.read_in.as_secs_f64());
    Ok(b)
}

/// Where a record counts, seen from the area shown.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Bucket {
    Child(String),
    Own,
}

fn bucket(shown: &AreaRef, district: Option<&str>, commune: Option<&str>) -> Bucket {
    let child = match shown.level {
        Level::City => district,
        Level::District => commune,
        Level::Commune => None,
    };
    child.map_or(Bucket::Own, |c| Bucket::Child(c.to_string()))
}

/// Computes a board in one statement: one snapshot (the stamp and every
/// figure agree) and one round trip. Each part of the statement is a set of
/// parallel arrays, O(areas) long whatever the number of records (0015,
/// 0016, 0017). Run it on a connection of [`crate::storage::db::board_pool`]:
/// elsewhere the answer is the same, but it is planned afresh each time.
pub async fn compute(
    conn: &mut PgConnection,
    area: &AreaRef,
    date: NaiveDate,
    t: &Thresholds,
    kept: Option<&Kept>,
) -> Result<Board, AppError> {
    let city = Codes::of(area).city;
    let started = std::time::Instant::now();
    let r = sqlx::query!(
        r#"with k as materialized (select array(select code from areas where parent_code = $1
                                   order by name collate "vi-x-icu", code) as kids),
           -- The parts cases do not move are read unless the kept ones were
           -- read at the city's current counter of their kind (0022).
           -- Materialized: inlined, each part sorted the children again.
           q as materialized (select array[$1::text] || k.kids as codes, k.kids,
                   (select rest from city_stamps where city_code = $3) is distinct from $4 as read_rest,
                   (select facts from city_stamps where city_code = $3) is distinct from $5 as read_facts,
                   (select rest from city_stamps where city_code = $3) is distinct from $6
                     and (select facts from city_stamps where city_code = $3) is distinct from $7 as read_red
                 from k),
           -- The communes under the area (or the commune itself): what a
           -- commune's red/green inputs are read for. Several provinces may
           -- share the database (issue 28): never the whole table's.
           -- Apart, each is an index scan; as one OR, a scan of every area.
           cm as materialized (select coalesce(array_agg(m.code), '{}') as codes,
                   coalesce(array_agg(m.parent_code), '{}') as parents
                 from (select m.code, m.parent_code from areas m, q
                       where m.parent_code = any(q.codes) and m.level = 'commune'
                       union all
                       select m.code, m.parent_code from areas m where m.code = $1 and m.level = 'commune') m)
        select coalesce((select stamp from city_stamps where city_code = $3), 0) as "stamp!",
          coalesce((select others from city_stamps where city_code = $3), 0) as "others!",
          coalesce((select rest from city_stamps where city_code = $3), 0) as "rest!",
          coalesce((select facts from city_stamps where city_code = $3), 0) as "facts!",
          q.kids as "kids!", a.*, t.*, d.*, s.*, n.*, r.*, c.*, e.*, x.*, y.*, f.*, w.*, g.*, z.*
        from q cross join cm
        cross join lateral (
          select coalesce(array_agg(a.code), '{}') as "a_code!", coalesce(array_agg(a.name), '{}') as "a_name!",
            coalesce(array_agg(a.unit_type), '{}') as "a_unit_type!", coalesce(array_agg(a.level), '{}') as "a_level!",
            coalesce(array_agg(a.parent_code), '{}') as "a_parent!: Vec<Option<String>>",
            coalesce(array_agg(a.population), '{}') as "a_population!: Vec<Option<i64>>",
            coalesce(array_agg(a.population_estimated), '{}') as "a_estimated!",
            coalesce(array_agg(a.adult_population), '{}') as "a_adults!: Vec<Option<i64>>",
            coalesce(array_agg((select count(*) from areas c where c.parent_code = a.code)), '{}') as "a_children!"
          from unnest(q.codes) u(code) join areas a on a.code = u.code
          where q.read_rest) a
        cross join lateral (
          select coalesce(array_agg(t.area_code), '{}') as "t_code!",
            coalesce(array_agg(t.detected), '{}') as "t_detected!",
            coalesce(array_agg(t.community), '{}') as "t_community!",
            coalesce(array_agg(t.recovered + t.died + t.transferred), '{}') as "t_finished!",
            coalesce(array_agg(t.recovered), '{}') as "t_recovered!",
            coalesce(array_agg(t.died), '{}') as "t_died!"
          from unnest(q.codes) u(code) join case_totals t on t.area_code = u.code) t
        cross join lateral (
          -- The children's fortnight and the area's own 240 days, each a
          -- range of one covering index (0020) read alone, with the two
          -- figures a day's window needs; what the days after the date
          -- hold comes summed per area below.
          select coalesce(array_agg(c.area_code), '{}') as "d_code!",
            coalesce(array_agg(c.day), '{}') as "d_day!: Vec<NaiveDate>",
            coalesce(array_agg(c.detected), '{}') as "d_detected!",
            coalesce(array_agg(c.community), '{}') as "d_community!"
          from case_rollup c where c.area_code = any(q.kids) and c.day > $2::date - 14) d
        cross join lateral (
          select coalesce(array_agg(c.day), '{}') as "s_day!: Vec<NaiveDate>",
            coalesce(array_agg(c.detected), '{}') as "s_detected!",
            coalesce(array_agg(c.community), '{}') as "s_community!"
          from case_rollup c where c.area_code = $1 and c.day > $2::date - 240) s
        cross join lateral (
          -- What each total holds after the date (nothing, for today).
          select coalesce(array_agg(n.area_code), '{}') as "n_code!",
            coalesce(array_agg(n.detected), '{}') as "n_detected!",
            coalesce(array_agg(n.community), '{}') as "n_community!",
            coalesce(array_agg(n.finished), '{}') as "n_finished!",
            coalesce(array_agg(n.recovered), '{}') as "n_recovered!",
            coalesce(array_agg(n.died), '{}') as "n_died!"
          from (select c.area_code, sum(c.detected)::int8 as detected, sum(c.community)::int8 as community,
                  sum(c.recovered + c.died + c.transferred)::int8 as finished,
                  sum(c.recovered)::int8 as recovered, sum(c.died)::int8 as died
                from case_rollup c where c.area_code = any(q.codes) and c.day > $2
                group by c.area_code) n) n
        cross join lateral (
          select coalesce(array_agg(t.area_code), '{}') as "r_code!",
            coalesce(array_agg(w.today), '{}') as "r_today!",
            coalesce(array_agg(t.dose1 - w.after_dose1), '{}') as "r_dose1!",
            coalesce(array_agg(t.reports - w.after_reports), '{}') as "r_ever!"
          from unnest(q.codes) u(code) join report_totals t on t.area_code = u.code cross join lateral (
            select coalesce(sum(x.reports) filter (where x.day = $2), 0)::int8 as today,
              coalesce(sum(x.dose1) filter (where x.day > $2), 0)::int8 as after_dose1,
              coalesce(sum(x.reports) filter (where x.day > $2), 0)::int8 as after_reports
            from report_rollup x where x.area_code = t.area_code and x.day >= $2) w
          where q.read_rest) r
        cross join lateral (
          -- Kept with the rest: read again only when the rest is.
          select case when q.read_rest then cm.codes else '{}' end as "c_code!",
            case when q.read_rest then cm.parents else '{}' end as "c_parent!: Vec<Option<String>>") c
        cross join lateral (
          -- The communes with a community case in the 14 days to the
          -- date, from each one's last community day (a past date before
          -- it looks at the commune's days).
          select coalesce(array_agg(t.area_code), '{}') as "e_recent!"
          from unnest(cm.codes) u(code) join case_totals t on t.area_code = u.code
          where t.last_community > $2::date - 14
            and (t.last_community <= $2
                 or exists(select 1 from case_rollup x where x.area_code = t.area_code
                             and x.day > $2::date - 14 and x.day <= $2 and x.community > 0))) e
        cross join lateral (
          -- Each red/green fact's total that stands (0032: one entry of a
          -- small index per commune), and apart from it what its days
          -- after the date hold (none, for today): joined in the board.
          select coalesce(array_agg(t.area_code), '{}') as "x_code!",
            coalesce(array_agg(t.fact), '{}') as "x_fact!", coalesce(array_agg(t.n), '{}') as "x_n!"
          from unnest(cm.codes) u(code) join area_fact_totals t on t.area_code = u.code
          where t.fact in ('clusters', 'lockdowns', 'lockdown_sites') and t.n <> 0 and q.read_red) x
        cross join lateral (
          select coalesce(array_agg(w.area_code), '{}') as "y_code!",
            coalesce(array_agg(w.fact), '{}') as "y_fact!", coalesce(array_agg(w.after), '{}') as "y_after!"
          -- Every area's: for today there are none, and by the communes'
          -- codes it read an index entry per commune to find them.
          from (select area_code, fact, sum(n)::int8 as after from area_facts
                where fact in ('clusters', 'lockdowns', 'lockdown_sites') and day > $2
                group by 1, 2) w
          where q.read_red) y
        cross join lateral (
          -- Each fact's total, and apart from it (joined in the board:
          -- joined here it cost more than both reads) what its days hold
          -- after the date and in the windows the figures read.
          select coalesce(array_agg(t.area_code), '{}') as "f_code!",
            coalesce(array_agg(t.fact), '{}') as "f_fact!",
            coalesce(array_agg(t.n), '{}') as "f_n!"
          from area_fact_totals t where t.area_code = any(q.codes) and q.read_facts) f
        cross join lateral (
          select coalesce(array_agg(w.area_code), '{}') as "w_code!",
            coalesce(array_agg(w.fact), '{}') as "w_fact!",
            coalesce(array_agg(w.after), '{}') as "w_after!",
            coalesce(array_agg(w.after2), '{}') as "w_after2!",
            coalesce(array_agg(w.week), '{}') as "w_week!",
            coalesce(array_agg(w.today), '{}') as "w_today!"
          from (select e.area_code, e.fact,
                  coalesce(sum(e.n) filter (where e.day > $2), 0)::int8 as after,
                  coalesce(sum(e.n) filter (where e.day > $2::date - 2), 0)::int8 as after2,
                  coalesce(sum(e.n) filter (where e.day > $2::date - 7 and e.day <= $2), 0)::int8 as week,
                  coalesce(sum(e.n) filter (where e.day = $2), 0)::int8 as today
                from area_facts e where e.area_code = any(q.codes) and e.day > $2::date - 7
                  -- Only the days a figure reads: after the day (levels), the
                  -- week (testing), two days (waiting), the day (violations).
                  and (e.day > $2 or e.fact in ('samples', 'results', 'positives', 'f1_site', 'f1_home',
                                                'f1_traced', 'f1_traced_24h', 'f0_held')
                       or (e.fact = 'waiting' and e.day > $2::date - 2)
                       or (e.fact = 'violations' and e.day = $2))
                group by e.area_code, e.fact) w
          where q.read_facts) w
        cross join lateral (
          select coalesce(array_agg(t.area_code), '{}') as "g_code!",
            coalesce(array_agg(t.treated_at), '{}') as "g_place!",
            coalesce(array_agg(t.n - coalesce(w.after, 0)), '{}') as "g_n!"
          from treatment_totals t left join (
            select x.area_code, x.treated_at, sum(x.delta)::int8 as after from treatment_rollup x
            where x.area_code = any(q.codes) and x.day > $2 group by 1, 2) w
            on w.area_code = t.area_code and w.treated_at = t.treated_at
          where t.area_code = any(q.codes)) g
        cross join lateral (
          select coalesce(array_agg(z.id), '{}') as "z_id!", coalesce(array_agg(z.area_code), '{}') as "z_code!",
            coalesce(array_agg(z.colour), '{}') as "z_colour!: Vec<Option<String>>",
            coalesce(array_agg(z.level), '{}') as "z_level!: Vec<Option<i32>>",
            coalesce(array_agg(z.reason), '{}') as "z_reason!",
            coalesce(array_agg(z.effective_on), '{}') as "z_effective_on!: Vec<NaiveDate>",
            coalesce(array_agg(z.declared_name), '{}') as "z_declared_name!",
            coalesce(array_agg(z.declared_at), '{}') as "z_declared_at!: Vec<DateTime<Utc>>",
            coalesce(array_agg(z.declared_level), '{}') as "z_declared_level!"
          from (select distinct on (area_code) * from zone_declarations
                where area_code = any(q.codes) and effective_on <= $2 and withdrawn_at is null
                order by area_code,
                  case declared_level when 'city' then 3 when 'district' then 2 else 1 end desc,
                  effective_on desc, id desc) z
          where q.read_rest) z"#,
        area.code,
        date as _,
        city,
        kept.map_or(-1, |k| k.rest.counter),
        kept.map_or(-1, |k| k.facts.counter),
        kept.map_or(-1, |k| k.red.counters.0),
        kept.map_or(-1, |k| k.red.counters.1)
    )
    .fetch_one(&mut *conn)
    .await?;
    let read_in = started.elapsed();

    // The parts cases do not move: read again when their counter moved
    // since the kept ones were read (then the statement read them), else
    // kept.
    let rest = match kept {
        Some(k) if k.rest.counter == r.rest => k.rest.clone(),
        _ => {
            let mut areas: HashMap<String, crate::storage::areas::Area> = HashMap::new();
            for i in 0..r.a_code.len() {
                let code = r.a_code[i].clone();
                areas.insert(
                    code.clone(),
                    crate::storage::areas::Area {
                        code,
                        name: r.a_name[i].clone(),
                        unit_type: r.a_unit_type[i].clone(),
                        level: r.a_level[i].clone(),
                        parent_code: r.a_parent[i].clone(),
                        population: r.a_population[i],
                        population_estimated: r.a_estimated[i],
                        adult_population: r.a_adults[i],
                        children: r.a_children[i],
                    },
                );
            }
            let me_area = areas.remove(&area.code).ok_or(AppError::NotFound)?;
            let kids: Vec<crate::storage::areas::Area> =
                r.kids.iter().filter_map(|c| areas.remove(c)).collect();
            // Daily reports filed on the day, and first doses so far: known only
            // where some report was ever filed (none is unknown coverage, not 0).
            let reps: HashMap<String, (i64, Option<i64>)> = (0..r.r_code.len())
                .map(|i| {
                    let doses = (r.r_ever[i] > 0).then_some(r.r_dose1[i]);
                    (r.r_code[i].clone(), (r.r_today[i], doses))
                })
                .collect();
            let declarations: HashMap<String, Declaration> = (0..r.z_id.len())
                .map(|i| {
                    let d = Declaration {
                        id: r.z_id[i],
                        area_code: r.z_code[i].clone(),
                        colour: r.z_colour[i].clone(),
                        level: r.z_level[i],
                        reason: r.z_reason[i].clone(),
                        effective_on: r.z_effective_on[i],
                        declared_name: r.z_declared_name[i].clone(),
                        declared_at: r.z_declared_at[i],
                        declared_level: r.z_declared_level[i].clone(),
                    };
                    (d.area_code.clone(), d)
                })
                .collect();
            Arc::new(Rest {
                counter: r.rest,
                me_area,
                kids,
                communes: r.c_code.into_iter().zip(r.c_parent).collect(),
                reps,
                declarations,
            })
        }
    };
    let facts_part = match kept {
        Some(k) if k.facts.counter == r.facts => k.facts.clone(),
        _ => {
            // Every other figure from the area facts: O(areas) rows, each
            // total less what its days after the date hold.
            let mut facts: HashMap<String, Facts> = HashMap::new();
            for i in 0..r.f_code.len() {
                let n = r.f_n[i];
                facts.entry(r.f_code[i].clone()).or_default().insert(
                    r.f_fact[i].clone(),
                    FactVal {
                        level: n,
                        waiting: n,
                        ..FactVal::default()
                    },
                );
            }
            for i in 0..r.w_code.len() {
                let v = facts
                    .entry(r.w_code[i].clone())
                    .or_default()
                    .entry(r.w_fact[i].clone())
                    .or_default();
                v.level -= r.w_after[i];
                v.waiting -= r.w_after2[i];
                v.week = r.w_week[i];
                v.today = r.w_today[i];
            }
            Arc::new(FactsPart {
                counter: r.facts,
                facts,
            })
        }
    };
    let red_part = match kept {
        Some(k) if k.red.counters.0 == r.rest || k.red.counters.1 == r.facts => k.red.clone(),
        _ => {
            // Each total less its days after the date; a fact whose total
            // is 0 may still have stood on the date.
            let mut red: HashMap<(String, String), i64> =
                r.x_code.into_iter().zip(r.x_fact).zip(r.x_n).collect();
            for ((c, f), after) in r.y_code.into_iter().zip(r.y_fact).zip(r.y_after) {
                *red.entry((c, f)).or_default() -= after;
            }
            Arc::new(RedPart {
                counters: (r.rest, r.facts),
                red: red
                    .into_iter()
                    .filter(|(_, n)| *n != 0)
                    .map(|((c, f), n)| (c, f, n))
                    .collect(),
            })
        }
    };
    let (me_area, kids, communes_under, reps, facts, declarations) = (
        &rest.me_area,
        &rest.kids,
        &rest.communes,
        &rest.reps,
        &facts_part.facts,
        &rest.declarations,
    );
    // F0: each area's total less what its days after `date` hold (nothing,
    // for today), and the fortnight's windows from the days themselves.
    let mut f0: HashMap<String, F0> = HashMap::new();
    for i in 0..r.t_code.len() {
        let f = F0 {
            total: r.t_detected[i],
            active: r.t_detected[i] - r.t_finished[i],
            community_total: r.t_community[i],
            recovered: r.t_recovered[i],
            died: r.t_died[i],
            ..F0::default()
        };
        f0.insert(r.t_code[i].clone(), f);
    }
    // What the days after the date hold comes off the totals.
    for i in 0..r.n_code.len() {
        let f = f0.entry(r.n_code[i].clone()).or_default();
        f.total -= r.n_detected[i];
        f.active -= r.n_detected[i] - r.n_finished[i];
        f.community_total -= r.n_community[i];
        f.recovered -= r.n_recovered[i];
        f.died -= r.n_died[i];
    }
    let mut sparks: HashMap<String, Vec<i64>> = HashMap::new();
    let mut series = Vec::new();
    let own_days = (r.s_day.iter().zip(&r.s_detected).zip(&r.s_community))
        .map(|((day, n), c)| (&area.code, *day, *n, *c));
    let kid_days = (r.d_code.iter().zip(&r.d_day))
        .zip(r.d_detected.iter().zip(&r.d_community))
        .map(|((code, day), (n, c))| (code, *day, *n, *c));
    for (code, day, detected, community) in own_days.chain(kid_days) {
        let (detected, community) = (i64::from(detected), i64::from(community));
        let ago = (date - day).num_days();
        // Days after the date are in the sums above.
        if ago < 0 {
            continue;
        }
        if code == &area.code && detected != 0 {
            series.push((day, detected, community));
        }
        if ago >= 14 {
            continue;
        }
        let f = f0.entry(code.clone()).or_default();
        match ago {
            0 => f.new_today += detected,
            1 => f.new_yesterday += detected,
            _ => {}
        }
        if ago < 7 {
            f.new_7d += detected;
            f.community_7d += community;
        } else {
            f.new_prev_7d += detected;
        }
        sparks.entry(code.clone()).or_insert_with(|| vec![0; 14])[(13 - ago) as usize] = detected;
    }
    series.sort_by_key(|s| s.0);

    let mut commune_count: HashMap<Bucket, i64> = HashMap::new();
    for (c, d) in communes_under {
        *commune_count
            .entry(bucket(area, d.as_deref(), Some(c)))
            .or_default() += 1;
    }
    // Red/green inputs of each commune under the area, and of a district's
    // or the city's own lockdown sites (those not in any commune).
    let commune_parent: HashMap<&str, Option<&str>> = communes_under
        .iter()
        .map(|(c, d)| (c.as_str(), d.as_deref()))
        .collect();

    let mut red_in: HashMap<String, RedInputs> = HashMap::new();
    for code in r.e_recent {
        if commune_parent.contains_key(code.as_str()) {
            red_in.entry(code).or_default().community_case_14d = true;
        }
    }

    let none = Facts::new();
    let facts_of = |code: &str| facts.get(code).unwrap_or(&none);
    let mut counts: HashMap<Bucket, Counts> = HashMap::new();
    let mut own = facts_of(&area.code).clone();
    for k in kids {
        let f = facts_of(&k.code);
        counts.insert(Bucket::Child(k.code.clone()), Counts::from_facts(f));
        for (name, v) in f {
            let o = own.entry(name.clone()).or_default();
            *o = o.minus(*v);
        }
    }
    counts.insert(Bucket::Own, Counts::from_facts(&own));

    let mut commune_sites: HashMap<&str, i64> = HashMap::new();
    for (code, fact, n) in &red_part.red {
        let Some(district) = commune_parent.get(code.as_str()) else {
            continue;
        };
        let red = red_in.entry(code.clone()).or_default();
        match fact.as_str() {
            "clusters" => red.active_clusters += n,
            "lockdowns" => red.active_lockdowns += n,
            _ => {
                red.active_lockdowns += n;
                if let Some(d) = district {
                    *commune_sites.entry(d).or_default() += n;
                }
            }
        }
    }
    if area.level != Level::Commune {
        let sites_of = |code: &str| facts_of(code).get("lockdown_sites").map_or(0, |v| v.level);
        let mut places: Vec<(String, i64)> = vec![(
            area.code.clone(),
            sites_of(&area.code) - kids.iter().map(|k| sites_of(&k.code)).sum::<i64>(),
        )];
        for k in kids.iter().filter(|k| k.level == "district") {
            let within = commune_sites.get(k.code.as_str()).copied().unwrap_or(0);
            places.push((k.code.clone(), sites_of(&k.code) - within));
        }
        for (code, n) in places.into_iter().filter(|(_, n)| *n > 0) {
            red_in.entry(code).or_default().active_lockdowns += n;
        }
    }

    // F0 under treatment by place.
    let mut treated: HashMap<String, Treatment> = HashMap::new();
    for ((code, place), n) in r.g_code.iter().zip(&r.g_place).zip(&r.g_n) {
        let t = treated.entry(code.clone()).or_default();
        match place.as_str() {
            "home" => t.home += n,
            "commune_station" => t.commune_station += n,
            "tier1" => t.tiers[0] += n,
            "tier2" => t.tiers[1] += n,
            "tier3" => t.tiers[2] += n,
            _ => t.unknown += n,
        }
    }

    let stamp = r.stamp;

    let red_codes: HashSet<&String> = red_in
        .iter()
        .filter(|(_, i)| zone::is_red(i))
        .map(|(c, _)| c)
        .collect();
    // Red communes per bucket, and which buckets contain a red place.
    let mut red_communes: HashMap<Bucket, i64> = HashMap::new();
    let mut red_buckets: HashSet<Bucket> = HashSet::new();
    for code in red_codes {
        if let Some(district) = commune_parent.get(code.as_str()) {
            let b = bucket(area, *district, Some(code));
            *red_communes.entry(b.clone()).or_default() += 1;
            red_buckets.insert(b);
        } else if *code == area.code {
            red_buckets.insert(Bucket::Own);
        } else {
            // A district's own lockdown point, seen from the city.
            red_buckets.insert(Bucket::Child(code.clone()));
        }
    }

    let summarise = |a: &crate::storage::areas::Area,
                     c: Counts,
                     f: F0,
                     zone_reds: (bool, i64, i64),
                     rep: (i64, Option<i64>),
                     communes: i64| {
        let inputs = LevelInputs {
            community_7d: f.community_7d,
            new_7d: f.new_7d,
            population: a.population,
            adult_population: a.adult_population,
            first_doses: rep.1,
            treatment_capacity: c.treatment_capacity,
            treatment_occupancy: c.treatment_occupancy,
            commune: a.level == "commune",
        };
        let lv: LevelOutcome = zone::level(&inputs, t);
        let computed_colour = if zone_reds.0 { "red" } else { "green" };
        let decl = declarations.get(&a.code).cloned();
        let colour = match decl.as_ref().and_then(|d| d.colour.as_deref()) {
            Some("red") => "red",
            Some(_) => "green",
            None => computed_colour,
        };
        let level = decl
            .as_ref()
            .and_then(|d| d.level)
            .map(|l| l as u8)
            .or(lv.level);
        Summary {
            area: a.clone(),
            date,
            f0: f,
            quarantine: Quarantine {
                sites_active: c.sites_active,
                capacity: c.capacity,
                occupancy: c.occupancy,
                free: c.capacity - c.occupancy,
            },
            checkpoints: Checkpoints {
                active: c.checkpoints_active,
                violations_today: c.violations_today,
            },
            clusters: ClustersFig {
                active: c.clusters_active,
            },
            directives: Directives {
                open: c.targets - c.done,
                overdue: c.overdue,
                done_rate: if c.targets == 0 {
                    1.0
                } else {
                    c.done as f64 / c.targets as f64
                },
                done: c.done,
                targets: c.targets,
            },
            zone: Zone {
                colour,
                level,
                declared: decl.is_some(),
                reason: decl.as_ref().map(|d| d.reason.clone()),
                computed_colour,
                computed_level: lv.level,
                set_by: lv.set_by,
                rate_per_100k: lv.rate,
                vaccine_coverage: lv.coverage,
                adults: lv.adults,
                adults_estimated: lv.adults_estimated,
                population_estimated: a.population_estimated && a.population.is_some(),
                lacking: lv.lacking.clone(),
                red_communes: zone_reds.1,
                green_communes: zone_reds.2,
                declaration: decl,
            },
            reports: ReportsFig {
                reported: rep.0,
                communes,
            },
            lockdowns: Lockdowns {
                active: c.lockdowns,
                people: c.lockdown_people,
            },
            testing: Testing {
                samples_7d: c.samples_7d,
                results_7d: c.results_7d,
                positives_7d: c.positives_7d,
                waiting_over_48h: c.waiting,
            },
            treatment: Treatment {
                tier_capacity: c.tier_capacity,
                tier_occupancy: c.tier_occupancy,
                ..treated.get(&a.code).copied().unwrap_or_default()
            },
            contacts: ContactsFig {
                in_sites: c.f1_site,
                at_home: c.f1_home,
                in_sites_change: c.f1_site_change,
                at_home_change: c.f1_home_change,
                traced_7d: c.f1_traced_7d,
                traced_24h_7d: c.f1_traced_24h_7d,
                f0_held_7d: c.f0_held_7d,
                home_forbidden: t.forbids_home(&a.code, a.parent_code.as_deref(), &city),
            },
            spark: sparks.get(&a.code).cloned().unwrap_or_else(|| vec![0; 14]),
        }
    };

    let mut children = Vec::new();
    let mut total = Counts::default();
    for c in counts.values() {
        total += *c;
    }
    for k in kids {
        let b = Bucket::Child(k.code.clone());
        let c = counts.get(&b).copied().unwrap_or_default();
        let reds = red_communes.get(&b).copied().unwrap_or(0);
        let n_communes = if k.level == "commune" {
            1
        } else {
            commune_count.get(&b).copied().unwrap_or(0)
        };
        let red = red_buckets.contains(&b);
        let f = f0.get(&k.code).copied().unwrap_or_default();
        let rep = reps.get(&k.code).copied().unwrap_or((0, None));
        children.push(summarise(
            k,
            c,
            f,
            (red, reds, n_communes - reds),
            rep,
            n_communes,
        ));
    }
    let own = counts.get(&Bucket::Own).copied();
    let own_level = own.filter(|_| area.level != Level::Commune).map(|c| {
        let mut s = summarise(
            me_area,
            c,
            F0::default(),
            (red_buckets.contains(&Bucket::Own), 0, 0),
            (0, None),
            0,
        );
        s.spark = vec![0; 14];
        s
    });
    let all_communes = communes_under.len() as i64;
    let all_reds: i64 = red_communes.values().sum();
    let me = summarise(
        me_area,
        total,
        f0.get(&area.code).copied().unwrap_or_default(),
        (!red_buckets.is_empty(), all_reds, all_communes - all_reds),
        reps.get(&area.code).copied().unwrap_or((0, None)),
        all_communes,
    );
    Ok(Board {
        me,
        children,
        own_level,
        series,
        stamp,
        others: r.others,
        read_in,
        kept: Kept {
            rest,
            facts: facts_part,
            red: red_part,
        },
    })
}

// ---------------------------------------------------------------- declarations

/// Declares a zone colour and/or level for `area`, by the authorised level.
pub async fn declare(
    db: &PgPool,
    now: DateTime<Utc>,
    user: &CurrentUser,
    area: &AreaRef,
    raw: &Raw,
) -> Result<i64, AppError> {
    user.authorize(Action::DeclareZone(area))?;
    let mut c = Check::on(raw, crate::domain::clock::local_date(now));
    let colour = c.choice::<Colour>("colour", false);
    let level = c.int("level", false, 1, 4);
    if colour.is_none() && level.is_none() && c.ok() {
        c.fail("colour", "zone.colour_or_level");
    }
    let reason = c.text("reason", true, 1000);
    let effective_on = c.date("effective_on", true, None);
    let (Some(reason), Some(effective_on)) = (reason, effective_on) else {
        return Err(AppError::Invalid(c.errors));
    };
    c.finish()?;
    let mut tx = crate::storage::db::begin(db).await?;
    let id: i64 = sqlx::query_scalar!(
        "insert into zone_declarations (city_code, area_code, colour, level, reason, effective_on, declared_by, declared_name, declared_at, declared_level)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id",
        Codes::of(area).city,
        area.code,
        colour.map(|c| c.as_str()),
        level.map(|l| l as i32),
        reason,
        effective_on as _,
        user.id,
        user.username,
        now as _,
        user.role.area_level().as_str()
    )
    .fetch_one(&mut *tx)
    .await?;
    let entry = audit::Entry {
        area_code: Some(&area.code),
        action: "declare",
        entity: "zone",
        entity_id: id.to_string(),
        old: None,
        new: Some(
            serde_json::json!({"colour": colour.map(|c| c.as_str()), "level": level, "reason": reason, "effective_on": effective_on}),
        ),
    };
    audit::record(&mut tx, now, &audit::Actor::from(user), entry).await?;
    tx.commit().await?;
    Ok(id)
}

/// Withdraws the declarations standing for `area` that the user's level may
/// withdraw (its own level's and those below); the computed zone, or a
/// declaration from a level above, applies again. 404 when none stands,
/// 403 when only a higher level's stands.
pub async fn withdraw(
    db: &PgPool,
    now: DateTime<Utc>,
    user: &CurrentUser,
    area: &AreaRef,
) -> Result<(), AppError> {
    user.authorize(Action::DeclareZone(area))?;
    let mut tx = crate::storage::db::begin(db).await?;
    let standing: Vec<(i64, String)> = sqlx::query!(
        "select id, declared_level from zone_declarations
         where area_code = $1 and withdrawn_at is null order by id for update",
        area.code
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.declared_level))
    .collect();
    if standing.is_empty() {
        return Err(AppError::NotFound);
    }
    let mine: Vec<i64> = standing
        .iter()
        .filter(|(_, level)| {
            Level::parse(level).is_some_and(|l| user.can(Action::WithdrawZone(area, l)))
        })
        .map(|(id, _)| *id)
        .collect();
    if mine.is_empty() {
        return Err(AppError::Forbidden);
    }
    let ids: Vec<i64> = sqlx::query_scalar!(
        "update zone_declarations set withdrawn_at = $2, withdrawn_by = $3
         where id = any($1) returning id",
        mine as _,
        now as _,
        user.username
    )
    .fetch_all(&mut *tx)
    .await?;
    let entry = audit::Entry {
        area_code: Some(&area.code),
        action: "withdraw",
        entity: "zone",
        entity_id: ids
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(","),
        old: None,
        new: None,
    };
    audit::record(&mut tx, now, &audit::Actor::from(user), entry).await?;
    tx.commit().await?;
    Ok(())
}
