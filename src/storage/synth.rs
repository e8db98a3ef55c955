//! A synthetic epidemic of any size over the real area tree: the demo's
//! plausible data, and the load for benchmarks. Rows go in with COPY and
//! the rollups are rebuilt once at the end, which gives the same result the
//! triggers would (a test checks it).

use std::fmt::Write as _;

use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::{PgConnection, PgPool};

use crate::domain::clock::start_of_day;

/// How much to make.
#[derive(Debug, Clone, clap::Args)]
pub struct Scale {
    /// Confirmed cases.
    #[arg(long, default_value_t = 12_000)]
    pub cases: usize,
    /// Days the epidemic spans, ending today.
    #[arg(long, default_value_t = 240)]
    pub days: i64,
    /// Quarantine sites.
    #[arg(long, default_value_t = 80)]
    pub sites: usize,
    /// Checkpoints.
    #[arg(long, default_value_t = 300)]
    pub checkpoints: usize,
    /// Directives, cascades included.
    #[arg(long, default_value_t = 40)]
    pub directives: usize,
    /// Days of shift reports and daily reports, ending today.
    #[arg(long, default_value_t = 14)]
    pub report_days: i64,
    /// Contacts (F1) traced per case: 0 for none (the demo), 10 for the
    /// city-scale benchmark of issue 26.
    #[arg(long, default_value_t = 0)]
    pub contacts_per_case: usize,
    /// Seed, for the same data every time.
    #[arg(long, default_value_t = 2021)]
    pub seed: u64,
}

impl Scale {
    /// The demo's size.
    pub fn demo() -> Self {
        Self {
            cases: 12_000,
            days: 240,
            sites: 80,
            checkpoints: 300,
            directives: 40,
            report_days: 14,
            contacts_per_case: 0,
            seed: 2021,
        }
    }
}

/// What was made.
#[derive(Debug, Default)]
pub struct Made {
    pub cases: usize,
    pub clusters: usize,
    pub sites: usize,
    pub checkpoints: usize,
    pub checkpoint_reports: usize,
    pub directives: usize,
    pub daily_reports: usize,
    pub contacts: usize,
}

struct Commune {
    code: String,
    district: String,
    city: String,
    weight: f64,
}

/// Makes the data for the communes of `city`, ending on `today`.
pub async fn generate(
    db: &PgPool,
    city: &str,
    scale: &Scale,
    today: NaiveDate,
) -> anyhow::Result<Made> {
    generate_cities(db, &[(city.to_string(), scale.clone())], today).await
}

/// Makes the data of several cities (the provinces of a synthetic country),
/// each at its own scale, then rebuilds the rollups once for them all.
pub async fn generate_cities(
    db: &PgPool,
    cities: &[(String, Scale)],
    today: NaiveDate,
) -> anyhow::Result<Made> {
    // A connection of its own, closed at the end: with triggers switched off
    // it must never go back to the pool, even if something fails half-way.
    let mut conn = db.acquire().await?.detach();
    // Bulk rows skip the per-row triggers when allowed; the rollups are rebuilt below.
    let fast = sqlx::query("set session_replication_role = replica")
        .execute(&mut conn)
        .await
        .is_ok();
    let mut made = Made::default();
    // One city sets the cases' indexes aside around its own load; several
    // set them aside once, in one transaction with all their records (a
    // failure leaves the database as it was).
    let alone = cities.len() == 1;
    let rebuilt = if alone {
        Vec::new()
    } else {
        sqlx::raw_sql("begin").execute(&mut conn).await?;
        indexes_aside(&mut conn).await?
    };
    for (city, scale) in cities {
        let m = city_records(&mut conn, city, scale, today, alone).await?;
        made.cases += m.cases;
        made.clusters += m.clusters;
        made.sites += m.sites;
        made.checkpoints += m.checkpoints;
        made.checkpoint_reports += m.checkpoint_reports;
        made.directives += m.directives;
        made.daily_reports += m.daily_reports;
        made.contacts += m.contacts;
    }
    if !alone {
        indexes_back(&mut conn, &rebuilt).await?;
        sqlx::raw_sql("commit").execute(&mut conn).await?;
    }
    if fast {
        sqlx::query("set session_replication_role = origin")
            .execute(&mut conn)
            .await?;
    }
    rebuild_rollups(&mut conn).await?;
    for (city, _) in cities {
        sqlx::query!("select bump_city_stamp($1)", city)
            .execute(&mut conn)
            .await?;
    }
    // The small totals tables took many versions of each row in one long
    // transaction, with no chance to prune them; compact them, as the
    // small in-place updates of a live system keep them.
    sqlx::query("vacuum (full) case_totals, report_totals, treatment_totals, area_fact_totals")
        .execute(&mut conn)
        .await?;
    sqlx::query("analyze").execute(&mut conn).await?;
    Ok(made)
}

