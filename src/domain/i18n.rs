//! The translation catalogue and the formats of numbers and dates.
//! Vietnamese is the default; every label shown to a user comes from here.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Asia::Ho_Chi_Minh;
use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use fluent_syntax::unicode::unescape_unicode_to_string;

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

    /// The text for `key` in this language, each value to fill in shown as
    /// `{}`; the key itself when missing (a test checks every key used by the
    /// templates and the code exists).
    pub fn t(self, key: &str) -> &str {
        match self.text(key) {
            Some(text) => &text.shown,
            None => {
                tracing::warn!(key, "missing translation");
                key
            }
        }
    }

    /// The text for `key` if the catalogue has it (values shown as `{}`).
    pub fn lookup(self, key: &str) -> Option<&'static str> {
        self.text(key).map(|text| text.shown.as_str())
    }

    /// `key`'s text with its values filled in: `{ $a }` by `args[0]`,
    /// `{ $b }` by `args[1]`, … wherever the translation puts them (a missing
    /// argument is left empty); the key itself when missing.
    pub fn tf(self, key: &str, args: &[&str]) -> String {
        match self.text(key) {
            Some(text) => text.fill(args),
            None => self.t(key).to_string(),
        }
    }

    /// This language's text of `key`.
    fn text(self, key: &str) -> Option<&'static Text> {
        CATALOGUE_INDEX.get(key).map(|message| match self {
            Self::Vi => &message.vi,
            Self::En => &message.en,
        })
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

/// The message files, in Project Fluent's syntax, built into the binary: the
/// top of each says how a dotted key is written as a Fluent identifier.
const VI_FTL: FtlFile<'static> = FtlFile {
    path: "locales/vi.ftl",
    text: include_str!("../../locales/vi.ftl"),
};
const EN_FTL: FtlFile<'static> = FtlFile {
    path: "locales/en.ftl",
    text: include_str!("../../locales/en.ftl"),
};

/// Every label by its dotted key, read from the message files at first use.
/// A problem in the files panics here; the unit tests find it first.
static CATALOGUE_INDEX: LazyLock<HashMap<String, Message>> = LazyLock::new(|| {
    load_catalogue(VI_FTL, EN_FTL).unwrap_or_else(|problems| {
        panic!(
            "the translation catalogue cannot be loaded:\n{}",
            problems.join("\n")
        )
    })
});

/// One message file: its path, for the problems found in it, and its text.
#[derive(Debug, Clone, Copy)]
struct FtlFile<'a> {
    path: &'a str,
    text: &'a str,
}

/// One label in both languages.
#[derive(Debug)]
struct Message {
    vi: Text,
    en: Text,
}

/// One language's text of a label.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Text {
    /// The text with each value to fill in shown as `{}`: what `t` gives.
    shown: String,
    /// The text cut at its values, for `tf`.
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    /// `{ $a }` is argument 0, `{ $b }` argument 1, …
    Arg(usize),
}

impl Text {
    /// The text with `{ $a }` replaced by `args[0]`, `{ $b }` by `args[1]`, …
    fn fill(&self, args: &[&str]) -> String {
        let mut out = String::with_capacity(self.shown.len());
        for piece in &self.pieces {
            match piece {
                Piece::Literal(s) => out.push_str(s),
                Piece::Arg(i) => out.push_str(args.get(*i).copied().unwrap_or("")),
            }
        }
        out
    }

    /// The arguments the text uses.
    fn args(&self) -> BTreeSet<usize> {
        self.pieces
            .iter()
            .filter_map(|piece| match piece {
                Piece::Arg(i) => Some(*i),
                Piece::Literal(_) => None,
            })
            .collect()
    }
}

