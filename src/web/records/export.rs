//! Export of any list to CSV and to Excel (.xlsx), with the same columns the
//! import reads, so an export can be imported again.
//!
//! A list's export is read from the database in chunks of
//! [`Paging::EXPORT_CHUNK`] rows, each starting after the last row of the
//! one before (keyset, for records with a cursor; by OFFSET for
//! the short lists of the others), up to [`Paging::EXPORT_ROWS`]. A CSV is
//! written to the response chunk by chunk as the client takes it, so the
//! server holds one chunk at a time and a database connection only while
//! a chunk is read. An Excel file cannot be zipped before its last row:
//! its rows go to a temporary file (rust_xlsxwriter's constant-memory
//! worksheet), then the zip is streamed out as it is written.

use std::io::Write;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use tokio::sync::mpsc;

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

/// A file built in memory (a short list, a template) as a download named
/// `name.csv` / `name.xlsx`.
pub fn respond(
    format: Format,
    name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Response, AppError> {
    Ok(match format {
        Format::Csv => download(
            CSV_TYPE,
            &format!("{name}.csv"),
            Body::from(csv_bytes(headers, rows)?),
        ),
        Format::Xlsx => download(
            XLSX_TYPE,
            &format!("{name}.xlsx"),
            Body::from(xlsx_bytes(headers, rows)?),
        ),
    })
}

const CSV_TYPE: &str = "text/csv; charset=utf-8";
const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What an export reads, chunk by chunk: its column names, then rows until
/// `None` (a list's records, see `record::Rows`).
pub trait Chunks: Send + 'static {
    /// The export's column names.
    fn headers(&self) -> Vec<&'static str>;
    /// The next chunk of rows as exported; `None` after the last.
    fn chunk(&mut self) -> impl Future<Output = Result<Option<Vec<Vec<String>>>, AppError>> + Send;
}

/// A list's export as a download named `name.csv` / `name.xlsx`, streamed.
/// The first chunk is read before answering, so a failure to read the list
/// is an error page; a failure after that cuts the download short (the
/// client sees an incomplete transfer, never a complete-looking file).
pub async fn stream<C: Chunks>(
    format: Format,
    name: &str,
    mut rows: C,
) -> Result<Response, AppError> {
    let headers = rows.headers();
    let first = rows.chunk().await?;
    match format {
        Format::Csv => {
            let mut head = vec![0xEF, 0xBB, 0xBF];
            head.extend(csv_lines(&[headers
                .iter()
                .map(|h| h.to_string())
                .collect()])?);
            if let Some(first) = &first {
                head.extend(csv_lines(first)?);
            }
            let rest = futures_util::stream::unfold(rows, |mut rows| async move {
                match rows.chunk().await {
                    Ok(Some(chunk)) => {
                        let bytes = csv_lines(&chunk).map(Bytes::from).map_err(cut);
                        Some((bytes, rows))
                    }
                    Ok(None) => None,
                    Err(e) => Some((Err(cut(e)), rows)),
                }
            });
            let body = futures_util::stream::once(async move { Ok(Bytes::from(head)) }).chain(rest);
            Ok(download(
                CSV_TYPE,
                &format!("{name}.csv"),
                Body::from_stream(body),
            ))
        }
        Format::Xlsx => {
            // The sheet is filled and zipped after the answer has begun, so
            // a long export is not cut by the request timeout; the client
            // receives the file once its last row is in.
            let (out, body) = mpsc::channel::<std::io::Result<Bytes>>(4);
            tokio::spawn(xlsx(headers, first, rows, out));
            let body = futures_util::stream::unfold(body, |mut rx| async move {
                rx.recv().await.map(|b| (b, rx))
            });
            Ok(download(
                XLSX_TYPE,
                &format!("{name}.xlsx"),
                Body::from_stream(body),
            ))
        }
    }
}

