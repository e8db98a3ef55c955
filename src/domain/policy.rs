//! DESIGN §4 in one function: which role may do what, where.

use crate::domain::area::{AreaRef, Level};
use crate::domain::error::AppError;

/// The roles of DESIGN §4, and the national view above them (issue 28).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Commune official (phường/xã).
    Commune,
    /// District chair or district command centre.
    District,
    /// City command centre.
    City,
    /// Administrator of users and areas.
    Admin,
    /// The Ministry's command centre (Bộ Y tế, toàn quốc): every province's
    /// counts, nothing more (no records, no names, no province's pages).
    Country,
}

impl Role {
    /// All roles, in the order the forms list them.
    pub const ALL: [Role; 5] = [
        Role::Commune,
        Role::District,
        Role::City,
        Role::Country,
        Role::Admin,
    ];

    /// Reads a role as sent and stored (`commune`, `district`, `city`,
    /// `admin`, `country`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "commune" => Some(Self::Commune),
            "district" => Some(Self::District),
            "city" => Some(Self::City),
            "admin" => Some(Self::Admin),
            "country" => Some(Self::Country),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Commune => "commune",
            Self::District => "district",
            Self::City => "city",
            Self::Admin => "admin",
            Self::Country => "country",
        }
    }

    /// The level of area a user of this role belongs to. The national
    /// view and the administrator are filed under a province only for the
    /// audit of their own sign-ins: it gives them nothing there.
    pub fn area_level(self) -> Level {
        match self {
            Self::Commune => Level::Commune,
            Self::District => Level::District,
            Self::City | Self::Admin | Self::Country => Level::City,
        }
    }

    /// The catalogue key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Commune => "role.commune",
            Self::District => "role.district",
            Self::City => "role.city",
            Self::Admin => "role.admin",
            Self::Country => "role.country",
        }
    }
}

/// The signed-in user of a request, from the session (pages) or a bearer
/// token (API).
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// User id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown in the header.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The user's own area, with its ancestors.
    pub area: AreaRef,
    /// The token used, for API requests (so it can be revoked).
    pub token_id: Option<i64>,
}

impl CurrentUser {
    /// Whether the policy allows `action`.
    pub fn can(&self, action: Action<'_>) -> bool {
        permits(self.role, &self.area, action)
    }

