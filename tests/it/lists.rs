//! Lists and exports at scale (issue 13, item 5): the case, site and
//! checkpoint lists page by cursor (`after`, the API's `next`), and exports
//! stream every row in chunks with the columns an import reads.

use std::collections::HashSet;

use crate::common::{Browser, TestApp};
use axum::http::StatusCode;
use sqlx::PgPool;
use vungxanh::storage::synth::{Scale, generate};

async fn setup(db: PgPool) -> TestApp {
    let t = TestApp::new(db).await;
    t.user("thanhtri", "district", "020").await;
    t.user("thanhpho", "city", "01").await;
    t
}

/// A synthetic epidemic over the city: `cases` cases over a few days (so
/// many share a date and the order falls back on the id), and sites and
/// checkpoints.
async fn epidemic(t: &TestApp, cases: usize, sites: usize, checkpoints: usize) {
    let scale = Scale {
        cases,
        days: 4,
        sites,
        checkpoints,
        directives: 0,
        report_days: 0,
        contacts_per_case: 0,
        seed: 13,
    };
    generate(&t.db, "01", &scale, t.clock.today())
        .await
        .unwrap();
}

async fn ids(t: &TestApp, sql: &str) -> Vec<i64> {
    sqlx::query_scalar(sql).fetch_all(&t.db).await.unwrap()
}

/// Every id of an API list followed by `next` from `first`, page by page.
async fn walk_api(t: &TestApp, token: &str, first: &str) -> (Vec<i64>, usize) {
    let mut seen = Vec::new();
    let mut url = first.to_string();
    let mut pages = 0;
    loop {
        let r = t.api("GET", &url, Some(token), None).await;
        assert_eq!(r.status, StatusCode::OK, "{url}: {}", r.text);
        let page = r.json();
        pages += 1;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_i64().unwrap());
        }
        match page["next"].as_str() {
            Some(next) => {
                assert!(
                    next.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                    "URL-safe: {next}"
                );
                url = format!("{first}&after={next}");
            }
            None => break,
        }
        assert!(pages < 1000, "no end to the list");
    }
    (seen, pages)
}

fn assert_once_in_order(seen: &[i64], expected: &[i64]) {
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "an id came twice");
    assert_eq!(seen, expected, "every row once, in the list's order");
}

#[sqlx::test]
async fn following_next_walks_every_case_once_in_order(db: PgPool) {
    let t = setup(db).await;
    epidemic(&t, 230, 0, 0).await;
    let expected = ids(
        &t,
        "select id from cases where voided_at is null order by detected_on desc, id desc",
    )
    .await;
    assert!(expected.len() > 200);
    let token = t.token("thanhpho").await;
    let (seen, pages) = walk_api(&t, &token, "/api/v1/cases?limit=40").await;
    assert_once_in_order(&seen, &expected);
    assert_eq!(pages, expected.len().div_ceil(40));

    // A district's list, filtered, walks its own cases only.
    let district = ids(
        &t,
        "select id from cases where voided_at is null and district_code = '020' and detected_in = 'community'
         order by detected_on desc, id desc",
    )
    .await;
    let (seen, _) = walk_api(
        &t,
        &token,
        "/api/v1/cases?area=020&detected_in=community&limit=3",
    )
    .await;
    assert_once_in_order(&seen, &district);
}

/// The ids a list page links to, in order.
fn page_ids(html: &str, base: &str) -> Vec<i64> {
    let tbody = match html.split_once("<tbody>") {
        Some((_, rest)) => rest.split_once("</tbody>").unwrap().0,
        None => return Vec::new(),
    };
    tbody
        .split(&format!("<a href=\"{base}/"))
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
        .collect()
}

/// The `href` of the element with `id` on the page, unescaped.
fn link(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let start = html[..at].rfind("<a href=\"")? + "<a href=\"".len();
    let end = start + html[start..].find('"')?;
    Some(html[start..end].replace("&amp;", "&").replace("&#38;", "&"))
}

