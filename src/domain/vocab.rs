//! The closed vocabularies of the records (DESIGN §3): each value is stored
//! as its code and shown through the catalogue.

use crate::vocab;

vocab!(
    /// Where a case was detected.
    DetectedIn, "enum.detected_in", [Community = "community", Quarantine = "quarantine", Lockdown = "lockdown", Screening = "screening"]
);
vocab!(
    /// A case's status.
    CaseStatus, "enum.case_status", [Treating = "treating", Recovered = "recovered", Died = "died", Transferred = "transferred"]
);
vocab!(
    /// Where a case is treated.
    TreatedAt, "enum.treated_at", [Home = "home", CommuneStation = "commune_station", Tier1 = "tier1", Tier2 = "tier2", Tier3 = "tier3"]
);
vocab!(
    /// Sex.
    Sex, "enum.sex", [M = "m", F = "f"]
);
vocab!(
    /// Kind of quarantine site.
    SiteKind, "enum.site_kind", [Centralised = "centralised", Treatment = "treatment"]
);
vocab!(
    /// Kind of lockdown area (since issue 15 no longer a quarantine site).
    LockdownKind, "enum.lockdown_kind", [IsolationArea = "isolation_area", LockdownPoint = "lockdown_point"]
);
vocab!(
    /// A lockdown area's status.
    LockdownStatus, "enum.lockdown_status", [Active = "active", Lifted = "lifted"]
);
vocab!(
    /// How a testing round tested.
    TestMethod, "enum.test_method", [PooledPcr = "pooled_pcr", IndividualPcr = "individual_pcr", RapidAntigen = "rapid_antigen"]
);
vocab!(
    /// Who runs a quarantine site.
    RunBy, "enum.run_by", [City = "city", District = "district", Commune = "commune", Military = "military"]
);
vocab!(
    /// A quarantine site's status.
    SiteStatus, "enum.site_status", [Standby = "standby", Active = "active", Closed = "closed"]
);
vocab!(
    /// Kind of checkpoint.
    CheckpointKind, "enum.checkpoint_kind", [CityGate = "city_gate", DistrictBorder = "district_border", Commune = "commune", Lane = "lane"]
);
vocab!(
    /// Who staffs a checkpoint.
    StaffedBy, "enum.staffed_by", [Police = "police", Militia = "militia", CommunityTeam = "community_team", Volunteers = "volunteers"]
);
vocab!(
    /// A checkpoint's status.
    CheckpointStatus, "enum.checkpoint_status", [Active = "active", StoodDown = "stood_down"]
);
vocab!(
    /// Kind of directive.
    DirectiveKind, "enum.directive_kind", [Directive = "directive", Conclusion = "conclusion", Letter = "letter", Decision = "decision", Plan = "plan"]
);
vocab!(
    /// A target's report on a directive.
    ReportStatus, "enum.report_status", [Received = "received", InProgress = "in_progress", Done = "done"]
);

vocab!(
    /// A zone colour.
    Colour, "zone", [Red = "red", Green = "green"]
);
vocab!(
    /// The body of an area that issues a directive.
    Body, "enum.body", [PeopleCommittee = "people_committee", PartyCommittee = "party_committee", Command = "command", Department = "department"]
);
vocab!(
    /// The kind of a department or force of an area.
    UnitKind, "enum.unit_kind", [HealthOffice = "health_office", HealthCentre = "health_centre", Police = "police", Military = "military", HomeAffairs = "home_affairs", CultureCentre = "culture_centre", CommunityTeam = "community_team", Other = "other"]
);
vocab!(
    /// An inspection's verdict.
    Verdict, "enum.verdict", [Met = "met", NotMet = "not_met"]
);
vocab!(
    /// How a contact was found.
    FoundBy, "enum.found_by", [Household = "household", Workplace = "workplace", Neighbourhood = "neighbourhood", Checkpoint = "checkpoint", Other = "other"]
);
vocab!(
    /// Where a contact is held.
    HeldAt, "enum.held_at", [Site = "site", Home = "home", Unplaced = "unplaced"]
);
vocab!(
    /// A contact's status.
    ContactStatus, "enum.contact_status", [Traced = "traced", Quarantined = "quarantined", Released = "released", BecameCase = "became_case", Lost = "lost"]
);
vocab!(
    /// A contact test's result.
    TestResult, "enum.test_result", [Pending = "pending", Negative = "negative", Positive = "positive"]
);
