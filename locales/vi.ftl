### Vùng Xanh: Vietnamese (the default) texts of the interface (English is in en.ftl).
###
### Each message is one key of the catalogue read by src/domain/i18n.rs;
### both files must hold the same messages (a unit test checks it).
###
### Identifiers: the code names a text by a dotted key such as
### `cases.case_code`; Fluent identifiers allow only ASCII letters, digits,
### `_` and `-`, so the key is written with each `.` as `-`
### (`cases-case_code`). No key contains `-`, so this is reversible. Any
### other character (a space, a Vietnamese letter) is written `--` + its
### Unicode code point in lowercase hex + `-`: `unit.Xã` is `unit-X--e3-`;
### such messages carry the dotted key in a comment above them.
###
### Placeholders: `{ $a }`, `{ $b }`, … are the values the code passes, in
### that order ($a the first, $b the second, …); a translation may move them
### around but must use the same ones. Only plain text, these variables and
### string literals such as `{"{"}` (a literal brace) or `{" "}` (a leading
### or trailing space) are supported: no terms, attributes or selectors.

## Layout

app-name = Vùng Xanh
app-tagline = Hệ thống chỉ huy phòng, chống dịch COVID-19
nav-areas = Địa bàn
nav-users = Người dùng
nav-audit = Nhật ký
nav-sign_in = Đăng nhập
nav-sign_out = Đăng xuất
nav-switch_lang = English
nav-skip = Bỏ qua, tới nội dung
nav-menu = Trình đơn
nav-group_figures = Số liệu
nav-group_operations = Vận hành
nav-group_direction = Chỉ đạo
nav-group_admin = Quản trị
entry-title = Việc cần làm
entry-daily = Báo cáo ngày
entry-directives = Văn bản cần báo cáo ({ $a })
rec-save_and_add = Lưu và thêm ca khác
rec-choose_commune = — Chọn phường/xã —
common-save = Lưu
common-cancel = Huỷ
common-search = Tìm
common-none = Không có
common-yes = Có
common-no = Không
common-back = Quay lại
common-filter = Lọc
common-all = Tất cả
common-from = Từ ngày
common-to = Đến ngày
common-unknown = Chưa có
common-previous = Trang trước
common-next = Trang sau
common-form_has_errors = Biểu mẫu có lỗi, xin xem các ô được đánh dấu.
## Levels of areas

level-city = Thành phố
level-district = Quận/Huyện
level-commune = Phường/Xã
## Areas

areas-title = Địa bàn
areas-code = Mã
areas-name = Tên
areas-level = Cấp
areas-population = Dân số
areas-children_count = Số đơn vị trực thuộc
areas-under = Trực thuộc
areas-districts_of = Quận, huyện, thị xã của { $a }
areas-communes_of = Phường, xã, thị trấn của { $a }
areas-summary = { $a } quận/huyện/thị xã, { $b } phường/xã/thị trấn
areas-search_placeholder = Tên địa bàn, có dấu hoặc không dấu
areas-search_results = Kết quả tìm kiếm cho “{ $a }”
areas-no_results = Không tìm thấy địa bàn nào.
areas-edit_population = Sửa dân số
areas-population_saved = Đã lưu dân số.
## Units

# key: unit.Thành phố
unit-Th--e0-nh--20-ph--1ed1- = Thành phố

# key: unit.Tỉnh
unit-T--1ec9-nh = Tỉnh

# key: unit.Quận
unit-Qu--1ead-n = Quận

# key: unit.Huyện
unit-Huy--1ec7-n = Huyện

# key: unit.Thị xã
unit-Th--1ecb---20-x--e3- = Thị xã

# key: unit.Thành phố thuộc tỉnh
unit-Th--e0-nh--20-ph--1ed1---20-thu--1ed9-c--20-t--1ec9-nh = Thành phố

# key: unit.Phường
unit-Ph--1b0---1edd-ng = Phường

# key: unit.Xã
unit-X--e3- = Xã

# key: unit.Thị trấn
unit-Th--1ecb---20-tr--1ea5-n = Thị trấn

## Roles

role-commune = Cán bộ phường/xã
role-district = Ban chỉ đạo quận/huyện
role-city = Sở chỉ huy thành phố
role-admin = Quản trị hệ thống
## Sign in

auth-sign_in_title = Đăng nhập
auth-username = Tên đăng nhập
auth-password = Mật khẩu
auth-submit = Đăng nhập
auth-bad_credentials = Tên đăng nhập hoặc mật khẩu không đúng.
auth-rate_limited = Đăng nhập sai quá nhiều lần. Xin thử lại sau { $a } phút.
auth-signed_out = Bạn đã đăng xuất.
auth-signed_in_as = Đăng nhập: { $a }
## Users

