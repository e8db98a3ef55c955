//! The Hà Nội demo: the real area tree and one user per role, with
//! passwords made up at load time and printed once.

use rand::Rng;
use sqlx::PgPool;

use crate::domain::account::UserInput;
use crate::domain::area::{self as area, HANOI_CSV};
use crate::domain::clock::Clock;
use crate::storage::areas;
use crate::storage::audit::Actor;
use crate::storage::users::create_user;

/// A demo account as created.
#[derive(Debug, Clone)]
pub struct DemoUser {
    pub username: &'static str,
    pub password: String,
    pub role: &'static str,
    pub area_code: &'static str,
    pub display_name: &'static str,
}

/// One user per role: the city, Huyện Thanh Trì, Xã Liên Ninh, an
/// administrator, the national view.
const ACCOUNTS: [(&str, &str, &str, &str); 5] = [
    ("thanhpho", "city", "01", "Sở Chỉ huy Thành phố"),
    ("thanhtri", "district", "020", "Ban Chỉ đạo Huyện Thanh Trì"),
    ("lienninh", "commune", "00682", "Ban Chỉ đạo Xã Liên Ninh"),
    ("quantri", "admin", "01", "Quản trị hệ thống"),
    ("boyte", "country", "01", "Ban Chỉ đạo quốc gia"),
];

/// Loads what is missing: the area tree when there are no areas, the demo
/// users when there are no users. Returns the users created (with their
/// passwords, which are not stored anywhere in clear).
pub async fn load(db: &PgPool, clock: &Clock) -> anyhow::Result<Vec<DemoUser>> {
    let has_areas: bool = sqlx::query_scalar!(r#"select exists (select 1 from areas) as "e!""#)
        .fetch_one(db)
        .await?;
    let actor = Actor::system("demo");
    // The shipped tree every time: a no-op when nothing changed, and an
    // older demo gains what the file gained since (the districts' census
    // populations).
    let tree = area::parse_csv(HANOI_CSV).map_err(|e| anyhow::anyhow!("shipped CSV: {e:?}"))?;
    let mut tx = crate::storage::db::begin(db).await?;
    let report = areas::store(&mut tx, &tree, &actor, clock.now()).await?;
    tx.commit().await?;
    if !has_areas || report.updated > 0 {
        tracing::info!(
            inserted = report.inserted,
            updated = report.updated,
            "loaded the Hà Nội area tree"
        );
    }
    // Communes have no sourced figures: synthetic shares of their
    // district's, marked estimated, so the demo shows levels.
    let estimated = areas::estimate_commune_populations(db, &actor, clock.now(), "01").await?;
    if estimated > 0 {
        tracing::info!(
            communes = estimated,
            "estimated commune populations for the demo"
        );
    }
    let hotlines = crate::storage::synth::contacts(db, "01", clock.today(), clock.now()).await?;
    if hotlines > 0 {
        tracing::info!(hotlines, "synthetic hotlines and duty roster for the demo");
    }
    let has_users: bool = sqlx::query_scalar!(r#"select exists (select 1 from users) as "e!""#)
        .fetch_one(db)
        .await?;
    let mut created = Vec::new();
    if !has_users {
        for (username, role, area_code, display_name) in ACCOUNTS {
            let password = random_password();
            let input = UserInput {
                username: username.into(),
                display_name: display_name.into(),
                password: password.clone(),
                role: role.into(),
                area_code: area_code.into(),
                disabled: None,
            };
            create_user(db, &actor, clock.now(), &input)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            created.push(DemoUser {
                username,
                password,
                role,
                area_code,
                display_name,
            });
        }
    }
    let has_cases: bool = sqlx::query_scalar!(r#"select exists (select 1 from cases) as "e!""#)
        .fetch_one(db)
        .await?;
    if !has_cases {
        let made = crate::storage::synth::generate(
            db,
            "01",
            &crate::storage::synth::Scale::demo(),
            clock.today(),
        )
        .await?;
        tracing::info!(
            cases = made.cases,
            sites = made.sites,
            checkpoints = made.checkpoints,
            directives = made.directives,
            "loaded a plausible epidemic for the demo"
        );
    }
    // Departments for a tree loaded before they were kept, then the seeds' chain.
    let mut conn = db.acquire().await?;
    crate::storage::records::units::seed_where_none(&mut conn, &actor, clock.now()).await?;
    drop(conn);
    if crate::storage::demo_story::load(db, &actor, clock.today()).await? {
        tracing::info!("loaded Liên Ninh's cluster at Thôn Thọ Am and today's work for each role");
    }
    if crate::storage::seed_chain::load(db, &actor).await? {
        tracing::info!(
            "loaded the directives 17/CT-UBND → 428-TB/TU → 1862/UBND with 1862's tasks"
        );
    }
    Ok(created)
}

/// 16 characters from an alphabet without look-alikes.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}
