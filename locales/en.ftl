### Vùng Xanh: English texts of the interface (Vietnamese is in vi.ftl).
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
app-tagline = COVID-19 command-centre dashboard
nav-areas = Areas
nav-users = Users
nav-audit = Audit log
nav-sign_in = Sign in
nav-sign_out = Sign out
nav-switch_lang = Tiếng Việt
nav-skip = Skip to content
nav-menu = Menu
nav-group_figures = Figures
nav-group_operations = Operations
nav-group_direction = Direction
nav-group_admin = Administration
entry-title = To do
entry-daily = Daily report
entry-directives = Directives to answer ({ $a })
rec-save_and_add = Save and add another
rec-choose_commune = — Choose a commune —
common-save = Save
common-cancel = Cancel
common-search = Search
common-none = None
common-yes = Yes
common-no = No
common-back = Back
common-filter = Filter
common-all = All
common-from = From
common-to = To
common-unknown = Not set
common-previous = Previous
common-next = Next
common-form_has_errors = The form has errors; see the marked fields.
## Levels of areas

level-city = City
level-district = District
level-commune = Commune
## Areas

areas-title = Areas
areas-code = Code
areas-name = Name
areas-level = Level
areas-population = Population
areas-children_count = Units under it
areas-under = Under
areas-districts_of = Districts of { $a }
areas-communes_of = Communes of { $a }
areas-summary = { $a } districts, { $b } communes
areas-search_placeholder = Area name, with or without diacritics
areas-search_results = Search results for “{ $a }”
areas-no_results = No area found.
areas-edit_population = Edit population
areas-population_saved = Population saved.
## Units

# key: unit.Thành phố
unit-Th--e0-nh--20-ph--1ed1- = City

# key: unit.Tỉnh
unit-T--1ec9-nh = Province

# key: unit.Quận
unit-Qu--1ead-n = Urban district

# key: unit.Huyện
unit-Huy--1ec7-n = Rural district

# key: unit.Thị xã
unit-Th--1ecb---20-x--e3- = Town

# key: unit.Thành phố thuộc tỉnh
unit-Th--e0-nh--20-ph--1ed1---20-thu--1ed9-c--20-t--1ec9-nh = Provincial city

# key: unit.Phường
unit-Ph--1b0---1edd-ng = Ward

# key: unit.Xã
unit-X--e3- = Commune

# key: unit.Thị trấn
unit-Th--1ecb---20-tr--1ea5-n = Township

## Roles

role-commune = Commune official
role-district = District command centre
role-city = City command centre
role-admin = Administrator
## Sign in

auth-sign_in_title = Sign in
auth-username = Username
auth-password = Password
auth-submit = Sign in
auth-bad_credentials = Wrong username or password.
auth-rate_limited = Too many failed sign-ins. Try again in { $a } minutes.
auth-signed_out = You have signed out.
auth-signed_in_as = Signed in as { $a }
## Users

users-title = Users
users-new = Add a user
users-edit = Edit user
users-username = Username
users-display_name = Full name
users-password = Password
users-password_hint = At least 10 characters.
users-role = Role
users-area = Area (code)
users-status = Status
users-active = Active
users-disabled = Disabled
users-disable = Disable
users-enable = Enable
users-created = User { $a } created.
users-saved = User { $a } saved.
users-created_at = Created
## Audit

audit-title = Audit log
audit-what = What happened
audit-changes = Changes
audit-did-create = added
audit-did-update = changed
audit-did-void = voided
audit-did-report = reported on
audit-did-revoke = revoked
audit-did-sign_in = signed in
audit-did-sign_out = signed out
audit-did-declare = declared
audit-did-withdraw = withdrew
audit-of-case = case
audit-of-cluster = cluster
audit-of-quarantine_site = quarantine site
audit-of-checkpoint = checkpoint
audit-of-checkpoint_report = checkpoint shift report
audit-of-directive = directive
audit-of-task = task
audit-of-unit = department
audit-of-daily_report = daily report
audit-of-user = user
audit-of-area = area
audit-of-zone = the zone of
audit-of-api_token = API token
audit-at = When
audit-user = Who
audit-area = Area
audit-action = Action
audit-entity = Record
audit-old = Old value
audit-new = New value
audit-empty = No changes yet.
audit-filter_user = Username
audit-filter_area = Area code
## Validation