async fn walk_pages(b: &mut Browser, first: &str, base: &str) -> (Vec<i64>, Vec<String>) {
    let mut seen = Vec::new();
    let mut texts = Vec::new();
    let mut url = first.to_string();
    loop {
        let r = b.get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "{url}: {}", r.text);
        seen.extend(page_ids(&r.text, base));
        let next = link(&r.text, "next-page");
        texts.push(r.text);
        match next {
            Some(n) => url = n,
            None => break,
        }
        assert!(texts.len() < 100, "no end to the list");
    }
    (seen, texts)
}

#[sqlx::test]
async fn the_list_page_goes_on_with_next_and_back_to_the_first_page(db: PgPool) {
    let t = setup(db).await;
    epidemic(&t, 120, 0, 0).await;
    let expected = ids(
        &t,
        "select id from cases where voided_at is null order by detected_on desc, id desc",
    )
    .await;
    let mut b = t.signed_in("thanhpho").await;
    let (seen, pages) = walk_pages(&mut b, "/cases", "/cases").await;
    assert_once_in_order(&seen, &expected);
    assert_eq!(pages.len(), expected.len().div_ceil(50));
    let first = &pages[0];
    assert!(first.contains(&format!("Tổng số: {}", expected.len())));
    assert!(first.contains("Trang 1") && link(first, "first-page").is_none());
    let second = &pages[1];
    assert!(second.contains("Trang 2") && second.contains("Trang sau"));
    assert!(
        !second.contains("id=\"total\""),
        "a page by cursor is not counted again"
    );
    let back = link(second, "first-page").expect("a way back to the first page");
    assert!(!back.contains("after="), "{back}");
    let again = b.get(&back).await;
    assert_eq!(page_ids(&again.text, "/cases"), page_ids(first, "/cases"));
    assert!(link(pages.last().unwrap(), "next-page").is_none());

    // The filters go along with the cursor.
    let (seen, _) = walk_pages(&mut b, "/cases?area=020&status=treating", "/cases").await;
    let filtered = ids(
        &t,
        "select id from cases where voided_at is null and district_code = '020' and status = 'treating'
         order by detected_on desc, id desc",
    )
    .await;
    assert_once_in_order(&seen, &filtered);

    // In English too.
    b.get("/lang/en?next=/cases").await;
    let en = b.get("/cases").await;
    assert!(
        en.text.contains("Page 1") && en.text.contains("Next"),
        "{}",
        en.text
    );
    let en = b.get(&link(&en.text, "next-page").unwrap()).await;
    assert!(en.text.contains("Page 2") && en.text.contains("First page"));
}

#[sqlx::test]
async fn sites_and_checkpoints_follow_next_in_vietnamese_name_order(db: PgPool) {
    let t = setup(db).await;
    epidemic(&t, 0, 45, 70).await;
    let token = t.token("thanhpho").await;
    let sites = ids(
        &t,
        r#"select id from quarantine_sites where city_code = '01' order by name collate "vi-x-icu", id"#,
    )
    .await;
    assert!(sites.len() > 7);
    let (seen, _) = walk_api(&t, &token, "/api/v1/quarantine-sites?limit=7").await;
    assert_once_in_order(&seen, &sites);
    let checkpoints = ids(
        &t,
        r#"select id from checkpoints where city_code = '01' order by name collate "vi-x-icu", id"#,
    )
    .await;
    let (seen, _) = walk_api(&t, &token, "/api/v1/checkpoints?limit=6").await;
    assert_once_in_order(&seen, &checkpoints);
    let district = ids(
        &t,
        r#"select id from checkpoints where district_code = '020' order by name collate "vi-x-icu", id"#,
    )
    .await;
    let (seen, _) = walk_api(&t, &token, "/api/v1/checkpoints?area=020&limit=2").await;
    assert_once_in_order(&seen, &district);

    let mut b = t.signed_in("thanhpho").await;
    let (seen, _) = walk_pages(&mut b, "/checkpoints", "/checkpoints").await;
    assert_once_in_order(&seen, &checkpoints);
    let (seen, _) = walk_pages(&mut b, "/sites", "/sites").await;
    assert_once_in_order(&seen, &sites);
}