/// Reads both message files into the catalogue, or says every problem found,
/// one a line, each naming the file, the line and the key: a syntax error,
/// something this catalogue does not support (terms, attributes, selectors,
/// references, variables other than `$a` … `$z`), a key written twice, a key
/// in one language only, or a translation using other values than the other.
fn load_catalogue(
    vi: FtlFile<'_>,
    en: FtlFile<'_>,
) -> Result<HashMap<String, Message>, Vec<String>> {
    let mut problems = Vec::new();
    let vi_texts = read_ftl(vi, &mut problems);
    let mut en_texts = read_ftl(en, &mut problems);
    let mut catalogue = HashMap::with_capacity(vi_texts.len());
    for (key, (vi_line, vi_text)) in by_line(vi_texts) {
        let Some((en_line, en_text)) = en_texts.remove(&key) else {
            problems.push(format!(
                "{}:{vi_line}: {key}: missing from {}",
                vi.path, en.path
            ));
            continue;
        };
        // A message with a problem of its own is already reported.
        let (Some(vi_text), Some(en_text)) = (vi_text, en_text) else {
            continue;
        };
        let (vi_args, en_args) = (vi_text.args(), en_text.args());
        if vi_args != en_args {
            problems.push(format!(
                "{}:{en_line}: {key}: uses the values {} but {} uses {}",
                en.path,
                variables(&en_args),
                vi.path,
                variables(&vi_args)
            ));
        }
        catalogue.insert(
            key,
            Message {
                vi: vi_text,
                en: en_text,
            },
        );
    }
    for (key, (en_line, _)) in by_line(en_texts) {
        problems.push(format!(
            "{}:{en_line}: {key}: missing from {}",
            en.path, vi.path
        ));
    }
    if problems.is_empty() {
        Ok(catalogue)
    } else {
        Err(problems)
    }
}

/// The texts of one message file by dotted key, with their lines (no text
/// for a message with a problem); adds each problem found to `problems`.
fn read_ftl(
    file: FtlFile<'_>,
    problems: &mut Vec<String>,
) -> HashMap<String, (usize, Option<Text>)> {
    let resource = match fluent_syntax::parser::parse(file.text) {
        Ok(resource) => resource,
        Err((resource, errors)) => {
            for error in errors {
                let line = line_at(file.text, error.pos.start);
                problems.push(format!("{}:{line}: {}", file.path, error.kind));
            }
            resource
        }
    };
    let mut texts: HashMap<String, (usize, Option<Text>)> = HashMap::new();
    for entry in resource.body {
        let message = match entry {
            Entry::Message(message) => message,
            Entry::Term(term) => {
                let line = line_of(file.text, term.id.name);
                problems.push(format!(
                    "{}:{line}: -{}: terms are not supported",
                    file.path, term.id.name
                ));
                continue;
            }
            // Comments are for translators; junk is a syntax error, reported above.
            Entry::Comment(_)
            | Entry::GroupComment(_)
            | Entry::ResourceComment(_)
            | Entry::Junk { .. } => continue,
        };
        let id = message.id.name;
        let line = line_of(file.text, id);
        let Some(key) = id_to_key(id) else {
            problems.push(format!(
                "{}:{line}: {id}: not an identifier written as the top of the file says",
                file.path
            ));
            continue;
        };
        let at = format!("{}:{line}: {key}", file.path);
        if let Some((first, _)) = texts.get(&key) {
            problems.push(format!("{at}: already on line {first}"));
            continue;
        }
        let text = match (&message.value, message.attributes.is_empty()) {
            (_, false) => Err("attributes are not supported".to_string()),
            (None, true) => Err("no text".to_string()),
            (Some(pattern), true) => text_of(pattern),
        };
        let text = text
            .map_err(|why| problems.push(format!("{at}: {why}")))
            .ok();
        texts.insert(key, (line, text));
    }
    texts
}