users-title = Người dùng
users-new = Thêm người dùng
users-edit = Sửa người dùng
users-username = Tên đăng nhập
users-display_name = Họ tên
users-password = Mật khẩu
users-password_hint = Ít nhất 10 ký tự.
users-role = Vai trò
users-area = Địa bàn (mã)
users-status = Trạng thái
users-active = Đang hoạt động
users-disabled = Đã khoá
users-disable = Khoá
users-enable = Mở khoá
users-created = Đã tạo người dùng { $a }.
users-saved = Đã lưu người dùng { $a }.
users-created_at = Ngày tạo
## Audit

audit-title = Nhật ký thay đổi
audit-what = Việc đã làm
audit-changes = Thay đổi
audit-did-create = đã thêm
audit-did-update = đã sửa
audit-did-void = đã hủy
audit-did-report = đã báo cáo về
audit-did-revoke = đã thu hồi
audit-did-sign_in = đã đăng nhập
audit-did-sign_out = đã đăng xuất
audit-did-declare = đã công bố
audit-did-withdraw = đã rút công bố
audit-of-case = ca bệnh
audit-of-cluster = chùm ca bệnh
audit-of-quarantine_site = khu cách ly
audit-of-checkpoint = chốt kiểm soát
audit-of-checkpoint_report = báo cáo ca trực của chốt
audit-of-directive = văn bản
audit-of-task = nhiệm vụ
audit-of-unit = phòng, ban
audit-of-daily_report = báo cáo ngày
audit-of-user = người dùng
audit-of-area = địa bàn
audit-of-zone = vùng dịch của
audit-of-api_token = mã truy cập API
audit-at = Thời điểm
audit-user = Người thực hiện
audit-area = Địa bàn
audit-action = Thao tác
audit-entity = Đối tượng
audit-old = Giá trị cũ
audit-new = Giá trị mới
audit-empty = Chưa có thay đổi nào.
audit-filter_user = Tên đăng nhập
audit-filter_area = Mã địa bàn
## Validation

err-required = Không được để trống.
err-too_long = Quá dài (tối đa { $a } ký tự).
err-username_format = Chỉ gồm chữ thường không dấu, số, dấu chấm, gạch; 3–64 ký tự.
err-username_taken = Tên đăng nhập đã có người dùng.
err-password_short = Mật khẩu phải có ít nhất 10 ký tự.
err-unknown_area = Không có địa bàn với mã này.
err-role_area_mismatch = Vai trò này phải gắn với địa bàn cấp { $a }.
err-bad_role = Vai trò không hợp lệ.
err-json_data = Dữ liệu JSON sai kiểu hoặc thiếu trường: { $a }
err-not_a_number = Phải là số nguyên không âm.
## Form checks

err-control_chars = Có ký tự không hợp lệ.
err-cursor = Liên kết trang không hợp lệ hoặc không thuộc danh sách này; hãy quay về trang đầu.
err-date_format = Không phải ngày hợp lệ (dd/mm/yyyy).
err-date_too_early = Ngày quá sớm (trước năm 2019).
err-date_too_late = Ngày quá xa (sau { $a }).
err-bidi_chars = Có ký tự đảo chiều văn bản (U+202A–U+202E, U+2066–U+2069) không được phép.
err-date_in_future = Ngày không được ở tương lai.
err-date_before_detected = Không được trước ngày phát hiện.
err-date_order = Ngày kết thúc phải sau ngày bắt đầu.
err-out_of_range = Phải từ { $a } đến { $b }.
err-bad_choice = Không phải giá trị được phép.
err-case_code_format = Mã ca bệnh gồm chữ in hoa và số, ví dụ BN123456.
err-case_code_taken = Mã ca bệnh này đã có.
err-not_your_area = Địa bàn này không thuộc quyền của bạn.
err-cluster_has_cases = Chùm ca bệnh đã có ca F0 nên không thể chuyển sang phường/xã khác.
err-unknown_area_name = Không tìm thấy địa bàn này trong phạm vi của bạn; gõ tên hoặc mã rồi chọn trong gợi ý.
err-ambiguous_area_name = Có nhiều địa bàn trùng tên này; hãy chọn trong gợi ý hoặc gõ mã.
err-not_a_commune = Phải là mã một phường/xã.
err-unknown_cluster = Không có chùm ca bệnh này ở phường/xã đã chọn.
err-occupancy_over_capacity = Số người đang cách ly không được vượt sức chứa.
err-phone_format = Số điện thoại chỉ gồm chữ số, dấu cách và +.
err-stale = Bản ghi đã được người khác sửa trong lúc bạn sửa. Giá trị hiện tại được ghi bên dưới; dữ liệu bạn nhập vẫn còn nguyên — xem lại rồi lưu lần nữa.
err-version_required = Thiếu phiên bản bản ghi đã đọc.
err-idempotency_reused = Mã chống gửi trùng này đã dùng cho một lần gửi khác, với nội dung khác; không có gì được lưu. Hãy gửi lại với mã mới (tải lại biểu mẫu).
err-number_taken = Số văn bản này đã có.
err-target_not_under_issuer = Địa bàn nhận phải trực thuộc đơn vị ban hành.
err-unknown_directive = Không có văn bản này.
err-not_a_target = Địa bàn này không phải đơn vị nhận văn bản.
err-unit_taken = Địa bàn này đã có đơn vị cùng tên.
err-parent_not_above = Chỉ triển khai văn bản của chính địa bàn mình hoặc của cấp trên.
err-before_parent = Văn bản triển khai không thể ban hành trước văn bản được triển khai.
err-cycle = Dẫn chiếu này tạo thành vòng lặp giữa các văn bản.
err-unit_not_of_issuer = Đơn vị này không thuộc địa bàn ban hành.
err-assignee = Giao cho một địa bàn trực thuộc hoặc một phòng, ban của đơn vị ban hành.
err-void_reason = Cần ghi lý do huỷ.
err-already_voided = Bản ghi đã bị huỷ.
## Records, shared