err-required = Required.
err-too_long = Too long (at most { $a } characters).
err-username_format = Lower-case letters, digits, dot, dash or underscore; 3–64 characters.
err-username_taken = That username is taken.
err-password_short = The password needs at least 10 characters.
err-unknown_area = No area has this code.
err-role_area_mismatch = This role must belong to an area of level { $a }.
err-bad_role = Invalid role.
err-json_data = The JSON has a wrong type or a missing field: { $a }
err-not_a_number = Must be a whole number, not negative.
## Form checks

err-control_chars = Contains characters that are not allowed.
err-cursor = This page link is not valid or belongs to another list; go back to the first page.
err-date_format = Not a date (dd/mm/yyyy).
err-date_too_early = Too early (before 2019).
err-date_too_late = Too far ahead (after { $a }).
err-bidi_chars = Contains text-direction override characters (U+202A–U+202E, U+2066–U+2069), which are not allowed.
err-date_in_future = The date cannot be in the future.
err-date_before_detected = Cannot be before the date detected.
err-date_order = The end date must come after the start.
err-out_of_range = Must be from { $a } to { $b }.
err-bad_choice = Not one of the allowed values.
err-case_code_format = Case codes are capital letters and digits, e.g. BN123456.
err-case_code_taken = This case code already exists.
err-not_your_area = This area is outside your jurisdiction.
err-cluster_has_cases = This cluster has cases, so it cannot move to another commune.
err-unknown_area_name = No such area in your jurisdiction; type a name or code and pick a suggestion.
err-ambiguous_area_name = Several areas have this name; pick a suggestion or type the code.
err-not_a_commune = Must be the code of a commune.
err-unknown_cluster = No such cluster in the chosen commune.
err-occupancy_over_capacity = Occupancy cannot exceed capacity.
err-phone_format = Phone numbers are digits, spaces and +.
err-stale = Someone else changed this record while you were editing. The current values are shown below; your input is kept — check it and save again.
err-version_required = The version read last is missing.
err-idempotency_reused = This idempotency key was already used for another request with other values; nothing was saved. Send again with a new key (reload the form).
err-number_taken = This document number already exists.
err-target_not_under_issuer = Targets must lie under the issuing area.
err-unknown_directive = No such directive.
err-not_a_target = This area is not a target of the directive.
err-unit_taken = This area already has a unit of that name.
err-parent_not_above = A directive implements only one issued by its own area or an area above it.
err-before_parent = A follow-up cannot be dated before the directive it implements.
err-cycle = This reference would make the directives refer to each other in a loop.
err-unit_not_of_issuer = This department does not belong to the issuing area.
err-assignee = Assign to an area under the issuer or a department of the issuer's area.
err-void_reason = A reason is needed to void.
err-already_voided = The record is already voided.
## Records, shared