/// A pattern of plain text, string literals and the variables `$a` … `$z`.
fn text_of(pattern: &Pattern<&str>) -> Result<Text, String> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    for element in &pattern.elements {
        let expression = match element {
            PatternElement::TextElement { value } => {
                literal.push_str(value);
                continue;
            }
            PatternElement::Placeable { expression } => expression,
        };
        match expression {
            Expression::Inline(InlineExpression::StringLiteral { value }) => {
                literal.push_str(&unescape_unicode_to_string(value));
            }
            Expression::Inline(InlineExpression::VariableReference { id }) => {
                let arg = arg_index(id.name).ok_or_else(|| {
                    format!("the variable ${} is not one of $a, $b, … $z", id.name)
                })?;
                if !literal.is_empty() {
                    pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                }
                pieces.push(Piece::Arg(arg));
            }
            Expression::Select { .. } => return Err("selectors are not supported".into()),
            Expression::Inline(_) => {
                return Err(
                    "only text, the variables $a … $z and string literals are supported".into(),
                );
            }
        }
    }
    if !literal.is_empty() {
        pieces.push(Piece::Literal(literal));
    }
    let shown = pieces
        .iter()
        .map(|piece| match piece {
            Piece::Literal(s) => s.as_str(),
            Piece::Arg(_) => "{}",
        })
        .collect();
    Ok(Text { shown, pieces })
}

/// `a` is argument 0, `b` argument 1, … `z` argument 25.
fn arg_index(name: &str) -> Option<usize> {
    match name.as_bytes() {
        &[c @ b'a'..=b'z'] => Some(usize::from(c - b'a')),
        _ => None,
    }
}

/// `{$a, $b}` for the arguments 0 and 1.
fn variables(args: &BTreeSet<usize>) -> String {
    let names: Vec<String> = args
        .iter()
        .map(|&i| format!("${}", char::from(b'a' + i as u8)))
        .collect();
    format!("{{{}}}", names.join(", "))
}

/// The entries of a map from key to (line, text), in the order of the lines.
fn by_line<T>(texts: HashMap<String, (usize, T)>) -> Vec<(String, (usize, T))> {
    let mut texts: Vec<_> = texts.into_iter().collect();
    texts.sort_by_key(|(_, (line, _))| *line);
    texts
}

/// The line (from 1) of `source` where the slice `part` of it starts.
fn line_of(source: &str, part: &str) -> usize {
    let offset = (part.as_ptr() as usize).saturating_sub(source.as_ptr() as usize);
    line_at(source, offset)
}

/// The line (from 1) of byte `offset` in `source`.
fn line_at(source: &str, offset: usize) -> usize {
    let before = &source.as_bytes()[..offset.min(source.len())];
    before.iter().filter(|&&b| b == b'\n').count() + 1
}

/// The Fluent identifier of a dotted key: each `.` is `-`; ASCII letters,
/// digits and `_` stay; any other character is `--`, its code point in
/// lowercase hex and `-` (`unit.Xã` is `unit-X--e3-`). `None` for a key this
/// cannot write: one not starting with an ASCII letter, holding a `-` or an
/// empty part (`a..b`, `a.`).
fn key_to_id(key: &str) -> Option<String> {
    if !key.starts_with(|c: char| c.is_ascii_alphabetic())
        || key.contains('-')
        || key.contains("..")
        || key.ends_with('.')
    {
        return None;
    }
    let mut id = String::with_capacity(key.len());
    for c in key.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' => id.push(c),
            '.' => id.push('-'),
            _ => id.push_str(&format!("--{:x}-", u32::from(c))),
        }
    }
    Some(id)
}

