//! Paste many cases at once: rows copied from a spreadsheet or a chat
//! message (tab-, comma- or semicolon-separated, in the import's column
//! order or under a header row, Vietnamese dates dd/mm/yyyy) become a
//! preview with every row's errors beside it; the official fixes them in
//! place and saves every valid row in one transaction. The checks are the
//! CSV import's ([`check_rows`]).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tower_sessions::Session;

use super::cases::{CSV_COLUMNS, RowCheck, check_rows, store_rows};
use crate::domain::area::Level;
use crate::domain::error::AppError;
use crate::domain::forms::{Raw, Vocab};
use crate::domain::i18n::Lang;
use crate::domain::policy::{Action, CurrentUser};
use crate::domain::vocab::{CaseStatus, DetectedIn, Sex, TreatedAt};
use crate::state::AppState;
use crate::storage::records::writable_communes;
use crate::web::auth::CsrfForm;
use crate::web::page::Page;

/// Most rows taken from one paste.
const MAX_ROWS: usize = 500;

/// Shown only to those who may read personal details.
const PERSONAL: [&str; 3] = ["full_name", "phone", "address"];

/// The paste page.
pub fn router() -> Router<AppState> {
    Router::new().route("/cases/paste", get(form).post(submit))
}

/// One cell of the preview.
pub struct Cell {
    pub name: String,
    pub label: String,
    pub value: String,
    pub error: Option<String>,
    /// A closed list's values and labels; empty for text.
    pub options: Vec<(String, String)>,
}

/// One pasted row in the preview.
pub struct Row {
    pub index: usize,
    pub line: usize,
    /// The case code as typed, to name the row when folded.
    pub code: String,
    pub cells: Vec<Cell>,
    /// Errors of fields the preview has no cell for.
    pub other_errors: Vec<String>,
    pub ok: bool,
}

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "records/paste.html")]
struct PastePage {
    page: Page,
    text: String,
    columns: String,
    rows: Vec<Row>,
    summary: Option<String>,
    good: usize,
    /// Whether every row shown is valid.
    clean: bool,
    error: Option<String>,
}

async fn form(page: Page, user: CurrentUser) -> Result<PastePage, AppError> {
    user.authorize(Action::ImportCases(&user.area))?;
    Ok(PastePage {
        columns: CSV_COLUMNS.join(", "),
        page,
        text: String::new(),
        rows: vec![],
        summary: None,
        good: 0,
        clean: true,
        error: None,
    })
}

async fn submit(
    State(state): State<AppState>,
    page: Page,
    user: CurrentUser,
    session: Session,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    user.authorize(Action::ImportCases(&user.area))?;
    let lang = page.lang;
    let personal = user.can(Action::ReadPersonal(&user.area));
    let step = form
        .iter()
        .find(|(k, _)| k == "step")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let text = form
        .iter()
        .find(|(k, _)| k == "text")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    // Rows come from the pasted text, or from the preview's cells as fixed.
    let rows = if step == "read" {
        match parse(&text) {
            Ok(rows) => rows,
            Err(key) => return again(page, text, lang.t(key).into()),
        }
    } else {
        from_cells(&form)
    };
    if rows.is_empty() {
        return again(page, text, lang.t("paste.empty").into());
    }
    let communes = writable_communes(&state.db, &user).await?;
    let rows: Vec<(usize, Raw)> = rows
        .into_iter()
        .map(|(line, raw)| (line, normalise(raw, &user, &communes)))
        .collect();
    let checked = check_rows(&state, &user, lang, rows.clone()).await?;
    let good: Vec<_> = checked
        .iter()
        .filter_map(|(_, o)| match o {
            RowCheck::Good(v) => Some(v.as_ref().clone()),
            RowCheck::Bad(_) => None,
        })
        .collect();
    if step == "save" && !good.is_empty() {
        store_rows(&state, &user, &good).await?;
        let bad = checked.len() - good.len();
        let msg = lang.tf("paste.saved", &[&good.len().to_string(), &bad.to_string()]);
        if bad == 0 {
            Page::flash(&session, msg).await?;
            return Ok(Redirect::to("/cases").into_response());
        }
        // What is left to fix.
        let left: Vec<(usize, Raw)> = rows
            .into_iter()
            .zip(&checked)
            .filter(|(_, (_, o))| matches!(o, RowCheck::Bad(_)))
            .map(|(r, _)| r)
            .collect();
        let checked: Vec<_> = checked
            .into_iter()
            .filter(|(_, o)| matches!(o, RowCheck::Bad(_)))
            .collect();
        let preview = preview(lang, personal, &left, &checked);
        return Ok(PastePage {
            columns: CSV_COLUMNS.join(", "),
            page,
            text: String::new(),
            rows: preview,
            summary: Some(msg),
            good: 0,
            clean: false,
            error: None,
        }
        .into_response());
    }
    let bad = checked.len() - good.len();
    let summary = lang.tf(
        "paste.summary",
        &[
            &checked.len().to_string(),
            &good.len().to_string(),
            &bad.to_string(),
        ],
    );
    let preview = preview(lang, personal, &rows, &checked);
    let status = if bad > 0 {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        PastePage {
            columns: CSV_COLUMNS.join(", "),
            page,
            text: String::new(),
            rows: preview,
            summary: Some(summary),
            good: good.len(),
            clean: bad == 0,
            error: None,
        },
    )
        .into_response())
}

