//! Export of any list to CSV and to Excel (.xlsx), with the same columns the
//! import reads, so an export can be imported again.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::domain::error::AppError;
use crate::domain::forms::Raw;

/// A file format for export.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// `?format=csv` or `?format=xlsx`.
    pub fn from_raw(raw: &Raw) -> Option<Self> {
        match raw.get("format") {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }
}

/// The file as a download named `name.csv` / `name.xlsx`.
pub fn respond(
    format: Format,
    name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Response, AppError> {
    match format {
        Format::Csv => {
            let bytes = csv_bytes(headers, rows)?;
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}.csv\""),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        Format::Xlsx => {
            let bytes = xlsx_bytes(headers, rows)?;
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_string(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}.xlsx\""),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
    }
}

/// CSV with a header row, UTF-8 with a byte-order mark so Excel reads the
/// diacritics. Every text cell is quoted (numbers stay bare), so a `;` in
/// a cell never splits it for a spreadsheet whose list separator is `;`.
pub fn csv_bytes(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::NonNumeric)
            .from_writer(&mut out);
        w.write_record(headers)
            .map_err(|e| AppError::Internal(e.into()))?;
        for r in rows {
            w.write_record(r.iter().map(|c| defuse_formula(c)))
                .map_err(|e| AppError::Internal(e.into()))?;
        }
        w.flush().map_err(|e| AppError::Internal(e.into()))?;
    }
    Ok(out)
}

/// A spreadsheet cell in which any `;`- or `,`-separated part starts like
/// a formula (`=`, `+`, `-`, `@`, tab, CR, after any spaces) gets a `'`
/// before that part, so opening an export never runs what someone typed
/// into a text field, whatever list separator the spreadsheet splits on
/// (Vietnamese settings use `;`). A negative number is left as it is.
fn defuse_formula(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    let mut rest = s;
    loop {
        let end = rest.find([';', ',']).unwrap_or(rest.len());
        let part = &rest[..end];
        if starts_like_formula(part) {
            out.push('\'');
        }
        out.push_str(part);
        match rest[end..].chars().next() {
            Some(sep) => {
                out.push(sep);
                rest = &rest[end + sep.len_utf8()..];
            }
            None => break,
        }
    }
    out
}

fn starts_like_formula(part: &str) -> bool {
    let t = part.trim_start_matches(' ');
    match t.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => true,
        Some('-') => t.trim_end().parse::<f64>().is_err(),
        _ => false,
    }
}

/// Takes back what [`defuse_formula`] added: a `'` at the start of a part
/// that starts like a formula.
fn restore_formula(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    loop {
        let end = rest.find([';', ',']).unwrap_or(rest.len());
        let part = &rest[..end];
        match part.strip_prefix('\'') {
            Some(p) if starts_like_formula(p) => out.push_str(p),
            _ => out.push_str(part),
        }
        match rest[end..].chars().next() {
            Some(sep) => {
                out.push(sep);
                rest = &rest[end + sep.len_utf8()..];
            }
            None => break,
        }
    }
    out
}

fn xlsx_bytes(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let bold = CellFormat::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            // Numbers as numbers, but codes with leading zeros ("00682") stay text.
            match v.parse::<i64>() {
                Ok(n) if n.to_string() == *v => {
                    sheet.write_number(r, c as u16, n as f64).map_err(err)?
                }
                _ => sheet.write_string(r, c as u16, v).map_err(err)?,
            };
        }
    }
    book.save_to_buffer().map_err(err)
}

/// Reads a CSV (with or without a byte-order mark) into one `Raw` per data
/// line, keyed by the header, with its line number.
pub fn read_csv(bytes: &[u8]) -> Result<Vec<(usize, Raw)>, String> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_string())?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut raw = Raw::default();
        for (h, v) in headers.iter().zip(rec.iter()) {
            raw.set(h, restore_formula(v.trim().trim_start_matches('\'')));
        }
        out.push((line, raw));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trips_with_diacritics_commas_and_quotes() {
        let rows = vec![vec![
            "00682".to_string(),
            "Thôn Thọ Am, xóm \"Đình\"".to_string(),
        ]];
        let bytes = csv_bytes(&["commune_code", "village"], &rows).unwrap();
        let back = read_csv(&bytes).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].0, 2);
        assert_eq!(back[0].1.get("commune_code"), "00682");
        assert_eq!(back[0].1.get("village"), "Thôn Thọ Am, xóm \"Đình\"");
    }

    #[test]
    fn cells_that_look_like_formulas_are_defused() {
        assert_eq!(defuse_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse_formula("-12"), "-12");
        assert_eq!(defuse_formula("-cmd"), "'-cmd");
        assert_eq!(defuse_formula("BN1"), "BN1");
        assert_eq!(defuse_formula("\t=1+1"), "'\t=1+1");
        assert_eq!(defuse_formula("\r=1"), "'\r=1");
    }

    #[test]
    fn a_formula_after_a_separator_is_defused_too() {
        assert_eq!(
            defuse_formula("Thon 1;=cmd|' /C calc'!A0"),
            "Thon 1;'=cmd|' /C calc'!A0"
        );
        assert_eq!(defuse_formula("a, @SUM(A1)"), "a,' @SUM(A1)");
        assert_eq!(defuse_formula("x;-5;+1"), "x;-5;'+1");
        assert_eq!(defuse_formula("Thôn 1, xóm 2"), "Thôn 1, xóm 2");
        let v = "Thon 1;=cmd|' /C calc'!A0";
        let bytes = csv_bytes(&["village", "n"], &[vec![v.to_string(), "12".into()]]).unwrap();
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(
            text,
            "\"village\",\"n\"\n\"Thon 1;'=cmd|' /C calc'!A0\",12\n"
        );
        assert_eq!(read_csv(&bytes).unwrap()[0].1.get("village"), v);
    }

    #[test]
    fn an_xlsx_file_is_a_zip_archive() {
        let bytes = xlsx_bytes(&["a"], &[vec!["1".into()]]).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
