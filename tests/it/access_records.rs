//! The access matrix of DESIGN §4 over every record write route of the API:
//! each role, on its own area and on another, gets the status it should,
//! and where it is refused nothing at all is written.

use crate::common::TestApp;
use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::PgPool;

const TABLES: [&str; 13] = [
    "cases",
    "contacts",
    "contact_tests",
    "clusters",
    "quarantine_sites",
    "quarantine_occupancy",
    "checkpoints",
    "checkpoint_reports",
    "directives",
    "directive_targets",
    "daily_reports",
    "zone_declarations",
    "audit_log",
];

async fn rows(t: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for table in TABLES {
        out.push(
            sqlx::query_scalar(&format!("select count(*) from {table}"))
                .fetch_one(&t.db)
                .await
                .unwrap(),
        );
    }
    // Reports on directives change rows in place.
    out.push(
        sqlx::query_scalar("select count(*) from directive_targets where status is not null")
            .fetch_one(&t.db)
            .await
            .unwrap(),
    );
    out
}

fn case(code: &str, commune: &str) -> Value {
    json!({"commune_code": commune, "case_code": code, "detected_on": "2021-07-30", "detected_in": "community", "status": "treating"})
}

fn contact(case: &str, commune: &str) -> Value {
    json!({"commune_code": commune, "case_code": case, "exposed_on": "2021-07-29", "found_by": "household", "held_at": "unplaced", "status": "traced"})
}

fn site(area: &str) -> Value {
    json!({"area_code": area, "name": "Khu cách ly", "kind": "centralised", "run_by": "district", "capacity": 100, "occupancy": 10, "status": "active"})
}

fn checkpoint(area: &str) -> Value {
    json!({"area_code": area, "name": "Chốt", "kind": "commune", "staffed_by": "police", "status": "active"})
}

fn daily() -> Value {
    json!({"f1_traced": 1, "f1_quarantined": 1, "tests": 1, "dose1": 1, "dose2": 1, "dose3": 0})
}

fn directive(issuer: &str, number: &str) -> Value {
    json!({"issuer_code": issuer, "number": number, "kind": "letter", "title": "Về việc", "issued_on": "2021-07-30"})
}

fn zone() -> Value {
    json!({"colour": "red", "reason": "Ổ dịch", "effective_on": "2021-08-01"})
}

