//! `GET /api/v1/openapi.json`: the API described for other systems.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{Datelike, NaiveDate};
use serde_json::{Value, json};

use crate::domain::fields::{Kind, Shown, Spec, Table};
use crate::domain::forms::{EARLIEST_DATE, latest_date};
use crate::state::AppState;
use crate::storage::records::Stored;
use crate::storage::records::cases::CASE_CODE_PATTERN;
use crate::storage::records::cases::CaseRow;
use crate::storage::records::checkpoints::CheckpointRow;
use crate::storage::records::clusters::ClusterRow;
use crate::storage::records::contacts::ContactRow;
use crate::storage::records::directives::DirectiveRow;
use crate::storage::records::hotlines::{DutyRow, HotlineRow};
use crate::storage::records::inspections::InspectionRow;
use crate::storage::records::lockdowns::LockdownRow;
use crate::storage::records::sites::SiteRow;
use crate::storage::records::tasks::TaskRow;
use crate::storage::records::testing::TestingRow;
use crate::storage::records::units::UnitRow;

/// `GET /openapi.json` (nested under `/api/v1`).
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/openapi.json",
        get(|State(state): State<AppState>| async move { Json(document(state.clock.today())) }),
    )
}

fn s(t: &str) -> Value {
    json!({ "type": t })
}

/// `t`, or null (a field the record may leave empty).
fn opt(t: &str) -> Value {
    json!({ "type": t, "nullable": true })
}

fn en(values: &[&str]) -> Value {
    json!({ "type": "string", "enum": values })
}

fn date() -> Value {
    json!({ "type": "string", "format": "date" })
}

fn null_date() -> Value {
    json!({ "type": "string", "format": "date", "nullable": true })
}

fn body(required: &[&str], props: Value, example: Value) -> Value {
    json!({ "required": true, "content": { "application/json": {
        "schema": { "type": "object", "required": required, "properties": props },
        "example": example } } })
}