rec-new = Add
rec-edit = Edit
rec-show = View
rec-area = Area
rec-commune = Commune
rec-district = District
rec-version = Version
rec-export_csv = Export CSV
rec-export_xlsx = Export Excel
rec-total = Total: { $a }
rec-total_over = Total: more than { $a }
rec-first_page = First page
rec-page_n = Page { $a }
rec-saved = Saved.
rec-created = Added.
rec-current_values = Current values in the system
rec-none_yet = No records yet.
rec-include_voided = Include voided records
rec-voided = Voided
rec-void = Void this record
rec-void_reason = Reason for voiding
rec-voided_on = Voided on { $a }: { $b }
rec-history = History
nav-cases = Cases
nav-clusters = Clusters
nav-sites = Quarantine sites
nav-checkpoints = Checkpoints
nav-directives = Directives
nav-lockdowns = Lockdowns
nav-testing = Testing
nav-hotlines = Hotlines
nav-duty = Duty roster
nav-public = Public page
public-title = COVID-19 situation — public information
public-intro = The epidemic level and red/green status of every district and commune; their hotlines and today's duty officers. No personal data.
public-hotlines = Hotlines
public-duty_today = On duty today
public-none = Not published
public-districts = Districts
public-commune = Commune
public-city_contacts = City
public-sign_in = Officials sign in
public-too_many = Too many requests from this address. Please try again in a minute.
public-lookup = Find your ward or commune
public-lookup_label = Name of your ward, commune or town (accents optional)
public-lookup_button = Find
public-lookup_none = No ward or commune is named “{ $a }”. Type part of the name, e.g. “tu hiep”.
public-lookup_more = { $a } wards and communes match; type more to narrow it down.
public-of_district = in { $a }
rec-note = Note
lockdowns-title = Lockdown areas
lockdowns-new = Add a lockdown area
lockdowns-edit = Edit lockdown area
lockdowns-name = Name or address
lockdowns-kind = Kind
lockdowns-started_on = Started on
lockdowns-households = Households inside
lockdowns-people = People inside
lockdowns-cluster_id = Cluster inside
lockdowns-status = Status
lockdowns-lifted_on = Lifted on
lockdowns-active = Active
enum-lockdown_kind-isolation_area = Medical isolation area
enum-lockdown_kind-lockdown_point = Lockdown point
enum-lockdown_status-active = Active
enum-lockdown_status-lifted = Lifted
testing-title = Testing rounds
testing-new = Add a testing round
testing-edit = Edit testing round
testing-area = Area (commune or district code)
testing-tested_on = Sampled on
testing-target = Who was tested (village, market, whole commune…)
testing-method = Method
testing-samples = Samples
testing-results = Samples with results
testing-results_on = Results returned on
testing-positives = Positive samples
testing-waiting = Waiting for results
enum-test_method-pooled_pcr = Pooled RT-PCR
enum-test_method-individual_pcr = Individual RT-PCR
enum-test_method-rapid_antigen = Rapid antigen test
hotlines-title = Hotlines
hotlines-new = Add a hotline
hotlines-edit = Edit hotline
hotlines-label = Name (steering committee, health station…)
hotlines-phone = Phone number
duty-title = Duty roster
duty-new = Add a duty officer
duty-edit = Edit duty
duty-day = Day
duty-name = Name
duty-role = Role
err-lifted_while_active = An active lockdown has no lifting date.
err-results_over_samples = More results than samples.
err-positives_over_results = More positives than results.
err-not_a_commune_or_district = Choose a commune or a district.
nav-tasks = Tasks
nav-units = Departments
nav-daily = Daily reports
## Cases