rec-new = Thêm mới
rec-edit = Sửa
rec-show = Xem
rec-area = Địa bàn
rec-commune = Phường/Xã
rec-district = Quận/Huyện
rec-version = Phiên bản
rec-export_csv = Xuất CSV
rec-export_xlsx = Xuất Excel
rec-total = Tổng số: { $a }
rec-total_over = Tổng số: hơn { $a }
rec-first_page = Trang đầu
rec-page_n = Trang { $a }
rec-saved = Đã lưu.
rec-created = Đã thêm.
rec-current_values = Giá trị hiện tại trong hệ thống
rec-none_yet = Chưa có bản ghi nào.
rec-include_voided = Gồm cả bản ghi đã huỷ
rec-voided = Đã huỷ
rec-void = Huỷ bản ghi
rec-void_reason = Lý do huỷ
rec-voided_on = Đã huỷ lúc { $a }: { $b }
rec-history = Lịch sử
nav-cases = Ca bệnh
nav-clusters = Chùm ca bệnh
nav-sites = Khu cách ly
nav-checkpoints = Chốt kiểm soát
nav-directives = Văn bản chỉ đạo
nav-lockdowns = Phong tỏa
nav-testing = Xét nghiệm
nav-hotlines = Đường dây nóng
nav-duty = Trực ban
nav-public = Trang công khai
public-title = Tình hình dịch COVID-19 — thông tin công khai
public-intro = Cấp độ dịch và vùng đỏ/xanh của từng quận, huyện, phường, xã; số đường dây nóng và cán bộ trực hôm nay. Không có thông tin cá nhân.
public-hotlines = Đường dây nóng
public-duty_today = Trực ban hôm nay
public-none = Chưa công bố
public-districts = Quận, huyện, thị xã
public-commune = Phường, xã, thị trấn
public-city_contacts = Thành phố
public-sign_in = Cán bộ đăng nhập
public-too_many = Quá nhiều yêu cầu từ địa chỉ này. Vui lòng thử lại sau một phút.
public-lookup = Tra cứu phường/xã của bạn
public-lookup_label = Tên phường, xã hoặc thị trấn (có dấu hoặc không dấu)
public-lookup_button = Tra cứu
public-lookup_none = Không tìm thấy phường/xã nào có tên “{ $a }”. Gõ lại một phần của tên, ví dụ “tu hiep”.
public-lookup_more = Có { $a } phường/xã trùng tên; gõ thêm để thu hẹp.
public-of_district = thuộc { $a }
rec-note = Ghi chú
lockdowns-title = Khu vực phong tỏa, cách ly y tế
lockdowns-new = Thêm khu vực phong tỏa
lockdowns-edit = Sửa khu vực phong tỏa
lockdowns-name = Tên hoặc địa chỉ
lockdowns-kind = Loại
lockdowns-started_on = Bắt đầu từ ngày
lockdowns-households = Số hộ bên trong
lockdowns-people = Số người bên trong
lockdowns-cluster_id = Chùm ca bệnh bên trong
lockdowns-status = Trạng thái
lockdowns-lifted_on = Dỡ bỏ ngày
lockdowns-active = Đang phong tỏa
enum-lockdown_kind-isolation_area = Vùng cách ly y tế
enum-lockdown_kind-lockdown_point = Điểm phong tỏa
enum-lockdown_status-active = Đang phong tỏa
enum-lockdown_status-lifted = Đã dỡ bỏ
testing-title = Đợt xét nghiệm
testing-new = Thêm đợt xét nghiệm
testing-edit = Sửa đợt xét nghiệm
testing-area = Địa bàn (mã phường/xã hoặc quận/huyện)
testing-tested_on = Ngày lấy mẫu
testing-target = Đối tượng (thôn, chợ, toàn xã…)
testing-method = Phương pháp
testing-samples = Số mẫu
testing-results = Số mẫu đã có kết quả
testing-results_on = Ngày trả kết quả
testing-positives = Số mẫu dương tính
testing-waiting = Chờ kết quả
enum-test_method-pooled_pcr = RT-PCR mẫu gộp
enum-test_method-individual_pcr = RT-PCR mẫu đơn
enum-test_method-rapid_antigen = Test nhanh kháng nguyên
hotlines-title = Đường dây nóng
hotlines-new = Thêm đường dây nóng
hotlines-edit = Sửa đường dây nóng
hotlines-label = Tên (Ban Chỉ đạo, Trạm Y tế…)
hotlines-phone = Số điện thoại
duty-title = Lịch trực ban
duty-new = Thêm người trực
duty-edit = Sửa lịch trực
duty-day = Ngày trực
duty-name = Họ tên
duty-role = Chức vụ
err-lifted_while_active = Khu vực đang phong tỏa thì chưa có ngày dỡ bỏ.
err-results_over_samples = Số mẫu có kết quả không được lớn hơn số mẫu.
err-positives_over_results = Số mẫu dương tính không được lớn hơn số mẫu có kết quả.
err-not_a_commune_or_district = Chọn một phường/xã hoặc quận/huyện.
nav-tasks = Nhiệm vụ
nav-units = Phòng, ban
nav-daily = Báo cáo ngày
## Cases

