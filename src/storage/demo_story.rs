//! The demo's own story, so that each demo account signs in to its area's
//! epidemic: Xã Liên Ninh's cluster at Thôn Thọ Am (136 F0 over three
//! weeks, still rising, the hamlet locked down), and work waiting today for
//! each role — Huyện Thanh Trì's order to test the whole hamlet, due today
//! from Liên Ninh; the city's telegram asking Thanh Trì to report on it,
//! due today. Loaded once (it looks for the cluster), through the records'
//! own versioned save so the audit log has it; the cases go in one
//! statement, as the synthetic epidemic's do, and the triggers keep the
//! rollups.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use sqlx::PgPool;

use crate::domain::area::AreaRef;
use crate::domain::vocab::{
    Body, ContactStatus, DirectiveKind, FoundBy, HeldAt, LockdownKind, LockdownStatus, RunBy,
    SiteKind, SiteStatus,
};
use crate::storage::areas::area_ref;
use crate::storage::audit::Actor;
use crate::storage::records::clusters::{ClusterRow, ClusterValues};
use crate::storage::records::contacts::{ContactRow, ContactValues};
use crate::storage::records::directives::{DirectiveRow, DirectiveValues};
use crate::storage::records::lockdowns::{LockdownRow, LockdownValues};
use crate::storage::records::sites::{SiteRow, SiteValues};
use crate::storage::records::tasks::{Assignee, TaskRow, TaskValues};
use crate::storage::records::{Write, save};

/// The cluster's name, by which the story knows it is loaded.
const CLUSTER: &str = "Thôn Thọ Am";
/// F0 of the cluster.
const CASES: i32 = 136;
/// Days from the cluster's first case to today.
const SPAN: i64 = 20;

/// Loads the story unless its cluster is there. Returns whether it did.
pub async fn load(db: &PgPool, actor: &Actor, today: NaiveDate) -> anyhow::Result<bool> {
    let present: bool = sqlx::query_scalar!(
        r#"select exists (select 1 from clusters where commune_code = '00682' and name = $1) as "e!""#,
        CLUSTER
    )
    .fetch_one(db)
    .await?;
    if present {
        return Ok(false);
    }
    let (Some(city), Some(district), Some(commune)) = (
        area_ref(db, "01").await?,
        area_ref(db, "020").await?,
        area_ref(db, "00682").await?,
    ) else {
        return Ok(false);
    };
    let opened_on = today - Duration::days(SPAN);
    let at = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).unwrap_or_default());
    let cluster = ClusterValues {
        commune: commune.clone(),
        name: CLUSTER.into(),
        opened_on,
        closed_on: None,
        note: "Chùm ca bệnh cộng đồng; truy vết F1 toàn thôn.".into(),
    };
    let cluster_id = save(
        db,
        actor,
        at(opened_on),
        Write::<ClusterRow>::Create,
        &cluster,
    )
    .await?;
    // More cases each day towards today (the cluster still rising); the first
    // found in the community, later ones mostly already in quarantine; those
    // of over two weeks recovered. No personal details: the demo has none.
    sqlx::query!(
        r#"insert into cases (city_code, district_code, commune_code, case_code, detected_on, detected_in,
             status, status_on, treated_at, cluster_id, village, created_at, updated_at)
           select '01', '020', '00682', 'THOAM-' || lpad(n::text, 4, '0'), d,
             case when n <= 12 then 'community' when n % 3 = 0 then 'lockdown' else 'quarantine' end,
             case when d <= $1::date - 14 then 'recovered' else 'treating' end,
             case when d <= $1::date - 14 then d + 14 else d end,
             case when n % 4 = 0 then 'tier2' else 'tier1' end,
             $2, 'Thôn Thọ Am', $3, $3
           from (select n, ($1::date - ($4 - floor($4 * sqrt(n / $5::float8)))::int) as d
                 from generate_series(1, $5) as n) s"#,
        today as _,
        cluster_id,
        at(today) as _,
        SPAN as f64,
        CASES
    )
    .execute(db)
    .await?;
    let lockdown = LockdownValues {
        commune: commune.clone(),
        name: "Thôn Thọ Am".into(),
        kind: LockdownKind::IsolationArea,
        started_on: opened_on + Duration::days(2),
        households: Some(420),
        people: 1_650,
        cluster_id: Some(cluster_id),
        status: LockdownStatus::Active,
        lifted_on: None,
        note: String::new(),
    };
    save(
        db,
        actor,
        at(opened_on + Duration::days(2)),
        Write::<LockdownRow>::Create,
        &lockdown,
    )
    .await?;
    // The district orders the hamlet tested, Liên Ninh's to do today; the
    // city asks the district to report on it, also today.
    let orders = [
        (
            &district,
            &commune,
            "215/KH-BCĐ",
            DirectiveKind::Plan,
            "Xét nghiệm diện rộng, khoanh vùng chùm ca bệnh Thôn Thọ Am, xã Liên Ninh",
            "Lấy mẫu xét nghiệm toàn bộ người dân Thôn Thọ Am; không để cách ly F0, F1 tại nhà.",
            3,
            "Lấy mẫu xét nghiệm toàn bộ người dân Thôn Thọ Am, báo cáo kết quả về Ban Chỉ đạo huyện",
        ),
        (
            &city,
            &district,
            "88/CĐ-BCĐ",
            DirectiveKind::Letter,
            "Về việc kiểm soát chùm ca bệnh tại Thôn Thọ Am, huyện Thanh Trì",
            "Huyện Thanh Trì báo cáo kết quả truy vết, xét nghiệm và cách ly trong ngày.",
            1,
            "Báo cáo kết quả truy vết, xét nghiệm, cách ly chùm ca bệnh Thôn Thọ Am",
        ),
    ];
    for (issuer, to, number, kind, title, summary, days_ago, what) in orders {
        let issued_on = today - Duration::days(days_ago);
        let order = DirectiveValues {
            issuer: issuer.clone(),
            number: number.into(),
            kind,
            title: title.into(),
            summary: summary.into(),
            issued_on,
            effective_from: None,
            effective_to: None,
            due_on: Some(today),
            targets: vec![to.code.clone()],
            implements_id: None,
            body: Body::PeopleCommittee,
            body_unit: None,
            cited_ids: Vec::new(),
        };
        let directive_id = save(
            db,
            actor,
            at(issued_on),
            Write::<DirectiveRow>::Create,
            &order,
        )
        .await?;
        let task = TaskValues {
            directive_id,
            issuer: issuer.clone(),
            by_code: None,
            assignee: Assignee::Area(to.code.clone()),
            owner_code: to.code.clone(),
            what: what.into(),
            due_on: Some(today),
        };
        save(db, actor, at(issued_on), Write::<TaskRow>::Create, &task).await?;
    }
    contacts(db, actor, today, &district, &commune).await?;
    Ok(true)
}