fn again(page: Page, text: String, error: String) -> Result<Response, AppError> {
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        PastePage {
            columns: CSV_COLUMNS.join(", "),
            page,
            text,
            rows: vec![],
            summary: None,
            good: 0,
            clean: false,
            error: Some(error),
        },
    )
        .into_response())
}

/// The preview of checked rows, each cell with its error.
fn preview(
    lang: Lang,
    personal: bool,
    rows: &[(usize, Raw)],
    checked: &[(usize, RowCheck)],
) -> Vec<Row> {
    rows.iter()
        .zip(checked)
        .enumerate()
        .map(|(index, ((line, raw), (_, outcome)))| {
            let errors: &[(String, String)] = match outcome {
                RowCheck::Good(_) => &[],
                RowCheck::Bad(e) => e,
            };
            let shown: Vec<&str> = CSV_COLUMNS
                .iter()
                .copied()
                .filter(|c| personal || !PERSONAL.contains(c))
                .collect();
            let cells = shown
                .iter()
                .map(|&c| Cell {
                    name: format!("r{index}.{c}"),
                    label: lang.t(label_key(c)).into(),
                    value: raw.get(c).to_string(),
                    error: errors.iter().find(|(f, _)| f == c).map(|(_, m)| m.clone()),
                    options: options(lang, c, raw.get(c)),
                })
                .collect();
            let other_errors = errors
                .iter()
                .filter(|(f, _)| !shown.contains(&f.as_str()))
                .map(|(f, m)| format!("{f}: {m}"))
                .collect();
            Row {
                index,
                line: *line,
                code: raw.get("case_code").to_string(),
                cells,
                other_errors,
                ok: errors.is_empty(),
            }
        })
        .collect()
}

/// The catalogue key of a column's label.
fn label_key(column: &str) -> &'static str {
    match column {
        "commune_code" => "paste.commune",
        "case_code" => "cases.case_code",
        "detected_on" => "cases.detected_on",
        "detected_in" => "cases.detected_in",
        "status" => "cases.status",
        "status_on" => "cases.status_on",
        "treated_at" => "cases.treated_at",
        "cluster_id" => "paste.cluster_id",
        "village" => "cases.village",
        "sex" => "cases.sex",
        "birth_year" => "cases.birth_year",
        "full_name" => "cases.full_name",
        "phone" => "cases.phone",
        _ => "cases.address",
    }
}

/// A closed list's choices for a cell (with the value as typed when it is
/// none of them, so the row shows what was pasted).
fn options(lang: Lang, column: &str, value: &str) -> Vec<(String, String)> {
    fn of<V: Vocab>(lang: Lang) -> Vec<(String, String)> {
        V::ALL
            .iter()
            .map(|v| (v.as_str().to_string(), lang.t(v.label_key()).to_string()))
            .collect()
    }
    let mut list = match column {
        "detected_in" => of::<DetectedIn>(lang),
        "status" => of::<CaseStatus>(lang),
        "treated_at" => of::<TreatedAt>(lang),
        "sex" => of::<Sex>(lang),
        _ => return Vec::new(),
    };
    list.insert(0, (String::new(), "—".into()));
    if !list.iter().any(|(v, _)| v == value) {
        list.insert(0, (value.to_string(), value.to_string()));
    }
    list
}