cases-title = Ca bệnh (F0)
cases-new = Thêm ca bệnh
cases-edit = Sửa ca bệnh { $a }
cases-show = Ca bệnh { $a }
cases-case_code = Mã ca bệnh
cases-detected_on = Ngày phát hiện
cases-detected_in = Nơi phát hiện
cases-status = Tình trạng
cases-status_on = Ngày chuyển tình trạng
cases-treated_at = Nơi điều trị
cases-cluster = Chùm ca bệnh
cases-village = Thôn/Tổ dân phố
cases-sex = Giới tính
cases-birth_year = Năm sinh
cases-age_band = Nhóm tuổi
cases-full_name = Họ và tên
cases-phone = Số điện thoại
cases-address = Địa chỉ
cases-personal_hint = Thông tin cá nhân chỉ phường/xã và quận/huyện thấy.
cases-search = Mã ca bệnh
cases-import = Nhập từ CSV
cases-import_title = Nhập danh sách ca bệnh từ tệp CSV
cases-import_template = Tải tệp mẫu
cases-import_file = Tệp CSV
cases-import_mode_all = Chỉ nhập khi toàn bộ tệp hợp lệ
cases-import_mode_good = Nhập các dòng hợp lệ, bỏ qua dòng lỗi
cases-import_submit = Nhập
cases-import_errors = { $a } dòng có lỗi; chưa nhập gì.
cases-import_done = Đã nhập { $a } ca bệnh; bỏ qua { $b } dòng lỗi.
cases-import_line = Dòng { $a }
cases-import_empty = Tệp không có dòng dữ liệu nào.
paste-link = Dán nhiều ca
paste-title = Dán nhiều ca bệnh một lần
paste-intro = Dán các dòng chép từ bảng tính hoặc tin nhắn: các ô cách nhau bằng Tab, dấu phẩy hoặc dấu chấm phẩy; ngày viết dd/mm/yyyy. Dòng đầu có thể là tên cột.
paste-columns = Không có dòng tên cột thì các cột theo thứ tự: { $a }. Cán bộ xã để trống cột đầu thì ca bệnh thuộc xã mình.
paste-text = Các dòng cần nhập
paste-read = Xem trước
paste-check = Kiểm tra lại
paste-save = Lưu { $a } dòng hợp lệ
paste-again = Dán lại từ đầu
paste-summary = { $a } dòng: { $b } hợp lệ, { $c } có lỗi. Sửa ngay trong bảng rồi bấm “Kiểm tra lại”.
paste-saved = Đã lưu { $a } ca bệnh; còn { $b } dòng có lỗi cần sửa.
paste-row_ok = Hợp lệ
paste-row_bad = Có lỗi
paste-commune = Phường/Xã (mã hoặc tên)
paste-cluster_id = Số chùm ca bệnh
paste-empty = Chưa có dòng nào để nhập.
paste-unreadable = Không đọc được các dòng đã dán (dấu ngoặc kép chưa đóng?).
paste-too_many = Quá 500 dòng; hãy dán từng phần hoặc dùng nhập tệp CSV.
offline-pending = { $a } bản ghi chờ gửi
offline-kept = Không có sóng: đã lưu trên máy, sẽ tự gửi khi có sóng.
offline-refused = Bị từ chối khi gửi — bấm để mở và sửa:
enum-detected_in-community = Ngoài cộng đồng
enum-detected_in-quarantine = Trong khu cách ly
enum-detected_in-lockdown = Trong khu phong tỏa
enum-detected_in-screening = Sàng lọc tại cơ sở y tế
enum-case_status-treating = Đang điều trị
enum-case_status-recovered = Khỏi bệnh
enum-case_status-died = Tử vong
enum-case_status-transferred = Chuyển đi nơi khác
enum-treated_at-home = Tại nhà
enum-treated_at-commune_station = Trạm y tế lưu động/xã
enum-treated_at-tier1 = Tầng 1
enum-treated_at-tier2 = Tầng 2
enum-treated_at-tier3 = Tầng 3
enum-sex-m = Nam
enum-sex-f = Nữ
## Clusters

