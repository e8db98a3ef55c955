//! Who issues a directive and who carries out its tasks, named as Vietnamese
//! documents name them: "Thành ủy Hà Nội", "UBND quận Nam Từ Liêm",
//! "Công an quận Nam Từ Liêm". The names are proper nouns and stay Vietnamese
//! in English pages too (as the documents themselves are cited).

use crate::domain::area::Level;
use crate::domain::vocab::{Body, UnitKind};

/// The unit types an area's name starts with, longest first.
const UNIT_TYPES: [&str; 7] = [
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Quận",
    "Huyện",
    "Phường",
    "Xã",
];

/// An area's name split into its unit type and its proper name
/// ("Quận Nam Từ Liêm" → ("Quận", "Nam Từ Liêm")); a name without a known
/// unit type is all proper name.
pub fn split_name(name: &str) -> (&str, &str) {
    for t in UNIT_TYPES {
        if let Some(rest) = name.strip_prefix(t)
            && let Some(rest) = rest.strip_prefix(' ')
        {
            return (t, rest);
        }
    }
    ("", name)
}

/// The area's name as it reads after a body's name: the unit type in lower
/// case ("quận Nam Từ Liêm", "thành phố Hà Nội").
pub fn of_area(name: &str) -> String {
    match split_name(name) {
        ("", proper) => proper.to_string(),
        (t, proper) => format!("{} {proper}", t.to_lowercase()),
    }
}

/// The usual name of `body` of the area called `area_name`; a department
/// goes by its own name (`unit_name`).
pub fn body_name(body: Body, area_name: &str, level: Level, unit_name: Option<&str>) -> String {
    let (t, proper) = split_name(area_name);
    match body {
        Body::PeopleCommittee => format!("UBND {}", of_area(area_name)),
        Body::PartyCommittee => match (level, t) {
            (Level::City, "Thành phố") => format!("Thành ủy {proper}"),
            (Level::City, _) => format!("Tỉnh ủy {proper}"),
            (Level::District, "Quận") => format!("Quận ủy {proper}"),
            (Level::District, "Huyện") => format!("Huyện ủy {proper}"),
            (Level::District, "Thị xã") => format!("Thị ủy {proper}"),
            (Level::District, _) => format!("Thành ủy {proper}"),
            (Level::Commune, _) => format!("Đảng ủy {}", of_area(area_name)),
        },
        Body::Command => format!(
            "Ban Chỉ đạo phòng, chống dịch COVID-19 {}",
            of_area(area_name)
        ),
        Body::Department => unit_name.unwrap_or(area_name).to_string(),
    }
}

/// The departments and forces an area usually has, with their usual names:
/// what a new area starts with (the administrator keeps the list after).
pub fn usual_units(area_name: &str, level: Level) -> Vec<(UnitKind, String)> {
    let of = of_area(area_name);
    let (_, proper) = split_name(area_name);
    match level {
        Level::City => vec![
            (UnitKind::HealthOffice, format!("Sở Y tế {proper}")),
            (
                UnitKind::HealthCentre,
                format!("Trung tâm Kiểm soát bệnh tật {proper}"),
            ),
            (UnitKind::Police, format!("Công an {of}")),
            (UnitKind::Military, format!("Bộ Tư lệnh Thủ đô {proper}")),
            (UnitKind::HomeAffairs, format!("Sở Nội vụ {proper}")),
            (
                UnitKind::CultureCentre,
                format!("Sở Văn hóa và Thể thao {proper}"),
            ),
        ],
        Level::District => vec![
            (UnitKind::HealthOffice, format!("Phòng Y tế {of}")),
            (UnitKind::HealthCentre, format!("Trung tâm Y tế {of}")),
            (UnitKind::Police, format!("Công an {of}")),
            (UnitKind::Military, format!("Ban Chỉ huy Quân sự {of}")),
            (UnitKind::HomeAffairs, format!("Phòng Nội vụ {of}")),
            (
                UnitKind::CultureCentre,
                format!("Trung tâm Văn hóa - Thông tin và Thể thao {of}"),
            ),
        ],
        Level::Commune => vec![
            (UnitKind::HealthCentre, format!("Trạm Y tế {of}")),
            (UnitKind::Police, format!("Công an {of}")),
            (UnitKind::Military, format!("Ban Chỉ huy Quân sự {of}")),
            (UnitKind::CommunityTeam, format!("Tổ COVID cộng đồng {of}")),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_read_as_the_documents_name_them() {
        let hn = "Thành phố Hà Nội";
        let ntl = "Quận Nam Từ Liêm";
        assert_eq!(
            body_name(Body::PartyCommittee, hn, Level::City, None),
            "Thành ủy Hà Nội"
        );
        assert_eq!(
            body_name(Body::PeopleCommittee, hn, Level::City, None),
            "UBND thành phố Hà Nội"
        );
        assert_eq!(
            body_name(Body::PeopleCommittee, ntl, Level::District, None),
            "UBND quận Nam Từ Liêm"
        );
        assert_eq!(
            body_name(
                Body::PartyCommittee,
                "Huyện Thanh Trì",
                Level::District,
                None
            ),
            "Huyện ủy Thanh Trì"
        );
        assert_eq!(
            body_name(
                Body::PartyCommittee,
                "Phường Mỹ Đình 1",
                Level::Commune,
                None
            ),
            "Đảng ủy phường Mỹ Đình 1"
        );
        assert_eq!(
            body_name(
                Body::Department,
                ntl,
                Level::District,
                Some("Phòng Y tế quận Nam Từ Liêm")
            ),
            "Phòng Y tế quận Nam Từ Liêm"
        );
    }

    #[test]
    fn a_district_starts_with_its_usual_departments() {
        let units = usual_units("Quận Nam Từ Liêm", Level::District);
        let names: Vec<&str> = units.iter().map(|(_, n)| n.as_str()).collect();
        assert!(names.contains(&"Công an quận Nam Từ Liêm"));
        assert!(names.contains(&"Trung tâm Y tế quận Nam Từ Liêm"));
        assert!(names.contains(&"Ban Chỉ huy Quân sự quận Nam Từ Liêm"));
        let ward = usual_units("Phường Cầu Diễn", Level::Commune);
        assert!(ward.iter().any(
            |(k, n)| *k == UnitKind::CommunityTeam && n == "Tổ COVID cộng đồng phường Cầu Diễn"
        ));
    }
}
