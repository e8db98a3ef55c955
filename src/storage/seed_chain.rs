//! The seeds' chain of directives, loaded with the demo: the city People's
//! Committee's directive 17/CT-UBND (23/7/2021, social distancing from 6:00
//! on 24/7 for 15 days), the city Party Committee's conclusion 428-TB/TU
//! (27/7/2021) reinforcing it, the city's letter 2434 on travel papers, and
//! Nam Từ Liêm's text 1862 (29/7/2021) implementing 428 and applying 2434,
//! with the tasks 1862 assigns. Everything goes through the records' own
//! versioned save, so the audit log has it.

use chrono::{NaiveDate, TimeZone, Utc};
use sqlx::PgPool;

use crate::domain::area::AreaRef;
use crate::domain::vocab::{Body, DirectiveKind};
use crate::storage::areas::area_ref;
use crate::storage::audit::Actor;
use crate::storage::records::directives::{DirectiveRow, DirectiveValues};
use crate::storage::records::tasks::{Assignee, TaskRow, TaskValues, record_report};
use crate::storage::records::{Write, save};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, m, d).unwrap_or_default()
}

/// What 1862 asks of each department of Nam Từ Liêm: (unit name, task,
/// report as the demo leaves it).
const DEPARTMENT_TASKS: [(&str, &str, Option<&str>); 5] = [
    (
        "Phòng Y tế quận Nam Từ Liêm",
        "Tham mưu các biện pháp phòng, chống dịch ở mức cao hơn Chỉ thị 17/CT-UBND, phù hợp với tình hình địa bàn",
        Some("done"),
    ),
    (
        "Trung tâm Y tế quận Nam Từ Liêm",
        "Truy vết, cách ly, lấy mẫu xét nghiệm các trường hợp F0, F1 và người về từ vùng dịch",
        Some("done"),
    ),
    (
        "Công an quận Nam Từ Liêm",
        "Duy trì các chốt kiểm soát và tuần tra, kiểm tra giấy đi đường theo Công văn 2434, xử lý người ra đường không có lý do chính đáng",
        Some("in_progress"),
    ),
    (
        "Ban Chỉ huy Quân sự quận Nam Từ Liêm",
        "Vận hành khu cách ly tập trung do quân sự quản lý, bảo đảm sẵn sàng tiếp nhận",
        Some("done"),
    ),
    (
        "Phòng Nội vụ quận Nam Từ Liêm",
        "Tham mưu khen thưởng, kỷ luật tập thể, cá nhân theo kết quả thực hiện Chỉ thị 17/CT-UBND",
        None,
    ),
];

