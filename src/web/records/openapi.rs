//! `GET /api/v1/openapi.json`: the API described for other systems.

use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::state::AppState;

/// `GET /openapi.json` (nested under `/api/v1`).
pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(|| async { Json(document()) }))
}

fn s(t: &str) -> Value {
    json!({ "type": t })
}

fn en(values: &[&str]) -> Value {
    json!({ "type": "string", "enum": values })
}

fn date() -> Value {
    json!({ "type": "string", "format": "date" })
}

fn body(required: &[&str], props: Value) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": {
        "type": "object", "required": required, "properties": props } } } })
}

fn op(summary: &str, tag: &str, body: Option<Value>, ok: &str, params: &[&str]) -> Value {
    let mut o = json!({
        "summary": summary,
        "tags": [tag],
        "responses": {
            ok: { "description": "OK", "content": { "application/json": { "schema": { "type": "object" } } } },
            "400": { "$ref": "#/components/responses/Error" },
            "401": { "$ref": "#/components/responses/Error" },
            "403": { "$ref": "#/components/responses/Error" },
            "404": { "$ref": "#/components/responses/Error" },
            "409": { "$ref": "#/components/responses/Error" },
            "422": { "$ref": "#/components/responses/Error" },
        }
    });
    let mut ps: Vec<Value> = params
        .iter()
        .map(|p| {
            let (name, place) = p.split_once(':').unwrap_or((p, "query"));
            json!({ "name": name, "in": place, "required": place == "path", "schema": { "type": "string" } })
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

const LIST: &[&str] = &["area", "limit", "offset"];

/// A write sent again with the same key is stored once and answered as the first was.
const IDEMPOTENCY_KEY: &str = "Idempotency-Key:header";

/// The whole document.
pub fn document() -> Value {
    let case_props = json!({
        "commune_code": s("string"), "case_code": s("string"), "detected_on": date(),
        "detected_in": en(&["community", "quarantine", "lockdown", "screening"]),
        "status": en(&["treating", "recovered", "died", "transferred"]), "status_on": date(),
        "treated_at": en(&["home", "commune_station", "tier1", "tier2", "tier3"]),
        "cluster_id": s("integer"), "village": s("string"), "sex": en(&["m", "f"]), "birth_year": s("integer"),
        "full_name": s("string"), "phone": s("string"), "address": s("string"), "version": s("integer"),
    });
    let cluster_props = json!({"commune_code": s("string"), "name": s("string"), "opened_on": date(), "closed_on": date(), "note": s("string"), "version": s("integer")});
    let checkpoint_props = json!({"area_code": s("string"), "name": s("string"), "kind": en(&["city_gate", "district_border", "commune", "lane"]), "staffed_by": en(&["police", "militia", "community_team", "volunteers"]), "status": en(&["active", "stood_down"]), "status_on": date(), "version": s("integer")});
    let directive_props = json!({"issuer_code": s("string"), "number": s("string"), "kind": en(&["directive", "conclusion", "letter", "decision", "plan"]), "title": s("string"), "summary": s("string"), "issued_on": date(), "effective_from": date(), "effective_to": date(), "due_on": date(), "target_codes": {"type": "array", "items": s("string")}, "implements_id": s("integer"), "body": en(&["people_committee", "party_committee", "command", "department"]), "body_unit_id": s("integer"), "cited_ids": {"type": "array", "items": s("integer")}, "version": s("integer")});
    let task_props = json!({"directive_id": s("integer"), "area_code": s("string"), "unit_id": s("integer"), "what": s("string"), "due_on": date(), "version": s("integer")});
    let inspection_props = json!({"directive_id": s("integer"), "area_code": s("string"), "unit_id": s("integer"), "team": s("string"), "visited_on": date(), "findings": s("string"), "verdict": en(&["met", "not_met"]), "follow_up_due": date(), "version": s("integer")});
    let unit_props = json!({"area_code": s("string"), "kind": en(&["health_office", "health_centre", "police", "military", "home_affairs", "culture_centre", "community_team", "other"]), "name": s("string"), "active": s("boolean"), "version": s("integer")});
    let site_props = json!({
        "area_code": s("string"), "name": s("string"), "kind": en(&["centralised", "treatment", "lockdown"]),
        "run_by": en(&["city", "district", "commune", "military"]), "capacity": s("integer"),
        "occupancy": s("integer"), "status": en(&["standby", "active", "closed"]), "version": s("integer"),
    });
    let mut token_op = op(
        "Issue a token",
        "auth",
        Some(body(
            &["username", "password"],
            json!({"username": s("string"), "password": s("string")}),
        )),
        "201",
        &[],
    );
    token_op["security"] = json!([]);
    json!({
        "openapi": "3.0.3",
        "info": { "title": "Vùng Xanh API", "version": "1",
                  "description": "COVID-19 command-centre records. Every call but POST /auth/token needs `Authorization: Bearer <token>`; the rules of who may read and write what are the same as the pages'." },
        "servers": [{ "url": "/api/v1" }],
        "security": [{ "bearer": [] }],
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "responses": { "Error": { "description": "An error", "content": { "application/json": { "schema": {
                "type": "object", "required": ["error"], "properties": { "error": { "type": "object",
                "required": ["code", "message", "fields"], "properties": {
                    "code": s("string"), "message": s("string"), "fields": { "type": "object", "additionalProperties": s("string") } } } } } } } } }
        },
        "paths": {
            "/auth/token": {
                "post": token_op,
                "delete": op("Revoke the token used", "auth", None, "204", &[])
            },
            "/areas/{code}": { "get": op("An area", "areas", None, "200", &["code:path"]) },
            "/areas/{code}/children": { "get": op("The areas under an area", "areas", None, "200", &["code:path"]) },
            "/cases": {
                "get": op("List cases", "cases", None, "200", &["area", "status", "detected_in", "from", "to", "q", "limit", "offset"]),
                "post": op("Log a case", "cases", Some(body(&["commune_code", "case_code", "detected_on", "detected_in", "status"], case_props.clone())), "201", &[IDEMPOTENCY_KEY])
            },
            "/cases/{id}": {
                "get": op("A case", "cases", None, "200", &["id:path"]),
                "patch": op("Edit a case (send the version read last)", "cases", Some(body(&["version"], case_props)), "200", &["id:path"])
            },
            "/clusters": {
                "get": op("List clusters", "clusters", None, "200", LIST),
                "post": op("Open a cluster", "clusters", Some(body(&["commune_code", "name", "opened_on"], cluster_props.clone())), "201", &[IDEMPOTENCY_KEY])
            },
            "/clusters/{id}": {
                "get": op("A cluster", "clusters", None, "200", &["id:path"]),
                "patch": op("Edit a cluster (send the version read last)", "clusters", Some(body(&["version"], cluster_props)), "200", &["id:path"])
            },
            "/quarantine-sites": {
                "get": op("List quarantine sites", "quarantine-sites", None, "200", LIST),
                "post": op("Add a quarantine site", "quarantine-sites", Some(body(&["area_code", "name", "kind", "run_by", "capacity", "occupancy", "status"], site_props.clone())), "201", &[IDEMPOTENCY_KEY])
            },
            "/quarantine-sites/{id}": {
                "get": op("A quarantine site", "quarantine-sites", None, "200", &["id:path"]),
                "patch": op("Change occupancy, capacity or status (send the version read last)", "quarantine-sites", Some(body(&["version"], site_props)), "200", &["id:path"])
            },
            "/checkpoints": {
                "get": op("List checkpoints", "checkpoints", None, "200", LIST),
                "post": op("Add a checkpoint", "checkpoints", Some(body(&["area_code", "name", "kind", "staffed_by", "status"], checkpoint_props.clone())), "201", &[IDEMPOTENCY_KEY])
            },
            "/checkpoints/{id}": {
                "get": op("A checkpoint", "checkpoints", None, "200", &["id:path"]),
                "patch": op("Edit a checkpoint (send the version read last)", "checkpoints", Some(body(&["version"], checkpoint_props)), "200", &["id:path"])
            },
            "/checkpoints/{id}/reports": {
                "get": op("Shift reports of a checkpoint", "checkpoints", None, "200", &["id:path"]),
                "post": op("File a shift report", "checkpoints", Some(body(&["date", "people_checked", "vehicles_checked", "violations", "fines_vnd"], json!({"date": date(), "people_checked": s("integer"), "vehicles_checked": s("integer"), "violations": s("integer"), "fines_vnd": s("integer")}))), "201", &["id:path"])
            },
            "/directives": {
                "get": op("List directives", "directives", None, "200", LIST),
                "post": op("Issue a directive", "directives", Some(body(&["issuer_code", "number", "kind", "title", "issued_on"], directive_props.clone())), "201", &[IDEMPOTENCY_KEY])
            },
            "/directives/{id}": {
                "get": op("A directive with its cascade (targets outside the reader's jurisdiction as counts only)", "directives", None, "200", &["id:path"]),
                "patch": op("Edit a directive's text and dates (send the version read last)", "directives", Some(body(&["version"], directive_props)), "200", &["id:path"])
            },
            "/directives/{id}/reports": {
                "post": op("Report on a directive", "directives", Some(body(&["area_code", "status"], json!({"area_code": s("string"), "status": en(&["received", "in_progress", "done"]), "note": s("string")}))), "200", &["id:path"])
            },
            "/tasks": {
                "get": op("List tasks assigned by or to the area (open=1: not done)", "tasks", None, "200", &["area", "limit", "offset", "directive_id", "open"]),
                "post": op("Assign a task of a directive to an area below its issuer (area_code) or a department of the issuer's area (unit_id)", "tasks", Some(body(&["directive_id", "what"], task_props.clone())), "201", &[IDEMPOTENCY_KEY])
            },
            "/tasks/{id}": {
                "get": op("A task with its latest report", "tasks", None, "200", &["id:path"]),
                "patch": op("Edit a task (send the version read last)", "tasks", Some(body(&["version"], task_props)), "200", &["id:path"])
            },
            "/tasks/{id}/reports": {
                "post": op("Report on a task, by the area that answers for it", "tasks", Some(body(&["status"], json!({"status": en(&["received", "in_progress", "done"]), "note": s("string"), "reported_on": date()}))), "200", &["id:path"])
            },
            "/inspections": {
                "get": op("List inspections sent by or made in the area", "inspections", None, "200", LIST),
                "post": op("Record an inspection of a unit against a directive (by its issuer); not_met opens a task for the unit, due at follow_up_due", "inspections", Some(body(&["directive_id", "team", "visited_on", "findings", "verdict"], inspection_props.clone())), "201", &[IDEMPOTENCY_KEY])
            },
            "/inspections/{id}": {
                "get": op("An inspection", "inspections", None, "200", &["id:path"]),
                "patch": op("Edit an inspection (send the version read last)", "inspections", Some(body(&["version"], inspection_props)), "200", &["id:path"])
            },
            "/units": {
                "get": op("Departments and forces of an area", "units", None, "200", LIST),
                "post": op("Add a department to an area (administrator)", "units", Some(body(&["area_code", "kind", "name"], unit_props.clone())), "201", &[IDEMPOTENCY_KEY])
            },
            "/units/{id}": {
                "get": op("A department", "units", None, "200", &["id:path"]),
                "patch": op("Edit a department (administrator; send the version read last)", "units", Some(body(&["version"], unit_props)), "200", &["id:path"])
            },
            "/daily-reports": { "get": op("Daily reports of the communes under an area", "daily-reports", None, "200", &["area", "date"]) },
            "/daily-reports/{commune_code}/{date}": {
                "get": op("A commune's daily report", "daily-reports", None, "200", &["commune_code:path", "date:path"]),
                "put": op("File or replace a daily report", "daily-reports", Some(body(&["f1_traced", "f1_quarantined", "tests", "dose1", "dose2", "dose3"], json!({"f1_traced": s("integer"), "f1_quarantined": s("integer"), "tests": s("integer"), "dose1": s("integer"), "dose2": s("integer"), "dose3": s("integer"), "notes": s("string"), "version": s("integer")}))), "200", &["commune_code:path", "date:path", IDEMPOTENCY_KEY])
            },
            "/users": {
                "post": op("Create a user (administrator)", "users", Some(body(&["username", "password", "role", "area_code"], json!({"username": s("string"), "password": s("string"), "role": en(&["commune", "district", "city", "admin"]), "area_code": s("string"), "display_name": s("string")}))), "201", &[])
            }
        }
    })
}