cases-title = Confirmed cases (F0)
cases-new = Add a case
cases-edit = Edit case { $a }
cases-show = Case { $a }
cases-case_code = Case code
cases-detected_on = Date detected
cases-detected_in = Where detected
cases-status = Status
cases-status_on = Date of status
cases-treated_at = Treated at
cases-cluster = Cluster
cases-village = Village / residential group
cases-sex = Sex
cases-birth_year = Year of birth
cases-age_band = Age band
cases-full_name = Full name
cases-phone = Phone
cases-address = Address
cases-personal_hint = Personal details are seen only by the commune and its district.
cases-search = Case code
cases-import = Import from CSV
cases-import_title = Import a case list from CSV
cases-import_template = Download the template
cases-import_file = CSV file
cases-import_mode_all = Import only when the whole file is clean
cases-import_mode_good = Import the good rows, skip the bad ones
cases-import_submit = Import
cases-import_errors = { $a } lines have errors; nothing was imported.
cases-import_done = Imported { $a } cases; skipped { $b } bad lines.
cases-import_line = Line { $a }
cases-import_empty = The file has no data rows.
paste-link = Paste many cases
paste-title = Paste many cases at once
paste-intro = Paste rows copied from a spreadsheet or a message: cells separated by tabs, commas or semicolons; dates as dd/mm/yyyy. The first row may name the columns.
paste-columns = Without a header row the columns are, in order: { $a }. A commune official may leave the first column empty for their own commune.
paste-text = Rows to enter
paste-read = Preview
paste-check = Check again
paste-save = Save { $a } valid rows
paste-again = Paste again
paste-summary = { $a } rows: { $b } valid, { $c } with errors. Fix them in place, then “Check again”.
paste-saved = Saved { $a } cases; { $b } rows with errors are left to fix.
paste-row_ok = Valid
paste-row_bad = Has errors
paste-commune = Commune (code or name)
paste-cluster_id = Cluster number
paste-empty = There are no rows to enter.
paste-unreadable = The pasted rows cannot be read (an unclosed quote?).
paste-too_many = More than 500 rows; paste in parts or import a CSV file.
offline-pending = { $a } records waiting to send
offline-kept = No signal: kept on this phone, sent when the signal returns.
offline-refused = Refused when sent — tap to open and fix:
enum-detected_in-community = In the community
enum-detected_in-quarantine = In quarantine
enum-detected_in-lockdown = In a lockdown area
enum-detected_in-screening = Screening at a health facility
enum-case_status-treating = Under treatment
enum-case_status-recovered = Recovered
enum-case_status-died = Died
enum-case_status-transferred = Transferred out
enum-treated_at-home = At home
enum-treated_at-commune_station = Commune station
enum-treated_at-tier1 = Tier 1
enum-treated_at-tier2 = Tier 2
enum-treated_at-tier3 = Tier 3
enum-sex-m = Male
enum-sex-f = Female
## Clusters

clusters-title = Clusters
clusters-new = Add a cluster
clusters-edit = Edit cluster
clusters-name = Cluster name
clusters-opened_on = Opened on
clusters-closed_on = Closed on
clusters-note = Note
clusters-cases = Cases
clusters-active = Active
clusters-closed = Closed
## Quarantine sites

sites-title = Quarantine sites
sites-new = Add a site
sites-edit = Edit site
sites-name = Name
sites-kind = Kind
sites-treatment_tier = Treatment tier (treatment facilities)
err-tier_for_treatment_only = Only a treatment facility has a tier.
sites-run_by = Run by
sites-capacity = Capacity (places)
sites-occupancy = Occupancy
sites-free = Free
sites-status = Status
sites-status_on = Since
sites-history = Occupancy history
sites-at = When
enum-site_kind-centralised = Centralised quarantine
enum-site_kind-treatment = Treatment facility
enum-site_kind-lockdown = Lockdown point
enum-run_by-city = City
enum-run_by-district = District
enum-run_by-commune = Commune
enum-run_by-military = Military
enum-site_status-standby = Standby
enum-site_status-active = Active
enum-site_status-closed = Closed
## Checkpoints

checkpoints-title = Checkpoints
checkpoints-new = Add a checkpoint
checkpoints-edit = Edit checkpoint
checkpoints-name = Name / location
checkpoints-kind = Kind
checkpoints-staffed_by = Staffed by
checkpoints-status = Status
checkpoints-status_on = Since
checkpoints-reports = Shift reports
checkpoints-new_report = Add a shift report
checkpoints-day = Date
checkpoints-people_checked = People checked
checkpoints-vehicles_checked = Vehicles checked
checkpoints-violations = Violations
checkpoints-fines_vnd = Fines (VND)
enum-checkpoint_kind-city_gate = City gate
enum-checkpoint_kind-district_border = District border
enum-checkpoint_kind-commune = Commune
enum-checkpoint_kind-lane = Lane
enum-staffed_by-police = Police
enum-staffed_by-militia = Militia
enum-staffed_by-community_team = Community COVID team
enum-staffed_by-volunteers = Volunteers
enum-checkpoint_status-active = Active
enum-checkpoint_status-stood_down = Stood down
## Directives