/// The rows of the preview as sent back (`r3.case_code`), in order.
fn from_cells(form: &[(String, String)]) -> Vec<(usize, Raw)> {
    let mut rows: std::collections::BTreeMap<usize, Raw> = Default::default();
    for (k, v) in form {
        let Some((index, column)) = k.strip_prefix('r').and_then(|k| k.split_once('.')) else {
            continue;
        };
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        if index >= MAX_ROWS || !(CSV_COLUMNS.contains(&column) || column == "line") {
            continue;
        }
        rows.entry(index).or_default().set(column, v.clone());
    }
    rows.into_values()
        .enumerate()
        .filter_map(|(i, mut raw)| {
            let line = raw.get("line").parse().unwrap_or(i + 1);
            raw.0.remove("line");
            // A row someone emptied is dropped.
            (!raw.0.values().all(|v| v.trim().is_empty())).then_some((line, raw))
        })
        .collect()
}

/// Fills in what a paste leaves implicit: a commune official's own commune,
/// a commune named instead of coded, labels of closed lists in either
/// language, and dates as people write them (1/8/2021, 01.08.2021, 1/8/21).
fn normalise(mut raw: Raw, user: &CurrentUser, communes: &[(String, String)]) -> Raw {
    let commune = raw.get("commune_code").to_string();
    if commune.is_empty() {
        if user.area.level == Level::Commune {
            raw.set("commune_code", user.area.code.clone());
        }
    } else if !commune.chars().all(|c| c.is_ascii_digit()) {
        let wanted = fold(&commune);
        if let Some((code, _)) = communes
            .iter()
            .find(|(_, name)| fold(name) == wanted || fold(strip_unit(name)) == wanted)
        {
            raw.set("commune_code", code.clone());
        }
    }
    fn vocab<V: Vocab>(raw: &mut Raw, column: &str) {
        let typed = raw.get(column).to_string();
        if typed.is_empty() || V::parse(&typed).is_some() {
            return;
        }
        let wanted = fold(&typed);
        if let Some(v) = V::ALL.iter().find(|v| {
            fold(v.as_str()) == wanted
                || [Lang::Vi, Lang::En]
                    .iter()
                    .any(|l| fold(l.t(v.label_key())) == wanted)
        }) {
            raw.set(column, v.as_str());
        }
    }
    vocab::<DetectedIn>(&mut raw, "detected_in");
    vocab::<CaseStatus>(&mut raw, "status");
    vocab::<TreatedAt>(&mut raw, "treated_at");
    vocab::<Sex>(&mut raw, "sex");
    for c in ["detected_on", "status_on"] {
        if let Some(d) = date(raw.get(c)) {
            raw.set(c, d);
        }
    }
    raw
}

/// A date written d/m/yyyy (or with `.` or `-`, or a two-digit year) as dd/mm/yyyy.
fn date(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split(['/', '.', '-']).map(str::trim).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit())
    };
    if !(digits(d, 1..=2) && digits(m, 1..=2) && (digits(y, 4..=4) || digits(y, 2..=2))) {
        return None;
    }
    let y = if y.len() == 2 {
        format!("20{y}")
    } else {
        y.to_string()
    };
    Some(format!("{d:0>2}/{m:0>2}/{y}"))
}

/// Lower case, without diacritics or repeated spaces, for matching names.
fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| if c == 'đ' || c == 'Đ' { 'd' } else { c })
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A commune's name without its unit ("Xã Liên Ninh" → "Liên Ninh").
fn strip_unit(name: &str) -> &str {
    for unit in ["Thị trấn ", "Phường ", "Xã "] {
        if let Some(rest) = name.strip_prefix(unit) {
            return rest;
        }
    }
    name
}