#[sqlx::test]
async fn every_record_write_route_answers_each_role_on_its_own_and_another_area(db: PgPool) {
    let t = TestApp::new(db).await;
    for (u, role, area) in [
        ("lienninh", "commune", "00682"),
        ("thanhtri", "district", "020"),
        ("thanhpho", "city", "01"),
        ("quantri", "admin", "01"),
        ("phucxa", "commune", "00001"),
    ] {
        t.user(u, role, area).await;
    }
    let tok = |u: &'static str| {
        let t = &t;
        async move { t.token(u).await }
    };
    let (commune, district, city, admin, other) = (
        tok("lienninh").await,
        tok("thanhtri").await,
        tok("thanhpho").await,
        tok("quantri").await,
        tok("phucxa").await,
    );

    // Records to act on: Liên Ninh's (own for the commune and Thanh Trì) and Phúc Xá's (another district).
    let own_case = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&commune),
            Some(case("BN900", "00682")),
        )
        .await
        .json()["id"]
        .clone();
    let other_case = t
        .api(
            "POST",
            "/api/v1/cases",
            Some(&other),
            Some(case("BN901", "00001")),
        )
        .await
        .json()["id"]
        .clone();
    let own_cp = t
        .api(
            "POST",
            "/api/v1/checkpoints",
            Some(&commune),
            Some(checkpoint("00682")),
        )
        .await
        .json()["id"]
        .clone();
    let other_cp = t
        .api(
            "POST",
            "/api/v1/checkpoints",
            Some(&other),
            Some(checkpoint("00001")),
        )
        .await
        .json()["id"]
        .clone();
    let own_site = t
        .api(
            "POST",
            "/api/v1/quarantine-sites",
            Some(&district),
            Some(site("020")),
        )
        .await
        .json()["id"]
        .clone();
    let own_contact = t
        .api(
            "POST",
            "/api/v1/contacts",
            Some(&commune),
            Some(contact("BN900", "00682")),
        )
        .await
        .json()["id"]
        .clone();
    let other_contact = t
        .api(
            "POST",
            "/api/v1/contacts",
            Some(&other),
            Some(contact("BN901", "00001")),
        )
        .await
        .json()["id"]
        .clone();
    let r = t.api("POST", "/api/v1/directives", Some(&city), Some(json!({"issuer_code": "01", "number": "17/CT", "kind": "directive", "title": "Giãn cách", "issued_on": "2021-07-23", "target_codes": ["020", "001"]}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let city_dir = r.json()["id"].clone();
    let plan = t.api("POST", "/api/v1/directives", Some(&district), Some(json!({"issuer_code": "020", "number": "1862/UBND", "kind": "plan", "title": "Triển khai", "issued_on": "2021-07-24", "implements_id": city_dir}))).await.json()["id"].clone();
    for (name, v) in [
        ("own_case", &own_case),
        ("other_case", &other_case),
        ("own_cp", &own_cp),
        ("other_cp", &other_cp),
        ("own_site", &own_site),
        ("own_contact", &own_contact),
        ("other_contact", &other_contact),
        ("city_dir", &city_dir),
        ("plan", &plan),
    ] {
        assert!(v.is_i64(), "{name} was not created");
    }

    let created = StatusCode::CREATED;
    let ok = StatusCode::OK;
    let no = StatusCode::FORBIDDEN;
    let patch_case = |id: &Value, v: i64| {
        (
            format!("/api/v1/cases/{id}"),
            json!({"version": v, "village": "Thôn mới"}),
        )
    };
    // (who, method, path, body, expected)
    let mut matrix: Vec<(&str, &String, &str, String, Value, StatusCode)> = Vec::new();
    let people: [(&str, &String); 4] = [
        ("commune", &commune),
        ("district", &district),
        ("city", &city),
        ("admin", &admin),
    ];
    for (who, token) in people {
        let expect = |commune_ok: bool, district_ok: bool, city_ok: bool| match who {
            "commune" if commune_ok => created,
            "district" if district_ok => created,
            "city" if city_ok => created,
            _ => no,
        };
        let n = matrix.len();
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/cases".into(),
            case(&format!("BN1{n}"), "00682"),
            expect(true, true, false),
        ));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/cases".into(),
            case(&format!("BN2{n}"), "00001"),
            no,
        ));
        matrix.push((who, token, "POST", "/api/v1/clusters".into(), json!({"commune_code": "00682", "name": format!("Chùm {n}"), "opened_on": "2021-07-30"}), expect(true, true, false)));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/contacts".into(),
            contact("BN900", "00682"),
            expect(true, true, false),
        ));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/contacts".into(),
            contact("BN901", "00001"),
            no,
        ));
        let test = json!({"taken_on": "2021-08-01", "kind": "pooled_pcr", "result": "negative"});
        matrix.push((
            who,
            token,
            "POST",
            format!("/api/v1/contacts/{own_contact}/tests"),
            test.clone(),
            expect(true, true, false),
        ));
        matrix.push((
            who,
            token,
            "POST",
            format!("/api/v1/contacts/{other_contact}/tests"),
            test,
            no,
        ));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/clusters".into(),
            json!({"commune_code": "00001", "name": "Chùm", "opened_on": "2021-07-30"}),
            no,
        ));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/quarantine-sites".into(),
            site("020"),
            expect(false, true, false),
        ));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/quarantine-sites".into(),
            site("001"),
            no,
        ));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/quarantine-sites".into(),
            site("01"),
            expect(false, false, true),
        ));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/checkpoints".into(),
            checkpoint("00682"),
            expect(true, true, false),
        ));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/checkpoints".into(),
            checkpoint("00001"),
            no,
        ));
        matrix.push((who, token, "POST", format!("/api/v1/checkpoints/{own_cp}/reports"), json!({"date": "2021-08-01", "people_checked": 1, "vehicles_checked": 1, "violations": 0, "fines_vnd": 0}), expect(true, true, false)));
        matrix.push((who, token, "POST", format!("/api/v1/checkpoints/{other_cp}/reports"), json!({"date": "2021-08-01", "people_checked": 1, "vehicles_checked": 1, "violations": 0, "fines_vnd": 0}), no));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/directives".into(),
            directive("00682", &format!("{n}/TB")),
            expect(true, true, false),
        ));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/directives".into(),
            directive("020", &format!("{n}/CV")),
            expect(false, true, false),
        ));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/directives".into(),
            directive("01", &format!("{n}/QĐ")),
            expect(false, false, true),
        ));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/directives".into(),
            directive("001", &format!("{n}/KH")),
            no,
        ));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/areas/00682/zone".into(),
            zone(),
            expect(false, true, true),
        ));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/areas/00001/zone".into(),
            zone(),
            expect(false, false, true),
        ));
        matrix.push((
            who,
            token,
            "POST",
            "/api/v1/areas/01/zone".into(),
            zone(),
            no,
        ));
    }
    // Routes that update in place, once each with the version current at the time.
    matrix.push((
        "commune",
        &commune,
        "PUT",
        "/api/v1/daily-reports/00682/2021-07-31".into(),
        daily(),
        created,
    ));
    matrix.push((
        "commune",
        &commune,
        "PUT",
        "/api/v1/daily-reports/00685/2021-07-31".into(),
        daily(),
        no,
    ));
    matrix.push((
        "district",
        &district,
        "PUT",
        "/api/v1/daily-reports/00685/2021-07-31".into(),
        daily(),
        created,
    ));
    matrix.push((
        "district",
        &district,
        "PUT",
        "/api/v1/daily-reports/00001/2021-07-31".into(),
        daily(),
        no,
    ));
    matrix.push((
        "city",
        &city,
        "PUT",
        "/api/v1/daily-reports/00001/2021-07-30".into(),
        daily(),
        no,
    ));
    matrix.push((
        "admin",
        &admin,
        "PUT",
        "/api/v1/daily-reports/00682/2021-07-30".into(),
        daily(),
        no,
    ));
    let (p, b) = patch_case(&own_case, 1);
    matrix.push(("city", &city, "PATCH", p.clone(), b.clone(), no));
    matrix.push(("admin", &admin, "PATCH", p.clone(), b.clone(), no));
    matrix.push(("commune", &commune, "PATCH", p.clone(), b, StatusCode::OK));
    let (p2, b2) = patch_case(&own_case, 2);
    matrix.push(("district", &district, "PATCH", p2, b2, ok));
    let (p, b) = patch_case(&other_case, 1);
    matrix.push(("commune", &commune, "PATCH", p.clone(), b.clone(), no));
    matrix.push(("district", &district, "PATCH", p, b, no));
    // A contact: its commune and district edit it, nobody else.
    for (who, token, version, want) in [
        ("city", &city, 1, no),
        ("admin", &admin, 1, no),
        ("commune", &commune, 1, ok),
        ("district", &district, 2, ok),
    ] {
        matrix.push((
            who,
            token,
            "PATCH",
            format!("/api/v1/contacts/{own_contact}"),
            json!({"version": version, "village": "Thôn mới"}),
            want,
        ));
    }
    for (who, token) in [("commune", &commune), ("district", &district)] {
        matrix.push((
            who,
            token,
            "PATCH",
            format!("/api/v1/contacts/{other_contact}"),
            json!({"version": 1, "village": "Thôn mới"}),
            no,
        ));
    }
    let site_patch = json!({"occupancy": 20, "version": 1});
    for (who, token, want) in [
        ("commune", &commune, no),
        ("city", &city, no),
        ("admin", &admin, no),
        ("district", &district, ok),
    ] {
        matrix.push((
            who,
            token,
            "PATCH",
            format!("/api/v1/quarantine-sites/{own_site}"),
            site_patch.clone(),
            want,
        ));
    }
    for (who, token, body, want) in [
        (
            "commune",
            &commune,
            json!({"area_code": "00682", "status": "received"}),
            ok,
        ),
        (
            "commune",
            &commune,
            json!({"area_code": "00685", "status": "received"}),
            no,
        ),
        (
            "district",
            &district,
            json!({"area_code": "00685", "status": "done"}),
            ok,
        ),
        (
            "city",
            &city,
            json!({"area_code": "00682", "status": "done"}),
            no,
        ),
        (
            "admin",
            &admin,
            json!({"area_code": "00682", "status": "done"}),
            no,
        ),
    ] {
        matrix.push((
            who,
            token,
            "POST",
            format!("/api/v1/directives/{plan}/reports"),
            body,
            want,
        ));
    }
    for (who, token, body, want) in [
        (
            "district",
            &district,
            json!({"area_code": "020", "status": "in_progress"}),
            ok,
        ),
        (
            "district",
            &district,
            json!({"area_code": "001", "status": "done"}),
            no,
        ),
        (
            "commune",
            &commune,
            json!({"area_code": "020", "status": "done"}),
            no,
        ),
    ] {
        matrix.push((
            who,
            token,
            "POST",
            format!("/api/v1/directives/{city_dir}/reports"),
            body,
            want,
        ));
    }

    let mut checked = 0;
    for (who, token, method, path, body, want) in matrix {
        let before = rows(&t).await;
        let r = t.api(method, &path, Some(token), Some(body)).await;
        assert_eq!(r.status, want, "{who} {method} {path}: {}", r.text);
        let after = rows(&t).await;
        let audit = TABLES.iter().position(|x| *x == "audit_log").unwrap();
        if want.is_success() {
            assert_eq!(
                after[audit],
                before[audit] + 1,
                "{who} {method} {path} is audited once"
            );
        } else {
            assert_eq!(after, before, "{who} {method} {path} wrote something");
            assert_eq!(r.json()["error"]["code"], "forbidden");
        }
        checked += 1;
    }
    assert!(checked > 90, "{checked} cells");
}