/// Drops the secondary indexes of `cases` (inside the caller's transaction)
/// and returns how to build them again.
async fn indexes_aside(conn: &mut PgConnection) -> anyhow::Result<Vec<(String, String)>> {
    sqlx::raw_sql("set local maintenance_work_mem = '256MB'")
        .execute(&mut *conn)
        .await?;
    let rebuilt: Vec<(String, String)> = sqlx::query_as(
        "select indexname::text, indexdef from pg_indexes
         where schemaname = 'public' and tablename = 'cases'
           and indexname not in (select conname from pg_constraint where conrelid = 'cases'::regclass)",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (name, _) in &rebuilt {
        sqlx::raw_sql(&format!("drop index \"{name}\""))
            .execute(&mut *conn)
            .await?;
    }
    Ok(rebuilt)
}

/// Builds again the indexes [`indexes_aside`] dropped.
async fn indexes_back(conn: &mut PgConnection, rebuilt: &[(String, String)]) -> anyhow::Result<()> {
    for (_, def) in rebuilt {
        sqlx::raw_sql(def).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The records of one city, written with the triggers as they are set;
/// `alone`, it sets the cases' indexes aside itself around its bulk load.
async fn city_records(
    conn: &mut PgConnection,
    city: &str,
    scale: &Scale,
    today: NaiveDate,
    alone: bool,
) -> anyhow::Result<Made> {
    let mut rng = StdRng::seed_from_u64(scale.seed);
    let rows: Vec<(String, String)> = sqlx::query!(
        r#"select c.code, c.parent_code as "parent_code!" from areas c join areas d on d.code = c.parent_code
           where c.level = 'commune' and d.parent_code = $1 order by c.code"#,
        city
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.code, r.parent_code))
    .collect();
    anyhow::ensure!(
        !rows.is_empty(),
        "no communes under {city}: load the area tree first"
    );
    let communes: Vec<Commune> = rows
        .into_iter()
        .map(|(code, district)| {
            // Log-normal spread: a few communes carry much of the epidemic.
            let z: f64 = normal(&mut rng);
            let weight = if rng.gen_bool(0.12) {
                0.05
            } else {
                (z * 1.1).exp()
            };
            Commune {
                code,
                district,
                city: city.to_string(),
                weight,
            }
        })
        .collect();
    let total_w: f64 = communes.iter().map(|c| c.weight).sum();
    let mut cum = Vec::with_capacity(communes.len());
    let mut acc = 0.0;
    for c in &communes {
        acc += c.weight / total_w;
        cum.push(acc);
    }
    let pick = |r: f64| cum.partition_point(|x| *x < r).min(communes.len() - 1);

    // Two waves as in Hà Nội's 2021: a summer one, then a larger one still
    // rising at the end (December 2021), so "today" has an epidemic to show.
    let days = scale.days.max(1);
    let day_w: Vec<f64> = (0..days)
        .map(|i| {
            let x = i as f64 / days as f64;
            0.05 + 0.6 * (-((x - 0.35) / 0.08).powi(2)).exp()
                + 1.6 * (-((x - 0.97) / 0.12).powi(2)).exp()
        })
        .collect();
    let dw_total: f64 = day_w.iter().sum();
    let mut day_cum = Vec::with_capacity(day_w.len());
    let mut acc = 0.0;
    for w in &day_w {
        acc += w / dw_total;
        day_cum.push(acc);
    }
    let first_day = today - Duration::days(days - 1);
    let mut made = Made::default();

    // Clusters in the busiest communes, open for a few weeks each.
    let mut clusters: Vec<(i64, usize, NaiveDate, NaiveDate)> = Vec::new();
    let n_clusters = (scale.cases / 400).clamp(1, 3000);
    for i in 0..n_clusters {
        let c = pick(rng.r#gen());
        let opened = first_day
            + Duration::days({
                let r: f64 = rng.r#gen();
                day_cum.partition_point(|x| *x < r)
            } as i64);
        let closed = opened + Duration::days(rng.gen_range(14..45));
        let closed_opt = (closed <= today).then_some(closed);
        let cm = &communes[c];
        let id: i64 = sqlx::query_scalar!(
            "insert into clusters (city_code, district_code, commune_code, name, opened_on, closed_on, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $7) returning id",
            cm.city,
            cm.district,
            cm.code,
            format!("Chùm {} — tổ {}", i + 1, rng.gen_range(1..40)),
            opened as _,
            closed_opt as _,
            start_of_day(opened) as _
        )
        .fetch_one(&mut *conn)
        .await?;
        clusters.push((id, c, opened, closed));
    }
    made.clusters = clusters.len();

    // Cases, streamed with COPY. A bulk load builds the secondary indexes
    // once after the rows are in (a sort each) instead of keeping nine
    // indexes up to date row by row: at 10,000,000 cases that is minutes.
    // One transaction, so a failure leaves the indexes as they were.
    // Several cities loaded together set the indexes aside once for all.
    let rebuilt = if alone {
        sqlx::raw_sql("begin").execute(&mut *conn).await?;
        indexes_aside(conn).await?
    } else {
        Vec::new()
    };
    let mut buf = String::with_capacity(1 << 20);
    let mut copy = conn
        .copy_in_raw(
            "copy cases (city_code, district_code, commune_code, case_code, detected_on, detected_in, status, status_on,
               treated_at, cluster_id, village, sex, birth_year, created_at, updated_at) from stdin",
        )
        .await?;
    for i in 0..scale.cases {
        let c = pick(rng.r#gen());
        let cm = &communes[c];
        // One draw, then a search: drawing inside the search would skew the days.
        let draw: f64 = rng.r#gen();
        let day = day_cum
            .partition_point(|x| *x < draw)
            .min(days as usize - 1);
        let detected = first_day + Duration::days(day as i64);
        let x = day as f64 / days as f64;
        let r: f64 = rng.r#gen();
        // The community share grows as the wave escapes quarantine.
        let community = 0.15 + 0.25 * x;
        let detected_in = if r < community {
            "community"
        } else if r < community + 0.45 {
            "quarantine"
        } else if r < 0.95 {
            "lockdown"
        } else {
            "screening"
        };
        let (status, status_on) = if detected + Duration::days(10) < today {
            let s = rng.r#gen::<f64>();
            let on = (detected + Duration::days(rng.gen_range(10..22))).min(today);
            (
                if s < 0.983 {
                    "recovered"
                } else if s < 0.997 {
                    "died"
                } else {
                    "transferred"
                },
                on,
            )
        } else {
            ("treating", detected)
        };
        let t: f64 = rng.r#gen();
        let treated = if t < 0.4 {
            "home"
        } else if t < 0.5 {
            "commune_station"
        } else if t < 0.8 {
            "tier1"
        } else if t < 0.95 {
            "tier2"
        } else {
            "tier3"
        };
        let cluster = clusters
            .iter()
            .find(|(_, cc, o, cl)| *cc == c && detected >= *o && detected <= *cl)
            .filter(|_| rng.gen_bool(0.6))
            .map(|(id, ..)| id.to_string())
            .unwrap_or_else(|| "\\N".into());
        let created = start_of_day(detected) + Duration::hours(9);
        let _ = writeln!(
            buf,
            "{}\t{}\t{}\tS{}-{:07}\t{detected}\t{detected_in}\t{status}\t{status_on}\t{treated}\t{cluster}\tTổ dân phố {}\t{}\t{}\t{created:?}\t{created:?}",
            cm.city,
            cm.district,
            cm.code,
            scale.seed,
            i + 1,
            rng.gen_range(1..30),
            if rng.gen_bool(0.5) { "m" } else { "f" },
            rng.gen_range(1935..2021),
        );
        if buf.len() > 1 << 20 {
            copy.send(buf.as_bytes()).await?;
            buf.clear();
        }
    }
    copy.send(buf.as_bytes()).await?;
    copy.finish().await?;
    if alone {
        indexes_back(conn, &rebuilt).await?;
        sqlx::raw_sql("commit").execute(&mut *conn).await?;
    }
    made.cases = scale.cases;

    // Quarantine sites with an opening row and a recent change in their history.
    let districts: Vec<String> = {
        let mut d: Vec<String> = communes.iter().map(|c| c.district.clone()).collect();
        d.sort();
        d.dedup();
        d
    };
    for i in 0..scale.sites {
        let r: f64 = rng.r#gen();
        let (kind, name) = if r < 0.5 {
            ("centralised", "Khu cách ly tập trung")
        } else if r < 0.7 {
            ("treatment", "Cơ sở thu dung, điều trị")
        } else {
            ("lockdown", "Điểm phong tỏa")
        };
        let (area, district) = if kind == "lockdown" || rng.gen_bool(0.4) {
            let cm = &communes[pick(rng.r#gen())];
            (cm.code.clone(), cm.district.clone())
        } else {
            let d = districts[rng.gen_range(0..districts.len())].clone();
            (d.clone(), d)
        };
        let status = if kind == "lockdown" {
            if rng.gen_bool(0.25) {
                "active"
            } else {
                "closed"
            }
        } else if rng.gen_bool(0.75) {
            "active"
        } else if rng.gen_bool(0.6) {
            "standby"
        } else {
            "closed"
        };
        let capacity: i32 = if kind == "lockdown" {
            rng.gen_range(20..400)
        } else {
            rng.gen_range(50..900)
        };
        let occupancy: i32 = if status == "active" {
            rng.gen_range(0..=capacity)
        } else {
            0
        };
        let opened = today - Duration::days(rng.gen_range(7..days.max(8)));
        // Lockdown areas are their own record since issue 15.
        if kind == "lockdown" {
            let lifted = (status != "active").then(|| {
                let span = (today - opened).num_days().max(2);
                opened + Duration::days(rng.gen_range(1..span))
            });
            let people = rng.gen_range(20..capacity.max(21));
            sqlx::query!(
                "insert into lockdowns (city_code, district_code, commune_code, name, kind, started_on, households,
                   people, status, lifted_on, note, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'Dữ liệu mô phỏng', $11, $11)",
                city,
                district,
                area,
                format!("{name} số {}", i + 1),
                if rng.gen_bool(0.3) { "isolation_area" } else { "lockdown_point" },
                opened as _,
                people / 3,
                people,
                if lifted.is_none() { "active" } else { "lifted" },
                lifted as _,
                start_of_day(opened) as _
            )
            .execute(&mut *conn)
            .await?;
            continue;
        }
        let tier: Option<i16> = (kind == "treatment").then(|| rng.gen_range(1..=3));
        let id: i64 = sqlx::query_scalar!(
            "insert into quarantine_sites (city_code, district_code, area_code, name, kind, run_by, capacity, occupancy,
               status, status_on, created_at, updated_at, treatment_tier)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) returning id",
            city,
            district,
            area,
            format!("{name} số {}", i + 1),
            kind,
            if area == district { "district" } else { "commune" },
            capacity,
            occupancy,
            status,
            opened as _,
            start_of_day(opened) as _,
            tier
        )
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query!(
            "insert into quarantine_occupancy (site_id, at, occupancy, capacity, status) values
               ($1, $2, $3, $4, 'active'), ($1, $5, $6, $4, $7)",
            id,
            start_of_day(opened) as _,
            occupancy / 2,
            capacity,
            start_of_day(today - Duration::days(3)) as _,
            occupancy,
            status
        )
        .execute(&mut *conn)
        .await?;
    }
    made.sites = scale.sites;

    // Checkpoints with shift reports.
    let mut reports = String::new();
    for i in 0..scale.checkpoints {
        let gate = i < scale.checkpoints / 50;
        let (area, district, kind) = if gate {
            (city.to_string(), None, "city_gate")
        } else {
            let cm = &communes[pick(rng.r#gen())];
            (
                cm.code.clone(),
                Some(cm.district.clone()),
                if rng.gen_bool(0.5) { "commune" } else { "lane" },
            )
        };
        let active = rng.gen_bool(0.8);
        let staffed = ["police", "militia", "community_team", "volunteers"][rng.gen_range(0..4)];
        let id: i64 = sqlx::query_scalar!(
            "insert into checkpoints (city_code, district_code, area_code, name, kind, staffed_by, status, status_on, created_at, updated_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning id",
            city,
            district,
            area,
            format!("Chốt số {}", i + 1),
            kind,
            staffed,
            if active { "active" } else { "stood_down" },
            first_day as _,
            start_of_day(first_day) as _
        )
        .fetch_one(&mut *conn)
        .await?;
        if active {
            for d in 0..scale.report_days {
                let day = today - Duration::days(d);
                let violations = rng.gen_range(0..12);
                let _ = writeln!(
                    reports,
                    "{id}\t{day}\t{}\t{}\t{violations}\t{}\t{:?}",
                    rng.gen_range(100..3000),
                    rng.gen_range(40..1500),
                    violations * 2_000_000,
                    start_of_day(day) + Duration::hours(18)
                );
                made.checkpoint_reports += 1;
            }
        }
    }
    let mut copy = conn
        .copy_in_raw("copy checkpoint_reports (checkpoint_id, day, people_checked, vehicles_checked, violations, fines_vnd, created_at) from stdin")
        .await?;
    copy.send(reports.as_bytes()).await?;
    copy.finish().await?;
    made.checkpoints = scale.checkpoints;

    // Directives: the city's, each implemented by most districts for their communes.
    let city_count = (scale.directives / 25).max(1);
    let statuses = ["received", "in_progress", "done"];
    for i in 0..city_count {
        if made.directives >= scale.directives {
            break;
        }
        let issued = today - Duration::days(rng.gen_range(2..days.max(3)));
        let due = issued + Duration::days(rng.gen_range(5..30));
        let top = directive(
            &mut *conn,
            city,
            city,
            &format!("{}/CT-UBND", 100 + i),
            issued,
            due,
            None,
            &districts,
            &mut rng,
            &statuses,
            today,
        )
        .await?;
        made.directives += 1;
        for d in &districts {
            if made.directives >= scale.directives || !rng.gen_bool(0.8) {
                continue;
            }
            let targets: Vec<String> = communes
                .iter()
                .filter(|c| &c.district == d)
                .map(|c| c.code.clone())
                .collect();
            let issued_d = issued + Duration::days(rng.gen_range(1..4));
            if issued_d > today {
                continue;
            }
            directive(
                &mut *conn,
                city,
                d,
                &format!("{}/KH-UBND-{}", 100 + i, d),
                issued_d,
                due + Duration::days(3),
                Some(top),
                &targets,
                &mut rng,
                &statuses,
                today,
            )
            .await?;
            made.directives += 1;
        }
    }

    // Daily reports: most communes file every day; today is still coming in.
    let mut daily = String::new();
    for d in 0..scale.report_days {
        let day = today - Duration::days(d);
        for cm in &communes {
            if rng.gen_bool(if d == 0 { 0.6 } else { 0.93 }) {
                let _ = writeln!(
                    daily,
                    "{}\t{day}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t\t{:?}",
                    cm.code,
                    cm.city,
                    cm.district,
                    rng.gen_range(0..60),
                    rng.gen_range(0..45),
                    rng.gen_range(50..2500),
                    rng.gen_range(50..900),
                    rng.gen_range(20..700),
                    rng.gen_range(0..200),
                    start_of_day(day) + Duration::hours(17)
                );
                made.daily_reports += 1;
            }
        }
    }
    let mut copy = conn
        .copy_in_raw(
            "copy daily_reports (commune_code, day, city_code, district_code, f1_traced, f1_quarantined, tests,
               dose1, dose2, dose3, notes, updated_at) from stdin",
        )
        .await?;
    copy.send(daily.as_bytes()).await?;
    copy.finish().await?;

    // Testing rounds in the busier communes over the last two weeks; the
    // lab is slow on some (results still out after two days).
    let targets = [
        "Toàn xã",
        "Chợ đầu mối",
        "Thôn 1",
        "Khu công nghiệp",
        "Tổ dân phố 3",
    ];
    #[derive(Default)]
    struct Rounds {
        city: Vec<String>,
        district: Vec<String>,
        area: Vec<String>,
        day: Vec<NaiveDate>,
        target: Vec<String>,
        method: Vec<String>,
        samples: Vec<i32>,
        results: Vec<i32>,
        results_on: Vec<Option<NaiveDate>>,
        positives: Vec<i32>,
    }
    let mut r = Rounds::default();
    for d in 0..days.min(14) {
        let day = today - Duration::days(d);
        for _ in 0..(communes.len() / 12).max(1) {
            let cm = &communes[pick(rng.r#gen())];
            let samples: i32 = rng.gen_range(50..2000);
            let late = d < 2 || rng.gen_bool(0.12);
            let results = if late {
                rng.gen_range(0..samples / 2)
            } else {
                samples
            };
            let positives = if results > 0 {
                rng.gen_range(0..=(results / 60).max(1)).min(results)
            } else {
                0
            };
            r.city.push(cm.city.clone());
            r.district.push(cm.district.clone());
            r.area.push(cm.code.clone());
            r.day.push(day);
            r.target
                .push(targets[rng.gen_range(0..targets.len())].to_string());
            r.method.push(
                ["pooled_pcr", "individual_pcr", "rapid_antigen"][rng.gen_range(0..3)].to_string(),
            );
            r.samples.push(samples);
            r.results.push(results);
            r.results_on.push(
                (results > 0).then(|| (day + Duration::days(rng.gen_range(1..3))).min(today)),
            );
            r.positives.push(positives);
        }
    }
    sqlx::query!(
        "insert into testing_rounds (city_code, district_code, area_code, tested_on, target, method, samples,
           results, results_on, positives, note, created_at, updated_at)
         select c, d, a, t, g, m, s, r, ro, p, 'Dữ liệu mô phỏng', $11, $11
         from unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], $6::text[], $7::int4[],
                     $8::int4[], $9::date[], $10::int4[]) as x(c, d, a, t, g, m, s, r, ro, p)",
        &r.city,
        &r.district,
        &r.area,
        &r.day as _,
        &r.target,
        &r.method,
        &r.samples,
        &r.results,
        &r.results_on as _,
        &r.positives,
        start_of_day(today) as _
    )
    .execute(&mut *conn)
    .await?;

    if scale.contacts_per_case > 0 {
        made.contacts = traced_contacts(&mut *conn, city, scale.contacts_per_case, today).await?;
    }

    Ok(made)
}

/// `per_case` F1 for every case of `city`, in one statement: exposed up to
/// two days before the case's confirmation, traced the same day or (one in
/// three) two days after it; seven in ten held in a site of their
/// district, two at home, one not yet placed; released fourteen days after
/// the exposure, those of the last fortnight still held. Sites are named,
/// not counted (their typed occupancy stays: a benchmark's load, not a
/// story). The facts are rebuilt with the rest below.
async fn traced_contacts(
    conn: &mut PgConnection,
    city: &str,
    per_case: usize,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let done = sqlx::query!(
        r#"with s as (select district_code, array_agg(id order by id) as ids from quarantine_sites
                      where city_code = $1 and district_code is not null and status <> 'closed'
                      group by district_code),
             x as (select k.id as case_id, k.city_code, k.district_code, k.commune_code, k.detected_on,
                     i, k.detected_on - (i % 3) as exposed, s.ids,
                     case when i % 10 < 7 and s.ids is not null then 'site'
                          when i % 10 < 9 then 'home' else 'unplaced' end as held
                   from cases k cross join generate_series(1, $2::int) i
                   left join s on s.district_code = k.district_code
                   where k.city_code = $1 and k.voided_at is null)
           insert into contacts (city_code, district_code, commune_code, case_id, exposed_on, found_by,
             held_at, site_id, quarantine_from, quarantine_to, status, village, created_at, updated_at)
           select city_code, district_code, commune_code, case_id, exposed,
             (array['household', 'workplace', 'neighbourhood', 'checkpoint', 'other'])[1 + i % 5], held,
             case when held = 'site' then ids[1 + (case_id + i) % cardinality(ids)] end,
             case when held <> 'unplaced' then exposed + 1 end,
             case when held <> 'unplaced' and exposed + 14 <= $3 then exposed + 14 end,
             case when held = 'unplaced' then case when exposed + 14 <= $3 then 'lost' else 'traced' end
                  when exposed + 14 <= $3 then 'released' else 'quarantined' end,
             'Dữ liệu mô phỏng',
             (detected_on + case when i % 3 = 0 then 2 else 0 end)::timestamp + interval '3 hours',
             (detected_on + case when i % 3 = 0 then 2 else 0 end)::timestamp + interval '3 hours'
           from x"#,
        city,
        per_case as i32,
        today as _
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() as usize)
}