/// Reads pasted text into rows keyed by column, with their line numbers:
/// cells split on tabs (a spreadsheet), else on `;` or `,` (whichever the
/// first line has more of); quoted cells as in CSV. A first row naming
/// the columns (`case_code`, or the labels in either language) is a
/// header; without one, the columns are the import's, in its order, and
/// cells beyond the last are the address's (a comma inside an address).
/// The error is a catalogue key.
pub fn parse(text: &str) -> Result<Vec<(usize, Raw)>, &'static str> {
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if text.contains('\t') {
        b'\t'
    } else if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|_| "paste.unreadable")?;
        // Counted from the text itself: the reader skips blank lines uncounted.
        let line = rec.position().map_or(0, |p| {
            let bytes = text.as_bytes();
            let mut start = p.byte() as usize;
            while bytes.get(start).is_some_and(|b| *b == b'\n' || *b == b'\r') {
                start += 1;
            }
            1 + bytes[..start].iter().filter(|&&b| b == b'\n').count()
        });
        let cells: Vec<String> = rec.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        records.push((line, cells));
    }
    let header = records.first().and_then(|(_, cells)| header(cells));
    let body = if header.is_some() {
        &records[1..]
    } else {
        &records[..]
    };
    if body.len() > MAX_ROWS {
        return Err("paste.too_many");
    }
    Ok(body
        .iter()
        .map(|(line, cells)| {
            let mut raw = Raw::default();
            match &header {
                Some(columns) => {
                    for (c, v) in columns.iter().zip(cells) {
                        if let Some(c) = c {
                            raw.set(c, v.clone());
                        }
                    }
                }
                None => {
                    let n = CSV_COLUMNS.len();
                    for (c, v) in CSV_COLUMNS.iter().zip(cells) {
                        raw.set(c, v.clone());
                    }
                    if cells.len() > n {
                        let sep = if delimiter == b'\t' { " " } else { ", " };
                        raw.set(CSV_COLUMNS[n - 1], cells[n - 1..].join(sep));
                    }
                }
            }
            (*line, raw)
        })
        .collect())
}

/// The columns a header row names, when at least two cells name one.
fn header(cells: &[String]) -> Option<Vec<Option<&'static str>>> {
    let columns: Vec<Option<&'static str>> = cells
        .iter()
        .map(|cell| {
            let cell = fold(cell);
            CSV_COLUMNS.iter().copied().find(|&c| {
                cell == c
                    || [Lang::Vi, Lang::En].iter().any(|l| {
                        fold(l.t(label_key(c))) == cell
                            || (c == "commune_code" && fold(l.t("rec.commune")) == cell)
                            || (c == "cluster_id" && fold(l.t("cases.cluster")) == cell)
                    })
            })
        })
        .collect();
    (columns.iter().flatten().count() >= 2).then_some(columns)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_copied_from_a_spreadsheet_are_read_in_the_import_order() {
        let rows =
            parse("00682\tBN1\t01/08/2021\tcommunity\ttreating\n\n00682\tBN2\t1/8/2021\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 1);
        assert_eq!(rows[0].1.get("case_code"), "BN1");
        assert_eq!(rows[0].1.get("status"), "treating");
        assert_eq!(rows[1].0, 3);
        assert_eq!(rows[1].1.get("detected_on"), "1/8/2021");
    }

    #[test]
    fn a_header_row_in_either_language_names_the_columns() {
        let rows = parse("Mã ca bệnh,Ngày phát hiện,Thôn/xóm\nBN1,31/07/2021,Thọ Am\n").unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].1.get("case_code"), "BN1");
        assert_eq!(rows[0].1.get("detected_on"), "31/07/2021");
        let rows = parse("case_code;detected_on\nBN2;31/07/2021\n").unwrap();
        assert_eq!(rows[0].1.get("case_code"), "BN2");
    }

    #[test]
    fn commas_beyond_the_last_column_stay_in_the_address() {
        let line = "00682,BN1,01/08/2021,community,treating,,,,,,,,,Số 1, Thọ Am, Liên Ninh";
        let rows = parse(line).unwrap();
        assert_eq!(rows[0].1.get("address"), "Số 1, Thọ Am, Liên Ninh");
    }

    #[test]
    fn dates_are_taken_as_vietnamese_write_them() {
        assert_eq!(date("1/8/2021").as_deref(), Some("01/08/2021"));
        assert_eq!(date("01.08.2021").as_deref(), Some("01/08/2021"));
        assert_eq!(date("1-8-21").as_deref(), Some("01/08/2021"));
        assert_eq!(date("2021-08-01"), None);
        assert_eq!(date("hôm qua"), None);
    }

    #[test]
    fn names_match_without_diacritics_or_case() {
        assert_eq!(fold("  Xã  Liên Ninh "), "xa lien ninh");
        assert_eq!(fold("Đang điều trị"), fold("dang dieu tri"));
        assert_eq!(strip_unit("Thị trấn Văn Điển"), "Văn Điển");
    }
}