/// Fills a constant-memory sheet with `first` and the chunks after it,
/// then zips it into `out`, the body of the answer. A failure is logged
/// and cuts the transfer.
async fn xlsx<C: Chunks>(
    headers: Vec<&'static str>,
    first: Option<Vec<Vec<String>>>,
    mut rows: C,
    out: mpsc::Sender<std::io::Result<Bytes>>,
) {
    let (tx, rx) = mpsc::channel::<Vec<Vec<String>>>(2);
    let sheet = tokio::task::spawn_blocking(move || fill_xlsx(&headers, rx));
    let mut fed = Ok(());
    let mut chunk = first;
    while let Some(c) = chunk {
        // The client went away: stop reading.
        if out.is_closed() || tx.send(c).await.is_err() {
            break;
        }
        chunk = rows.chunk().await.unwrap_or_else(|e| {
            fed = Err(e);
            None
        });
    }
    drop(tx);
    let book = match (sheet.await, fed) {
        (Ok(Ok(book)), Ok(())) if !out.is_closed() => book,
        (Ok(Err(e)), _) | (_, Err(e)) => {
            let _ = out.send(Err(cut(e))).await;
            return;
        }
        (Err(e), _) => {
            let _ = out
                .send(Err(cut(AppError::Internal(anyhow::anyhow!("xlsx: {e}")))))
                .await;
            return;
        }
        _ => return,
    };
    let _ = tokio::task::spawn_blocking(move || {
        let mut book = book;
        let mut w = ChannelWriter::new(out.clone());
        let done = book
            .save_to_writer(&mut w)
            .map_err(|e| std::io::Error::other(format!("xlsx: {e}")))
            .and_then(|()| w.flush());
        match done {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            Err(e) => {
                tracing::error!(error = %e, "an Excel export was cut short");
                let _ = out.blocking_send(Err(e));
            }
            Ok(()) => {}
        }
    })
    .await;
}

/// An error after the download began: logged, and the transfer cut.
fn cut(e: AppError) -> std::io::Error {
    tracing::error!(error = ?e, "an export was cut short");
    std::io::Error::other("export failed")
}

fn download(content_type: &str, file: &str, body: Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Writes into the body of a response 64 KiB at a time, waiting while the
/// client is slower than the writer (the channel is short).
struct ChannelWriter {
    tx: mpsc::Sender<std::io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    const SIZE: usize = 64 * 1024;

    fn new(tx: mpsc::Sender<std::io::Result<Bytes>>) -> Self {
        Self {
            tx,
            buf: Vec::with_capacity(Self::SIZE),
        }
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= Self::SIZE {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(Self::SIZE));
        self.tx
            .blocking_send(Ok(Bytes::from(chunk)))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client gone"))
    }
}

/// An Excel workbook of `headers` and the rows received, written as they
/// come to a constant-memory worksheet (a temporary file), ready to save.
fn fill_xlsx(
    headers: &[&str],
    mut rx: mpsc::Receiver<Vec<Vec<String>>>,
) -> Result<rust_xlsxwriter::Workbook, AppError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_err)?;
    write_header(sheet, headers)?;
    let mut r = 1;
    while let Some(chunk) = rx.blocking_recv() {
        write_rows(sheet, r, &chunk)?;
        r += chunk.len() as u32;
    }
    Ok(book)
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Internal(anyhow::anyhow!("xlsx: {e}"))
}

fn write_header(sheet: &mut rust_xlsxwriter::Worksheet, headers: &[&str]) -> Result<(), AppError> {
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xlsx_err)?;
    }
    Ok(())
}

/// Rows from sheet row `first` on: numbers as numbers, but codes with
/// leading zeros ("00682") stay text.
fn write_rows(
    sheet: &mut rust_xlsxwriter::Worksheet,
    first: u32,
    rows: &[Vec<String>],
) -> Result<(), AppError> {
    for (i, row) in rows.iter().enumerate() {
        let r = first + i as u32;
        for (c, v) in row.iter().enumerate() {
            match v.parse::<i64>() {
                Ok(n) if n.to_string() == *v => sheet.write_number(r, c as u16, n as f64),
                _ => sheet.write_string(r, c as u16, v),
            }
            .map_err(xlsx_err)?;
        }
    }
    Ok(())
}

/// CSV with a header row, UTF-8 with a byte-order mark so Excel reads the
/// diacritics. Every text cell is quoted (numbers stay bare), so a `;` in
/// a cell never splits it for a spreadsheet whose list separator is `;`.
pub fn csv_bytes(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    out.extend(csv_lines(&[headers
        .iter()
        .map(|h| h.to_string())
        .collect()])?);
    out.extend(csv_lines(rows)?);
    Ok(out)
}

/// Lines of a CSV (see [`csv_bytes`]), without the byte-order mark: the
/// header, or a chunk of rows of a streamed export.
fn csv_lines(rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let mut out = Vec::with_capacity(rows.len() * 128);
    {
        let mut w = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::NonNumeric)
            .from_writer(&mut out);
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
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    write_header(sheet, headers)?;
    write_rows(sheet, 1, rows)?;
    book.save_to_buffer().map_err(xlsx_err)
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