clusters-title = Chùm ca bệnh
clusters-new = Thêm chùm ca bệnh
clusters-edit = Sửa chùm ca bệnh
clusters-name = Tên chùm/ổ dịch
clusters-opened_on = Ngày mở
clusters-closed_on = Ngày đóng
clusters-note = Ghi chú
clusters-cases = Số ca
clusters-active = Đang hoạt động
clusters-closed = Đã đóng
## Quarantine sites

sites-title = Khu cách ly, cơ sở thu dung
sites-new = Thêm khu cách ly
sites-edit = Sửa khu cách ly
sites-name = Tên
sites-kind = Loại
sites-treatment_tier = Tầng điều trị (cơ sở điều trị)
err-tier_for_treatment_only = Chỉ cơ sở điều trị mới có tầng điều trị.
sites-run_by = Đơn vị quản lý
sites-capacity = Sức chứa (chỗ)
sites-occupancy = Đang cách ly
sites-free = Còn trống
sites-status = Trạng thái
sites-status_on = Từ ngày
sites-history = Lịch sử số người cách ly
sites-at = Thời điểm
enum-site_kind-centralised = Khu cách ly tập trung
enum-site_kind-treatment = Cơ sở thu dung, điều trị
enum-site_kind-lockdown = Điểm phong tỏa
enum-run_by-city = Thành phố
enum-run_by-district = Quận/Huyện
enum-run_by-commune = Phường/Xã
enum-run_by-military = Quân đội
enum-site_status-standby = Sẵn sàng
enum-site_status-active = Đang hoạt động
enum-site_status-closed = Đã đóng
## Checkpoints

checkpoints-title = Chốt kiểm soát
checkpoints-new = Thêm chốt
checkpoints-edit = Sửa chốt
checkpoints-name = Tên/vị trí
checkpoints-kind = Loại chốt
checkpoints-staffed_by = Lực lượng
checkpoints-status = Trạng thái
checkpoints-status_on = Từ ngày
checkpoints-reports = Báo cáo ca trực
checkpoints-new_report = Thêm báo cáo ca trực
checkpoints-day = Ngày
checkpoints-people_checked = Số người kiểm tra
checkpoints-vehicles_checked = Số phương tiện kiểm tra
checkpoints-violations = Số vi phạm
checkpoints-fines_vnd = Tiền phạt (đồng)
enum-checkpoint_kind-city_gate = Cửa ngõ thành phố
enum-checkpoint_kind-district_border = Giáp ranh quận/huyện
enum-checkpoint_kind-commune = Chốt phường/xã
enum-checkpoint_kind-lane = Ngõ/xóm
enum-staffed_by-police = Công an
enum-staffed_by-militia = Dân quân
enum-staffed_by-community_team = Tổ COVID cộng đồng
enum-staffed_by-volunteers = Tình nguyện viên
enum-checkpoint_status-active = Đang hoạt động
enum-checkpoint_status-stood_down = Đã giải thể
## Directives