/// Thọ Am's chain: F1 of the cluster's cases held in the district's site
/// (two of them turned F0 in quarantine: THOAM-0134 and THOAM-0136, whose
/// own F1 were traced today), one F2, and the commune's work today — tests
/// due and overdue, a release, people at home where the district forbids
/// it, people not yet placed. No personal details, as for the cases.
async fn contacts(
    db: &PgPool,
    actor: &Actor,
    today: NaiveDate,
    district: &AreaRef,
    commune: &AreaRef,
) -> anyhow::Result<()> {
    let day = |n: i64| today - Duration::days(n);
    let at = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(3, 0, 0).unwrap_or_default());
    let site = SiteValues {
        area: district.clone(),
        name: "Khu cách ly tập trung Trường THCS Liên Ninh".into(),
        kind: SiteKind::Centralised,
        treatment_tier: None,
        run_by: RunBy::District,
        capacity: 60,
        occupancy: 0,
        status: SiteStatus::Active,
        status_on: day(12),
    };
    let site_id = save(db, actor, at(day(12)), Write::<SiteRow>::Create, &site).await?;
    let case = |code: &'static str| async move {
        sqlx::query_scalar!(
            "select id from cases where city_code = '01' and case_code = $1",
            code
        )
        .fetch_one(db)
        .await
    };
    // (exposed to, days ago exposed, held at, days ago placed, tests taken
    // days ago, found by)
    struct F1 {
        case: &'static str,
        exposed: i64,
        held: HeldAt,
        from: Option<i64>,
        tested: &'static [i64],
        found_by: FoundBy,
    }
    let site_held = |case, exposed, from, tested| F1 {
        case,
        exposed,
        held: HeldAt::Site,
        from: Some(from),
        tested,
        found_by: FoundBy::Household,
    };
    let chain = [
        // Day 7 (two days ago) missed: overdue.
        site_held("THOAM-0050", 9, 8, &[8]),
        // Day 7 today.
        site_held("THOAM-0070", 7, 6, &[6]),
        site_held("THOAM-0070", 7, 6, &[6]),
        site_held("THOAM-0100", 4, 3, &[3]),
        // Day 1 today.
        site_held("THOAM-0125", 1, 0, &[]),
        site_held("THOAM-0130", 1, 0, &[]),
        // Fourteen days end today, every test taken.
        site_held("THOAM-0012", 14, 13, &[13, 7, 0]),
        // At home, which Thanh Trì forbids (215/KH-BCĐ).
        F1 {
            case: "THOAM-0125",
            exposed: 1,
            held: HeldAt::Home,
            from: Some(0),
            tested: &[],
            found_by: FoundBy::Neighbourhood,
        },
        // THOAM-0136's own F1, traced today, not yet placed.
        F1 {
            case: "THOAM-0136",
            exposed: 0,
            held: HeldAt::Unplaced,
            from: None,
            tested: &[],
            found_by: FoundBy::Workplace,
        },
        F1 {
            case: "THOAM-0136",
            exposed: 0,
            held: HeldAt::Unplaced,
            from: None,
            tested: &[],
            found_by: FoundBy::Household,
        },
    ];
    // A person of Thôn Thọ Am, without personal details (the demo has none).
    let person =
        |exposed_on, found_by, held_at: HeldAt, site, from: Option<NaiveDate>| ContactValues {
            commune: commune.clone(),
            case_id: None,
            source_id: None,
            exposed_on,
            found_by,
            held_at,
            site_id: (held_at == HeldAt::Site).then_some(site).flatten(),
            quarantine_from: from,
            quarantine_to: None,
            status: if from.is_some() {
                ContactStatus::Quarantined
            } else {
                ContactStatus::Traced
            },
            village: "Thôn Thọ Am".into(),
            sex: None,
            birth_year: None,
            full_name: String::new(),
            phone: String::new(),
            address: String::new(),
            note: String::new(),
        };
    let mut ids = Vec::new();
    for f in chain {
        let v = ContactValues {
            case_id: Some(case(f.case).await?),
            ..person(
                day(f.exposed),
                f.found_by,
                f.held,
                Some(site_id),
                f.from.map(day),
            )
        };
        let when = at(day(f.from.unwrap_or(f.exposed)));
        let id = save(db, actor, when, Write::<ContactRow>::Create, &v).await?;
        for t in f.tested {
            sqlx::query!(
                "insert into contact_tests (contact_id, taken_on, kind, result, created_at)
                 values ($1, $2, 'pooled_pcr', 'negative', $3)",
                id,
                day(*t) as _,
                at(day(*t)) as _
            )
            .execute(db)
            .await?;
        }
        ids.push(id);
    }
    // An F2: the household of the F1 placed today, watched at home.
    let f2 = ContactValues {
        source_id: ids.get(4).copied(),
        ..person(day(1), FoundBy::Household, HeldAt::Home, None, Some(today))
    };
    save(db, actor, at(today), Write::<ContactRow>::Create, &f2).await?;
    // Two F1 who turned F0 in the site: the cluster's THOAM-0134 and
    // THOAM-0136, found by their tests (the cases are the story's own).
    for (source, exposed, from, positive, became) in [
        ("THOAM-0090", 5, 4, 1, "THOAM-0134"),
        ("THOAM-0100", 4, 3, 0, "THOAM-0136"),
    ] {
        let v = ContactValues {
            case_id: Some(case(source).await?),
            ..person(
                day(exposed),
                FoundBy::Household,
                HeldAt::Site,
                Some(site_id),
                Some(day(from)),
            )
        };
        let id = save(db, actor, at(day(from)), Write::<ContactRow>::Create, &v).await?;
        let became_id = case(became).await?;
        sqlx::query!(
            "insert into contact_tests (contact_id, taken_on, kind, result, created_at)
             values ($1, $2, 'pooled_pcr', 'negative', $4), ($1, $3, 'individual_pcr', 'positive', $5)",
            id,
            day(from) as _,
            day(positive) as _,
            at(day(from)) as _,
            at(day(positive)) as _
        )
        .execute(db)
        .await?;
        sqlx::query!(
            "update contacts set status = 'became_case', became_case_id = $2, quarantine_to = $3
             where id = $1",
            id,
            became_id,
            day(positive) as _
        )
        .execute(db)
        .await?;
    }
    Ok(())
}