/// Tasks and inspections are made by the directive's issuer, tasks reported on by the area
/// that answers for them; departments are the administrator's. Every
/// refusal is 403 and writes nothing.
#[sqlx::test]
async fn every_task_inspection_and_department_write_route_answers_each_role_on_its_own_and_another_area(
    db: PgPool,
) {
    let t = TestApp::new(db).await;
    for (u, role, area) in [
        ("lienninh", "commune", "00682"),
        ("thanhtri", "district", "020"),
        ("thanhpho", "city", "01"),
        ("quantri", "admin", "01"),
        ("phucxa", "commune", "00001"),
    ] {
        t.user(u, role, area).await;
    }
    let (commune, district, city, admin, other) = (
        t.token("lienninh").await,
        t.token("thanhtri").await,
        t.token("thanhpho").await,
        t.token("quantri").await,
        t.token("phucxa").await,
    );
    let id = |r: crate::common::Reply| {
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json()["id"].as_i64().unwrap()
    };
    let top = id(t.api("POST", "/api/v1/directives", Some(&city), Some(json!({"issuer_code": "01", "number": "17/CT-UBND", "kind": "directive", "title": "Giãn cách", "issued_on": "2021-07-23", "target_codes": ["020", "001"]}))).await);
    let plan = id(t.api("POST", "/api/v1/directives", Some(&district), Some(json!({"issuer_code": "020", "number": "1862/UBND", "kind": "plan", "title": "Triển khai", "issued_on": "2021-07-24", "implements_id": top}))).await);
    let district_task = id(t
        .api(
            "POST",
            "/api/v1/tasks",
            Some(&city),
            Some(json!({"directive_id": top, "area_code": "020", "what": "Lập chốt"})),
        )
        .await);
    let commune_task = id(t
        .api(
            "POST",
            "/api/v1/tasks",
            Some(&district),
            Some(json!({"directive_id": plan, "area_code": "00682", "what": "Kiểm tra cơ sở"})),
        )
        .await);
    let ok = StatusCode::OK;
    let made = StatusCode::CREATED;
    let no = StatusCode::FORBIDDEN;
    let people = [
        ("commune", &commune),
        ("district", &district),
        ("city", &city),
        ("admin", &admin),
        ("other commune", &other),
    ];
    // (path, body, what each of the five above gets)
    let routes: Vec<(String, Value, [StatusCode; 5])> = vec![
        (
            "/api/v1/tasks".into(),
            json!({"directive_id": top, "area_code": "001", "what": "x"}),
            [no, no, made, no, no],
        ),
        (
            "/api/v1/tasks".into(),
            json!({"directive_id": plan, "area_code": "00685", "what": "x"}),
            [no, made, no, no, no],
        ),
        (
            format!("/api/v1/tasks/{commune_task}/reports"),
            json!({"status": "in_progress"}),
            [ok, ok, no, no, no],
        ),
        (
            format!("/api/v1/tasks/{district_task}/reports"),
            json!({"status": "received"}),
            [no, ok, no, no, no],
        ),
        (
            "/api/v1/inspections".into(),
            json!({"directive_id": top, "area_code": "020", "team": "Đoàn kiểm tra", "visited_on": "2021-07-30", "verdict": "met", "findings": "Đạt"}),
            // The district the directive reaches may inspect, but only the
            // areas below it: itself is a field error, not a refusal.
            [no, StatusCode::UNPROCESSABLE_ENTITY, made, no, no],
        ),
        (
            "/api/v1/units".into(),
            json!({"area_code": "020", "kind": "other", "name": "Tổ phản ứng nhanh"}),
            [no, no, no, made, no],
        ),
    ];
    for (path, body, want) in routes {
        for (i, (who, token)) in people.iter().enumerate() {
            let before = t.audit_count().await;
            let mut body = body.clone();
            if path == "/api/v1/units" {
                body["name"] = format!("Tổ phản ứng nhanh {i}").into();
            }
            let r = t.api("POST", &path, Some(token), Some(body)).await;
            assert_eq!(r.status, want[i], "{who} POST {path}: {}", r.text);
            let wrote = t.audit_count().await - before;
            assert_eq!(
                wrote,
                i64::from(r.status.is_success()),
                "{who} POST {path} audit rows"
            );
        }
    }
    // The other commune cannot even read the task it may not report on.
    let r = t
        .api(
            "GET",
            &format!("/api/v1/tasks/{commune_task}"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(r.status, no);
    // Editing a task is the issuer's: the commune it is assigned to may not.
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/tasks/{commune_task}"),
            Some(&commune),
            Some(json!({"version": 1, "what": "Khác"})),
        )
        .await;
    assert_eq!(r.status, no);
    let r = t
        .api(
            "PATCH",
            &format!("/api/v1/tasks/{commune_task}"),
            Some(&district),
            Some(json!({"version": 1, "what": "Kiểm tra mọi cơ sở"})),
        )
        .await;
    assert_eq!(r.status, ok, "{}", r.text);
}