/// The dotted key of a Fluent identifier, undoing [`key_to_id`]: outside a
/// code point, one `-` is a `.`, two start a code point and three are a `.`
/// then a code point. `None` unless `key_to_id` writes the key back as `id`
/// exactly, so two identifiers never name one key.
fn id_to_key(id: &str) -> Option<String> {
    let mut key = String::with_capacity(id.len());
    let mut rest = id;
    while let Some(c) = rest.chars().next() {
        if c != '-' {
            key.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let dashes = rest.len() - rest.trim_start_matches('-').len();
        rest = &rest[dashes..];
        if dashes == 1 || dashes == 3 {
            key.push('.');
        }
        if dashes == 2 || dashes == 3 {
            let (hex, after) = rest.split_once('-')?;
            key.push(u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)?);
            rest = after;
        }
        if dashes > 3 {
            return None;
        }
    }
    (key_to_id(&key).as_deref() == Some(id)).then_some(key)
}

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
    fn placeholders_are_filled_by_name_so_a_translation_may_move_them() {
        let catalogue = load_catalogue(
            FtlFile {
                path: "vi.ftl",
                text: "late = Ngày { $a }: { $b } ca\n",
            },
            FtlFile {
                path: "en.ftl",
                text: "late = { $b } cases on { $a }\n",
            },
        )
        .unwrap();
        let late = &catalogue["late"];
        assert_eq!(late.vi.fill(&["05/07", "12"]), "Ngày 05/07: 12 ca");
        assert_eq!(late.en.fill(&["05/07", "12"]), "12 cases on 05/07");
        // `t` shows each value as `{}`, as the offline script expects.
        assert_eq!(late.en.shown, "{} cases on {}");
        assert_eq!(late.en.fill(&["05/07"]), " cases on 05/07");
        assert_eq!(Lang::En.t("offline.pending"), "{} records waiting to send");
    }

    #[test]
    fn the_catalogue_has_no_duplicate_keys_and_every_text_is_non_empty() {
        // The loader refuses a key written twice in a file …
        let problems = load_catalogue(
            FtlFile {
                path: "vi.ftl",
                text: "a-b = Một\nc = Hai\na-b = Ba\n",
            },
            FtlFile {
                path: "en.ftl",
                text: "a-b = One\nc = Two\n",
            },
        )
        .unwrap_err();
        assert_eq!(problems, ["vi.ftl:3: a.b: already on line 1"]);
        // … and the real files load.
        let catalogue = load_catalogue(VI_FTL, EN_FTL).unwrap_or_else(|p| panic!("{p:#?}"));
        for (key, message) in &catalogue {
            assert!(
                !message.vi.shown.is_empty() && !message.en.shown.is_empty(),
                "empty text for {key}"
            );
        }
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let mut problems = Vec::new();
        let vi: BTreeSet<String> = read_ftl(VI_FTL, &mut problems).into_keys().collect();
        let en: BTreeSet<String> = read_ftl(EN_FTL, &mut problems).into_keys().collect();
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(vi.len() > 600, "only {} messages", vi.len());
        assert_eq!(
            vi.symmetric_difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "keys in one language only"
        );
        load_catalogue(VI_FTL, EN_FTL).unwrap_or_else(|p| panic!("{p:#?}"));
        assert_eq!(CATALOGUE_INDEX.len(), vi.len());
    }

    #[test]
    fn a_missing_key_in_one_language_fails_the_check() {
        let problems = load_catalogue(
            FtlFile {
                path: "vi.ftl",
                text: "cases-title = Ca bệnh\ncases-case_code = Mã ca\n",
            },
            FtlFile {
                path: "en.ftl",
                text: "cases-title = Cases\n",
            },
        )
        .unwrap_err();
        assert_eq!(problems, ["vi.ftl:2: cases.case_code: missing from en.ftl"]);
        let problems = load_catalogue(
            FtlFile {
                path: "vi.ftl",
                text: "cases-title = Ca bệnh\n",
            },
            FtlFile {
                path: "en.ftl",
                text: "cases-title = Cases\n\nunit-X--e3- = Commune\n",
            },
        )
        .unwrap_err();
        assert_eq!(problems, ["en.ftl:3: unit.Xã: missing from vi.ftl"]);
    }

    #[test]
    fn syntax_errors_and_unsupported_fluent_fail_the_check_naming_file_line_and_key() {
        let vi = "\
ok = Được
attr = Có
    .title = Tiêu đề
-term = Thuật ngữ
sel = { $a ->
   *[other] nhiều
}
fun = { NUMBER($a) }
ref = { ok }
var = { $count }
bad-- = Sai
broken = { }
";
        let en = "ok = Fine\nattr = A\nsel = S\nfun = F\nref = R\nvar = V\n";
        let problems = load_catalogue(
            FtlFile {
                path: "vi.ftl",
                text: vi,
            },
            FtlFile {
                path: "en.ftl",
                text: en,
            },
        )
        .unwrap_err();
        let expect = [
            "vi.ftl:12: ",
            "vi.ftl:2: attr: attributes are not supported",
            "vi.ftl:4: -term: terms are not supported",
            "vi.ftl:5: sel: selectors are not supported",
            "vi.ftl:8: fun: only text",
            "vi.ftl:9: ref: only text",
            "vi.ftl:10: var: the variable $count is not one of",
            "vi.ftl:11: bad--: not an identifier",
        ];
        assert_eq!(problems.len(), expect.len(), "{problems:#?}");
        for (problem, start) in problems.iter().zip(expect) {
            assert!(
                problem.starts_with(start),
                "{problem:?} should start {start:?}"
            );
        }
        // Two languages using different values fail too.
        let problems = load_catalogue(
            FtlFile {
                path: "vi.ftl",
                text: "n = { $a } và { $b }\n",
            },
            FtlFile {
                path: "en.ftl",
                text: "n = { $a } and { $c }\n",
            },
        )
        .unwrap_err();
        assert_eq!(
            problems,
            ["en.ftl:1: n: uses the values {$a, $c} but vi.ftl uses {$a, $b}"]
        );
    }

    #[test]
    fn escaped_text_reads_back_exactly() {
        let ftl = r#"
spaces = {"  "}two leading, one trailing{" "}
braces = a {"{"}literal{"}"} and { $a }
quotes = {"\"{\\}\""}
lines =
    first line
    {"  "}indented second
    {"["}third
    {""}
    {"*"} fifth
"#;
        let catalogue = load_catalogue(
            FtlFile {
                path: "vi.ftl",
                text: ftl,
            },
            FtlFile {
                path: "en.ftl",
                text: ftl,
            },
        )
        .unwrap_or_else(|p| panic!("{p:#?}"));
        let shown = |key: &str| catalogue[key].vi.shown.as_str();
        assert_eq!(shown("spaces"), "  two leading, one trailing ");
        assert_eq!(shown("braces"), "a {literal} and {}");
        assert_eq!(catalogue["braces"].vi.fill(&["x"]), "a {literal} and x");
        assert_eq!(shown("quotes"), r#""{\}""#);
        assert_eq!(
            shown("lines"),
            "first line\n  indented second\n[third\n\n* fifth"
        );
    }

    #[test]
    fn dotted_keys_and_fluent_identifiers_map_both_ways() {
        for (key, id) in [
            ("cases.case_code", "cases-case_code"),
            ("error.400_date", "error-400_date"),
            ("unit.Xã", "unit-X--e3-"),
            ("unit.Thị xã", "unit-Th--1ecb---20-x--e3-"),
            ("a.ã.b", "a---e3--b"),
        ] {
            assert_eq!(key_to_id(key).as_deref(), Some(id));
            assert_eq!(id_to_key(id).as_deref(), Some(key));
        }
        for key in CATALOGUE_INDEX.keys() {
            let id = key_to_id(key).unwrap_or_else(|| panic!("{key} has no identifier"));
            assert_eq!(id_to_key(&id).as_ref(), Some(key));
        }
        for id in [
            "a--E3-",
            "a--00e3-",
            "a----b",
            "a--e3",
            "a--zz-",
            "a-",
            "a--110000-",
        ] {
            assert_eq!(id_to_key(id), None, "{id}");
        }
        for key in ["a-b", "a..b", "a.", "1a", ".a", "ãa"] {
            assert_eq!(key_to_id(key), None, "{key}");
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
