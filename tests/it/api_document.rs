//! The API document against the API: each record's schema, generated from
//! its field table, lists exactly the fields its JSON answer carries, and
//! the document's own examples are taken as written.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::common::TestApp;

/// Every record the generic API serves: its collection and who writes it.
const RECORDS: &[(&str, &str)] = &[
    ("/directives", "thanhtri"),
    ("/cases", "thanhtri"),
    ("/clusters", "thanhtri"),
    ("/quarantine-sites", "thanhtri"),
    ("/checkpoints", "thanhtri"),
    ("/lockdowns", "thanhtri"),
    ("/testing-rounds", "thanhtri"),
    ("/hotlines", "thanhtri"),
    ("/duty-roster", "thanhtri"),
    ("/tasks", "thanhtri"),
    ("/inspections", "thanhtri"),
    ("/units", "quantri"),
];

/// The schema an operation answers with, its `$ref` followed.
fn answer_schema<'a>(doc: &'a Value, op: &Value, status: &str) -> &'a Value {
    let r = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .expect("a named schema");
    let name = r.rsplit('/').next().unwrap();
    &doc["components"]["schemas"][name]
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

#[sqlx::test]
async fn each_records_schema_lists_exactly_the_fields_its_answer_carries(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhtri", "district", "020").await;
    t.user("thanhpho", "city", "01").await;
    t.user("quantri", "admin", "01").await;
    let city = t.token("thanhpho").await;
    let doc = t
        .api("GET", "/api/v1/openapi.json", None, None)
        .await
        .json();
    let mut directive_id = None;
    for (path, writer) in RECORDS {
        let token = t.token(writer).await;
        let create = &doc["paths"][path]["post"];
        let mut example = create["requestBody"]["content"]["application/json"]["example"].clone();
        assert!(example.is_object(), "{path}: the create has an example");
        // Tasks and inspections follow the directive made first.
        if let Some(id) = directive_id.clone()
            && example.get("directive_id").is_some()
        {
            example["directive_id"] = id;
        }
        let made = t
            .api(
                "POST",
                &format!("/api/v1{path}"),
                Some(&token),
                Some(example),
            )
            .await;
        assert_eq!(
            made.status,
            StatusCode::CREATED,
            "{path}: the document's example is taken: {}",
            made.text
        );
        let id = made.json()["id"].clone();
        if *path == "/directives" {
            directive_id = Some(id.clone());
        }
        let show = &doc["paths"][format!("{path}/{{id}}")]["get"];
        let schema = answer_schema(&doc, show, "200");
        let documented = keys(&schema["properties"]);
        let required: BTreeSet<String> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        // The writer reads personal details; the city reads the same record
        // without them (and with what stands in for them).
        let mut answered = BTreeSet::new();
        for reader in [&token, &city] {
            let r = t
                .api("GET", &format!("/api/v1{path}/{id}"), Some(reader), None)
                .await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
            let json = r.json();
            let got = keys(&json);
            for (name, value) in json.as_object().unwrap() {
                let documented = &schema["properties"][name];
                assert!(
                    !value.is_null() || documented["nullable"] == true,
                    "{path}: {name} answered null but documented as never null"
                );
            }
            assert!(
                required.is_subset(&got),
                "{path}: answered without {:?}",
                required.difference(&got).collect::<Vec<_>>()
            );
            answered.extend(got);
        }
        assert_eq!(
            answered,
            documented,
            "{path}: answered but not documented {:?}, documented but never answered {:?}",
            answered.difference(&documented).collect::<Vec<_>>(),
            documented.difference(&answered).collect::<Vec<_>>()
        );
    }
}

#[sqlx::test]
async fn a_documented_limit_is_the_limit_the_check_enforces(db: PgPool) {
    let t = TestApp::new(db).await;
    t.user("thanhtri", "district", "020").await;
    let token = t.token("thanhtri").await;
    let doc = t
        .api("GET", "/api/v1/openapi.json", None, None)
        .await
        .json();
    let create = &doc["paths"]["/hotlines"]["post"]["requestBody"]["content"]["application/json"];
    let max = create["schema"]["properties"]["label"]["maxLength"]
        .as_u64()
        .expect("a documented length") as usize;
    let mut body = create["example"].clone();
    body["label"] = "đ".repeat(max).into();
    let r = t
        .api("POST", "/api/v1/hotlines", Some(&token), Some(body.clone()))
        .await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "{max} characters: {}",
        r.text
    );
    body["label"] = "đ".repeat(max + 1).into();
    let r = t
        .api("POST", "/api/v1/hotlines", Some(&token), Some(body))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.json()["error"]["fields"]["label"].is_string(),
        "{}",
        r.text
    );
}