    /// `Ok` when the policy allows `action`, else 403.
    pub fn authorize(&self, action: Action<'_>) -> Result<(), AppError> {
        if self.can(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The root of the user's jurisdiction for filtering queries: `None`
    /// means every area (the deployment's administrator). A city's command
    /// centre reads its own city only: several provinces may share a
    /// deployment (DESIGN §2).
    pub fn scope(&self) -> Option<&str> {
        match self.role {
            Role::Admin => None,
            // The national view reads no list: the narrowest scope there is.
            Role::City | Role::Commune | Role::District | Role::Country => Some(&self.area.code),
        }
    }
}

/// Something a user asks to do, with the area it concerns.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// See an area's page and figures.
    ReadArea(&'a AreaRef),
    /// See personal details (name, phone, address) of cases in an area.
    ReadPersonal(&'a AreaRef),
    /// See the audit log of an area.
    ReadAudit(&'a AreaRef),
    /// See the network addresses users signed in from (in the audit log).
    ReadAddresses,
    /// Create, disable and re-assign users.
    ManageUsers,
    /// Edit areas and populations.
    ManageAreas,
    /// Cases, clusters, checkpoints and their reports, daily reports, reports
    /// on directives, commune directives — in a commune.
    WriteCommuneRecord(&'a AreaRef),
    /// District quarantine sites and district directives.
    WriteDistrictRecord(&'a AreaRef),
    /// City directives, city-run sites and city-gate checkpoints.
    WriteCityRecord(&'a AreaRef),
    /// Declare a zone colour or epidemic level for an area.
    DeclareZone(&'a AreaRef),
    /// Write (create, edit, void, report on) a record of this kind placed
    /// at the area: who does depends on the kind and the area's level.
    WriteRecord(RecordKind, &'a AreaRef),
    /// Create records of this kind anywhere at all (whether "add" shows).
    CreateRecords(RecordKind),
    /// Import cases from a file into communes of the area.
    ImportCases(&'a AreaRef),
    /// Work with records at all (the menu shows them): every role but the
    /// administrator, who keeps users and areas.
    UseRecords,
    /// See the national board: every province's level, red share and
    /// change, counts only.
    ReadCountry,
    /// Withdraw a zone declaration for an area that a user of the given
    /// level made: only that level or a level above may.
    WithdrawZone(&'a AreaRef, Level),
}

/// The kinds of record of DESIGN §3, for the policy's write rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// A confirmed case (F0): kept by its commune.
    Case,
    /// A cluster of cases: kept by its commune.
    Cluster,
    /// A daily report: filed by its commune.
    DailyReport,
    /// A quarantine site: a city's by the city, any other by its district.
    Site,
    /// A checkpoint: by the command centre of the level it stands at.
    Checkpoint,
    /// A directive: by the command centre that issues it.
    Directive,
    /// A lockdown area: kept by its commune (and its district).
    Lockdown,
    /// A testing round: by the commune or district that ran it.
    TestingRound,
    /// A hotline: by the area's own officials and the levels above.
    Hotline,
    /// A duty roster entry: as hotlines.
    Duty,
    /// A task of a directive: assigned and edited by the directive's issuer,
    /// reported on by the area that answers for it.
    Task,
    /// A department or force of an area: kept by the administrator.
    Unit,
    /// An inspection of a unit against a directive: by the directive's issuer.
    Inspection,
    /// A contact of a case (F1, F2): kept by the commune they live in.
    Contact,
    /// A district's daily report up to the city: filed by the district.
    ReportUp,
}

impl RecordKind {
    /// The roles that keep records of this kind somewhere.
    fn kept_by(self, role: Role) -> bool {
        use RecordKind::*;
        match self {
            Case | Cluster | DailyReport | Contact => {
                matches!(role, Role::Commune | Role::District)
            }
            Site => matches!(role, Role::District | Role::City),
            Checkpoint | Directive | Hotline | Duty | Task | Inspection => {
                !matches!(role, Role::Admin | Role::Country)
            }
            Lockdown | TestingRound => matches!(role, Role::Commune | Role::District),
            Unit => role == Role::Admin,
            ReportUp => role == Role::District,
        }
    }
}

/// How high a level stands: the city above its districts above their communes.
fn rank(level: Level) -> u8 {
    match level {
        Level::City => 3,
        Level::District => 2,
        Level::Commune => 1,
    }
}

/// Whether a user of `role` whose own area is `home` may do `action`.
pub fn permits(role: Role, home: &AreaRef, action: Action<'_>) -> bool {
    use Action::*;
    let within = |a: &AreaRef| a.is_within(&home.code);
    match action {
        WriteRecord(kind, a) => return may_write_record(role, home, kind, a),
        CreateRecords(kind) => return kind.kept_by(role),
        ImportCases(a) => {
            return may_write_record(role, home, RecordKind::Case, a)
                || (role == Role::District && a.code == home.code);
        }
        WithdrawZone(a, declared_by) => {
            return permits(role, home, DeclareZone(a))
                && rank(role.area_level()) >= rank(declared_by);
        }
        _ => {}
    }
    match (role, action) {
        (Role::Admin, ManageUsers | ManageAreas | ReadAddresses) => true,
        (Role::Admin, ReadArea(_) | ReadAudit(_) | ReadCountry) => true,
        (Role::Admin, _) => false,
        // Counts of every province and nothing else: not even its own
        // province's pages, whose lists name people.
        (Role::Country, ReadCountry) => true,
        (Role::Country, _) => false,
        (_, UseRecords) => true,
        (_, ReadCountry) => false,

        // A city reads its own province only, as another province's is
        // another deployment's in all but the database.
        (Role::City, ReadArea(a) | ReadAudit(a)) => within(a),
        // The city sees aggregates and case codes, never personal details.
        (Role::City, ReadPersonal(_)) => false,
        (Role::City, WriteCityRecord(a)) => a.code == home.code,
        (Role::City, DeclareZone(a)) => a.level != Level::City && within(a),
        (Role::City, _) => false,

        (Role::District, ReadArea(a) | ReadPersonal(a) | ReadAudit(a)) => within(a),
        (Role::District, WriteCommuneRecord(a)) => a.level == Level::Commune && within(a),
        (Role::District, WriteDistrictRecord(a)) => a.code == home.code,
        (Role::District, DeclareZone(a)) => a.level == Level::Commune && within(a),
        (Role::District, _) => false,

        (Role::Commune, ReadArea(a) | ReadPersonal(a) | ReadAudit(a)) => a.code == home.code,
        (Role::Commune, WriteCommuneRecord(a)) => a.code == home.code,
        (Role::Commune, _) => false,
    }
}

/// Who writes a record of `kind` placed at `a`, in terms of the level rules above.
fn may_write_record(role: Role, home: &AreaRef, kind: RecordKind, a: &AreaRef) -> bool {
    use RecordKind::*;
    let by_level = |a: &AreaRef| match a.level {
        Level::City => permits(role, home, Action::WriteCityRecord(a)),
        Level::District => permits(role, home, Action::WriteDistrictRecord(a)),
        Level::Commune => permits(role, home, Action::WriteCommuneRecord(a)),
    };
    match (kind, a.level) {
        (Case | Cluster | DailyReport | Lockdown | Contact, Level::Commune) => {
            permits(role, home, Action::WriteCommuneRecord(a))
        }
        (Case | Cluster | DailyReport | Lockdown | Contact, _) => false,
        (Checkpoint | Directive | Task | Inspection, _) => by_level(a),
        // Public contacts: the area's own officials and every level above.
        (Hotline | Duty, _) => {
            !matches!(role, Role::Admin | Role::Country) && a.is_within(&home.code)
        }
        (TestingRound, Level::Commune | Level::District) => by_level(a),
        (TestingRound, Level::City) => false,
        // Areas and their departments are the administrator's.
        (Unit, _) => permits(role, home, Action::ManageAreas),
        // The district answers for its own report; the city reads it.
        (ReportUp, Level::District) => role == Role::District && a.code == home.code,
        (ReportUp, _) => false,
        (Site, Level::City | Level::District) => by_level(a),
        // A commune's site is run by its district.
        (Site, Level::Commune) => {
            let district = AreaRef {
                code: a.parent_code.clone().unwrap_or_default(),
                name: String::new(),
                level: Level::District,
                parent_code: a.grandparent_code.clone(),
                grandparent_code: None,
            };
            by_level(&district)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(code: &str, level: Level, parent: Option<&str>, grandparent: Option<&str>) -> AreaRef {
        AreaRef {
            code: code.into(),
            name: code.into(),
            level,
            parent_code: parent.map(Into::into),
            grandparent_code: grandparent.map(Into::into),
        }
    }

    fn hanoi() -> AreaRef {
        area("01", Level::City, None, None)
    }
    fn thanh_tri() -> AreaRef {
        area("020", Level::District, Some("01"), None)
    }
    fn lien_ninh() -> AreaRef {
        area("00682", Level::Commune, Some("020"), Some("01"))
    }
    fn other_commune_same_district() -> AreaRef {
        area("00685", Level::Commune, Some("020"), Some("01"))
    }
    fn commune_elsewhere() -> AreaRef {
        area("00256", Level::Commune, Some("007"), Some("01"))
    }
    fn other_district() -> AreaRef {
        area("007", Level::District, Some("01"), None)
    }

    #[test]
    fn a_city_command_centre_reads_and_writes_its_own_province_only() {
        let hcmc = area("79", Level::City, None, None);
        let thu_duc = area("769", Level::District, Some("79"), None);
        let ward = area("26794", Level::Commune, Some("769"), Some("79"));
        let home = hanoi();
        for a in [&hcmc, &thu_duc, &ward] {
            assert!(
                !permits(Role::City, &home, Action::ReadArea(a)),
                "{}",
                a.code
            );
            assert!(!permits(Role::City, &home, Action::ReadAudit(a)));
            assert!(!permits(Role::City, &home, Action::DeclareZone(a)));
            assert!(!permits(Role::City, &home, Action::WriteCityRecord(a)));
        }
        assert!(permits(Role::City, &home, Action::ReadArea(&lien_ninh())));
        assert!(permits(
            Role::City,
            &home,
            Action::WriteCityRecord(&hanoi())
        ));
        assert!(permits(Role::City, &hcmc, Action::ReadArea(&ward)));
        assert!(!permits(Role::City, &hcmc, Action::ReadArea(&lien_ninh())));
    }

    #[test]
    fn the_national_view_reads_every_provinces_counts_and_nothing_else() {
        let home = hanoi();
        let hcmc = area("79", Level::City, None, None);
        assert!(permits(Role::Country, &home, Action::ReadCountry));
        assert!(permits(Role::Admin, &home, Action::ReadCountry));
        for role in [Role::City, Role::District, Role::Commune] {
            assert!(!permits(role, &home, Action::ReadCountry), "{role:?}");
        }
        // Not even the province it is filed under: its lists name people.
        for a in [&home, &hcmc, &thanh_tri(), &lien_ninh()] {
            for action in [
                Action::ReadArea(a),
                Action::ReadPersonal(a),
                Action::ReadAudit(a),
                Action::DeclareZone(a),
                Action::WriteCityRecord(a),
                Action::WriteRecord(RecordKind::Hotline, a),
                Action::WriteRecord(RecordKind::Directive, a),
            ] {
                assert!(!permits(Role::Country, &home, action), "{action:?}");
            }
        }
        assert!(!permits(Role::Country, &home, Action::UseRecords));
        assert!(!permits(Role::Country, &home, Action::ManageUsers));
        assert!(!permits(
            Role::Country,
            &home,
            Action::CreateRecords(RecordKind::Directive)
        ));
        assert_eq!(Role::parse("country"), Some(Role::Country));
    }

    #[test]
    fn a_commune_official_writes_only_in_their_own_commune() {
        let home = lien_ninh();
        assert!(permits(
            Role::Commune,
            &home,
            Action::WriteCommuneRecord(&lien_ninh())
        ));
        assert!(!permits(
            Role::Commune,
            &home,
            Action::WriteCommuneRecord(&other_commune_same_district())
        ));
        assert!(!permits(
            Role::Commune,
            &home,
            Action::WriteCommuneRecord(&commune_elsewhere())
        ));
        assert!(!permits(
            Role::Commune,
            &home,
            Action::ReadArea(&thanh_tri())
        ));
        assert!(!permits(
            Role::Commune,
            &home,
            Action::WriteDistrictRecord(&thanh_tri())
        ));
        assert!(!permits(
            Role::Commune,
            &home,
            Action::DeclareZone(&lien_ninh())
        ));
        assert!(!permits(Role::Commune, &home, Action::ManageUsers));
    }

    #[test]
    fn a_district_acts_on_its_own_communes_and_no_one_elses() {
        let home = thanh_tri();
        assert!(permits(
            Role::District,
            &home,
            Action::ReadArea(&thanh_tri())
        ));
        assert!(permits(
            Role::District,
            &home,
            Action::ReadPersonal(&lien_ninh())
        ));
        assert!(permits(
            Role::District,
            &home,
            Action::WriteCommuneRecord(&lien_ninh())
        ));
        assert!(permits(
            Role::District,
            &home,
            Action::DeclareZone(&lien_ninh())
        ));
        assert!(permits(
            Role::District,
            &home,
            Action::WriteDistrictRecord(&thanh_tri())
        ));
        assert!(!permits(Role::District, &home, Action::ReadArea(&hanoi())));
        assert!(!permits(
            Role::District,
            &home,
            Action::ReadArea(&commune_elsewhere())
        ));
        assert!(!permits(
            Role::District,
            &home,
            Action::WriteCommuneRecord(&commune_elsewhere())
        ));
        assert!(!permits(
            Role::District,
            &home,
            Action::WriteDistrictRecord(&other_district())
        ));
        assert!(!permits(
            Role::District,
            &home,
            Action::DeclareZone(&thanh_tri())
        ));
        assert!(!permits(Role::District, &home, Action::ManageUsers));
    }

    #[test]
    fn the_city_reads_everything_but_personal_details() {
        let home = hanoi();
        assert!(permits(
            Role::City,
            &home,
            Action::ReadArea(&commune_elsewhere())
        ));
        assert!(!permits(
            Role::City,
            &home,
            Action::ReadPersonal(&lien_ninh())
        ));
        assert!(permits(
            Role::City,
            &home,
            Action::WriteCityRecord(&hanoi())
        ));
        assert!(permits(
            Role::City,
            &home,
            Action::DeclareZone(&thanh_tri())
        ));
        assert!(permits(
            Role::City,
            &home,
            Action::DeclareZone(&lien_ninh())
        ));
        assert!(!permits(
            Role::City,
            &home,
            Action::WriteCommuneRecord(&lien_ninh())
        ));
        assert!(!permits(Role::City, &home, Action::ManageUsers));
        assert!(!permits(Role::City, &home, Action::ReadAddresses));
    }

    #[test]
    fn a_declaration_is_withdrawn_only_by_its_declarers_level_or_above() {
        let district = thanh_tri();
        let city = hanoi();
        let commune = lien_ninh();
        assert!(permits(
            Role::District,
            &district,
            Action::WithdrawZone(&commune, Level::District)
        ));
        assert!(!permits(
            Role::District,
            &district,
            Action::WithdrawZone(&commune, Level::City)
        ));
        assert!(permits(
            Role::City,
            &city,
            Action::WithdrawZone(&commune, Level::District)
        ));
        assert!(permits(
            Role::City,
            &city,
            Action::WithdrawZone(&commune, Level::City)
        ));
        assert!(!permits(
            Role::District,
            &district,
            Action::WithdrawZone(&commune_elsewhere(), Level::District)
        ));
        assert!(!permits(
            Role::Admin,
            &city,
            Action::WithdrawZone(&commune, Level::Commune)
        ));
    }

    #[test]
    fn an_administrator_manages_users_and_areas_but_no_records() {
        let home = hanoi();
        assert!(permits(Role::Admin, &home, Action::ManageUsers));
        assert!(permits(Role::Admin, &home, Action::ManageAreas));
        assert!(permits(Role::Admin, &home, Action::ReadAddresses));
        assert!(!permits(
            Role::Admin,
            &home,
            Action::WriteCommuneRecord(&lien_ninh())
        ));
        assert!(!permits(
            Role::Admin,
            &home,
            Action::ReadPersonal(&lien_ninh())
        ));
    }

    #[test]
    fn each_kind_of_record_is_written_by_the_level_that_keeps_it() {
        use RecordKind::*;
        // (role, home, kind, where the record is, allowed)
        let table = [
            (Role::Commune, lien_ninh(), Case, lien_ninh(), true),
            (
                Role::Commune,
                lien_ninh(),
                Case,
                other_commune_same_district(),
                false,
            ),
            (Role::District, thanh_tri(), Case, lien_ninh(), true),
            (
                Role::District,
                thanh_tri(),
                Case,
                commune_elsewhere(),
                false,
            ),
            (Role::District, thanh_tri(), Case, thanh_tri(), false),
            (Role::City, hanoi(), Case, lien_ninh(), false),
            (Role::Commune, lien_ninh(), Cluster, lien_ninh(), true),
            (Role::Commune, lien_ninh(), DailyReport, lien_ninh(), true),
            (Role::City, hanoi(), DailyReport, lien_ninh(), false),
            // Sites: a commune's site belongs to its district.
            (Role::Commune, lien_ninh(), Site, lien_ninh(), false),
            (Role::District, thanh_tri(), Site, lien_ninh(), true),
            (Role::District, thanh_tri(), Site, thanh_tri(), true),
            (
                Role::District,
                thanh_tri(),
                Site,
                commune_elsewhere(),
                false,
            ),
            (Role::District, thanh_tri(), Site, other_district(), false),
            (Role::City, hanoi(), Site, hanoi(), true),
            (Role::City, hanoi(), Site, thanh_tri(), false),
            // Checkpoints and directives: the level they stand at.
            (Role::Commune, lien_ninh(), Checkpoint, lien_ninh(), true),
            (Role::District, thanh_tri(), Checkpoint, thanh_tri(), true),
            (Role::District, thanh_tri(), Checkpoint, lien_ninh(), true),
            (Role::City, hanoi(), Checkpoint, hanoi(), true),
            (Role::City, hanoi(), Directive, thanh_tri(), false),
            (Role::District, thanh_tri(), Directive, thanh_tri(), true),
            (
                Role::District,
                thanh_tri(),
                Directive,
                other_district(),
                false,
            ),
            (Role::Admin, hanoi(), Directive, hanoi(), false),
            // Lockdown areas: in a commune, by it or its district.
            (Role::Commune, lien_ninh(), Lockdown, lien_ninh(), true),
            (Role::District, thanh_tri(), Lockdown, lien_ninh(), true),
            (Role::District, thanh_tri(), Lockdown, thanh_tri(), false),
            (Role::City, hanoi(), Lockdown, lien_ninh(), false),
            // Contacts: in the commune they live in, by it or its district.
            (Role::Commune, lien_ninh(), Contact, lien_ninh(), true),
            (
                Role::Commune,
                lien_ninh(),
                Contact,
                other_commune_same_district(),
                false,
            ),
            (Role::District, thanh_tri(), Contact, lien_ninh(), true),
            (
                Role::District,
                thanh_tri(),
                Contact,
                commune_elsewhere(),
                false,
            ),
            (Role::City, hanoi(), Contact, lien_ninh(), false),
            // Testing rounds: a commune's or a district's, never the city's.
            (Role::Commune, lien_ninh(), TestingRound, lien_ninh(), true),
            (Role::District, thanh_tri(), TestingRound, thanh_tri(), true),
            (Role::Commune, lien_ninh(), TestingRound, thanh_tri(), false),
            (Role::City, hanoi(), TestingRound, hanoi(), false),
            // Hotlines and duty: the area's own officials and every level above.
            (Role::Commune, lien_ninh(), Hotline, lien_ninh(), true),
            (Role::City, hanoi(), Hotline, lien_ninh(), true),
            (Role::City, hanoi(), Duty, hanoi(), true),
            (Role::Commune, lien_ninh(), Duty, thanh_tri(), false),
            (Role::District, thanh_tri(), Duty, other_district(), false),
            (Role::Admin, hanoi(), Hotline, hanoi(), false),
            // Tasks: the issuer's level assigns, the unit's area reports.
            (Role::City, hanoi(), Task, hanoi(), true),
            (Role::District, thanh_tri(), Task, thanh_tri(), true),
            (Role::District, thanh_tri(), Task, other_district(), false),
            (Role::Commune, lien_ninh(), Task, lien_ninh(), true),
            (Role::Commune, lien_ninh(), Task, thanh_tri(), false),
            (Role::Admin, hanoi(), Task, hanoi(), false),
            // Inspections: the directive's issuer sends the team.
            (Role::City, hanoi(), Inspection, hanoi(), true),
            (Role::City, hanoi(), Inspection, thanh_tri(), false),
            (Role::District, thanh_tri(), Inspection, thanh_tri(), true),
            (Role::Commune, lien_ninh(), Inspection, thanh_tri(), false),
            // Departments: the administrator's list.
            (Role::Admin, hanoi(), Unit, thanh_tri(), true),
            (Role::City, hanoi(), Unit, hanoi(), false),
            (Role::District, thanh_tri(), Unit, thanh_tri(), false),
        ];
        for (role, home, kind, at, allowed) in table {
            assert_eq!(
                permits(role, &home, Action::WriteRecord(kind, &at)),
                allowed,
                "{role:?} at {} writing {kind:?} at {}",
                home.code,
                at.code
            );
        }
    }

    #[test]
    fn add_shows_only_to_roles_that_keep_the_kind_and_the_city_never_sees_names() {
        use RecordKind::*;
        assert!(permits(
            Role::Commune,
            &lien_ninh(),
            Action::CreateRecords(Case)
        ));
        assert!(!permits(Role::City, &hanoi(), Action::CreateRecords(Case)));
        assert!(!permits(
            Role::Commune,
            &lien_ninh(),
            Action::CreateRecords(Site)
        ));
        assert!(permits(Role::City, &hanoi(), Action::CreateRecords(Site)));
        assert!(!permits(
            Role::Admin,
            &hanoi(),
            Action::CreateRecords(Directive)
        ));
        assert!(permits(
            Role::District,
            &thanh_tri(),
            Action::ImportCases(&thanh_tri())
        ));
        assert!(!permits(
            Role::City,
            &hanoi(),
            Action::ImportCases(&hanoi())
        ));
        assert!(!permits(
            Role::City,
            &hanoi(),
            Action::ReadPersonal(&lien_ninh())
        ));
    }
}
