//! The translation catalogue and the formats of numbers and dates.
//! Vietnamese is the default; every label shown to a user comes from here.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Tiếng Việt, the default.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// Reads a language code; anything unknown is `None`.
    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Self::Vi),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The code used in cookies, URLs and `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }

    /// The other language, for the switch in the page header.
    pub fn other(self) -> Self {
        match self {
            Self::Vi => Self::En,
            Self::En => Self::Vi,
        }
    }

    /// The text for `key` in this language; the key itself when missing
    /// (a test checks every key used by the templates and the code exists).
    pub fn t(self, key: &str) -> &str {
        match CATALOGUE_INDEX.get(key) {
            Some(&(vi, en)) => match self {
                Self::Vi => vi,
                Self::En => en,
            },
            None => {
                tracing::warn!(key, "missing translation");
                key
            }
        }
    }

    /// `key`'s text with `{}` replaced, in order, by `args`.
    pub fn tf(self, key: &str, args: &[&str]) -> String {
        let mut out = String::new();
        let mut args = args.iter();
        let mut parts = self.t(key).split("{}").peekable();
        while let Some(part) = parts.next() {
            out.push_str(part);
            if parts.peek().is_some() {
                out.push_str(args.next().copied().unwrap_or(""));
            }
        }
        out
    }

    /// An integer with thousands grouped: "1.416" in Vietnamese, "1,416" in English.
    pub fn int(self, n: i64) -> String {
        let sep = match self {
            Self::Vi => '.',
            Self::En => ',',
        };
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }

    /// A day as dd/mm/yyyy (both languages, as the command centres write it).
    pub fn date(self, d: NaiveDate) -> String {
        d.format("%d/%m/%Y").to_string()
    }

    /// An instant as dd/mm/yyyy HH:MM in Hà Nội time.
    pub fn datetime(self, at: DateTime<Utc>) -> String {
        at.with_timezone(&Ho_Chi_Minh)
            .format("%d/%m/%Y %H:%M")
            .to_string()
    }
}

static CATALOGUE_INDEX: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| CATALOGUE.iter().map(|&(k, vi, en)| (k, (vi, en))).collect());

/// Every label: key, Vietnamese, English.
pub const CATALOGUE: &[(&str, &str, &str)] = &[
    // Layout
    ("app.name", "Vùng Xanh", "Vùng Xanh"),
    (
        "app.tagline",
        "Hệ thống chỉ huy phòng, chống dịch COVID-19",
        "COVID-19 command-centre dashboard",
    ),
    ("nav.areas", "Địa bàn", "Areas"),
    ("nav.users", "Người dùng", "Users"),
    ("nav.audit", "Nhật ký", "Audit log"),
    ("nav.sign_in", "Đăng nhập", "Sign in"),
    ("nav.sign_out", "Đăng xuất", "Sign out"),
    ("nav.switch_lang", "English", "Tiếng Việt"),
    ("nav.skip", "Bỏ qua, tới nội dung", "Skip to content"),
    ("common.save", "Lưu", "Save"),
    ("common.cancel", "Huỷ", "Cancel"),
    ("common.search", "Tìm", "Search"),
    ("common.none", "Không có", "None"),
    ("common.yes", "Có", "Yes"),
    ("common.no", "Không", "No"),
    ("common.back", "Quay lại", "Back"),
    ("common.filter", "Lọc", "Filter"),
    ("common.all", "Tất cả", "All"),
    ("common.from", "Từ ngày", "From"),
    ("common.to", "Đến ngày", "To"),
    ("common.unknown", "Chưa có", "Not set"),
    ("common.previous", "Trang trước", "Previous"),
    ("common.next", "Trang sau", "Next"),
    (
        "common.form_has_errors",
        "Biểu mẫu có lỗi, xin xem các ô được đánh dấu.",
        "The form has errors; see the marked fields.",
    ),
    // Levels of areas
    ("level.city", "Thành phố", "City"),
    ("level.district", "Quận/Huyện", "District"),
    ("level.commune", "Phường/Xã", "Commune"),
    // Areas
    ("areas.title", "Địa bàn", "Areas"),
    ("areas.code", "Mã", "Code"),
    ("areas.name", "Tên", "Name"),
    ("areas.level", "Cấp", "Level"),
    ("areas.population", "Dân số", "Population"),
    (
        "areas.children_count",
        "Số đơn vị trực thuộc",
        "Units under it",
    ),
    ("areas.under", "Trực thuộc", "Under"),
    (
        "areas.districts_of",
        "Quận, huyện, thị xã của {}",
        "Districts of {}",
    ),
    (
        "areas.communes_of",
        "Phường, xã, thị trấn của {}",
        "Communes of {}",
    ),
    (
        "areas.summary",
        "{} quận/huyện/thị xã, {} phường/xã/thị trấn",
        "{} districts, {} communes",
    ),
    (
        "areas.search_placeholder",
        "Tên địa bàn, có dấu hoặc không dấu",
        "Area name, with or without diacritics",
    ),
    (
        "areas.search_results",
        "Kết quả tìm kiếm cho “{}”",
        "Search results for “{}”",
    ),
    (
        "areas.no_results",
        "Không tìm thấy địa bàn nào.",
        "No area found.",
    ),
    ("areas.edit_population", "Sửa dân số", "Edit population"),
    (
        "areas.population_saved",
        "Đã lưu dân số.",
        "Population saved.",
    ),
    // Units
    ("unit.Thành phố", "Thành phố", "City"),
    ("unit.Tỉnh", "Tỉnh", "Province"),
    ("unit.Quận", "Quận", "Urban district"),
    ("unit.Huyện", "Huyện", "Rural district"),
    ("unit.Thị xã", "Thị xã", "Town"),
    ("unit.Thành phố thuộc tỉnh", "Thành phố", "Provincial city"),
    ("unit.Phường", "Phường", "Ward"),
    ("unit.Xã", "Xã", "Commune"),
    ("unit.Thị trấn", "Thị trấn", "Township"),
    // Roles
    ("role.commune", "Cán bộ phường/xã", "Commune official"),
    (
        "role.district",
        "Ban chỉ đạo quận/huyện",
        "District command centre",
    ),
    ("role.city", "Sở chỉ huy thành phố", "City command centre"),
    ("role.admin", "Quản trị hệ thống", "Administrator"),
    // Sign in
    ("auth.sign_in_title", "Đăng nhập", "Sign in"),
    ("auth.username", "Tên đăng nhập", "Username"),
    ("auth.password", "Mật khẩu", "Password"),
    ("auth.submit", "Đăng nhập", "Sign in"),
    (
        "auth.bad_credentials",
        "Tên đăng nhập hoặc mật khẩu không đúng.",
        "Wrong username or password.",
    ),
    (
        "auth.rate_limited",
        "Đăng nhập sai quá nhiều lần. Xin thử lại sau {} phút.",
        "Too many failed sign-ins. Try again in {} minutes.",
    ),
    (
        "auth.signed_out",
        "Bạn đã đăng xuất.",
        "You have signed out.",
    ),
    ("auth.signed_in_as", "Đăng nhập: {}", "Signed in as {}"),
    // Users
    ("users.title", "Người dùng", "Users"),
    ("users.new", "Thêm người dùng", "Add a user"),
    ("users.edit", "Sửa người dùng", "Edit user"),
    ("users.username", "Tên đăng nhập", "Username"),
    ("users.display_name", "Họ tên", "Full name"),
    ("users.password", "Mật khẩu", "Password"),
    (
        "users.password_hint",
        "Ít nhất 10 ký tự.",
        "At least 10 characters.",
    ),
    ("users.role", "Vai trò", "Role"),
    ("users.area", "Địa bàn (mã)", "Area (code)"),
    ("users.status", "Trạng thái", "Status"),
    ("users.active", "Đang hoạt động", "Active"),
    ("users.disabled", "Đã khoá", "Disabled"),
    ("users.disable", "Khoá", "Disable"),
    ("users.enable", "Mở khoá", "Enable"),
    ("users.created", "Đã tạo người dùng {}.", "User {} created."),
    ("users.saved", "Đã lưu người dùng {}.", "User {} saved."),
    ("users.created_at", "Ngày tạo", "Created"),
    // Audit
    ("audit.title", "Nhật ký thay đổi", "Audit log"),
    ("audit.at", "Thời điểm", "When"),
    ("audit.user", "Người thực hiện", "Who"),
    ("audit.area", "Địa bàn", "Area"),
    ("audit.action", "Thao tác", "Action"),
    ("audit.entity", "Đối tượng", "Record"),
    ("audit.old", "Giá trị cũ", "Old value"),
    ("audit.new", "Giá trị mới", "New value"),
    ("audit.empty", "Chưa có thay đổi nào.", "No changes yet."),
    ("audit.filter_user", "Tên đăng nhập", "Username"),
    ("audit.filter_area", "Mã địa bàn", "Area code"),
    // Validation
    ("err.required", "Không được để trống.", "Required."),
    (
        "err.too_long",
        "Quá dài (tối đa {} ký tự).",
        "Too long (at most {} characters).",
    ),
    (
        "err.username_format",
        "Chỉ gồm chữ thường không dấu, số, dấu chấm, gạch; 3–64 ký tự.",
        "Lower-case letters, digits, dot, dash or underscore; 3–64 characters.",
    ),
    (
        "err.username_taken",
        "Tên đăng nhập đã có người dùng.",
        "That username is taken.",
    ),
    (
        "err.password_short",
        "Mật khẩu phải có ít nhất 10 ký tự.",
        "The password needs at least 10 characters.",
    ),
    (
        "err.unknown_area",
        "Không có địa bàn với mã này.",
        "No area has this code.",
    ),
    (
        "err.role_area_mismatch",
        "Vai trò này phải gắn với địa bàn cấp {}.",
        "This role must belong to an area of level {}.",
    ),
    ("err.bad_role", "Vai trò không hợp lệ.", "Invalid role."),
    (
        "err.json_data",
        "Dữ liệu JSON sai kiểu hoặc thiếu trường: {}",
        "The JSON has a wrong type or a missing field: {}",
    ),
    (
        "err.not_a_number",
        "Phải là số nguyên không âm.",
        "Must be a whole number, not negative.",
    ),
    // Error pages
    ("error.title", "Có lỗi", "Something went wrong"),
    (
        "error.400",
        "Yêu cầu không hợp lệ.",
        "The request is not valid.",
    ),
    (
        "error.401",
        "Xin đăng nhập để tiếp tục.",
        "Please sign in to continue.",
    ),
    (
        "error.403",
        "Bạn không có quyền truy cập nội dung này.",
        "You are not allowed to see or change this.",
    ),
    (
        "error.403_csrf",
        "Biểu mẫu đã hết hạn hoặc không hợp lệ. Xin tải lại trang và gửi lại.",
        "The form has expired or is not valid. Reload the page and send it again.",
    ),
    (
        "error.404",
        "Không tìm thấy trang hoặc dữ liệu yêu cầu.",
        "The page or record was not found.",
    ),
    (
        "error.409",
        "Dữ liệu đã bị người khác thay đổi hoặc bị trùng.",
        "The record was changed by someone else or already exists.",
    ),
    (
        "error.413",
        "Dữ liệu gửi lên quá lớn.",
        "What was sent is too large.",
    ),
    (
        "error.422",
        "Dữ liệu không hợp lệ.",
        "Some values are not valid.",
    ),
    (
        "error.429",
        "Quá nhiều yêu cầu. Xin thử lại sau.",
        "Too many requests. Try again later.",
    ),
    (
        "error.500",
        "Hệ thống gặp lỗi. Sự cố đã được ghi lại; xin thử lại sau ít phút.",
        "The system hit an error. It has been logged; please try again in a few minutes.",
    ),
    (
        "error.503",
        "Cơ sở dữ liệu tạm thời không truy cập được. Dữ liệu của bạn chưa được lưu; xin thử lại sau ít phút.",
        "The database is unreachable for now. Nothing was saved; please try again in a few minutes.",
    ),
    ("error.home", "Về trang chủ", "Back to the home page"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_thousands_with_a_dot_in_vietnamese_and_a_comma_in_english() {
        assert_eq!(Lang::Vi.int(1416), "1.416");
        assert_eq!(Lang::En.int(1416), "1,416");
        assert_eq!(Lang::Vi.int(8_053_663), "8.053.663");
        assert_eq!(Lang::Vi.int(999), "999");
        assert_eq!(Lang::Vi.int(0), "0");
        assert_eq!(Lang::Vi.int(-1234), "-1.234");
    }

    #[test]
    fn dates_read_day_month_year() {
        let d = NaiveDate::from_ymd_opt(2021, 7, 5).unwrap();
        assert_eq!(Lang::Vi.date(d), "05/07/2021");
        assert_eq!(Lang::En.date(d), "05/07/2021");
    }

    #[test]
    fn placeholders_are_filled_in_order() {
        assert_eq!(
            Lang::En.tf("areas.summary", &["30", "579"]),
            "30 districts, 579 communes"
        );
        assert_eq!(
            Lang::Vi.tf("areas.summary", &["30", "579"]),
            "30 quận/huyện/thị xã, 579 phường/xã/thị trấn"
        );
    }

    #[test]
    fn the_catalogue_has_no_duplicate_keys_and_every_text_is_non_empty() {
        let mut seen = std::collections::HashSet::new();
        for (k, vi, en) in CATALOGUE {
            assert!(seen.insert(k), "duplicate key {k}");
            assert!(!vi.is_empty() && !en.is_empty(), "empty text for {k}");
        }
    }

    /// Every `t("…")` / `tf("…"` in templates and code names a catalogue key.
    #[test]
    fn every_key_used_in_templates_and_code_is_in_the_catalogue() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["templates", "src"] {
            collect(&root.join(dir), &mut files);
        }
        let mut missing = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for pat in ["t(\"", "tf(\""] {
                for (i, _) in text.match_indices(pat) {
                    let rest = &text[i + pat.len()..];
                    let key = &rest[..rest.find('"').unwrap()];
                    if key.contains('.') && !CATALOGUE_INDEX.contains_key(key) {
                        missing.push(format!("{}: {key}", f.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from the catalogue: {missing:#?}"
        );
    }

    fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                collect(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}