directives-title = Directives
directives-new = Issue a directive
directives-edit = Edit directive
directives-issuer = Issued by (code)
directives-number = Number
directives-kind = Kind
directives-title_field = Title
directives-summary = Summary
directives-issued_on = Issued on
directives-effective_from = Effective from
directives-effective_to = Effective until
directives-due_on = Deadline
directives-implements = Implements directive (id)
directives-targets = Targets (codes, comma separated)
directives-targets_hint = Leave empty to send to every unit under the issuer.
directives-cascade = Cascade
directives-done_rate = Completion rate
directives-report = Report on it
directives-report_status = Status
directives-report_note = Note
directives-not_received = Not yet received
directives-plan_counts = plans: { $a }/{ $b } done
directives-overdue = Overdue
directives-plan_overdue = { $a } overdue
directives-due_soon = due soon
directives-overdue_by = Your report is { $a } days overdue (due { $b }).
directives-due_in = { $a } days left to report (due { $b }).
directives-open = Open
enum-body-people_committee = People's Committee (UBND)
enum-body-party_committee = Party Committee
enum-body-command = COVID-19 command
enum-body-department = Department
enum-unit_kind-health_office = Health office
enum-unit_kind-health_centre = Health centre
enum-unit_kind-police = Police
enum-unit_kind-military = Military command
enum-unit_kind-home_affairs = Home-affairs office
enum-unit_kind-culture_centre = Culture and information centre
enum-unit_kind-community_team = Community COVID team
enum-unit_kind-other = Other unit
directives-body = Issuing body
directives-body_unit = Issuing department
directives-body_unit_hint = The department's id when a department issues it.
directives-cites = Cites
directives-cites_hint = Ids of the directives it applies, separated by commas.
directives-cited_by = Cited by
directives-citations = References
directives-implements_of = Implements
directives-tasks = Tasks assigned
directives-add_task = Assign a task
tasks-title = Tasks
tasks-new = Assign a task
tasks-edit = Edit task
tasks-directive = Directive
tasks-directive_id = Directive id
tasks-assignee = Unit
tasks-what = What is to be done
tasks-due_on = Deadline
tasks-status = Status
tasks-note = Note
tasks-reported_on = Reported on
tasks-reporter = Reported by
tasks-report = Report progress
tasks-reports = Reports
tasks-overdue = Overdue
tasks-open_here = Open tasks for this unit
tasks-none_open = No open tasks.
tasks-of_area = Of
inspections-title = Inspections
inspections-new = Record an inspection
inspections-edit = Edit inspection
inspections-unit = Unit inspected
inspections-team = Inspection team
inspections-visited_on = Date of the visit
inspections-findings = Findings
inspections-verdict = Verdict
inspections-follow_up_due = Follow-up deadline
inspections-follow_up_hint = Required when not met: the unit is given a task to put it right by then.
inspections-task = Follow-up task
enum-verdict-met = Met
enum-verdict-not_met = Not met
audit-of-inspection = inspection
nav-inspections = Inspections
units-title = Departments and forces
units-new = Add a department
units-edit = Edit department
units-area = Area
units-kind = Kind
units-name = Name
units-active = Active
dash-units_behind = Units most behind
enum-directive_kind-directive = Directive
enum-directive_kind-conclusion = Conclusion notice
enum-directive_kind-letter = Official letter
enum-directive_kind-decision = Decision
enum-directive_kind-plan = Plan
enum-report_status-received = Received
enum-report_status-in_progress = In progress
enum-report_status-done = Done
## Daily reports

