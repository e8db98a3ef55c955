//! Paste many cases at once (issue 12): rows copied from a spreadsheet or
//! a chat message become a preview with every row's errors beside it; the
//! official fixes them in place and saves every valid row in one go.

use axum::http::StatusCode;
use sqlx::PgPool;

use crate::common::{Browser, Reply, TestApp};

async fn setup(db: PgPool) -> TestApp {
    let t = TestApp::new(db).await;
    t.user("lienninh", "commune", "00682").await;
    t.user("thanhpho", "city", "01").await;
    t
}

async fn cases(t: &TestApp) -> Vec<String> {
    sqlx::query_scalar("select case_code from cases order by case_code")
        .fetch_all(&t.db)
        .await
        .unwrap()
}

/// Posts the preview's fields back, with some changed, as a person fixing
/// the rows in place would.
async fn send_back(b: &mut Browser, page: &Reply, step: &str, changes: &[(&str, &str)]) -> Reply {
    let mut fields: Vec<(String, String)> = vec![("csrf".into(), page.csrf())];
    let text = &page.text;
    // Every input and select of the preview, with its value.
    let mut rest = text.as_str();
    while let Some(i) = rest.find("name=\"r") {
        let after = &rest[i + 6..];
        let name = &after[..after.find('"').unwrap()];
        let tail = &after[name.len()..];
        let end = tail.find('>').unwrap();
        let value = if let Some(v) = tail[..end].find("value=\"") {
            let v = &tail[v + 7..];
            v[..v.find('"').unwrap()].to_string()
        } else {
            // A select: its selected option.
            let close = tail.find("</select>").unwrap();
            let opts = &tail[..close];
            match opts.find(" selected") {
                Some(s) => {
                    let before = &opts[..s];
                    let v = before.rfind("value=\"").unwrap();
                    let v = &before[v + 7..];
                    v[..v.find('"').unwrap()].to_string()
                }
                None => String::new(),
            }
        };
        let value = value.replace("&#x2f;", "/").replace("&#47;", "/");
        fields.push((name.to_string(), value));
        rest = tail;
    }
    for (k, v) in changes {
        fields.retain(|(n, _)| n != k);
        fields.push((k.to_string(), v.to_string()));
    }
    fields.push(("step".into(), step.into()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post_raw("/cases/paste", &pairs).await
}

#[sqlx::test]
async fn rows_pasted_from_a_spreadsheet_are_previewed_with_their_errors_fixed_in_place_and_saved(
    db: PgPool,
) {
    let t = setup(db).await;
    let mut b = t.signed_in("lienninh").await;
    let list = b.get("/cases").await;
    assert!(
        list.text.contains("href=\"/cases/paste\""),
        "linked from the case list"
    );
    let import = b.get("/cases/import").await;
    assert!(
        import.text.contains("href=\"/cases/paste\""),
        "linked from the import page"
    );
    let form = b.get("/cases/paste").await;
    assert_eq!(form.status, StatusCode::OK);
    // Three rows as a spreadsheet copies them (tabs), the commune left to the official's own.
    let text = "\tBN500\t31/07/2021\tcommunity\ttreating\n\
                \tBN 5#\t1/8/2021\tNgoài cộng đồng\tĐang điều trị\n\
                \tBN502\t31/07/2021\t\ttreating\n";
    let audit = t.audit_count().await;
    let preview = b
        .post(
            "/cases/paste",
            "/cases/paste",
            &[("text", text), ("step", "read")],
        )
        .await;
    assert_eq!(
        preview.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        preview.text
    );
    assert!(
        preview.text.contains("3 dòng: 1 hợp lệ, 2 có lỗi"),
        "{}",
        preview.text
    );
    assert!(
        preview.text.contains("id=\"e-r1.case_code\""),
        "the bad code is marked"
    );
    assert!(preview.text.contains("Mã ca bệnh gồm chữ in hoa và số"));
    assert!(
        preview.text.contains("id=\"e-r2.detected_in\""),
        "the missing place is marked"
    );
    assert!(
        !preview.text.contains("id=\"e-r0."),
        "the good row has no error"
    );
    assert!(cases(&t).await.is_empty(), "a preview stores nothing");
    assert_eq!(t.audit_count().await, audit);

    // Saving stores the valid row; the others stay to be fixed.
    let left = send_back(&mut b, &preview, "save", &[]).await;
    assert_eq!(left.status, StatusCode::OK, "{}", left.text);
    assert!(
        left.text
            .contains("Đã lưu 1 ca bệnh; còn 2 dòng có lỗi cần sửa.")
    );
    assert_eq!(cases(&t).await, ["BN500"]);
    assert!(!left.text.contains("BN500"));

    // Fixed in place, both are saved together.
    let done = send_back(
        &mut b,
        &left,
        "save",
        &[("r0.case_code", "BN501"), ("r1.detected_in", "quarantine")],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(done.location(), "/cases");
    assert_eq!(cases(&t).await, ["BN500", "BN501", "BN502"]);
    assert_eq!(t.audit_count().await, audit + 3, "one audit row per case");
    let list = b.get("/cases").await;
    assert!(
        list.text.contains("Đã lưu 2 ca bệnh; còn 0 dòng"),
        "{}",
        list.text
    );
}

#[sqlx::test]
async fn a_chat_message_with_a_header_row_names_and_labels_is_understood(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("lienninh").await;
    let text = "Mã ca bệnh, Phường/Xã, Ngày phát hiện, Nơi phát hiện, Tình trạng\n\
                BN600, Liên Ninh, 1/8/21, ngoai cong dong, Đang điều trị\n\
                BN601, xã liên ninh, 31.07.2021, Trong khu cách ly, Khỏi bệnh\n";
    let preview = b
        .post(
            "/cases/paste",
            "/cases/paste",
            &[("text", text), ("step", "read")],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text);
    assert!(
        preview.text.contains("2 dòng: 2 hợp lệ, 0 có lỗi"),
        "{}",
        preview.text
    );
    let done = send_back(&mut b, &preview, "save", &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(cases(&t).await, ["BN600", "BN601"]);
    let (commune, day): (String, chrono::NaiveDate) =
        sqlx::query_as("select commune_code, detected_on from cases where case_code = 'BN600'")
            .fetch_one(&t.db)
            .await
            .unwrap();
    assert_eq!(commune, "00682");
    assert_eq!(day, chrono::NaiveDate::from_ymd_opt(2021, 8, 1).unwrap());
}

#[sqlx::test]
async fn a_code_pasted_twice_or_already_stored_is_an_error_of_its_row(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("lienninh").await;
    let first = "00682,BN650,31/07/2021,community,treating";
    let r = b
        .post(
            "/cases/paste",
            "/cases/paste",
            &[("text", first), ("step", "read")],
        )
        .await;
    let r = send_back(&mut b, &r, "save", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let text = "00682,BN650,31/07/2021,community,treating\n\
                00682,BN651,31/07/2021,community,treating\n\
                00682,BN651,31/07/2021,community,treating\n";
    let r = b
        .post(
            "/cases/paste",
            "/cases/paste",
            &[("text", text), ("step", "read")],
        )
        .await;
    assert!(r.text.contains("3 dòng: 1 hợp lệ, 2 có lỗi"), "{}", r.text);
    assert!(r.text.contains("id=\"e-r0.case_code\"") && r.text.contains("id=\"e-r2.case_code\""));
    assert!(
        r.text.contains("Mã ca bệnh này đã có. (Dòng 2)"),
        "the copy names the first"
    );
}

#[sqlx::test]
async fn the_city_may_not_paste_cases_and_nothing_is_stored(db: PgPool) {
    let t = setup(db).await;
    let mut b = t.signed_in("thanhpho").await;
    assert_eq!(b.get("/cases/paste").await.status, StatusCode::FORBIDDEN);
    let page = b.get("/cases").await;
    let r = b
        .post_raw(
            "/cases/paste",
            &[
                ("csrf", page.csrf().as_str()),
                ("text", "00682,BN660,31/07/2021,community,treating"),
                ("step", "read"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(cases(&t).await.is_empty());
}

#[sqlx::test]
async fn on_a_phone_pasted_rows_are_fixed_in_the_preview_and_saved(db: PgPool) {
    use crate::browser::{browser, driver, fill, serve, shot, sign_in, text};
    use fantoccini::Locator;

    let t = setup(db).await;
    let base = serve(&t).await;
    let d = driver();
    let c = browser(&d).await;
    c.set_window_size(390, 844).await.unwrap();
    sign_in(&c, &base, "lienninh").await;
    c.goto(&format!("{base}/cases")).await.unwrap();
    c.find(Locator::Css("a[href='/cases/paste']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // As a chat message: commas, Vietnamese dates and labels, the commune left out.
    fill(
        &c,
        "text",
        ",BN800,31/07/2021,Ngoài cộng đồng,Đang điều trị\n,BN 8#,1/8/2021,community,treating\n,BN802,31/07/2021,,treating",
    )
    .await;
    c.find(Locator::Css("#paste-read"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("#paste-preview"))
        .await
        .unwrap();
    assert_eq!(
        text(&c, "#paste-summary").await,
        "3 dòng: 1 hợp lệ, 2 có lỗi. Sửa ngay trong bảng rồi bấm “Kiểm tra lại”."
    );
    assert_eq!(
        text(&c, "[id='e-r1.case_code']").await,
        "Mã ca bệnh gồm chữ in hoa và số, ví dụ BN123456."
    );
    let wide: bool = c
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth",
            vec![],
        )
        .await
        .unwrap()
        .as_bool()
        .unwrap();
    assert!(!wide, "the preview fits the phone's width");
    shot(&c, "paste-01-preview-with-errors").await;

    // Fixed in place, checked again, saved together.
    fill(&c, "r1.case_code", "BN801").await;
    c.find(Locator::Css("select[name='r2.detected_in']"))
        .await
        .unwrap()
        .select_by_value("quarantine")
        .await
        .unwrap();
    c.find(Locator::Css("#paste-check"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The preview with errors had a save button too (for its one valid
    // row): wait for the new preview's, not that one.
    c.wait()
        .for_element(Locator::XPath(
            "//*[@id='paste-save' and contains(., 'Lưu 3 dòng')]",
        ))
        .await
        .unwrap();
    assert_eq!(text(&c, "#paste-save").await, "Lưu 3 dòng hợp lệ");
    shot(&c, "paste-02-all-valid").await;
    c.find(Locator::Css("#paste-save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Css(".flash")).await.unwrap();
    shot(&c, "paste-03-saved").await;
    assert_eq!(cases(&t).await, ["BN800", "BN801", "BN802"]);
    c.close().await.unwrap();
}