#[sqlx::test]
async fn a_bad_cursor_is_a_readable_error_not_a_server_error(db: PgPool) {
    let t = setup(db).await;
    epidemic(&t, 60, 10, 0).await;
    let mut b = t.signed_in("thanhpho").await;
    let r = b.get("/cases?after=not-a-cursor%21").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("Liên kết trang không hợp lệ"), "{}", r.text);
    let token = t.token("thanhpho").await;
    let r = t
        .api("GET", "/api/v1/cases?after=AAAA", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.json()["error"]["fields"]["after"].is_string(),
        "{}",
        r.text
    );
    // A cursor of the site list (by name) sent to the case list (by date).
    let sites = t
        .api(
            "GET",
            "/api/v1/quarantine-sites?limit=2",
            Some(&token),
            None,
        )
        .await
        .json();
    let site_cursor = sites["next"].as_str().unwrap();
    let r = t
        .api(
            "GET",
            &format!("/api/v1/cases?after={site_cursor}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    b.get("/lang/en?next=/cases").await;
    let r = b.get(&format!("/cases?after={site_cursor}")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("This page link is not valid"), "{}", r.text);
}

#[sqlx::test]
async fn a_csv_export_of_more_rows_than_a_chunk_streams_every_row_with_the_same_header(db: PgPool) {
    let t = setup(db).await;
    let chunk = vungxanh::domain::forms::Paging::EXPORT_CHUNK as usize;
    epidemic(&t, 2 * chunk + 300, 0, 0).await;
    let expected: Vec<String> = sqlx::query_scalar(
        "select case_code from cases where voided_at is null order by detected_on desc, id desc",
    )
    .fetch_all(&t.db)
    .await
    .unwrap();
    assert!(expected.len() > 2 * chunk);
    let mut b = t.signed_in("thanhpho").await;
    let csv = b.get("/cases?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.headers.get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        csv.headers.get("content-disposition").unwrap(),
        "attachment; filename=\"ca-benh-01.csv\""
    );
    let text = csv
        .text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark");
    assert!(!text.contains('\u{feff}'), "one mark, at the start");
    let mut lines = text.lines();
    // The columns of the import, without personal details for the city.
    assert_eq!(
        lines.next().unwrap(),
        "\"commune_code\",\"case_code\",\"detected_on\",\"detected_in\",\"status\",\"status_on\",\"treated_at\",\"cluster_id\",\"village\",\"sex\",\"age_band\""
    );
    let codes: Vec<String> = lines
        .map(|l| l.split(',').nth(1).unwrap().trim_matches('"').to_string())
        .collect();
    assert_eq!(codes, expected, "every row once, in the list's order");

    // The same list as a spreadsheet: every row, after the same header.
    let xlsx = b.get_bytes("/cases?format=xlsx").await;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("a whole zip archive");
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    assert_eq!(sheet.matches("<row ").count(), expected.len() + 1);
    assert!(sheet.contains("age_band") && sheet.contains(&expected[0]));
    assert!(sheet.contains(expected.last().unwrap()));

    // A district's export keeps its area and the district's view (names).
    let mut d = t.signed_in("thanhtri").await;
    let csv = d.get("/cases?format=csv").await.text;
    let mine: i64 = sqlx::query_scalar(
        "select count(*) from cases where voided_at is null and district_code = '020'",
    )
    .fetch_one(&t.db)
    .await
    .unwrap();
    assert_eq!(csv.lines().count() as i64, mine + 1);
    assert!(csv.lines().next().unwrap().contains("full_name"));
    assert_eq!(
        d.get("/cases?area=01&format=csv").await.status,
        StatusCode::FORBIDDEN
    );
}