daily-title = Daily reports
daily-edit = Daily report { $a } — { $b }
daily-day = Date
daily-new_f0 = New F0 (derived)
daily-f1_traced = F1 traced
daily-f1_quarantined = F1 sent to quarantine
daily-tests = Tests taken
daily-dose1 = 1st doses
daily-dose2 = 2nd doses
daily-dose3 = 3rd doses
daily-notes = Notes
daily-reported = Reported
daily-reported_of = { $a }/{ $b } reported
daily-missing = Not reported
daily-status_of = Reports for { $a }
daily-missing_count = { $a } communes have not reported
daily-file = File or edit the report
## Dashboard

dash-date = Date
dash-active = Active F0
dash-new_today = New today
dash-new_7d = New in 7 days
dash-avg_7d = 7-day average
dash-community_share = Found in the community (7 days)
dash-community_7d = Community, 7 days
dash-total = Total F0
dash-totals = Since the outbreak began
dash-recovered = Recovered
dash-died = Deaths
dash-curve = New cases per day (bars) and 7-day average (line)
dash-quarantine = Quarantine
dash-sites_active = Active sites
dash-capacity = Capacity
dash-occupancy = Occupied
dash-free = Free
dash-checkpoints = Checkpoints
dash-checkpoints_active = Active checkpoints
dash-violations_today = Violations today
dash-clusters_active = Active clusters
dash-directives = Directives
dash-open = Open
dash-overdue = Overdue
dash-done_rate = Done
dash-reports = Daily reports
dash-reports_of = { $a }/{ $b } communes reported
dash-under = Areas under it
dash-own_level = Run at this level
dash-sort = Sort
dash-map = Zone map
dash-spark = 14 days
dash-zone = Zone
dash-level = Level
zone-red = Red zone
zone-green = Green zone
zone-level = Epidemic level { $a }
zone-level_1 = Level 1 — low risk (green)
zone-level_2 = Level 2 — medium risk (yellow)
zone-level_3 = Level 3 — high risk (orange)
zone-level_4 = Level 4 — very high risk (red)
zone-no_level = Level not determined
zone-by_incidence = By criterion 1: { $a } community cases per 100,000 in 7 days
zone-by_vaccination = Criterion 2 (vaccination { $a }) unmet: raised one level
zone-by_treatment = Criterion 3 (treatment capacity) unmet: raised one level
zone-no_population = No population recorded, so no rate per 100,000
zone-red_green_count = { $a } communes red, { $b } green
zone-computed = Computed: { $a }
zone-declared = Declared by { $a } on { $b }, effective { $c }: { $d }
zone-declare = Declare zone or level
zone-colour = Zone colour
zone-level_field = Epidemic level
zone-reason = Reason
zone-effective_on = Effective from
zone-withdraw = Withdraw the declaration
zone-colour_or_level = Choose a colour or a level.
zone-declared_ok = Declared.
zone-withdrawn_ok = Withdrawn.
chg-up_day = up { $a } on yesterday
chg-down_day = down { $a } on yesterday
chg-same_day = same as yesterday
chg-up_week = up { $a } on the previous 7 days
chg-down_week = down { $a } on the previous 7 days
chg-same_week = same as the previous 7 days
chart-summary = New cases a day from { $a } to { $b }: peak { $c } (on { $d }); last day { $e }
chart-spark = New cases, 14 days: { $a }
chart-bars = Bars: new cases a day
chart-line = Line: 7-day average
zone-level_short = Level { $a }
zone-no_level_short = No level
dash-tile_label = { $a }: { $b }, { $c } cases in 7 days, { $d }
zone-population_estimated = from an estimated population
zone-lacking = Not enough data on { $a } — nothing raised for missing data
zone-lacking_vaccination = vaccination
zone-lacking_treatment = treatment capacity
zone-adults_share = { $a } adults (estimated as { $b }% of the population)
zone-adults_recorded = { $a } adults (recorded)
zone-coverage = First dose: { $a } of { $b }
zone-red_share = { $a }/{ $b } communes red
areas-estimated = estimated
areas-adults = Adults (18+)
dash-updated = Updated at { $a } · { $b }
dash-rising = Rising fastest (7 days)
dash-none_rising = None rose on the previous 7 days.
dash-rate = Community per 100,000, 7 days
dash-legend = Legend
dash-legend_red = has a red commune
dash-legend_up = ▲ rising (worse)
dash-legend_down = ▼ falling
dash-legend_same = = unchanged
dash-wall = Wall view
dash-back = Full page
dash-most_overdue = Most overdue
dash-none_overdue = Nothing overdue.
dash-overdue_n = { $a } overdue
dash-worse = Getting worse
dash-testing_7d = Testing, 7 days
dash-positive_rate = Positive rate
dash-waiting_48h = Samples waiting over 48 hours
dash-treatment = F0 treatment by tier
dash-treated_where = Treated at
dash-tier_places = Beds used/beds
dash-tier_n = Tier { $a }
dash-tier_full = nearly full
dash-no_facilities = no facility recorded
dash-treated_unknown = Place not recorded
dash-people = people
dash-days = days
dash-operations = Capacity and operations
dash-quarantine_free = Quarantine: free places
dash-directives_overdue = Overdue directive tasks
dash-sorted_worse = Sorted by getting worse: the largest 7-day rise, then the community rate
dash-change = Change
dash-overdue_col = Overdue tasks
pop-bad_line = not in the form code,population[,adult_population]
pop-bad_number = the population is not a whole number
pop-more_adults = more adults than people
pop-twice = this code is on an earlier line too
pop-line = Line { $a }: { $b }
pop-empty = The file has no lines of figures.
areas-unknown_codes = Codes not under this area: { $a }. Nothing was saved.
areas-import_populations = Import populations from a CSV (code,population[,adult_population])
areas-populations_saved = Populations saved: { $a } changed, { $b } unchanged.
## Error pages