directives-title = Văn bản chỉ đạo
directives-new = Ban hành văn bản
directives-edit = Sửa văn bản
directives-issuer = Đơn vị ban hành (mã)
directives-number = Số hiệu
directives-kind = Loại văn bản
directives-title_field = Trích yếu
directives-summary = Nội dung tóm tắt
directives-issued_on = Ngày ban hành
directives-effective_from = Hiệu lực từ
directives-effective_to = Hiệu lực đến
directives-due_on = Hạn hoàn thành
directives-implements = Thực hiện văn bản (số id)
directives-targets = Đơn vị nhận (mã, cách nhau bởi dấu phẩy)
directives-targets_hint = Để trống để gửi tất cả đơn vị trực thuộc.
directives-cascade = Cây triển khai
directives-done_rate = Tỷ lệ hoàn thành
directives-report = Báo cáo thực hiện
directives-report_status = Tình hình
directives-report_note = Ghi chú
directives-not_received = Chưa nhận
directives-plan_counts = kế hoạch: { $a }/{ $b } đơn vị đã xong
directives-overdue = Quá hạn
directives-plan_overdue = { $a } quá hạn
directives-due_soon = sắp đến hạn
directives-overdue_by = Đã quá hạn báo cáo { $a } ngày (hạn { $b }).
directives-due_in = Còn { $a } ngày đến hạn báo cáo ({ $b }).
directives-open = Đang thực hiện
enum-body-people_committee = Ủy ban nhân dân (UBND)
enum-body-party_committee = Cấp ủy Đảng (Thành ủy, Quận ủy, Huyện ủy, Đảng ủy)
enum-body-command = Ban Chỉ đạo / Sở Chỉ huy phòng, chống dịch
enum-body-department = Phòng, ban, đơn vị
enum-unit_kind-health_office = Phòng Y tế / Sở Y tế
enum-unit_kind-health_centre = Trung tâm Y tế / Trạm Y tế
enum-unit_kind-police = Công an
enum-unit_kind-military = Ban Chỉ huy Quân sự
enum-unit_kind-home_affairs = Phòng Nội vụ
enum-unit_kind-culture_centre = Trung tâm Văn hóa - Thông tin
enum-unit_kind-community_team = Tổ COVID cộng đồng
enum-unit_kind-other = Đơn vị khác
directives-body = Cơ quan ban hành
directives-body_unit = Phòng, ban ban hành
directives-body_unit_hint = Mã số phòng, ban khi cơ quan ban hành là một phòng, ban.
directives-cites = Văn bản dẫn chiếu
directives-cites_hint = Mã số các văn bản được áp dụng, cách nhau bởi dấu phẩy.
directives-cited_by = Được dẫn chiếu bởi
directives-citations = Dẫn chiếu
directives-implements_of = Triển khai văn bản
directives-tasks = Nhiệm vụ được giao
directives-add_task = Giao nhiệm vụ
tasks-title = Nhiệm vụ
tasks-new = Giao nhiệm vụ
tasks-edit = Sửa nhiệm vụ
tasks-directive = Văn bản giao
tasks-directive_id = Mã văn bản giao
tasks-assignee = Đơn vị thực hiện
tasks-what = Nội dung nhiệm vụ
tasks-due_on = Thời hạn
tasks-status = Tình hình
tasks-note = Ghi chú
tasks-reported_on = Ngày báo cáo
tasks-reporter = Người báo cáo
tasks-report = Báo cáo tiến độ
tasks-reports = Các lần báo cáo
tasks-overdue = Quá hạn
tasks-open_here = Nhiệm vụ đang chờ đơn vị thực hiện
tasks-none_open = Không có nhiệm vụ đang mở.
tasks-of_area = Trực thuộc
inspections-title = Kiểm tra
inspections-new = Ghi kết quả kiểm tra
inspections-edit = Sửa kết quả kiểm tra
inspections-unit = Đơn vị được kiểm tra
inspections-team = Đoàn kiểm tra
inspections-visited_on = Ngày kiểm tra
inspections-findings = Kết quả kiểm tra
inspections-verdict = Kết luận
inspections-follow_up_due = Hạn khắc phục
inspections-follow_up_hint = Bắt buộc khi kết luận chưa đạt: đơn vị nhận một nhiệm vụ khắc phục đến hạn này.
inspections-task = Nhiệm vụ khắc phục
enum-verdict-met = Đạt
enum-verdict-not_met = Chưa đạt
audit-of-inspection = kết quả kiểm tra
nav-inspections = Kiểm tra
units-title = Phòng, ban, lực lượng
units-new = Thêm phòng, ban
units-edit = Sửa phòng, ban
units-area = Địa bàn
units-kind = Loại đơn vị
units-name = Tên đơn vị
units-active = Đang hoạt động
dash-units_behind = Đơn vị chậm nhất
enum-directive_kind-directive = Chỉ thị
enum-directive_kind-conclusion = Thông báo kết luận
enum-directive_kind-letter = Công văn
enum-directive_kind-decision = Quyết định
enum-directive_kind-plan = Kế hoạch
enum-report_status-received = Đã nhận
enum-report_status-in_progress = Đang thực hiện
enum-report_status-done = Đã hoàn thành
## Daily reports

daily-title = Báo cáo ngày
daily-edit = Báo cáo ngày { $a } — { $b }
daily-day = Ngày
daily-new_f0 = F0 mới (tự tính)
daily-f1_traced = F1 truy vết
daily-f1_quarantined = F1 đưa đi cách ly
daily-tests = Số mẫu xét nghiệm
daily-dose1 = Mũi 1
daily-dose2 = Mũi 2
daily-dose3 = Mũi 3
daily-notes = Ghi chú
daily-reported = Đã báo cáo
daily-reported_of = { $a }/{ $b } đã báo cáo
daily-missing = Chưa báo cáo
daily-status_of = Tình hình báo cáo ngày { $a }
daily-missing_count = { $a } phường/xã chưa báo cáo
daily-file = Lập/sửa báo cáo
## Dashboard