/// An object answered by the API: `required` are always there; the others
/// may be missing (more may come: readers ignore what they do not know).
fn answer(required: &[&str], props: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": props })
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// A page of a list: `items` of `item`, how many there are in all (a long
/// list counts up to 10,001 and no further), and, for a list paged by
/// cursor, `next`: the `after` of the following page (null on the last).
fn list_of(item: Value) -> Value {
    answer(
        &["items", "total"],
        json!({ "items": { "type": "array", "items": item }, "total": s("integer"),
                "next": { "type": "string", "nullable": true,
                          "description": "Send as `after` for the next page; null when this page is the last" } }),
    )
}

/// What a parameter accepts, with an example valid for a district account
/// of Huyện Thanh Trì (020), the account scripts/schemathesis.sh signs in with.
fn param_schema(name: &str) -> Value {
    match name {
        "id" => json!({ "type": "integer", "minimum": 1, "maximum": i64::MAX }),
        "code" | "area" => json!({ "type": "string", "pattern": AREA_CODE, "example": "020" }),
        "commune_code" => json!({ "type": "string", "pattern": "^[0-9]{5}$", "example": "00682" }),
        "date" | "from" | "to" => {
            json!({ "type": "string", "format": "date", "example": "2021-08-01" })
        }
        "limit" => json!({ "type": "integer", "minimum": 1, "maximum": 500, "example": 20 }),
        "offset" => json!({ "type": "integer", "minimum": 0, "maximum": 1_000_000, "example": 0 }),
        "after" => json!({ "type": "string", "maxLength": 1200, "pattern": "^[A-Za-z0-9_-]*$",
            "description": "The `next` of the page before: the rows after its last one (keyset paging; wins over `offset`). A token that does not read back is 422." }),
        "status" => {
            json!({ "type": "string", "enum": ["treating", "recovered", "died", "transferred"] })
        }
        "detected_in" => {
            json!({ "type": "string", "enum": ["community", "quarantine", "lockdown", "screening"] })
        }
        "q" => json!({ "type": "string", "maxLength": 100, "example": "BN" }),
        "sort" => en(&crate::domain::country::SORTS),
        "Idempotency-Key" => json!({ "type": "string", "pattern": "^[A-Za-z0-9_-]{8,100}$" }),
        _ => json!({ "type": "string" }),
    }
}

/// An area's statistics-office code.
const AREA_CODE: &str = "^[0-9]{2,5}$";

/// A phone number as the check takes it.
static PHONE: std::sync::LazyLock<Value> = std::sync::LazyLock::new(
    || json!({ "type": "string", "pattern": "^[+]?[0-9]{3}[0-9 .]{0,16}$", "example": "0243 825 1234" }),
);

fn code() -> Value {
    json!({ "type": "string", "pattern": AREA_CODE })
}

/// Characters no text takes: control characters but tab and line breaks,
/// and the bidirectional overrides that make text read as another.
const NOT_TEXT: &str = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069";

/// A text field of at most `max` characters, as the check takes it: no
/// control or bidirectional characters; with `min` > 0, not blank.
fn text(min: usize, max: usize) -> Value {
    let pattern = if min > 0 {
        format!("^[^{NOT_TEXT}]*[^\\s{NOT_TEXT}][^{NOT_TEXT}]*$")
    } else {
        format!("^[^{NOT_TEXT}]*$")
    };
    json!({ "type": "string", "minLength": min, "maxLength": max, "pattern": pattern })
}

/// A count: zero or more.
fn count() -> Value {
    json!({ "type": "integer", "minimum": 0, "maximum": 1_000_000 })
}

fn op(
    summary: &str,
    tag: &str,
    body: Option<Value>,
    ok: &str,
    answers: Value,
    params: &[&str],
) -> Value {
    let mut o = json!({
        "summary": summary,
        "tags": [tag],
        "responses": {
            ok: { "description": "OK", "content": { "application/json": { "schema": answers } } },
            "default": { "$ref": "#/components/responses/Error" },
        }
    });
    let mut ps: Vec<Value> = params
        .iter()
        .map(|p| {
            let (name, place) = p.split_once(':').unwrap_or((p, "query"));
            json!({ "name": name, "in": place, "required": place == "path", "schema": param_schema(name) })
        })
        .collect();
    if !ps.is_empty() {
        o["parameters"] = Value::Array(std::mem::take(&mut ps));
    }
    if let Some(b) = body {
        o["requestBody"] = b;
    }
    o
}

/// Links from an answer carrying a record's `id` to the operations on it,
/// so a stateful run goes create → show → edit on real records.
fn link(mut o: Value, status: &str, to: &[(&str, &str)]) -> Value {
    let links: serde_json::Map<String, Value> = to
        .iter()
        .map(|(name, target)| {
            let mut l =
                json!({ "operationId": target, "parameters": { "id": "$response.body#/id" } });
            if target.starts_with("patch") {
                // An edit carries the version just read.
                l["requestBody"] = json!({ "version": "$response.body#/version" });
            }
            (name.to_string(), l)
        })
        .collect();
    o["responses"][status]["links"] = Value::Object(links);
    o
}

/// Names every operation (`getCasesById`, `postCases`, …), for links.
fn name_operations(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, o) in item.iter_mut() {
            o["operationId"] = operation_id(method, path).into();
        }
    }
}

fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_string();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        let (by, word) = match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(p) => ("By", p),
            None => ("", seg),
        };
        id.push_str(by);
        for part in word.split(['-', '_']) {
            let mut c = part.chars();
            if let Some(f) = c.next() {
                id.extend(f.to_uppercase());
                id.push_str(c.as_str());
            }
        }
    }
    id
}

/// A date's schema: the day as `YYYY-MM-DD`, within the window the checks
/// take (from 2019 to a year after today; not after today for a date that
/// must have happened). The pattern admits years the window holds whole
/// and days every month has, so what it admits is always taken.
fn window_date(today: NaiveDate, past: bool) -> Value {
    let last_year = if past { today.year() - 1 } else { today.year() };
    let years: Vec<String> = (EARLIEST_DATE.year()..=last_year.max(EARLIEST_DATE.year()))
        .map(|y| y.to_string())
        .collect();
    let latest = if past { today } else { latest_date(today) };
    json!({ "type": "string", "format": "date",
            "pattern": format!("^({})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$", years.join("|")),
            "description": format!("From {} to {}", EARLIEST_DATE, latest) })
}