error-title = Something went wrong
error-400 = The request is not valid.
error-400_date = The date must be from 01/01/2019 to { $a }.
error-408 = The request took too long. Please try again.
error-401 = Please sign in to continue.
error-403 = You are not allowed to see or change this.
error-403_csrf = The form has expired or is not valid. Reload the page and send it again.
error-404 = The page or record was not found.
error-409 = The record was changed by someone else or already exists.
error-413 = What was sent is too large.
error-422 = Some values are not valid.
error-429 = Too many requests. Try again later.
error-500 = The system hit an error. It has been logged; please try again in a few minutes.
error-503 = The database is unreachable for now. Nothing was saved; please try again in a few minutes.
error-503_switching = The database server is being switched: nothing was saved. What you entered is kept; please send it again in a few seconds.
failover-banner = Switching database servers — view only. Figures are those held before the switch; nothing can be saved until it is done (usually under 30 seconds).
error-home = Back to the home page
account-title = My account
account-change_password = Change password
account-current = Current password
account-new = New password
account-new_hint = At least 10 characters; not a common password nor your own name. Once changed, every session and API token of yours ends.
account-repeat = New password again
account-everywhere = Sign out everywhere
account-everywhere_hint = Ends every session of yours on every device (a shared computer you forgot to sign out of, too) and revokes every API token.
account-changed = Password changed. Sign in again with the new one.
nav-account = Account
err-password_common = This password is among the ten thousand most common; choose another.
err-password_personal = The password may not contain your username or your name.
err-password_repeat = The two new passwords differ.
err-password_wrong = The current password is wrong.
account-sign_ins = Where you are signed in
account-signed_in_at = Signed in at
account-address = Network address
account-device = Browser, device
account-this_one = this one
today-title = Today's work
today-report = Today's daily report
today-not_sent = Not sent
today-sent = Sent
today-send_report = Send the report
today-see_report = See the report
today-see_missing = See who has not reported
today-directives = Directives not yet reported done
today-no_tasks = No open tasks.
today-behind = Units behind on their tasks
today-behind_of = { $a } overdue / { $b } open
nav-today = Today's work
