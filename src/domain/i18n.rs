//! The translation catalogue and the formats of numbers and dates.
//! Vietnamese is the default; every label shown to a user comes from here.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;

/// A language of the interface.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
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

    /// The text for `key` if the catalogue has it.
    pub fn lookup(self, key: &str) -> Option<&'static str> {
        CATALOGUE_INDEX.get(key).map(|&(vi, en)| match self {
            Self::Vi => vi,
            Self::En => en,
        })
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

    /// A count that may be unknown: grouped, or "Chưa có" (never 0).
    pub fn opt_int(self, n: Option<i64>) -> String {
        match n {
            Some(n) => self.int(n),
            None => self.t("common.unknown").to_string(),
        }
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
    ("nav.menu", "Trình đơn", "Menu"),
    ("entry.title", "Việc cần làm", "To do"),
    ("entry.daily", "Báo cáo ngày", "Daily report"),
    (
        "entry.directives",
        "Văn bản cần báo cáo ({})",
        "Directives to answer ({})",
    ),
    (
        "rec.save_and_add",
        "Lưu và thêm ca khác",
        "Save and add another",
    ),
    (
        "rec.choose_commune",
        "— Chọn phường/xã —",
        "— Choose a commune —",
    ),
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
    ("audit.what", "Việc đã làm", "What happened"),
    ("audit.changes", "Thay đổi", "Changes"),
    ("audit.did.create", "đã thêm", "added"),
    ("audit.did.update", "đã sửa", "changed"),
    ("audit.did.void", "đã hủy", "voided"),
    ("audit.did.report", "đã báo cáo về", "reported on"),
    ("audit.did.revoke", "đã thu hồi", "revoked"),
    ("audit.did.sign_in", "đã đăng nhập", "signed in"),
    ("audit.did.sign_out", "đã đăng xuất", "signed out"),
    ("audit.did.declare", "đã công bố", "declared"),
    ("audit.did.withdraw", "đã rút công bố", "withdrew"),
    ("audit.of.case", "ca bệnh", "case"),
    ("audit.of.cluster", "chùm ca bệnh", "cluster"),
    ("audit.of.quarantine_site", "khu cách ly", "quarantine site"),
    ("audit.of.checkpoint", "chốt kiểm soát", "checkpoint"),
    (
        "audit.of.checkpoint_report",
        "báo cáo ca trực của chốt",
        "checkpoint shift report",
    ),
    ("audit.of.directive", "văn bản", "directive"),
    ("audit.of.task", "nhiệm vụ", "task"),
    ("audit.of.unit", "phòng, ban", "department"),
    ("audit.of.daily_report", "báo cáo ngày", "daily report"),
    ("audit.of.user", "người dùng", "user"),
    ("audit.of.area", "địa bàn", "area"),
    ("audit.of.zone", "vùng dịch của", "the zone of"),
    ("audit.of.api_token", "mã truy cập API", "API token"),
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
    // Form checks
    (
        "err.control_chars",
        "Có ký tự không hợp lệ.",
        "Contains characters that are not allowed.",
    ),
    (
        "err.cursor",
        "Liên kết trang không hợp lệ hoặc không thuộc danh sách này; hãy quay về trang đầu.",
        "This page link is not valid or belongs to another list; go back to the first page.",
    ),
    (
        "err.date_format",
        "Không phải ngày hợp lệ (dd/mm/yyyy).",
        "Not a date (dd/mm/yyyy).",
    ),
    (
        "err.date_too_early",
        "Ngày quá sớm (trước năm 2019).",
        "Too early (before 2019).",
    ),
    (
        "err.date_too_late",
        "Ngày quá xa (sau {}).",
        "Too far ahead (after {}).",
    ),
    (
        "err.bidi_chars",
        "Có ký tự đảo chiều văn bản (U+202A–U+202E, U+2066–U+2069) không được phép.",
        "Contains text-direction override characters (U+202A–U+202E, U+2066–U+2069), which are not allowed.",
    ),
    (
        "err.date_in_future",
        "Ngày không được ở tương lai.",
        "The date cannot be in the future.",
    ),
    (
        "err.date_before_detected",
        "Không được trước ngày phát hiện.",
        "Cannot be before the date detected.",
    ),
    (
        "err.date_order",
        "Ngày kết thúc phải sau ngày bắt đầu.",
        "The end date must come after the start.",
    ),
    (
        "err.out_of_range",
        "Phải từ {} đến {}.",
        "Must be from {} to {}.",
    ),
    (
        "err.bad_choice",
        "Không phải giá trị được phép.",
        "Not one of the allowed values.",
    ),
    (
        "err.case_code_format",
        "Mã ca bệnh gồm chữ in hoa và số, ví dụ BN123456.",
        "Case codes are capital letters and digits, e.g. BN123456.",
    ),
    (
        "err.case_code_taken",
        "Mã ca bệnh này đã có.",
        "This case code already exists.",
    ),
    (
        "err.not_your_area",
        "Địa bàn này không thuộc quyền của bạn.",
        "This area is outside your jurisdiction.",
    ),
    (
        "err.cluster_has_cases",
        "Chùm ca bệnh đã có ca F0 nên không thể chuyển sang phường/xã khác.",
        "This cluster has cases, so it cannot move to another commune.",
    ),
    (
        "err.unknown_area_name",
        "Không tìm thấy địa bàn này trong phạm vi của bạn; gõ tên hoặc mã rồi chọn trong gợi ý.",
        "No such area in your jurisdiction; type a name or code and pick a suggestion.",
    ),
    (
        "err.ambiguous_area_name",
        "Có nhiều địa bàn trùng tên này; hãy chọn trong gợi ý hoặc gõ mã.",
        "Several areas have this name; pick a suggestion or type the code.",
    ),
    (
        "err.not_a_commune",
        "Phải là mã một phường/xã.",
        "Must be the code of a commune.",
    ),
    (
        "err.unknown_cluster",
        "Không có chùm ca bệnh này ở phường/xã đã chọn.",
        "No such cluster in the chosen commune.",
    ),
    (
        "err.occupancy_over_capacity",
        "Số người đang cách ly không được vượt sức chứa.",
        "Occupancy cannot exceed capacity.",
    ),
    (
        "err.phone_format",
        "Số điện thoại chỉ gồm chữ số, dấu cách và +.",
        "Phone numbers are digits, spaces and +.",
    ),
    (
        "err.stale",
        "Bản ghi đã được người khác sửa trong lúc bạn sửa. Giá trị hiện tại được ghi bên dưới; dữ liệu bạn nhập vẫn còn nguyên — xem lại rồi lưu lần nữa.",
        "Someone else changed this record while you were editing. The current values are shown below; your input is kept — check it and save again.",
    ),
    (
        "err.version_required",
        "Thiếu phiên bản bản ghi đã đọc.",
        "The version read last is missing.",
    ),
    (
        "err.number_taken",
        "Số văn bản này đã có.",
        "This document number already exists.",
    ),
    (
        "err.target_not_under_issuer",
        "Địa bàn nhận phải trực thuộc đơn vị ban hành.",
        "Targets must lie under the issuing area.",
    ),
    (
        "err.unknown_directive",
        "Không có văn bản này.",
        "No such directive.",
    ),
    (
        "err.not_a_target",
        "Địa bàn này không phải đơn vị nhận văn bản.",
        "This area is not a target of the directive.",
    ),
    (
        "err.unit_taken",
        "Địa bàn này đã có đơn vị cùng tên.",
        "This area already has a unit of that name.",
    ),
    (
        "err.parent_not_above",
        "Chỉ triển khai văn bản của chính địa bàn mình hoặc của cấp trên.",
        "A directive implements only one issued by its own area or an area above it.",
    ),
    (
        "err.before_parent",
        "Văn bản triển khai không thể ban hành trước văn bản được triển khai.",
        "A follow-up cannot be dated before the directive it implements.",
    ),
    (
        "err.cycle",
        "Dẫn chiếu này tạo thành vòng lặp giữa các văn bản.",
        "This reference would make the directives refer to each other in a loop.",
    ),
    (
        "err.unit_not_of_issuer",
        "Đơn vị này không thuộc địa bàn ban hành.",
        "This department does not belong to the issuing area.",
    ),
    (
        "err.assignee",
        "Giao cho một địa bàn trực thuộc hoặc một phòng, ban của đơn vị ban hành.",
        "Assign to an area under the issuer or a department of the issuer's area.",
    ),
    (
        "err.void_reason",
        "Cần ghi lý do huỷ.",
        "A reason is needed to void.",
    ),
    (
        "err.already_voided",
        "Bản ghi đã bị huỷ.",
        "The record is already voided.",
    ),
    // Records, shared
    ("rec.new", "Thêm mới", "Add"),
    ("rec.edit", "Sửa", "Edit"),
    ("rec.show", "Xem", "View"),
    ("rec.area", "Địa bàn", "Area"),
    ("rec.commune", "Phường/Xã", "Commune"),
    ("rec.district", "Quận/Huyện", "District"),
    ("rec.version", "Phiên bản", "Version"),
    ("rec.export_csv", "Xuất CSV", "Export CSV"),
    ("rec.export_xlsx", "Xuất Excel", "Export Excel"),
    ("rec.total", "Tổng số: {}", "Total: {}"),
    ("rec.total_over", "Tổng số: hơn {}", "Total: more than {}"),
    ("rec.first_page", "Trang đầu", "First page"),
    ("rec.page_n", "Trang {}", "Page {}"),
    ("rec.saved", "Đã lưu.", "Saved."),
    ("rec.created", "Đã thêm.", "Added."),
    (
        "rec.current_values",
        "Giá trị hiện tại trong hệ thống",
        "Current values in the system",
    ),
    ("rec.none_yet", "Chưa có bản ghi nào.", "No records yet."),
    (
        "rec.include_voided",
        "Gồm cả bản ghi đã huỷ",
        "Include voided records",
    ),
    ("rec.voided", "Đã huỷ", "Voided"),
    ("rec.void", "Huỷ bản ghi", "Void this record"),
    ("rec.void_reason", "Lý do huỷ", "Reason for voiding"),
    ("rec.voided_on", "Đã huỷ lúc {}: {}", "Voided on {}: {}"),
    ("rec.history", "Lịch sử", "History"),
    ("nav.cases", "Ca bệnh", "Cases"),
    ("nav.clusters", "Chùm ca bệnh", "Clusters"),
    ("nav.sites", "Khu cách ly", "Quarantine sites"),
    ("nav.checkpoints", "Chốt kiểm soát", "Checkpoints"),
    ("nav.directives", "Văn bản chỉ đạo", "Directives"),
    ("nav.lockdowns", "Phong tỏa", "Lockdowns"),
    ("nav.testing", "Xét nghiệm", "Testing"),
    ("nav.hotlines", "Đường dây nóng", "Hotlines"),
    ("nav.duty", "Trực ban", "Duty roster"),
    ("nav.public", "Trang công khai", "Public page"),
    (
        "public.title",
        "Tình hình dịch COVID-19 — thông tin công khai",
        "COVID-19 situation — public information",
    ),
    (
        "public.intro",
        "Cấp độ dịch và vùng đỏ/xanh của từng quận, huyện, phường, xã; số đường dây nóng và cán bộ trực hôm nay. Không có thông tin cá nhân.",
        "The epidemic level and red/green status of every district and commune; their hotlines and today's duty officers. No personal data.",
    ),
    ("public.hotlines", "Đường dây nóng", "Hotlines"),
    ("public.duty_today", "Trực ban hôm nay", "On duty today"),
    ("public.none", "Chưa công bố", "Not published"),
    ("public.districts", "Quận, huyện, thị xã", "Districts"),
    ("public.commune", "Phường, xã, thị trấn", "Commune"),
    ("public.city_contacts", "Thành phố", "City"),
    ("public.sign_in", "Cán bộ đăng nhập", "Officials sign in"),
    (
        "public.too_many",
        "Quá nhiều yêu cầu từ địa chỉ này. Vui lòng thử lại sau một phút.",
        "Too many requests from this address. Please try again in a minute.",
    ),
    ("rec.note", "Ghi chú", "Note"),
    (
        "lockdowns.title",
        "Khu vực phong tỏa, cách ly y tế",
        "Lockdown areas",
    ),
    (
        "lockdowns.new",
        "Thêm khu vực phong tỏa",
        "Add a lockdown area",
    ),
    (
        "lockdowns.edit",
        "Sửa khu vực phong tỏa",
        "Edit lockdown area",
    ),
    ("lockdowns.name", "Tên hoặc địa chỉ", "Name or address"),
    ("lockdowns.kind", "Loại", "Kind"),
    ("lockdowns.started_on", "Bắt đầu từ ngày", "Started on"),
    (
        "lockdowns.households",
        "Số hộ bên trong",
        "Households inside",
    ),
    ("lockdowns.people", "Số người bên trong", "People inside"),
    (
        "lockdowns.cluster_id",
        "Chùm ca bệnh bên trong",
        "Cluster inside",
    ),
    ("lockdowns.status", "Trạng thái", "Status"),
    ("lockdowns.lifted_on", "Dỡ bỏ ngày", "Lifted on"),
    ("lockdowns.active", "Đang phong tỏa", "Active"),
    (
        "enum.lockdown_kind.isolation_area",
        "Vùng cách ly y tế",
        "Medical isolation area",
    ),
    (
        "enum.lockdown_kind.lockdown_point",
        "Điểm phong tỏa",
        "Lockdown point",
    ),
    ("enum.lockdown_status.active", "Đang phong tỏa", "Active"),
    ("enum.lockdown_status.lifted", "Đã dỡ bỏ", "Lifted"),
    ("testing.title", "Đợt xét nghiệm", "Testing rounds"),
    ("testing.new", "Thêm đợt xét nghiệm", "Add a testing round"),
    ("testing.edit", "Sửa đợt xét nghiệm", "Edit testing round"),
    (
        "testing.area",
        "Địa bàn (mã phường/xã hoặc quận/huyện)",
        "Area (commune or district code)",
    ),
    ("testing.tested_on", "Ngày lấy mẫu", "Sampled on"),
    (
        "testing.target",
        "Đối tượng (thôn, chợ, toàn xã…)",
        "Who was tested (village, market, whole commune…)",
    ),
    ("testing.method", "Phương pháp", "Method"),
    ("testing.samples", "Số mẫu", "Samples"),
    (
        "testing.results",
        "Số mẫu đã có kết quả",
        "Samples with results",
    ),
    (
        "testing.results_on",
        "Ngày trả kết quả",
        "Results returned on",
    ),
    ("testing.positives", "Số mẫu dương tính", "Positive samples"),
    ("testing.waiting", "Chờ kết quả", "Waiting for results"),
    (
        "enum.test_method.pooled_pcr",
        "RT-PCR mẫu gộp",
        "Pooled RT-PCR",
    ),
    (
        "enum.test_method.individual_pcr",
        "RT-PCR mẫu đơn",
        "Individual RT-PCR",
    ),
    (
        "enum.test_method.rapid_antigen",
        "Test nhanh kháng nguyên",
        "Rapid antigen test",
    ),
    ("hotlines.title", "Đường dây nóng", "Hotlines"),
    ("hotlines.new", "Thêm đường dây nóng", "Add a hotline"),
    ("hotlines.edit", "Sửa đường dây nóng", "Edit hotline"),
    (
        "hotlines.label",
        "Tên (Ban Chỉ đạo, Trạm Y tế…)",
        "Name (steering committee, health station…)",
    ),
    ("hotlines.phone", "Số điện thoại", "Phone number"),
    ("duty.title", "Lịch trực ban", "Duty roster"),
    ("duty.new", "Thêm người trực", "Add a duty officer"),
    ("duty.edit", "Sửa lịch trực", "Edit duty"),
    ("duty.day", "Ngày trực", "Day"),
    ("duty.name", "Họ tên", "Name"),
    ("duty.role", "Chức vụ", "Role"),
    (
        "err.lifted_while_active",
        "Khu vực đang phong tỏa thì chưa có ngày dỡ bỏ.",
        "An active lockdown has no lifting date.",
    ),
    (
        "err.results_over_samples",
        "Số mẫu có kết quả không được lớn hơn số mẫu.",
        "More results than samples.",
    ),
    (
        "err.positives_over_results",
        "Số mẫu dương tính không được lớn hơn số mẫu có kết quả.",
        "More positives than results.",
    ),
    (
        "err.not_a_commune_or_district",
        "Chọn một phường/xã hoặc quận/huyện.",
        "Choose a commune or a district.",
    ),
    ("nav.tasks", "Nhiệm vụ", "Tasks"),
    ("nav.units", "Phòng, ban", "Departments"),
    ("nav.daily", "Báo cáo ngày", "Daily reports"),
    // Cases
    ("cases.title", "Ca bệnh (F0)", "Confirmed cases (F0)"),
    ("cases.new", "Thêm ca bệnh", "Add a case"),
    ("cases.edit", "Sửa ca bệnh {}", "Edit case {}"),
    ("cases.show", "Ca bệnh {}", "Case {}"),
    ("cases.case_code", "Mã ca bệnh", "Case code"),
    ("cases.detected_on", "Ngày phát hiện", "Date detected"),
    ("cases.detected_in", "Nơi phát hiện", "Where detected"),
    ("cases.status", "Tình trạng", "Status"),
    (
        "cases.status_on",
        "Ngày chuyển tình trạng",
        "Date of status",
    ),
    ("cases.treated_at", "Nơi điều trị", "Treated at"),
    ("cases.cluster", "Chùm ca bệnh", "Cluster"),
    (
        "cases.village",
        "Thôn/Tổ dân phố",
        "Village / residential group",
    ),
    ("cases.sex", "Giới tính", "Sex"),
    ("cases.birth_year", "Năm sinh", "Year of birth"),
    ("cases.age_band", "Nhóm tuổi", "Age band"),
    ("cases.full_name", "Họ và tên", "Full name"),
    ("cases.phone", "Số điện thoại", "Phone"),
    ("cases.address", "Địa chỉ", "Address"),
    (
        "cases.personal_hint",
        "Thông tin cá nhân chỉ phường/xã và quận/huyện thấy.",
        "Personal details are seen only by the commune and its district.",
    ),
    ("cases.search", "Mã ca bệnh", "Case code"),
    ("cases.import", "Nhập từ CSV", "Import from CSV"),
    (
        "cases.import_title",
        "Nhập danh sách ca bệnh từ tệp CSV",
        "Import a case list from CSV",
    ),
    (
        "cases.import_template",
        "Tải tệp mẫu",
        "Download the template",
    ),
    ("cases.import_file", "Tệp CSV", "CSV file"),
    (
        "cases.import_mode_all",
        "Chỉ nhập khi toàn bộ tệp hợp lệ",
        "Import only when the whole file is clean",
    ),
    (
        "cases.import_mode_good",
        "Nhập các dòng hợp lệ, bỏ qua dòng lỗi",
        "Import the good rows, skip the bad ones",
    ),
    ("cases.import_submit", "Nhập", "Import"),
    (
        "cases.import_errors",
        "{} dòng có lỗi; chưa nhập gì.",
        "{} lines have errors; nothing was imported.",
    ),
    (
        "cases.import_done",
        "Đã nhập {} ca bệnh; bỏ qua {} dòng lỗi.",
        "Imported {} cases; skipped {} bad lines.",
    ),
    ("cases.import_line", "Dòng {}", "Line {}"),
    (
        "cases.import_empty",
        "Tệp không có dòng dữ liệu nào.",
        "The file has no data rows.",
    ),
    ("paste.link", "Dán nhiều ca", "Paste many cases"),
    (
        "paste.title",
        "Dán nhiều ca bệnh một lần",
        "Paste many cases at once",
    ),
    (
        "paste.intro",
        "Dán các dòng chép từ bảng tính hoặc tin nhắn: các ô cách nhau bằng Tab, dấu phẩy hoặc dấu chấm phẩy; ngày viết dd/mm/yyyy. Dòng đầu có thể là tên cột.",
        "Paste rows copied from a spreadsheet or a message: cells separated by tabs, commas or semicolons; dates as dd/mm/yyyy. The first row may name the columns.",
    ),
    (
        "paste.columns",
        "Không có dòng tên cột thì các cột theo thứ tự: {}. Cán bộ xã để trống cột đầu thì ca bệnh thuộc xã mình.",
        "Without a header row the columns are, in order: {}. A commune official may leave the first column empty for their own commune.",
    ),
    ("paste.text", "Các dòng cần nhập", "Rows to enter"),
    ("paste.read", "Xem trước", "Preview"),
    ("paste.check", "Kiểm tra lại", "Check again"),
    ("paste.save", "Lưu {} dòng hợp lệ", "Save {} valid rows"),
    ("paste.again", "Dán lại từ đầu", "Paste again"),
    (
        "paste.summary",
        "{} dòng: {} hợp lệ, {} có lỗi. Sửa ngay trong bảng rồi bấm “Kiểm tra lại”.",
        "{} rows: {} valid, {} with errors. Fix them in place, then “Check again”.",
    ),
    (
        "paste.saved",
        "Đã lưu {} ca bệnh; còn {} dòng có lỗi cần sửa.",
        "Saved {} cases; {} rows with errors are left to fix.",
    ),
    ("paste.row_ok", "Hợp lệ", "Valid"),
    ("paste.row_bad", "Có lỗi", "Has errors"),
    (
        "paste.commune",
        "Phường/Xã (mã hoặc tên)",
        "Commune (code or name)",
    ),
    ("paste.cluster_id", "Số chùm ca bệnh", "Cluster number"),
    (
        "paste.empty",
        "Chưa có dòng nào để nhập.",
        "There are no rows to enter.",
    ),
    (
        "paste.unreadable",
        "Không đọc được các dòng đã dán (dấu ngoặc kép chưa đóng?).",
        "The pasted rows cannot be read (an unclosed quote?).",
    ),
    (
        "paste.too_many",
        "Quá 500 dòng; hãy dán từng phần hoặc dùng nhập tệp CSV.",
        "More than 500 rows; paste in parts or import a CSV file.",
    ),
    (
        "offline.pending",
        "{} bản ghi chờ gửi",
        "{} records waiting to send",
    ),
    (
        "offline.kept",
        "Không có sóng: đã lưu trên máy, sẽ tự gửi khi có sóng.",
        "No signal: kept on this phone, sent when the signal returns.",
    ),
    (
        "offline.refused",
        "Bị từ chối khi gửi — bấm để mở và sửa:",
        "Refused when sent — tap to open and fix:",
    ),
    (
        "enum.detected_in.community",
        "Ngoài cộng đồng",
        "In the community",
    ),
    (
        "enum.detected_in.quarantine",
        "Trong khu cách ly",
        "In quarantine",
    ),
    (
        "enum.detected_in.lockdown",
        "Trong khu phong tỏa",
        "In a lockdown area",
    ),
    (
        "enum.detected_in.screening",
        "Sàng lọc tại cơ sở y tế",
        "Screening at a health facility",
    ),
    (
        "enum.case_status.treating",
        "Đang điều trị",
        "Under treatment",
    ),
    ("enum.case_status.recovered", "Khỏi bệnh", "Recovered"),
    ("enum.case_status.died", "Tử vong", "Died"),
    (
        "enum.case_status.transferred",
        "Chuyển đi nơi khác",
        "Transferred out",
    ),
    ("enum.treated_at.home", "Tại nhà", "At home"),
    (
        "enum.treated_at.commune_station",
        "Trạm y tế lưu động/xã",
        "Commune station",
    ),
    ("enum.treated_at.tier1", "Tầng 1", "Tier 1"),
    ("enum.treated_at.tier2", "Tầng 2", "Tier 2"),
    ("enum.treated_at.tier3", "Tầng 3", "Tier 3"),
    ("enum.sex.m", "Nam", "Male"),
    ("enum.sex.f", "Nữ", "Female"),
    // Clusters
    ("clusters.title", "Chùm ca bệnh", "Clusters"),
    ("clusters.new", "Thêm chùm ca bệnh", "Add a cluster"),
    ("clusters.edit", "Sửa chùm ca bệnh", "Edit cluster"),
    ("clusters.name", "Tên chùm/ổ dịch", "Cluster name"),
    ("clusters.opened_on", "Ngày mở", "Opened on"),
    ("clusters.closed_on", "Ngày đóng", "Closed on"),
    ("clusters.note", "Ghi chú", "Note"),
    ("clusters.cases", "Số ca", "Cases"),
    ("clusters.active", "Đang hoạt động", "Active"),
    ("clusters.closed", "Đã đóng", "Closed"),
    // Quarantine sites
    (
        "sites.title",
        "Khu cách ly, cơ sở thu dung",
        "Quarantine sites",
    ),
    ("sites.new", "Thêm khu cách ly", "Add a site"),
    ("sites.edit", "Sửa khu cách ly", "Edit site"),
    ("sites.name", "Tên", "Name"),
    ("sites.kind", "Loại", "Kind"),
    (
        "sites.treatment_tier",
        "Tầng điều trị (cơ sở điều trị)",
        "Treatment tier (treatment facilities)",
    ),
    (
        "err.tier_for_treatment_only",
        "Chỉ cơ sở điều trị mới có tầng điều trị.",
        "Only a treatment facility has a tier.",
    ),
    ("sites.run_by", "Đơn vị quản lý", "Run by"),
    ("sites.capacity", "Sức chứa (chỗ)", "Capacity (places)"),
    ("sites.occupancy", "Đang cách ly", "Occupancy"),
    ("sites.free", "Còn trống", "Free"),
    ("sites.status", "Trạng thái", "Status"),
    ("sites.status_on", "Từ ngày", "Since"),
    (
        "sites.history",
        "Lịch sử số người cách ly",
        "Occupancy history",
    ),
    ("sites.at", "Thời điểm", "When"),
    (
        "enum.site_kind.centralised",
        "Khu cách ly tập trung",
        "Centralised quarantine",
    ),
    (
        "enum.site_kind.treatment",
        "Cơ sở thu dung, điều trị",
        "Treatment facility",
    ),
    (
        "enum.site_kind.lockdown",
        "Điểm phong tỏa",
        "Lockdown point",
    ),
    ("enum.run_by.city", "Thành phố", "City"),
    ("enum.run_by.district", "Quận/Huyện", "District"),
    ("enum.run_by.commune", "Phường/Xã", "Commune"),
    ("enum.run_by.military", "Quân đội", "Military"),
    ("enum.site_status.standby", "Sẵn sàng", "Standby"),
    ("enum.site_status.active", "Đang hoạt động", "Active"),
    ("enum.site_status.closed", "Đã đóng", "Closed"),
    // Checkpoints
    ("checkpoints.title", "Chốt kiểm soát", "Checkpoints"),
    ("checkpoints.new", "Thêm chốt", "Add a checkpoint"),
    ("checkpoints.edit", "Sửa chốt", "Edit checkpoint"),
    ("checkpoints.name", "Tên/vị trí", "Name / location"),
    ("checkpoints.kind", "Loại chốt", "Kind"),
    ("checkpoints.staffed_by", "Lực lượng", "Staffed by"),
    ("checkpoints.status", "Trạng thái", "Status"),
    ("checkpoints.status_on", "Từ ngày", "Since"),
    ("checkpoints.reports", "Báo cáo ca trực", "Shift reports"),
    (
        "checkpoints.new_report",
        "Thêm báo cáo ca trực",
        "Add a shift report",
    ),
    ("checkpoints.day", "Ngày", "Date"),
    (
        "checkpoints.people_checked",
        "Số người kiểm tra",
        "People checked",
    ),
    (
        "checkpoints.vehicles_checked",
        "Số phương tiện kiểm tra",
        "Vehicles checked",
    ),
    ("checkpoints.violations", "Số vi phạm", "Violations"),
    ("checkpoints.fines_vnd", "Tiền phạt (đồng)", "Fines (VND)"),
    (
        "enum.checkpoint_kind.city_gate",
        "Cửa ngõ thành phố",
        "City gate",
    ),
    (
        "enum.checkpoint_kind.district_border",
        "Giáp ranh quận/huyện",
        "District border",
    ),
    ("enum.checkpoint_kind.commune", "Chốt phường/xã", "Commune"),
    ("enum.checkpoint_kind.lane", "Ngõ/xóm", "Lane"),
    ("enum.staffed_by.police", "Công an", "Police"),
    ("enum.staffed_by.militia", "Dân quân", "Militia"),
    (
        "enum.staffed_by.community_team",
        "Tổ COVID cộng đồng",
        "Community COVID team",
    ),
    (
        "enum.staffed_by.volunteers",
        "Tình nguyện viên",
        "Volunteers",
    ),
    ("enum.checkpoint_status.active", "Đang hoạt động", "Active"),
    (
        "enum.checkpoint_status.stood_down",
        "Đã giải thể",
        "Stood down",
    ),
    // Directives
    ("directives.title", "Văn bản chỉ đạo", "Directives"),
    ("directives.new", "Ban hành văn bản", "Issue a directive"),
    ("directives.edit", "Sửa văn bản", "Edit directive"),
    (
        "directives.issuer",
        "Đơn vị ban hành (mã)",
        "Issued by (code)",
    ),
    ("directives.number", "Số hiệu", "Number"),
    ("directives.kind", "Loại văn bản", "Kind"),
    ("directives.title_field", "Trích yếu", "Title"),
    ("directives.summary", "Nội dung tóm tắt", "Summary"),
    ("directives.issued_on", "Ngày ban hành", "Issued on"),
    ("directives.effective_from", "Hiệu lực từ", "Effective from"),
    ("directives.effective_to", "Hiệu lực đến", "Effective until"),
    ("directives.due_on", "Hạn hoàn thành", "Deadline"),
    (
        "directives.implements",
        "Thực hiện văn bản (số id)",
        "Implements directive (id)",
    ),
    (
        "directives.targets",
        "Đơn vị nhận (mã, cách nhau bởi dấu phẩy)",
        "Targets (codes, comma separated)",
    ),
    (
        "directives.targets_hint",
        "Để trống để gửi tất cả đơn vị trực thuộc.",
        "Leave empty to send to every unit under the issuer.",
    ),
    ("directives.cascade", "Cây triển khai", "Cascade"),
    (
        "directives.done_rate",
        "Tỷ lệ hoàn thành",
        "Completion rate",
    ),
    ("directives.report", "Báo cáo thực hiện", "Report on it"),
    ("directives.report_status", "Tình hình", "Status"),
    ("directives.report_note", "Ghi chú", "Note"),
    ("directives.not_received", "Chưa nhận", "Not yet received"),
    (
        "directives.plan_counts",
        "kế hoạch: {}/{} đơn vị đã xong",
        "plans: {}/{} done",
    ),
    ("directives.overdue", "Quá hạn", "Overdue"),
    ("directives.plan_overdue", "{} quá hạn", "{} overdue"),
    ("directives.due_soon", "sắp đến hạn", "due soon"),
    (
        "directives.overdue_by",
        "Đã quá hạn báo cáo {} ngày (hạn {}).",
        "Your report is {} days overdue (due {}).",
    ),
    (
        "directives.due_in",
        "Còn {} ngày đến hạn báo cáo ({}).",
        "{} days left to report (due {}).",
    ),
    ("directives.open", "Đang thực hiện", "Open"),
    (
        "enum.body.people_committee",
        "Ủy ban nhân dân (UBND)",
        "People's Committee (UBND)",
    ),
    (
        "enum.body.party_committee",
        "Cấp ủy Đảng (Thành ủy, Quận ủy, Huyện ủy, Đảng ủy)",
        "Party Committee",
    ),
    (
        "enum.body.command",
        "Ban Chỉ đạo / Sở Chỉ huy phòng, chống dịch",
        "COVID-19 command",
    ),
    ("enum.body.department", "Phòng, ban, đơn vị", "Department"),
    (
        "enum.unit_kind.health_office",
        "Phòng Y tế / Sở Y tế",
        "Health office",
    ),
    (
        "enum.unit_kind.health_centre",
        "Trung tâm Y tế / Trạm Y tế",
        "Health centre",
    ),
    ("enum.unit_kind.police", "Công an", "Police"),
    (
        "enum.unit_kind.military",
        "Ban Chỉ huy Quân sự",
        "Military command",
    ),
    (
        "enum.unit_kind.home_affairs",
        "Phòng Nội vụ",
        "Home-affairs office",
    ),
    (
        "enum.unit_kind.culture_centre",
        "Trung tâm Văn hóa - Thông tin",
        "Culture and information centre",
    ),
    (
        "enum.unit_kind.community_team",
        "Tổ COVID cộng đồng",
        "Community COVID team",
    ),
    ("enum.unit_kind.other", "Đơn vị khác", "Other unit"),
    ("directives.body", "Cơ quan ban hành", "Issuing body"),
    (
        "directives.body_unit",
        "Phòng, ban ban hành",
        "Issuing department",
    ),
    (
        "directives.body_unit_hint",
        "Mã số phòng, ban khi cơ quan ban hành là một phòng, ban.",
        "The department's id when a department issues it.",
    ),
    ("directives.cites", "Văn bản dẫn chiếu", "Cites"),
    (
        "directives.cites_hint",
        "Mã số các văn bản được áp dụng, cách nhau bởi dấu phẩy.",
        "Ids of the directives it applies, separated by commas.",
    ),
    ("directives.cited_by", "Được dẫn chiếu bởi", "Cited by"),
    ("directives.citations", "Dẫn chiếu", "References"),
    (
        "directives.implements_of",
        "Triển khai văn bản",
        "Implements",
    ),
    ("directives.tasks", "Nhiệm vụ được giao", "Tasks assigned"),
    ("directives.add_task", "Giao nhiệm vụ", "Assign a task"),
    ("tasks.title", "Nhiệm vụ", "Tasks"),
    ("tasks.new", "Giao nhiệm vụ", "Assign a task"),
    ("tasks.edit", "Sửa nhiệm vụ", "Edit task"),
    ("tasks.directive", "Văn bản giao", "Directive"),
    ("tasks.directive_id", "Mã văn bản giao", "Directive id"),
    ("tasks.assignee", "Đơn vị thực hiện", "Unit"),
    ("tasks.what", "Nội dung nhiệm vụ", "What is to be done"),
    ("tasks.due_on", "Thời hạn", "Deadline"),
    ("tasks.status", "Tình hình", "Status"),
    ("tasks.note", "Ghi chú", "Note"),
    ("tasks.reported_on", "Ngày báo cáo", "Reported on"),
    ("tasks.reporter", "Người báo cáo", "Reported by"),
    ("tasks.report", "Báo cáo tiến độ", "Report progress"),
    ("tasks.reports", "Các lần báo cáo", "Reports"),
    ("tasks.overdue", "Quá hạn", "Overdue"),
    (
        "tasks.open_here",
        "Nhiệm vụ đang chờ đơn vị thực hiện",
        "Open tasks for this unit",
    ),
    (
        "tasks.none_open",
        "Không có nhiệm vụ đang mở.",
        "No open tasks.",
    ),
    ("tasks.of_area", "Trực thuộc", "Of"),
    ("inspections.title", "Kiểm tra", "Inspections"),
    (
        "inspections.new",
        "Ghi kết quả kiểm tra",
        "Record an inspection",
    ),
    (
        "inspections.edit",
        "Sửa kết quả kiểm tra",
        "Edit inspection",
    ),
    ("inspections.unit", "Đơn vị được kiểm tra", "Unit inspected"),
    ("inspections.team", "Đoàn kiểm tra", "Inspection team"),
    (
        "inspections.visited_on",
        "Ngày kiểm tra",
        "Date of the visit",
    ),
    ("inspections.findings", "Kết quả kiểm tra", "Findings"),
    ("inspections.verdict", "Kết luận", "Verdict"),
    (
        "inspections.follow_up_due",
        "Hạn khắc phục",
        "Follow-up deadline",
    ),
    (
        "inspections.follow_up_hint",
        "Bắt buộc khi kết luận chưa đạt: đơn vị nhận một nhiệm vụ khắc phục đến hạn này.",
        "Required when not met: the unit is given a task to put it right by then.",
    ),
    ("inspections.task", "Nhiệm vụ khắc phục", "Follow-up task"),
    ("enum.verdict.met", "Đạt", "Met"),
    ("enum.verdict.not_met", "Chưa đạt", "Not met"),
    ("audit.of.inspection", "kết quả kiểm tra", "inspection"),
    ("nav.inspections", "Kiểm tra", "Inspections"),
    (
        "units.title",
        "Phòng, ban, lực lượng",
        "Departments and forces",
    ),
    ("units.new", "Thêm phòng, ban", "Add a department"),
    ("units.edit", "Sửa phòng, ban", "Edit department"),
    ("units.area", "Địa bàn", "Area"),
    ("units.kind", "Loại đơn vị", "Kind"),
    ("units.name", "Tên đơn vị", "Name"),
    ("units.active", "Đang hoạt động", "Active"),
    ("dash.units_behind", "Đơn vị chậm nhất", "Units most behind"),
    ("enum.directive_kind.directive", "Chỉ thị", "Directive"),
    (
        "enum.directive_kind.conclusion",
        "Thông báo kết luận",
        "Conclusion notice",
    ),
    ("enum.directive_kind.letter", "Công văn", "Official letter"),
    ("enum.directive_kind.decision", "Quyết định", "Decision"),
    ("enum.directive_kind.plan", "Kế hoạch", "Plan"),
    ("enum.report_status.received", "Đã nhận", "Received"),
    (
        "enum.report_status.in_progress",
        "Đang thực hiện",
        "In progress",
    ),
    ("enum.report_status.done", "Đã hoàn thành", "Done"),
    // Daily reports
    ("daily.title", "Báo cáo ngày", "Daily reports"),
    ("daily.edit", "Báo cáo ngày {} — {}", "Daily report {} — {}"),
    ("daily.day", "Ngày", "Date"),
    ("daily.new_f0", "F0 mới (tự tính)", "New F0 (derived)"),
    ("daily.f1_traced", "F1 truy vết", "F1 traced"),
    (
        "daily.f1_quarantined",
        "F1 đưa đi cách ly",
        "F1 sent to quarantine",
    ),
    ("daily.tests", "Số mẫu xét nghiệm", "Tests taken"),
    ("daily.dose1", "Mũi 1", "1st doses"),
    ("daily.dose2", "Mũi 2", "2nd doses"),
    ("daily.dose3", "Mũi 3", "3rd doses"),
    ("daily.notes", "Ghi chú", "Notes"),
    ("daily.reported", "Đã báo cáo", "Reported"),
    ("daily.reported_of", "{}/{} đã báo cáo", "{}/{} reported"),
    ("daily.missing", "Chưa báo cáo", "Not reported"),
    (
        "daily.status_of",
        "Tình hình báo cáo ngày {}",
        "Reports for {}",
    ),
    (
        "daily.missing_count",
        "{} phường/xã chưa báo cáo",
        "{} communes have not reported",
    ),
    ("daily.file", "Lập/sửa báo cáo", "File or edit the report"),
    // Dashboard
    ("dash.date", "Ngày", "Date"),
    ("dash.active", "F0 đang điều trị", "Active F0"),
    ("dash.new_today", "F0 mới trong ngày", "New today"),
    ("dash.new_7d", "F0 mới 7 ngày", "New in 7 days"),
    ("dash.avg_7d", "Trung bình 7 ngày", "7-day average"),
    (
        "dash.community_share",
        "Phát hiện ngoài cộng đồng (7 ngày)",
        "Found in the community (7 days)",
    ),
    ("dash.community_7d", "Cộng đồng 7 ngày", "Community, 7 days"),
    ("dash.total", "Tổng số F0", "Total F0"),
    ("dash.recovered", "Khỏi bệnh", "Recovered"),
    ("dash.died", "Tử vong", "Deaths"),
    (
        "dash.curve",
        "Diễn biến số ca mắc mới (cột) và trung bình 7 ngày (đường)",
        "New cases per day (bars) and 7-day average (line)",
    ),
    ("dash.quarantine", "Cách ly", "Quarantine"),
    ("dash.sites_active", "Khu đang hoạt động", "Active sites"),
    ("dash.capacity", "Sức chứa", "Capacity"),
    ("dash.occupancy", "Đang cách ly", "Occupied"),
    ("dash.free", "Còn trống", "Free"),
    ("dash.checkpoints", "Chốt kiểm soát", "Checkpoints"),
    (
        "dash.checkpoints_active",
        "Chốt đang hoạt động",
        "Active checkpoints",
    ),
    (
        "dash.violations_today",
        "Vi phạm hôm nay",
        "Violations today",
    ),
    (
        "dash.clusters_active",
        "Chùm ca bệnh đang hoạt động",
        "Active clusters",
    ),
    ("dash.directives", "Văn bản chỉ đạo", "Directives"),
    ("dash.open", "Chưa hoàn thành", "Open"),
    ("dash.overdue", "Quá hạn", "Overdue"),
    ("dash.done_rate", "Tỷ lệ hoàn thành", "Done"),
    ("dash.reports", "Báo cáo ngày", "Daily reports"),
    (
        "dash.reports_of",
        "{}/{} phường/xã đã báo cáo",
        "{}/{} communes reported",
    ),
    ("dash.under", "Các đơn vị trực thuộc", "Areas under it"),
    (
        "dash.own_level",
        "Do cấp này trực tiếp quản lý",
        "Run at this level",
    ),
    ("dash.sort", "Sắp xếp", "Sort"),
    ("dash.map", "Bản đồ vùng", "Zone map"),
    ("dash.spark", "14 ngày", "14 days"),
    ("dash.zone", "Vùng", "Zone"),
    ("dash.level", "Cấp độ", "Level"),
    ("zone.red", "Vùng đỏ", "Red zone"),
    ("zone.green", "Vùng xanh", "Green zone"),
    ("zone.level", "Cấp độ dịch {}", "Epidemic level {}"),
    (
        "zone.level_1",
        "Cấp 1 — nguy cơ thấp (xanh)",
        "Level 1 — low risk (green)",
    ),
    (
        "zone.level_2",
        "Cấp 2 — nguy cơ trung bình (vàng)",
        "Level 2 — medium risk (yellow)",
    ),
    (
        "zone.level_3",
        "Cấp 3 — nguy cơ cao (cam)",
        "Level 3 — high risk (orange)",
    ),
    (
        "zone.level_4",
        "Cấp 4 — nguy cơ rất cao (đỏ)",
        "Level 4 — very high risk (red)",
    ),
    (
        "zone.no_level",
        "Chưa xác định cấp độ",
        "Level not determined",
    ),
    (
        "zone.by_incidence",
        "Theo tiêu chí 1: {} ca cộng đồng/100.000 dân trong 7 ngày",
        "By criterion 1: {} community cases per 100,000 in 7 days",
    ),
    (
        "zone.by_vaccination",
        "Tiêu chí 2 (tiêm chủng {}) chưa đạt: nâng một cấp",
        "Criterion 2 (vaccination {}) unmet: raised one level",
    ),
    (
        "zone.by_treatment",
        "Tiêu chí 3 (năng lực điều trị) chưa đạt: nâng một cấp",
        "Criterion 3 (treatment capacity) unmet: raised one level",
    ),
    (
        "zone.no_population",
        "Chưa có số dân nên chưa tính được tỷ lệ trên 100.000 dân",
        "No population recorded, so no rate per 100,000",
    ),
    (
        "zone.red_green_count",
        "{} phường/xã vùng đỏ, {} vùng xanh",
        "{} communes red, {} green",
    ),
    ("zone.computed", "Hệ thống tính: {}", "Computed: {}"),
    (
        "zone.declared",
        "Công bố bởi {} lúc {}, hiệu lực từ {}: {}",
        "Declared by {} on {}, effective {}: {}",
    ),
    (
        "zone.declare",
        "Công bố vùng/cấp độ",
        "Declare zone or level",
    ),
    ("zone.colour", "Màu vùng", "Zone colour"),
    ("zone.level_field", "Cấp độ dịch", "Epidemic level"),
    ("zone.reason", "Lý do", "Reason"),
    ("zone.effective_on", "Hiệu lực từ ngày", "Effective from"),
    (
        "zone.withdraw",
        "Rút công bố, trở về giá trị tính toán",
        "Withdraw the declaration",
    ),
    (
        "zone.colour_or_level",
        "Chọn màu vùng hoặc cấp độ.",
        "Choose a colour or a level.",
    ),
    ("zone.declared_ok", "Đã công bố.", "Declared."),
    ("zone.withdrawn_ok", "Đã rút công bố.", "Withdrawn."),
    ("chg.up_day", "tăng {} so với hôm qua", "up {} on yesterday"),
    (
        "chg.down_day",
        "giảm {} so với hôm qua",
        "down {} on yesterday",
    ),
    (
        "chg.same_day",
        "không đổi so với hôm qua",
        "same as yesterday",
    ),
    (
        "chg.up_week",
        "tăng {} so với 7 ngày trước đó",
        "up {} on the previous 7 days",
    ),
    (
        "chg.down_week",
        "giảm {} so với 7 ngày trước đó",
        "down {} on the previous 7 days",
    ),
    (
        "chg.same_week",
        "không đổi so với 7 ngày trước đó",
        "same as the previous 7 days",
    ),
    (
        "chart.summary",
        "Ca mới mỗi ngày từ {} đến {}: cao nhất {} ca (ngày {}); ngày cuối {} ca",
        "New cases a day from {} to {}: peak {} (on {}); last day {}",
    ),
    (
        "chart.spark",
        "Ca mới 14 ngày: {}",
        "New cases, 14 days: {}",
    ),
    (
        "chart.bars",
        "Cột: ca mới mỗi ngày",
        "Bars: new cases a day",
    ),
    (
        "chart.line",
        "Đường: trung bình 7 ngày",
        "Line: 7-day average",
    ),
    ("zone.level_short", "Cấp {}", "Level {}"),
    ("zone.no_level_short", "Chưa rõ cấp", "No level"),
    (
        "dash.tile_label",
        "{}: {}, {} ca trong 7 ngày, {}",
        "{}: {}, {} cases in 7 days, {}",
    ),
    (
        "zone.population_estimated",
        "theo dân số ước tính",
        "from an estimated population",
    ),
    (
        "zone.lacking",
        "Chưa đủ số liệu {} — không nâng cấp vì thiếu số liệu",
        "Not enough data on {} — nothing raised for missing data",
    ),
    ("zone.lacking_vaccination", "tiêm chủng", "vaccination"),
    (
        "zone.lacking_treatment",
        "năng lực điều trị",
        "treatment capacity",
    ),
    (
        "zone.adults_share",
        "{} người từ 18 tuổi (ước tính {}% dân số)",
        "{} adults (estimated as {}% of the population)",
    ),
    (
        "zone.adults_recorded",
        "{} người từ 18 tuổi",
        "{} adults (recorded)",
    ),
    (
        "zone.coverage",
        "Tiêm mũi 1: {} của {}",
        "First dose: {} of {}",
    ),
    (
        "zone.red_share",
        "{}/{} phường/xã vùng đỏ",
        "{}/{} communes red",
    ),
    ("areas.estimated", "ước tính", "estimated"),
    ("areas.adults", "Dân số từ 18 tuổi", "Adults (18+)"),
    ("dash.updated", "Cập nhật lúc {} · {}", "Updated at {} · {}"),
    (
        "dash.rising",
        "Tăng nhanh nhất (7 ngày)",
        "Rising fastest (7 days)",
    ),
    (
        "dash.none_rising",
        "Không đơn vị nào tăng so với 7 ngày trước đó.",
        "None rose on the previous 7 days.",
    ),
    (
        "dash.rate",
        "Cộng đồng /100.000 dân, 7 ngày",
        "Community per 100,000, 7 days",
    ),
    ("dash.legend", "Chú giải", "Legend"),
    (
        "dash.legend_red",
        "có phường/xã vùng đỏ",
        "has a red commune",
    ),
    ("dash.legend_up", "▲ tăng (xấu đi)", "▲ rising (worse)"),
    ("dash.legend_down", "▼ giảm", "▼ falling"),
    ("dash.legend_same", "= không đổi", "= unchanged"),
    ("dash.wall", "Màn hình tường", "Wall view"),
    ("dash.back", "Trang đầy đủ", "Full page"),
    (
        "dash.most_overdue",
        "Nhiều việc quá hạn nhất",
        "Most overdue",
    ),
    (
        "dash.none_overdue",
        "Không có việc quá hạn.",
        "Nothing overdue.",
    ),
    ("dash.overdue_n", "{} việc quá hạn", "{} overdue"),
    ("dash.worse", "Xấu đi", "Getting worse"),
    ("dash.testing_7d", "Xét nghiệm 7 ngày", "Testing, 7 days"),
    ("dash.positive_rate", "Tỷ lệ dương tính", "Positive rate"),
    (
        "dash.waiting_48h",
        "Mẫu chờ kết quả quá 48 giờ",
        "Samples waiting over 48 hours",
    ),
    (
        "dash.treatment",
        "Điều trị F0 theo tầng",
        "F0 treatment by tier",
    ),
    ("dash.treated_where", "Nơi điều trị", "Treated at"),
    (
        "dash.tier_places",
        "Giường đang dùng/giường",
        "Beds used/beds",
    ),
    ("dash.tier_n", "Tầng {}", "Tier {}"),
    ("dash.tier_full", "gần hết chỗ", "nearly full"),
    (
        "dash.no_facilities",
        "chưa khai báo cơ sở",
        "no facility recorded",
    ),
    (
        "dash.treated_unknown",
        "Chưa ghi nơi điều trị",
        "Place not recorded",
    ),
    ("dash.people", "người", "people"),
    ("dash.days", "ngày", "days"),
    (
        "dash.operations",
        "Năng lực và vận hành",
        "Capacity and operations",
    ),
    (
        "dash.quarantine_free",
        "Cách ly: chỗ trống",
        "Quarantine: free places",
    ),
    (
        "dash.directives_overdue",
        "Việc chỉ đạo quá hạn",
        "Overdue directive tasks",
    ),
    (
        "dash.sorted_worse",
        "Xếp theo mức xấu đi: tăng nhiều nhất trong 7 ngày, rồi tỷ lệ ca cộng đồng",
        "Sorted by getting worse: the largest 7-day rise, then the community rate",
    ),
    ("dash.change", "Thay đổi", "Change"),
    ("dash.overdue_col", "Việc quá hạn", "Overdue tasks"),
    (
        "pop.bad_line",
        "không đúng dạng mã,dân số[,dân số từ 18 tuổi]",
        "not in the form code,population[,adult_population]",
    ),
    (
        "pop.bad_number",
        "số dân không phải số nguyên không âm",
        "the population is not a whole number",
    ),
    (
        "pop.more_adults",
        "số người từ 18 tuổi lớn hơn dân số",
        "more adults than people",
    ),
    (
        "pop.twice",
        "mã này đã có ở dòng trước",
        "this code is on an earlier line too",
    ),
    ("pop.line", "Dòng {}: {}", "Line {}: {}"),
    (
        "pop.empty",
        "Tệp không có dòng số liệu nào.",
        "The file has no lines of figures.",
    ),
    (
        "areas.unknown_codes",
        "Mã không thuộc địa bàn này: {}. Chưa lưu dòng nào.",
        "Codes not under this area: {}. Nothing was saved.",
    ),
    (
        "areas.import_populations",
        "Nhập dân số từ tệp CSV (mã,dân số[,dân số từ 18 tuổi])",
        "Import populations from a CSV (code,population[,adult_population])",
    ),
    (
        "areas.populations_saved",
        "Đã cập nhật dân số: {} địa bàn thay đổi, {} không đổi.",
        "Populations saved: {} changed, {} unchanged.",
    ),
    // Error pages
    ("error.title", "Có lỗi", "Something went wrong"),
    (
        "error.400",
        "Yêu cầu không hợp lệ.",
        "The request is not valid.",
    ),
    (
        "error.400_date",
        "Ngày phải từ 01/01/2019 đến {}.",
        "The date must be from 01/01/2019 to {}.",
    ),
    (
        "error.408",
        "Yêu cầu quá thời gian chờ. Xin thử lại.",
        "The request took too long. Please try again.",
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
                    // `t(` itself, not the end of `parse_grouped_int(`.
                    if text[..i]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                    {
                        continue;
                    }
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