/// What a field takes in a request, with the limits its check enforces.
fn input_schema(f: &Spec, today: NaiveDate) -> Value {
    let mut v = match f.kind {
        Kind::Text { max, .. } if f.required => text(1, max),
        Kind::Text { max, .. } => text(0, max),
        Kind::Int { min, max } => json!({ "type": "integer", "minimum": min, "maximum": max }),
        Kind::Ref => json!({ "type": "integer", "minimum": 1, "maximum": i64::MAX }),
        Kind::Date { past } => window_date(today, past),
        Kind::Choice { values, .. } => en(values),
        Kind::Phone if f.required => PHONE.clone(),
        Kind::Phone => json!({ "type": "string", "pattern": "^([+]?[0-9]{3}[0-9 .]{0,16})?$" }),
        Kind::Area { commune: true } => json!({ "type": "string", "pattern": "^[0-9]{5}$" }),
        Kind::Area { commune: false } => code(),
        Kind::Bool => s("boolean"),
        Kind::Areas { max } => json!({ "type": "array", "items": code(), "maxItems": max }),
        Kind::Refs { max } => {
            json!({ "type": "array", "items": { "type": "integer", "minimum": 1 }, "maxItems": max })
        }
    };
    if let Some(re) = f.pattern {
        v["pattern"] = re.into();
    }
    if !f.required && !matches!(f.kind, Kind::Text { .. } | Kind::Phone) {
        // Null is taken as "not given".
        v["nullable"] = true.into();
    }
    v
}

/// How a field is answered: its type, null where it may be left empty.
fn answer_schema(f: &Spec) -> Value {
    let mut v = match f.kind {
        Kind::Text { .. } | Kind::Phone | Kind::Area { .. } => s("string"),
        Kind::Int { .. } | Kind::Ref => s("integer"),
        Kind::Date { .. } => date(),
        Kind::Choice { values, .. } => en(values),
        Kind::Bool => s("boolean"),
        Kind::Areas { .. } => json!({ "type": "array", "items": s("string") }),
        Kind::Refs { .. } => json!({ "type": "array", "items": s("integer") }),
    };
    if f.nullable() {
        v["nullable"] = true.into();
    }
    v
}

/// A record's request body as its table says: every writable field, the
/// version an edit carries, and which a new record must have.
fn request_of(table: Table, today: NaiveDate) -> (Vec<&'static str>, Value) {
    let mut props = serde_json::Map::new();
    for f in table.iter().filter(|f| f.writable) {
        props.insert(f.name.into(), input_schema(f, today));
    }
    props.insert(
        "version".into(),
        json!({ "type": "integer", "minimum": 1, "maximum": i32::MAX }),
    );
    let required = table
        .iter()
        .filter(|f| f.writable && f.required)
        .map(|f| f.name)
        .collect();
    (required, Value::Object(props))
}

/// A record as the API answers it, from its table: `id`, `version` and
/// every field; those always there for every reader are required.
pub fn answer_of(table: Table) -> Value {
    let mut props = serde_json::Map::new();
    props.insert("id".into(), s("integer"));
    props.insert("version".into(), s("integer"));
    let mut required = vec!["id", "version"];
    for f in table.iter().filter(|f| f.answered) {
        props.insert(f.name.into(), answer_schema(f));
        if f.always && f.shown == Shown::Always {
            required.push(f.name);
        }
    }
    answer(&required, Value::Object(props))
}

const LIST: &[&str] = &["area", "limit", "offset"];

/// The parameters of a list paged by cursor as well (cases, sites, checkpoints).
const KEYSET_LIST: &[&str] = &["area", "limit", "offset", "after"];

/// A write sent again with the same key is stored once and answered as the first was.
const IDEMPOTENCY_KEY: &str = "Idempotency-Key:header";