#[allow(clippy::too_many_arguments)]
async fn directive(
    conn: &mut PgConnection,
    city: &str,
    issuer: &str,
    number: &str,
    issued: NaiveDate,
    due: NaiveDate,
    implements: Option<i64>,
    targets: &[String],
    rng: &mut StdRng,
    statuses: &[&str; 3],
    today: NaiveDate,
) -> anyhow::Result<i64> {
    let kind = if implements.is_some() {
        "plan"
    } else {
        "directive"
    };
    let id: i64 = sqlx::query_scalar!(
        "insert into directives (city_code, issuer_code, number, kind, title, summary, issued_on, due_on, implements_id, created_at, updated_at)
         values ($1, $2, $3, $4, $5, '', $6, $7, $8, $9, $9) returning id",
        city,
        issuer,
        number,
        kind,
        if implements.is_some() { "Kế hoạch triển khai biện pháp phòng, chống dịch" } else { "Về tăng cường các biện pháp phòng, chống dịch COVID-19" },
        issued as _,
        due as _,
        implements,
        start_of_day(issued) as _
    )
    .fetch_one(&mut *conn)
    .await?;
    for t in targets {
        let age = (today - issued).num_days();
        let status = if rng.gen_bool(0.1) {
            None
        } else {
            Some(statuses[rng.gen_range(0..3).max(if age > 20 { 2 } else { 0 })])
        };
        sqlx::query!(
            "insert into directive_targets (directive_id, area_code, status, reported_on, updated_at) values ($1, $2, $3, $4, $5)",
            id,
            t,
            status,
            status.map(|_| issued.max(today - Duration::days(1))) as _,
            status.map(|_| start_of_day(today)) as _
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// Recomputes the rollups, their totals and the area facts from the
/// records, as the triggers keep them. The totals' triggers are off meanwhile (one
/// statement each instead of an update per rollup row); the script runs as
/// one transaction, so nobody sees them off.
pub async fn rebuild_rollups(conn: &mut PgConnection) -> anyhow::Result<()> {
    sqlx::raw_sql(
        "alter table case_rollup disable trigger case_rollup_totals;
         alter table treatment_rollup disable trigger treatment_rollup_totals;
         alter table report_rollup disable trigger report_rollup_totals;
         delete from case_rollup;
         insert into case_rollup (area_code, day, detected, community, recovered, died, transferred)
         select area_code, day, sum(detected), sum(community), sum(recovered), sum(died), sum(transferred) from (
           select unnest(array[commune_code, district_code, city_code]) as area_code, detected_on as day,
                  1 as detected, (detected_in = 'community')::int as community, 0 as recovered, 0 as died, 0 as transferred
           from cases where voided_at is null
           union all
           select unnest(array[commune_code, district_code, city_code]), status_on, 0, 0,
                  (status = 'recovered')::int, (status = 'died')::int, (status = 'transferred')::int
           from cases where voided_at is null and status <> 'treating'
         ) x group by area_code, day;
         delete from treatment_rollup;
         insert into treatment_rollup (area_code, day, treated_at, delta)
         select area_code, day, treated_at, sum(delta) from (
           select unnest(array[commune_code, district_code, city_code]) as area_code, detected_on as day,
                  coalesce(treated_at, 'unknown') as treated_at, 1 as delta
           from cases where voided_at is null
           union all
           select unnest(array[commune_code, district_code, city_code]), status_on, coalesce(treated_at, 'unknown'), -1
           from cases where voided_at is null and status <> 'treating'
         ) x group by area_code, day, treated_at;
         delete from report_rollup;
         insert into report_rollup (area_code, day, reports, f1_traced, f1_quarantined, tests, dose1, dose2, dose3)
         select area_code, day, count(*), sum(f1_traced), sum(f1_quarantined), sum(tests), sum(dose1), sum(dose2), sum(dose3)
         from (select unnest(array[commune_code, district_code, city_code]) as area_code, * from daily_reports) x
         group by area_code, day;
         delete from case_totals;
         insert into case_totals (area_code, detected, community, recovered, died, transferred, last_community)
         select area_code, sum(detected), sum(community), sum(recovered), sum(died), sum(transferred),
                max(day) filter (where community > 0)
         from case_rollup group by area_code;
         delete from treatment_totals;
         insert into treatment_totals (area_code, treated_at, n)
         select area_code, treated_at, sum(delta) from treatment_rollup group by area_code, treated_at;
         delete from report_totals;
         insert into report_totals (area_code, reports, dose1)
         select area_code, sum(reports), sum(dose1) from report_rollup group by area_code;
         alter table case_rollup enable trigger case_rollup_totals;
         alter table treatment_rollup enable trigger treatment_rollup_totals;
         alter table report_rollup enable trigger report_rollup_totals;
         select rebuild_area_facts();",
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Hotlines for `city` and every area under it, and a duty roster from
/// yesterday to a week on, all synthetic and saying so (the demo's public
/// page); only where none exist yet. Returns the hotlines made.
pub async fn contacts(
    db: &sqlx::PgPool,
    city: &str,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<u64> {
    let mut tx = crate::storage::db::begin(db).await?;
    let made = sqlx::query!(
        "insert into hotlines (city_code, district_code, area_code, label, phone, created_at, updated_at)
         select $1, case a.level when 'district' then a.code when 'commune' then a.parent_code end, a.code,
           'Ban Chỉ đạo phòng, chống dịch (số mô phỏng)',
           '0900 ' || lpad((row_number() over (order by a.code))::text, 3, '0') || ' 115', $2, $2
         from areas a left join areas p on p.code = a.parent_code
         where (a.code = $1 or a.parent_code = $1 or p.parent_code = $1)
           and not exists (select 1 from hotlines h where h.city_code = $1 or h.area_code = $1)",
        city,
        now as _
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if made > 0 {
        sqlx::query!(
            "insert into duty_roster (city_code, district_code, area_code, day, name, position, phone, created_at, updated_at)
             select $1, case a.level when 'district' then a.code when 'commune' then a.parent_code end, a.code, d::date,
               'Cán bộ trực số ' || (1 + (row_number() over (order by a.code, d)) % 4) || ' (mô phỏng)',
               'Trực ban phòng, chống dịch',
               '0911 ' || lpad(((row_number() over (order by a.code, d)) % 1000)::text, 3, '0') || ' 000', $4, $4
             from areas a left join areas p on p.code = a.parent_code,
               generate_series($2::date, $3::date, interval '1 day') d
             where a.code = $1 or a.parent_code = $1 or p.parent_code = $1",
            city,
            (today - Duration::days(1)) as _,
            (today + Duration::days(7)) as _,
            now as _
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(made)
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut StdRng) -> f64 {
    let u1: f64 = rng.r#gen::<f64>().max(1e-12);
    let u2: f64 = rng.r#gen();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}