dash-date = Ngày
dash-active = F0 đang điều trị
dash-new_today = F0 mới trong ngày
dash-new_7d = F0 mới 7 ngày
dash-avg_7d = Trung bình 7 ngày
dash-community_share = Phát hiện ngoài cộng đồng (7 ngày)
dash-community_7d = Cộng đồng 7 ngày
dash-total = Tổng số F0
dash-totals = Từ đầu dịch
dash-recovered = Khỏi bệnh
dash-died = Tử vong
dash-curve = Diễn biến số ca mắc mới (cột) và trung bình 7 ngày (đường)
dash-quarantine = Cách ly
dash-sites_active = Khu đang hoạt động
dash-capacity = Sức chứa
dash-occupancy = Đang cách ly
dash-free = Còn trống
dash-checkpoints = Chốt kiểm soát
dash-checkpoints_active = Chốt đang hoạt động
dash-violations_today = Vi phạm hôm nay
dash-clusters_active = Chùm ca bệnh đang hoạt động
dash-directives = Văn bản chỉ đạo
dash-open = Chưa hoàn thành
dash-overdue = Quá hạn
dash-done_rate = Tỷ lệ hoàn thành
dash-reports = Báo cáo ngày
dash-reports_of = { $a }/{ $b } phường/xã đã báo cáo
dash-under = Các đơn vị trực thuộc
dash-own_level = Do cấp này trực tiếp quản lý
dash-sort = Sắp xếp
dash-map = Bản đồ vùng
dash-spark = 14 ngày
dash-zone = Vùng
dash-level = Cấp độ
zone-red = Vùng đỏ
zone-green = Vùng xanh
zone-level = Cấp độ dịch { $a }
zone-level_1 = Cấp 1 — nguy cơ thấp (xanh)
zone-level_2 = Cấp 2 — nguy cơ trung bình (vàng)
zone-level_3 = Cấp 3 — nguy cơ cao (cam)
zone-level_4 = Cấp 4 — nguy cơ rất cao (đỏ)
zone-no_level = Chưa xác định cấp độ
zone-by_incidence = Theo tiêu chí 1: { $a } ca cộng đồng/100.000 dân trong 7 ngày
zone-by_vaccination = Tiêu chí 2 (tiêm chủng { $a }) chưa đạt: nâng một cấp
zone-by_treatment = Tiêu chí 3 (năng lực điều trị) chưa đạt: nâng một cấp
zone-no_population = Chưa có số dân nên chưa tính được tỷ lệ trên 100.000 dân
zone-red_green_count = { $a } phường/xã vùng đỏ, { $b } vùng xanh
zone-computed = Hệ thống tính: { $a }
zone-declared = Công bố bởi { $a } lúc { $b }, hiệu lực từ { $c }: { $d }
zone-declare = Công bố vùng/cấp độ
zone-colour = Màu vùng
zone-level_field = Cấp độ dịch
zone-reason = Lý do
zone-effective_on = Hiệu lực từ ngày
zone-withdraw = Rút công bố, trở về giá trị tính toán
zone-colour_or_level = Chọn màu vùng hoặc cấp độ.
zone-declared_ok = Đã công bố.
zone-withdrawn_ok = Đã rút công bố.
chg-up_day = tăng { $a } so với hôm qua
chg-down_day = giảm { $a } so với hôm qua
chg-same_day = không đổi so với hôm qua
chg-up_week = tăng { $a } so với 7 ngày trước đó
chg-down_week = giảm { $a } so với 7 ngày trước đó
chg-same_week = không đổi so với 7 ngày trước đó
chart-summary = Ca mới mỗi ngày từ { $a } đến { $b }: cao nhất { $c } ca (ngày { $d }); ngày cuối { $e } ca
chart-spark = Ca mới 14 ngày: { $a }
chart-bars = Cột: ca mới mỗi ngày
chart-line = Đường: trung bình 7 ngày
zone-level_short = Cấp { $a }
zone-no_level_short = Chưa rõ cấp
dash-tile_label = { $a }: { $b }, { $c } ca trong 7 ngày, { $d }
zone-population_estimated = theo dân số ước tính
zone-lacking = Chưa đủ số liệu { $a } — không nâng cấp vì thiếu số liệu
zone-lacking_vaccination = tiêm chủng
zone-lacking_treatment = năng lực điều trị
zone-adults_share = { $a } người từ 18 tuổi (ước tính { $b }% dân số)
zone-adults_recorded = { $a } người từ 18 tuổi
zone-coverage = Tiêm mũi 1: { $a } của { $b }
zone-red_share = { $a }/{ $b } phường/xã vùng đỏ
areas-estimated = ước tính
areas-adults = Dân số từ 18 tuổi
dash-updated = Cập nhật lúc { $a } · { $b }
dash-rising = Tăng nhanh nhất (7 ngày)
dash-none_rising = Không đơn vị nào tăng so với 7 ngày trước đó.
dash-rate = Cộng đồng /100.000 dân, 7 ngày
dash-legend = Chú giải
dash-legend_red = có phường/xã vùng đỏ
dash-legend_up = ▲ tăng (xấu đi)
dash-legend_down = ▼ giảm
dash-legend_same = = không đổi
dash-wall = Màn hình tường
dash-back = Trang đầy đủ
dash-most_overdue = Nhiều việc quá hạn nhất
dash-none_overdue = Không có việc quá hạn.
dash-overdue_n = { $a } việc quá hạn
dash-worse = Xấu đi
dash-testing_7d = Xét nghiệm 7 ngày
dash-positive_rate = Tỷ lệ dương tính
dash-waiting_48h = Mẫu chờ kết quả quá 48 giờ
dash-treatment = Điều trị F0 theo tầng
dash-treated_where = Nơi điều trị
dash-tier_places = Giường đang dùng/giường
dash-tier_n = Tầng { $a }
dash-tier_full = gần hết chỗ
dash-no_facilities = chưa khai báo cơ sở
dash-treated_unknown = Chưa ghi nơi điều trị
dash-people = người
dash-days = ngày
dash-operations = Năng lực và vận hành
dash-quarantine_free = Cách ly: chỗ trống
dash-directives_overdue = Việc chỉ đạo quá hạn
dash-sorted_worse = Xếp theo mức xấu đi: tăng nhiều nhất trong 7 ngày, rồi tỷ lệ ca cộng đồng
dash-change = Thay đổi
dash-overdue_col = Việc quá hạn
pop-bad_line = không đúng dạng mã,dân số[,dân số từ 18 tuổi]
pop-bad_number = số dân không phải số nguyên không âm
pop-more_adults = số người từ 18 tuổi lớn hơn dân số
pop-twice = mã này đã có ở dòng trước
pop-line = Dòng { $a }: { $b }
pop-empty = Tệp không có dòng số liệu nào.
areas-unknown_codes = Mã không thuộc địa bàn này: { $a }. Chưa lưu dòng nào.
areas-import_populations = Nhập dân số từ tệp CSV (mã,dân số[,dân số từ 18 tuổi])
areas-populations_saved = Đã cập nhật dân số: { $a } địa bàn thay đổi, { $b } không đổi.
## Error pages