/// What the API answers for each record, and the other shapes.
fn schemas() -> Value {
    let directive = answer_of(DirectiveRow::FIELDS);
    let mut cascade = directive.clone();
    cascade["properties"]["done_rate"] = s("number");
    cascade["properties"]["followed_by"] =
        json!({ "type": "array", "items": reference("DirectiveCascade") });
    cascade["properties"]["tasks"] = json!({ "type": "array", "items": reference("Task") });
    cascade["properties"]["targets"] = json!({ "type": "array", "items": answer(
        &["area_code", "name", "implemented_by"],
        json!({ "area_code": s("string"), "name": s("string"), "status": opt("string"),
                "note": s("string"), "reported_on": null_date(), "overdue": s("boolean"),
                "implemented_by": { "type": "array", "items": reference("DirectiveCascade") },
                "plan_targets": s("integer"), "plan_targets_done": s("integer") })) });
    // A cascade answers its targets as a list instead of their count.
    cascade["required"] = cascade["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| !matches!(n.as_str(), Some("done" | "overdue")))
        .cloned()
        .collect();
    json!({
        "Directive": directive,
        // One directive, with its targets and, under each target the reader
        // may read, the directives implementing it.
        "DirectiveCascade": cascade,
        "Case": answer_of(CaseRow::FIELDS),
        "Cluster": answer_of(ClusterRow::FIELDS),
        "QuarantineSite": answer_of(SiteRow::FIELDS),
        "Checkpoint": answer_of(CheckpointRow::FIELDS),
        "DailyReport": answer(
            &["commune_code", "commune_name", "day", "reported", "new_f0"],
            json!({
                "commune_code": s("string"), "commune_name": s("string"), "day": date(), "reported": s("boolean"),
                "new_f0": s("integer"), "f1_traced": opt("integer"), "f1_quarantined": opt("integer"),
                "tests": opt("integer"), "dose1": opt("integer"), "dose2": opt("integer"), "dose3": opt("integer"),
                "notes": opt("string"), "version": opt("integer"),
            })),
        "Area": answer(
            &["code", "name", "level"],
            json!({ "code": s("string"), "name": s("string"), "level": en(&["city", "district", "commune"]),
                    "parent_code": opt("string"), "population": opt("integer") })),
        "User": answer(
            &["id", "username", "display_name", "role", "area_code"],
            json!({ "id": s("integer"), "username": s("string"), "display_name": s("string"), "role": s("string"),
                    "area_code": s("string"), "area_name": s("string"),
                    "disabled_at": { "type": "string", "format": "date-time", "nullable": true },
                    "created_at": { "type": "string", "format": "date-time" } })),
        // The national board (issue 28): counts only, as domain/country.rs has them.
        "Country": answer(
            &["date", "totals", "provinces"],
            json!({ "date": date(), "totals": reference("CountryTotals"),
                    "provinces": { "type": "array", "items": reference("Province") } })),
        "CountryTotals": answer(
            &["provinces", "at_level", "no_level", "red_communes", "communes", "new_today", "new_yesterday", "new_7d", "new_prev_7d", "active"],
            json!({ "provinces": s("integer"), "at_level": { "type": "array", "items": s("integer"), "minItems": 4, "maxItems": 4,
                      "description": "Provinces at level 1, 2, 3 and 4" },
                    "no_level": s("integer"), "red_communes": s("integer"), "communes": s("integer"),
                    "new_today": s("integer"), "new_yesterday": s("integer"), "new_7d": s("integer"),
                    "new_prev_7d": s("integer"), "active": s("integer") })),
        "Province": answer(
            &["code", "name", "level", "declared", "red_communes", "communes", "new_today", "new_yesterday", "new_7d", "new_prev_7d", "active", "rate_per_100k", "population"],
            json!({ "code": s("string"), "name": s("string"),
                    "level": { "type": "integer", "minimum": 1, "maximum": 4, "nullable": true },
                    "declared": s("boolean"), "red_communes": s("integer"), "communes": s("integer"),
                    "new_today": s("integer"), "new_yesterday": s("integer"), "new_7d": s("integer"),
                    "new_prev_7d": s("integer"), "active": s("integer"),
                    "rate_per_100k": opt("number"), "population": opt("integer") })),
        "Token": answer(
            &["token", "expires_at"],
            json!({ "token": s("string"), "expires_at": { "type": "string", "format": "date-time" } })),
        "Lockdown": answer_of(LockdownRow::FIELDS),
        "Contact": answer_of(ContactRow::FIELDS),
        "ContactTest": answer(&["contact_id", "case_id"], json!({ "contact_id": s("integer"), "case_id": opt("integer") })),
        "TestingRound": answer_of(TestingRow::FIELDS),
        "Hotline": answer_of(HotlineRow::FIELDS),
        "Duty": answer_of(DutyRow::FIELDS),
        "Task": answer_of(TaskRow::FIELDS),
        "Inspection": answer_of(InspectionRow::FIELDS),
        "Unit": answer_of(UnitRow::FIELDS),
        "ShiftReport": answer(&["id", "checkpoint_id"], json!({ "id": s("integer"), "checkpoint_id": s("integer") })),
    })
}

/// The whole document.
pub fn document(today: NaiveDate) -> Value {
    let day_props = json!({"f1_traced": count(), "f1_quarantined": count(), "tests": count(), "dose1": count(), "dose2": count(), "dose3": count(), "notes": text(0, 2000), "version": { "type": "integer", "minimum": 1 }});
    let mut token_op = op(
        "Issue a token",
        "auth",
        Some(body(
            &["username", "password"],
            json!({"username": s("string"), "password": s("string")}),
            json!({"username": "thanhtri", "password": "mật khẩu của tài khoản"}),
        )),
        "201",
        reference("Token"),
        &[],
    );
    token_op["security"] = json!([]);
    let no_content = json!({});
    let mut revoke = op(
        "Revoke the token used",
        "auth",
        None,
        "204",
        no_content,
        &[],
    );
    revoke["responses"]["204"] = json!({ "description": "Revoked" });
    let mut put_day = op(
        "File or replace a daily report",
        "daily-reports",
        Some(body(
            &[
                "f1_traced",
                "f1_quarantined",
                "tests",
                "dose1",
                "dose2",
                "dose3",
            ],
            day_props,
            json!({"f1_traced": 12, "f1_quarantined": 10, "tests": 300, "dose1": 50, "dose2": 20, "dose3": 0, "notes": "Đủ số liệu"}),
        )),
        "200",
        reference("DailyReport"),
        &["commune_code:path", "date:path", IDEMPOTENCY_KEY],
    );
    put_day["responses"]["201"] = json!({ "description": "Filed", "content": { "application/json": { "schema": reference("DailyReport") } } });
    let record = |tag: &str,
                  name: &str,
                  create_summary: &str,
                  table: Table,
                  example: Value,
                  list_params: &[&str]|
     -> (Value, Value) {
        let (required, props) = request_of(table, today);
        let plural = operation_id("", &format!("/{tag}"));
        let list = op(
            &format!("List {tag}"),
            tag,
            None,
            "200",
            list_of(reference(name)),
            list_params,
        );
        let create = link(
            op(
                create_summary,
                tag,
                Some(body(&required, props.clone(), example.clone())),
                "201",
                reference(name),
                &[IDEMPOTENCY_KEY],
            ),
            "201",
            &[
                ("show", &format!("get{plural}ById")),
                ("edit", &format!("patch{plural}ById")),
            ],
        );
        let show = link(
            op(
                &format!("One of the {tag}"),
                tag,
                None,
                "200",
                reference(name),
                &["id:path"],
            ),
            "200",
            &[("edit", &format!("patch{plural}ById"))],
        );
        let mut edit_example = example;
        edit_example["version"] = json!(1);
        let edit = op(
            &format!("Edit one of the {tag} (send the version read last)"),
            tag,
            Some(body(&["version"], props.clone(), edit_example)),
            "200",
            reference(name),
            &["id:path"],
        );
        (
            json!({ "get": list, "post": create }),
            json!({ "get": show, "patch": edit }),
        )
    };
    let (cases, case) = record(
        "cases",
        "Case",
        "Log a case",
        CaseRow::FIELDS,
        json!({"commune_code": "00682", "case_code": "BN-TT-0001", "detected_on": "2021-07-30", "detected_in": "community", "status": "treating", "village": "Thôn Thọ Am"}),
        &[
            "area",
            "status",
            "detected_in",
            "from",
            "to",
            "q",
            "limit",
            "offset",
            "after",
        ],
    );
    let (clusters, cluster) = record(
        "clusters",
        "Cluster",
        "Open a cluster",
        ClusterRow::FIELDS,
        json!({"commune_code": "00682", "name": "Ổ dịch thôn Thọ Am", "opened_on": "2021-07-28"}),
        LIST,
    );
    let (sites, site) = record(
        "quarantine-sites",
        "QuarantineSite",
        "Add a quarantine site",
        SiteRow::FIELDS,
        json!({"area_code": "020", "name": "Ký túc xá Học viện", "kind": "centralised", "run_by": "district", "capacity": 400, "occupancy": 35, "status": "active", "status_on": "2021-07-20"}),
        KEYSET_LIST,
    );
    let (checkpoints, checkpoint) = record(
        "checkpoints",
        "Checkpoint",
        "Add a checkpoint",
        CheckpointRow::FIELDS,
        json!({"area_code": "020", "name": "Chốt cầu Văn Điển", "kind": "district_border", "staffed_by": "police", "status": "active", "status_on": "2021-07-25"}),
        KEYSET_LIST,
    );
    let (directives, directive) = record(
        "directives",
        "Directive",
        "Issue a directive",
        DirectiveRow::FIELDS,
        json!({"issuer_code": "020", "number": "15/KH-UBND", "kind": "plan", "title": "Kế hoạch xét nghiệm diện rộng", "issued_on": "2021-07-30", "due_on": "2021-08-10", "target_codes": ["00682"]}),
        LIST,
    );
    let (lockdowns, lockdown) = record(
        "lockdowns",
        "Lockdown",
        "File a lockdown area",
        LockdownRow::FIELDS,
        json!({"commune_code": "00682", "name": "Thôn Thọ Am", "kind": "isolation_area", "started_on": "2021-07-28", "households": 120, "people": 410, "status": "active"}),
        LIST,
    );
    let (testing_rounds, testing_round) = record(
        "testing-rounds",
        "TestingRound",
        "File a testing round",
        TestingRow::FIELDS,
        json!({"area_code": "00682", "tested_on": "2021-07-30", "target": "Toàn xã", "method": "pooled_pcr", "samples": 1200, "results": 800, "results_on": "2021-07-31", "positives": 3}),
        LIST,
    );
    let (hotlines, hotline) = record(
        "hotlines",
        "Hotline",
        "Publish a hotline",
        HotlineRow::FIELDS,
        json!({"area_code": "020", "label": "Ban Chỉ đạo phòng, chống dịch huyện", "phone": "0243 861 2345"}),
        LIST,
    );
    let (duty_roster, duty) = record(
        "duty-roster",
        "Duty",
        "Put someone on duty",
        DutyRow::FIELDS,
        json!({"area_code": "020", "day": "2021-08-01", "name": "Nguyễn Văn Trực", "position": "Phó Chủ tịch UBND huyện", "phone": "0912 345 678"}),
        LIST,
    );
    let (tasks, task) = record(
        "tasks",
        "Task",
        "Assign a task of a directive to an area below its issuer (area_code) or a department of the issuer's area (unit_id)",
        TaskRow::FIELDS,
        json!({"directive_id": 1, "area_code": "00682", "what": "Kiểm tra việc chấp hành Chỉ thị 17 tại các cơ sở kinh doanh", "due_on": "2021-08-06"}),
        &["area", "limit", "offset", "directive_id", "open"],
    );
    let (inspections, inspection) = record(
        "inspections",
        "Inspection",
        "Record an inspection of a unit against a directive (by its issuer); not_met opens a task for the unit, due at follow_up_due",
        InspectionRow::FIELDS,
        json!({"directive_id": 1, "area_code": "00682", "team": "Đoàn kiểm tra số 3", "visited_on": "2021-07-31", "findings": "Chợ Văn Điển còn tụ tập đông người", "verdict": "not_met", "follow_up_due": "2021-08-05"}),
        LIST,
    );
    let (units, unit) = record(
        "units",
        "Unit",
        "Add a department to an area (administrator)",
        UnitRow::FIELDS,
        json!({"area_code": "020", "kind": "community_team", "name": "Tổ truy vết cộng đồng huyện Thanh Trì", "active": true}),
        LIST,
    );
    let (contacts, contact) = record(
        "contacts",
        "Contact",
        "Record a contact (F1 of a case by case_code, or F2 of an F1 by source_id) in the commune they live in",
        ContactRow::FIELDS,
        json!({"commune_code": "00682", "case_code": "BN-TT-0001", "exposed_on": "2021-07-29", "found_by": "household", "held_at": "unplaced", "status": "traced", "village": "Thọ Am", "full_name": "Nguyễn Văn An", "phone": "0912 345 678"}),
        &["area", "limit", "offset", "status", "case_id"],
    );
    let contact_test = op(
        "Record a contact's test; a positive one makes the contact a case (new_case_code) and their own contacts its F1",
        "contacts",
        Some(body(
            &["taken_on", "kind", "result"],
            json!({"taken_on": date(), "kind": en(&["pooled_pcr", "individual_pcr", "rapid_antigen"]), "result": en(&["pending", "negative", "positive"]), "new_case_code": { "type": "string", "pattern": CASE_CODE_PATTERN }}),
            json!({"taken_on": "2021-07-31", "kind": "individual_pcr", "result": "negative"}),
        )),
        "201",
        reference("ContactTest"),
        &["id:path"],
    );
    let contact_tests = op(
        "A contact's tests",
        "contacts",
        None,
        "200",
        list_of(json!({ "type": "object" })),
        &["id:path"],
    );
    // An account as the user check takes it (domain/account.rs).
    let new_user = json!({
        "username": { "type": "string", "pattern": "^[A-Za-z0-9._-]{3,64}$" },
        "password": { "type": "string", "minLength": crate::domain::password::MIN_LEN, "maxLength": 200 },
        "role": en(&crate::domain::policy::Role::ALL.map(crate::domain::policy::Role::as_str)),
        "area_code": { "type": "string", "pattern": AREA_CODE },
        "display_name": { "type": "string", "maxLength": 120, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$" }
    });
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": { "title": "Vùng Xanh API", "version": "1",
                  "description": "COVID-19 command-centre records. Every call but POST /auth/token needs `Authorization: Bearer <token>`; the rules of who may read and write what are the same as the pages'. Examples are written for a district account of Huyện Thanh Trì (020)." },
        "servers": [{ "url": "/api/v1" }],
        "security": [{ "bearer": [] }],
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": schemas(),
            "responses": { "Error": { "description": "An error (every 4xx and 5xx)", "content": { "application/json": { "schema": {
                "type": "object", "required": ["error"], "properties": { "error": { "type": "object",
                "required": ["code", "message", "fields"], "properties": {
                    "code": s("string"), "message": s("string"), "fields": { "type": "object", "additionalProperties": s("string") } } } } } } } } }
        },
        "paths": {
            "/auth/token": { "post": token_op, "delete": revoke },
            "/areas/{code}": { "get": op("An area", "areas", None, "200", reference("Area"), &["code:path"]) },
            "/country": { "get": op("Every province's counts (the national view: role country)", "country", None, "200", reference("Country"), &["date", "sort"]) },
            "/areas/{code}/children": { "get": op("The areas under an area", "areas", None, "200", list_of(reference("Area")), &["code:path"]) },
            "/cases": cases,
            "/cases/{id}": case,
            "/clusters": clusters,
            "/clusters/{id}": cluster,
            "/quarantine-sites": sites,
            "/quarantine-sites/{id}": site,
            "/checkpoints": checkpoints,
            "/checkpoints/{id}": checkpoint,
            "/checkpoints/{id}/reports": {
                "get": op("Shift reports of a checkpoint", "checkpoints", None, "200", list_of(json!({ "type": "object" })), &["id:path"]),
                "post": op("File a shift report", "checkpoints", Some(body(&["date", "people_checked", "vehicles_checked", "violations", "fines_vnd"], json!({"date": date(), "people_checked": count(), "vehicles_checked": count(), "violations": count(), "fines_vnd": { "type": "integer", "minimum": 0, "maximum": 1_000_000_000_000_i64 }}), json!({"date": "2021-08-01", "people_checked": 1200, "vehicles_checked": 640, "violations": 3, "fines_vnd": 6000000}))), "201", reference("ShiftReport"), &["id:path"])
            },
            "/lockdowns": lockdowns,
            "/lockdowns/{id}": lockdown,
            "/testing-rounds": testing_rounds,
            "/testing-rounds/{id}": testing_round,
            "/hotlines": hotlines,
            "/hotlines/{id}": hotline,
            "/duty-roster": duty_roster,
            "/duty-roster/{id}": duty,
            "/directives": directives,
            "/directives/{id}": directive,
            "/directives/{id}/reports": {
                "post": op("Report on a directive", "directives", Some(body(&["area_code", "status"], json!({"area_code": code(), "status": en(&["received", "in_progress", "done"]), "note": text(0, 1000)}), json!({"area_code": "020", "status": "received", "note": "Đã nhận"}))), "200", reference("Directive"), &["id:path"])
            },
            "/daily-reports": { "get": op("Daily reports of the communes under an area", "daily-reports", None, "200", list_of(reference("DailyReport")), &["area", "date"]) },
            "/daily-reports/{commune_code}/{date}": {
                "get": op("A commune's daily report", "daily-reports", None, "200", reference("DailyReport"), &["commune_code:path", "date:path"]),
                "put": put_day
            },
            "/users": {
                "post": op("Create a user (administrator)", "users", Some(body(&["username", "password", "role", "area_code"], new_user, json!({"username": "canbo.lienninh", "password": "một mật khẩu dài đủ", "role": "commune", "area_code": "00682", "display_name": "Cán bộ xã Liên Ninh"}))), "201", reference("User"), &[])
            }
        }
    });
    // Tasks, inspections and departments (issue 14), added here to keep the
    // document's literal within the json! macro's recursion limit.
    let task_report = op(
        "Report on a task, by the area that answers for it",
        "tasks",
        Some(body(
            &["status"],
            json!({"status": en(&["received", "in_progress", "done"]), "note": text(0, 1000), "reported_on": date()}),
            json!({"status": "received", "note": "Đã nhận", "reported_on": "2021-08-01"}),
        )),
        "200",
        reference("Task"),
        &["id:path"],
    );
    for (path, item) in [
        ("/tasks", tasks),
        ("/tasks/{id}", task),
        ("/tasks/{id}/reports", json!({ "post": task_report })),
        ("/inspections", inspections),
        ("/inspections/{id}", inspection),
        ("/contacts", contacts),
        ("/contacts/{id}", contact),
        (
            "/contacts/{id}/tests",
            json!({ "post": contact_test, "get": contact_tests }),
        ),
        ("/units", units),
        ("/units/{id}", unit),
    ] {
        doc["paths"][path] = item;
    }
    // One directive is answered with its cascade: `targets` is the list.
    for (path, method, status) in [
        ("/directives", "post", "201"),
        ("/directives/{id}", "get", "200"),
        ("/directives/{id}", "patch", "200"),
        ("/directives/{id}/reports", "post", "200"),
    ] {
        doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"] =
            reference("DirectiveCascade");
    }
    // Links from a checkpoint or a directive to their reports.
    doc["paths"]["/checkpoints"]["post"]["responses"]["201"]["links"]["report"] = json!({ "operationId": "postCheckpointsByIdReports", "parameters": { "id": "$response.body#/id" } });
    doc["paths"]["/directives"]["post"]["responses"]["201"]["links"]["report"] = json!({ "operationId": "postDirectivesByIdReports", "parameters": { "id": "$response.body#/id" } });
    doc["paths"]["/tasks"]["post"]["responses"]["201"]["links"]["report"] = json!({ "operationId": "postTasksByIdReports", "parameters": { "id": "$response.body#/id" } });
    name_operations(&mut doc);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_names_an_operation_of_the_document() {
        let doc = document(NaiveDate::from_ymd_opt(2021, 8, 1).unwrap());
        let mut ids = std::collections::HashSet::new();
        for item in doc["paths"].as_object().unwrap().values() {
            for o in item.as_object().unwrap().values() {
                assert!(ids.insert(o["operationId"].as_str().unwrap().to_string()));
            }
        }
        assert!(ids.contains("getCasesById") && ids.contains("patchQuarantineSitesById"));
        let mut links = 0;
        for item in doc["paths"].as_object().unwrap().values() {
            for o in item.as_object().unwrap().values() {
                for r in o["responses"].as_object().unwrap().values() {
                    for l in r["links"].as_object().into_iter().flat_map(|l| l.values()) {
                        links += 1;
                        let target = l["operationId"].as_str().unwrap();
                        assert!(ids.contains(target), "{target}");
                    }
                }
            }
        }
        assert!(links >= 17, "{links} links");
    }
}