/// Loads the chain unless 428-TB/TU is already there. Returns whether it did.
pub async fn load(db: &PgPool, actor: &Actor) -> anyhow::Result<bool> {
    let present: bool = sqlx::query_scalar!(
        r#"select exists (select 1 from directives where number = '428-TB/TU') as "e!""#
    )
    .fetch_one(db)
    .await?;
    if present {
        return Ok(false);
    }
    let (Some(city), Some(ntl)) = (area_ref(db, "01").await?, area_ref(db, "019").await?) else {
        return Ok(false);
    };
    let districts: Vec<String> =
        sqlx::query_scalar!("select code from areas where parent_code = '01' order by code")
            .fetch_all(db)
            .await?;
    let wards: Vec<String> =
        sqlx::query_scalar!("select code from areas where parent_code = '019' order by code")
            .fetch_all(db)
            .await?;
    // Each text is written at the hour it was issued, as far as the log goes.
    let at = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(3, 0, 0).unwrap_or_default());
    let directive =
        |issuer: &AreaRef, body, number: &str, kind, title: &str, issued_on| DirectiveValues {
            issuer: issuer.clone(),
            number: number.into(),
            kind,
            title: title.into(),
            summary: String::new(),
            issued_on,
            effective_from: None,
            effective_to: None,
            due_on: None,
            targets: districts.clone(),
            implements_id: None,
            body,
            body_unit: None,
            cited_ids: Vec::new(),
        };
    let mut d17 = directive(
        &city,
        Body::PeopleCommittee,
        "17/CT-UBND",
        DirectiveKind::Directive,
        "Về việc thực hiện giãn cách xã hội trên địa bàn thành phố Hà Nội để phòng, chống dịch COVID-19",
        day(7, 23),
    );
    d17.summary = "Giãn cách xã hội toàn thành phố từ 6 giờ ngày 24/7/2021 trong 15 ngày; người dân chỉ ra ngoài khi thật sự cần thiết.".into();
    d17.effective_from = Some(day(7, 24));
    d17.effective_to = Some(day(8, 8));
    let id17 = save(
        db,
        actor,
        at(day(7, 23)),
        Write::<DirectiveRow>::Create,
        &d17,
    )
    .await?;
    let mut d2434 = directive(
        &city,
        Body::PeopleCommittee,
        "2434/UBND-KGVX",
        DirectiveKind::Letter,
        "Về việc cấp giấy đi đường trong thời gian giãn cách xã hội",
        day(7, 26),
    );
    d2434.summary =
        "Hướng dẫn cấp và kiểm tra giấy đi đường khi thực hiện Chỉ thị 17/CT-UBND.".into();
    let id2434 = save(
        db,
        actor,
        at(day(7, 26)),
        Write::<DirectiveRow>::Create,
        &d2434,
    )
    .await?;
    let mut d428 = directive(
        &city,
        Body::PartyCommittee,
        "428-TB/TU",
        DirectiveKind::Conclusion,
        "Kết luận của Ban Thường vụ Thành ủy về tăng cường các biện pháp phòng, chống dịch COVID-19",
        day(7, 27),
    );
    d428.summary = "Thực hiện nghiêm Chỉ thị 17/CT-UBND; lấy hiệu quả thực hiện Chỉ thị 17 làm thước đo trách nhiệm của người đứng đầu.".into();
    d428.implements_id = Some(id17);
    let id428 = save(
        db,
        actor,
        at(day(7, 27)),
        Write::<DirectiveRow>::Create,
        &d428,
    )
    .await?;
    let mut d1862 = directive(
        &ntl,
        Body::PeopleCommittee,
        "1862/UBND",
        DirectiveKind::Plan,
        "Triển khai thực hiện Thông báo kết luận số 428-TB/TU của Thành ủy",
        day(7, 29),
    );
    d1862.targets = wards.clone();
    d1862.implements_id = Some(id428);
    d1862.cited_ids = vec![id2434];
    d1862.due_on = Some(day(8, 6));
    let id1862 = save(
        db,
        actor,
        at(day(7, 29)),
        Write::<DirectiveRow>::Create,
        &d1862,
    )
    .await?;

    let mut tasks: Vec<(Assignee, String, String, Option<&str>)> = Vec::new();
    for (name, what, status) in DEPARTMENT_TASKS {
        let unit: Option<i64> = sqlx::query_scalar!(
            "select id from units where area_code = '019' and name = $1",
            name
        )
        .fetch_optional(db)
        .await?;
        if let Some(unit) = unit {
            tasks.push((Assignee::Unit(unit), "019".into(), what.into(), status));
        }
    }
    // The ward chairmen: the demo leaves two wards behind.
    for (i, ward) in wards.iter().enumerate() {
        let status = if i % 5 == 1 {
            Some("in_progress")
        } else {
            Some("done")
        };
        tasks.push((
            Assignee::Area(ward.clone()),
            ward.clone(),
            "Chủ tịch UBND phường kiểm tra việc chấp hành Chỉ thị 17/CT-UBND tại mọi cơ sở sản xuất, kinh doanh trên địa bàn; xử lý nghiêm vi phạm".into(),
            status,
        ));
    }
    for (assignee, owner_code, what, status) in tasks {
        let v = TaskValues {
            directive_id: id1862,
            issuer: ntl.clone(),
            by_code: None,
            assignee,
            owner_code,
            what,
            due_on: Some(day(8, 6)),
        };
        let id = save(db, actor, at(day(7, 29)), Write::<TaskRow>::Create, &v).await?;
        if let Some(status) = status {
            record_report(db, actor, None, at(day(8, 5)), id, status, "", day(8, 5)).await?;
        }
    }
    Ok(true)
}