error-title = Có lỗi
error-400 = Yêu cầu không hợp lệ.
error-400_date = Ngày phải từ 01/01/2019 đến { $a }.
error-408 = Yêu cầu quá thời gian chờ. Xin thử lại.
error-401 = Xin đăng nhập để tiếp tục.
error-403 = Bạn không có quyền truy cập nội dung này.
error-403_csrf = Biểu mẫu đã hết hạn hoặc không hợp lệ. Xin tải lại trang và gửi lại.
error-404 = Không tìm thấy trang hoặc dữ liệu yêu cầu.
error-409 = Dữ liệu đã bị người khác thay đổi hoặc bị trùng.
error-413 = Dữ liệu gửi lên quá lớn.
error-422 = Dữ liệu không hợp lệ.
error-429 = Quá nhiều yêu cầu. Xin thử lại sau.
error-500 = Hệ thống gặp lỗi. Sự cố đã được ghi lại; xin thử lại sau ít phút.
error-503 = Cơ sở dữ liệu tạm thời không truy cập được. Dữ liệu của bạn chưa được lưu; xin thử lại sau ít phút.
error-503_switching = Đang chuyển máy chủ dữ liệu: chưa lưu được. Dữ liệu bạn nhập vẫn còn; xin gửi lại sau ít giây.
failover-banner = Đang chuyển máy chủ dữ liệu — chỉ xem. Số liệu là số đã có trước lúc chuyển; chưa ghi được gì cho đến khi xong (thường dưới 30 giây).
error-home = Về trang chủ
account-title = Tài khoản của tôi
account-change_password = Đổi mật khẩu
account-current = Mật khẩu hiện tại
account-new = Mật khẩu mới
account-new_hint = Ít nhất 10 ký tự; không dùng mật khẩu phổ biến hay tên của chính bạn. Đổi xong, mọi phiên đăng nhập và mã API của bạn đều kết thúc.
account-repeat = Nhập lại mật khẩu mới
account-everywhere = Đăng xuất khỏi mọi nơi
account-everywhere_hint = Kết thúc mọi phiên đăng nhập của bạn trên mọi máy (kể cả máy dùng chung bạn quên đăng xuất) và thu hồi mọi mã API.
account-changed = Đã đổi mật khẩu. Hãy đăng nhập lại bằng mật khẩu mới.
nav-account = Tài khoản
err-password_common = Mật khẩu này nằm trong danh sách mười nghìn mật khẩu phổ biến nhất; hãy chọn mật khẩu khác.
err-password_personal = Mật khẩu không được chứa tên đăng nhập hay tên của bạn.
err-password_repeat = Hai lần nhập mật khẩu mới không khớp.
err-password_wrong = Mật khẩu hiện tại không đúng.
account-sign_ins = Nơi bạn đang đăng nhập
account-signed_in_at = Đăng nhập lúc
account-address = Địa chỉ mạng
account-device = Trình duyệt, thiết bị
account-this_one = phiên này
today-title = Việc hôm nay
today-report = Báo cáo ngày hôm nay
today-not_sent = Chưa gửi
today-sent = Đã gửi
today-send_report = Gửi báo cáo
today-see_report = Xem báo cáo
today-see_missing = Xem nơi chưa báo cáo
today-directives = Văn bản chỉ đạo chưa báo cáo hoàn thành
today-no_tasks = Không có nhiệm vụ đang mở.
today-behind = Đơn vị chậm nhiệm vụ
today-behind_of = { $a } quá hạn / { $b } đang mở
nav-today = Việc hôm nay
