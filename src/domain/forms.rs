//! Input as typed (a form or a JSON body, both flattened to text), checked
//! field by field into validated values, with every error kept beside its
//! field; and the widgets the generic form and list pages draw.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::Value;

use crate::domain::error::{AppError, FieldErrors};
use crate::domain::fields::{Kind, Spec};

/// Field name → value as typed. Forms and JSON bodies both become this, so
/// pages and API share one validation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Raw(pub BTreeMap<String, String>);

impl Raw {
    /// From a urlencoded form body.
    pub fn from_form(pairs: Vec<(String, String)>) -> Self {
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            // Repeated fields (a multi-select) are joined with commas.
            map.entry(k)
                .and_modify(|e: &mut String| {
                    e.push(',');
                    e.push_str(&v);
                })
                .or_insert(v);
        }
        Self(map)
    }

    /// From a JSON object: strings as they are, numbers and booleans as
    /// text, null as empty, arrays joined with commas. Anything else is 400.
    pub fn from_json(v: Value) -> Result<Self, AppError> {
        let Value::Object(obj) = v else {
            return Err(AppError::BadRequest("expected a JSON object".into()));
        };
        let mut map = BTreeMap::new();
        for (k, v) in obj {
            let text = match v {
                Value::Null => String::new(),
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Array(items) => {
                    let mut parts = Vec::new();
                    for i in items {
                        match i {
                            Value::String(s) => parts.push(s),
                            Value::Number(n) => parts.push(n.to_string()),
                            _ => {
                                return Err(AppError::BadRequest(format!(
                                    "{k}: expected a list of texts"
                                )));
                            }
                        }
                    }
                    parts.join(",")
                }
                Value::Object(_) => {
                    return Err(AppError::BadRequest(format!("{k}: unexpected object")));
                }
            };
            map.insert(k, text);
        }
        Ok(Self(map))
    }

    /// The value of `name`, trimmed ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map(|s| s.trim()).unwrap_or("")
    }

    /// Whether the field was sent at all (for partial updates).
    pub fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// A digest of what the request asks for, to tell a repeat of a write
    /// from another write under the same idempotency key: `what` (the kind
    /// of record, and where) and every field but those in `skip` (the CSRF
    /// token, the key itself). A form and a JSON body with the same values
    /// have the same digest; empty fields count as not sent.
    pub fn digest(&self, what: &str, skip: &[&str]) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(what.as_bytes());
        for (k, v) in &self.0 {
            let v = v.trim();
            if skip.contains(&k.as_str()) || v.is_empty() {
                continue;
            }
            // Lengths first, so no two different requests read alike.
            h.update(format!("\n{}:{}:{}={}", k.len(), v.len(), k, v).as_bytes());
        }
        hex::encode(h.finalize())
    }

    /// A record's fields as a form carries them, from its JSON answer: each
    /// field of `table` the answer holds, as text (null as empty, a list
    /// joined with ", "), and its `version`.
    pub fn of_answer(table: &[Spec], json: &Value) -> Self {
        let mut raw = Self::default();
        let text = |v: &Value| match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        };
        for f in table {
            if let Some(v) = json.get(f.name) {
                raw.set(f.name, text(v));
            }
        }
        if let Some(v) = json.get("version") {
            raw.set("version", text(v));
        }
        raw
    }

    /// Sets a value (to fill a form from a stored record).
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.insert(name.to_string(), value.into());
    }
}

/// A closed list of values, as sent and stored, each with a catalogue label.
pub trait Vocab: Sized + Copy + 'static {
    /// Every value, in the order forms list them.
    const ALL: &'static [Self];
    /// The value as sent and stored.
    fn as_str(self) -> &'static str;
    /// The catalogue key of its label.
    fn label_key(self) -> &'static str;
    /// Reads a value as sent.
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }
}

/// Declares a [`Vocab`] enum: `vocab!(Name, "catalogue.prefix", [Variant = "value", …]);`
#[macro_export]
macro_rules! vocab {
    ($(#[$m:meta])* $name:ident, $prefix:literal, [$($variant:ident = $value:literal),+ $(,)?]) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(
                #[doc = $value]
                #[serde(rename = $value)]
                $variant,
            )+
        }
        // Not every vocabulary is a record's field (a zone colour is not).
        #[allow(dead_code)]
        impl $name {
            /// Every value as sent and stored, for a field table.
            pub const VALUES: &'static [&'static str] = &[$($value),+];
            /// The catalogue prefix of the values' labels.
            pub const PREFIX: &'static str = $prefix;
        }
        impl $crate::domain::forms::Vocab for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $value),+ }
            }
            fn label_key(self) -> &'static str {
                match self { $(Self::$variant => concat!($prefix, ".", $value)),+ }
            }
        }
    };
}

/// The first date the system takes or serves (COVID-19 reached Việt Nam in 2020).
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2019, 1, 1) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// The last date taken when the caller did not say what today is
/// ([`Check::new`]); with today known it is [`latest_date`].
pub const CEILING_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2100, 12, 31) {
    Some(d) => d,
    None => panic!("a valid date"),
};

/// The last date the system takes or serves: one year after today (a
/// directive's deadline, a declaration planned ahead).
pub fn latest_date(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(chrono::Months::new(12))
        .unwrap_or(today)
}

/// `Ok` for a date from [`EARLIEST_DATE`] to [`latest_date`]; otherwise the
/// error a query or path with that date answers (400).
pub fn date_in_window(d: NaiveDate, today: NaiveDate) -> Result<NaiveDate, AppError> {
    let latest = latest_date(today);
    if d < EARLIEST_DATE || d > latest {
        Err(AppError::DateOutOfRange { latest })
    } else {
        Ok(d)
    }
}

/// A date given in a query string or a path (`YYYY-MM-DD` or dd/mm/yyyy):
/// `None` when empty, 422 when it is not a date, 400 outside the window.
pub fn query_date(s: &str, name: &str, today: NaiveDate) -> Result<Option<NaiveDate>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let Some(d) = parse_date(s) else {
        let mut f = FieldErrors::default();
        f.add(name, "err.date_format");
        return Err(AppError::Invalid(f));
    };
    date_in_window(d, today).map(Some)
}

/// The day a page shows for a `?date=`: today when none is given; 422 when
/// it is not a date, 400 outside the window; a future one within it shows
/// today, as nothing has happened yet.
pub fn shown_date(s: &str, today: NaiveDate) -> Result<NaiveDate, AppError> {
    Ok(query_date(s, "date", today)?
        .filter(|d| *d <= today)
        .unwrap_or(today))
}

/// Whether `s` holds a bidirectional override or isolate (U+202A–U+202E,
/// U+2066–U+2069): they make text display in another order than it is
/// stored ("Trojan Source"), so a name or code could pass for another.
pub fn has_bidi_controls(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
}

/// Checks fields one by one, collecting every error.
pub struct Check<'a> {
    raw: &'a Raw,
    /// Today, when the caller said (bounds dates to a year ahead).
    today: Option<NaiveDate>,
    /// The errors so far.
    pub errors: FieldErrors,
}

impl<'a> Check<'a> {
    /// Starts checking `raw`; dates are taken up to [`CEILING_DATE`].
    pub fn new(raw: &'a Raw) -> Self {
        Self {
            raw,
            today: None,
            errors: FieldErrors::default(),
        }
    }

    /// Starts checking `raw` on `today`: dates are taken up to a year ahead.
    pub fn on(raw: &'a Raw, today: NaiveDate) -> Self {
        Self {
            raw,
            today: Some(today),
            errors: FieldErrors::default(),
        }
    }

    /// Marks `name` wrong with the catalogue message `key`.
    pub fn fail(&mut self, name: &str, key: &str) {
        self.errors.add(name, key);
    }

    fn required(&mut self, name: &str) -> Option<&'a str> {
        let v = self.raw.get(name);
        if v.is_empty() {
            self.errors.add(name, "err.required");
            None
        } else {
            Some(v)
        }
    }

    /// Free text of at most `max` characters; `None` when missing and not required.
    pub fn text(&mut self, name: &str, required: bool, max: usize) -> Option<String> {
        let v = self.raw.get(name);
        if v.is_empty() {
            if required {
                self.errors.add(name, "err.required");
            }
            return None;
        }
        if v.chars().count() > max {
            self.errors
                .add_with(name, "err.too_long", &[&max.to_string()]);
            return None;
        }
        if v.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            self.errors.add(name, "err.control_chars");
            return None;
        }
        if has_bidi_controls(v) {
            self.errors.add(name, "err.bidi_chars");
            return None;
        }
        Some(v.to_string())
    }

    /// Text that may be empty (stored as "").
    pub fn opt_text(&mut self, name: &str, max: usize) -> String {
        self.text(name, false, max).unwrap_or_default()
    }

    /// A date as `YYYY-MM-DD` (or dd/mm/yyyy, as people type it), from
    /// [`EARLIEST_DATE`], not after `latest`, and never more than a year
    /// after today ([`CEILING_DATE`] when today was not given).
    pub fn date(
        &mut self,
        name: &str,
        required: bool,
        latest: Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        let v = self.raw.get(name);
        if v.is_empty() {
            if required {
                self.errors.add(name, "err.required");
            }
            return None;
        }
        match parse_date(v) {
            None => {
                self.errors.add(name, "err.date_format");
                None
            }
            Some(d) if d < EARLIEST_DATE => {
                self.errors.add(name, "err.date_too_early");
                None
            }
            Some(d) if latest.is_some_and(|l| d > l) => {
                self.errors.add(name, "err.date_in_future");
                None
            }
            Some(d) if d > self.today.map_or(CEILING_DATE, latest_date) => {
                let last = self.today.map_or(CEILING_DATE, latest_date);
                self.errors.add_with(
                    name,
                    "err.date_too_late",
                    &[&last.format("%d/%m/%Y").to_string()],
                );
                None
            }
            Some(d) => Some(d),
        }
    }

    /// A whole number in `min..=max` (thousands separators allowed).
    pub fn int(&mut self, name: &str, required: bool, min: i64, max: i64) -> Option<i64> {
        let v = self.raw.get(name);
        if v.is_empty() {
            if required {
                self.errors.add(name, "err.required");
            }
            return None;
        }
        match parse_grouped_int(v).ok_or(()) {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            Ok(_) => {
                self.errors.add_with(
                    name,
                    "err.out_of_range",
                    &[&min.to_string(), &max.to_string()],
                );
                None
            }
            Err(_) => {
                self.errors.add(name, "err.not_a_number");
                None
            }
        }
    }

    /// One value of a vocabulary.
    pub fn choice<T: Vocab>(&mut self, name: &str, required: bool) -> Option<T> {
        let v = self.raw.get(name);
        if v.is_empty() {
            if required {
                self.errors.add(name, "err.required");
            }
            return None;
        }
        let found = T::parse(v);
        if found.is_none() {
            self.errors.add(name, "err.bad_choice");
        }
        found
    }

    /// A phone number: digits with spaces, dots or a leading "+" (empty
    /// when optional and not given).
    pub fn phone(&mut self, name: &str, required: bool) -> Option<String> {
        let v = if required {
            self.text(name, true, 20)?
        } else {
            self.opt_text(name, 20)
        };
        let digits = v.chars().filter(char::is_ascii_digit).count();
        let shaped = v
            .chars()
            .all(|ch| ch.is_ascii_digit() || ch == ' ' || ch == '+' || ch == '.');
        if !shaped || (!v.is_empty() && digits < 3) {
            self.fail(name, "err.phone_format");
            return None;
        }
        Some(v)
    }

    /// An area code as typed (checked against the database by the caller).
    pub fn code(&mut self, name: &str) -> Option<String> {
        let v = self.required(name)?;
        if has_bidi_controls(v) {
            self.errors.add(name, "err.bidi_chars");
            return None;
        }
        if v.len() > 5 || !v.chars().all(|c| c.is_ascii_digit()) {
            self.errors.add(name, "err.unknown_area");
            return None;
        }
        Some(v.to_string())
    }

    /// A text field as its table describes it (length, required); `None`
    /// when missing, wrong, or of another kind.
    pub fn text_of(&mut self, f: &Spec) -> Option<String> {
        self.text(f.name, f.required, f.max_len())
    }

    /// An optional text field as its table describes it ("" when empty).
    pub fn opt_text_of(&mut self, f: &Spec) -> String {
        self.text_of(f).unwrap_or_default()
    }

    /// A whole number (or a reference) as its table describes it.
    pub fn int_of(&mut self, f: &Spec) -> Option<i64> {
        let (min, max) = match f.kind {
            Kind::Int { min, max } => (min, max),
            _ => (1, i64::MAX),
        };
        self.int(f.name, f.required, min, max)
    }

    /// A date as its table describes it: not after today when it must have happened.
    pub fn date_of(&mut self, f: &Spec) -> Option<NaiveDate> {
        let latest = match f.kind {
            Kind::Date { past: true } => self.today,
            _ => None,
        };
        self.date(f.name, f.required, latest)
    }

    /// A choice of `T` as its table describes it.
    pub fn choice_of<T: Vocab>(&mut self, f: &Spec) -> Option<T> {
        debug_assert!(
            matches!(f.kind, Kind::Choice { values, .. } if values.len() == T::ALL.len()),
            "{} is not a choice of this vocabulary",
            f.name
        );
        self.choice(f.name, f.required)
    }

    /// A phone number as its table describes it ("" when optional and empty).
    pub fn phone_of(&mut self, f: &Spec) -> Option<String> {
        self.phone(f.name, f.required)
    }

    /// An area code as typed (the caller resolves it).
    pub fn code_of(&mut self, f: &Spec) -> Option<String> {
        self.code(f.name)
    }

    /// Whether no error was found.
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The errors as a 422, or `Ok` when there are none.
    pub fn finish(self) -> Result<(), AppError> {
        self.errors.into_result()
    }
}

/// Reads a whole number as people type it: `1416`, `1.416` (Vietnamese
/// grouping), `1,416` or `1 416`. A separator must group exactly three
/// digits, so `2.5` is refused rather than read as 25.
pub fn parse_grouped_int(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let seps: Vec<char> = body
        .chars()
        .filter(|c| matches!(c, '.' | ',' | ' ' | '_'))
        .collect();
    let digits: String = if seps.is_empty() {
        body.to_string()
    } else {
        let sep = seps[0];
        if seps.iter().any(|c| *c != sep) {
            return None;
        }
        let groups: Vec<&str> = body.split(sep).collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return None;
        }
        groups.concat()
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    Some(if neg { -n } else { n })
}

/// Reads `2021-08-01` or `01/08/2021`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
}

/// How a form field is drawn.
#[derive(Debug, Clone)]
pub enum Widget {
    /// One line of text.
    Text,
    /// Several lines.
    TextArea,
    /// A date picker (`YYYY-MM-DD`).
    Date,
    /// A whole number.
    Number,
    /// A phone number (the phone's dial pad).
    Tel,
    /// An area, typed by name or code, with the page's list of names.
    Area,
    /// One of (value, catalogue key or literal label).
    Select(Vec<(String, String)>),
    /// Hidden (ids and versions).
    Hidden,
}

/// A field of a generic form, with its value as typed and its error.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub widget: Widget,
    pub value: String,
    pub required: bool,
    pub max: usize,
    pub error: Option<String>,
    pub hint: Option<String>,
}

impl Field {
    /// Whether the widget is `kind` (text, textarea, date, number, select, hidden).
    pub fn is(&self, kind: &str) -> bool {
        matches!(
            (&self.widget, kind),
            (Widget::Text, "text")
                | (Widget::TextArea, "textarea")
                | (Widget::Date, "date")
                | (Widget::Number, "number")
                | (Widget::Select(_), "select")
                | (Widget::Hidden, "hidden")
                | (Widget::Tel, "tel")
                | (Widget::Area, "area")
        )
    }

    /// The options of a select.
    pub fn options(&self) -> &[(String, String)] {
        match &self.widget {
            Widget::Select(o) => o,
            _ => &[],
        }
    }

    /// Whether `v` is the selected option.
    pub fn selected(&self, v: &str) -> bool {
        self.value == v
    }
}

/// The choices of a form's selects, by field name: (value, label) pairs.
pub type Options = Vec<(&'static str, Vec<(String, String)>)>;

/// Builds the fields of a form in the user's language, filled from `raw`
/// with the errors beside them.
pub struct FormBuilder<'a> {
    lang: crate::domain::i18n::Lang,
    raw: &'a Raw,
    errors: &'a FieldErrors,
    /// The fields so far.
    pub fields: Vec<Field>,
}

impl<'a> FormBuilder<'a> {
    /// A builder over the input and its errors.
    pub fn new(lang: crate::domain::i18n::Lang, raw: &'a Raw, errors: &'a FieldErrors) -> Self {
        Self {
            lang,
            raw,
            errors,
            fields: Vec::new(),
        }
    }

    fn push(
        &mut self,
        name: &'static str,
        label_key: &str,
        widget: Widget,
        required: bool,
        max: usize,
    ) -> &mut Self {
        self.fields.push(Field {
            name,
            label: self.lang.t(label_key).to_string(),
            widget,
            value: self.raw.get(name).to_string(),
            required,
            max,
            error: self.errors.get(name, self.lang),
            hint: None,
        });
        self
    }

    pub fn text(
        &mut self,
        name: &'static str,
        label_key: &str,
        required: bool,
        max: usize,
    ) -> &mut Self {
        self.push(name, label_key, Widget::Text, required, max)
    }

    pub fn textarea(&mut self, name: &'static str, label_key: &str, max: usize) -> &mut Self {
        self.push(name, label_key, Widget::TextArea, false, max)
    }

    pub fn date(&mut self, name: &'static str, label_key: &str, required: bool) -> &mut Self {
        self.push(name, label_key, Widget::Date, required, 10)
    }

    pub fn number(&mut self, name: &'static str, label_key: &str, required: bool) -> &mut Self {
        self.push(name, label_key, Widget::Number, required, 20)
    }

    /// An area by name or code, suggested from the page's `area-names` list.
    pub fn area(&mut self, name: &'static str, label_key: &str) -> &mut Self {
        self.push(name, label_key, Widget::Area, false, 100)
    }

    /// A phone number: opens the dial pad on a phone.
    pub fn tel(&mut self, name: &'static str, label_key: &str, max: usize) -> &mut Self {
        self.push(name, label_key, Widget::Tel, false, max)
    }

    pub fn hidden(&mut self, name: &'static str) -> &mut Self {
        self.push(name, "common.none", Widget::Hidden, false, 40)
    }

    /// A select over a vocabulary; `blank` adds an empty first choice.
    pub fn choice<T: Vocab>(
        &mut self,
        name: &'static str,
        label_key: &str,
        required: bool,
        blank: bool,
    ) -> &mut Self {
        let mut options = Vec::new();
        if blank {
            options.push((String::new(), "—".to_string()));
        }
        options.extend(T::ALL.iter().map(|v| {
            (
                v.as_str().to_string(),
                self.lang.t(v.label_key()).to_string(),
            )
        }));
        self.push(name, label_key, Widget::Select(options), required, 40)
    }

    /// A select over given (value, label) pairs.
    pub fn select(
        &mut self,
        name: &'static str,
        label_key: &str,
        options: Vec<(String, String)>,
        required: bool,
    ) -> &mut Self {
        self.push(name, label_key, Widget::Select(options), required, 40)
    }

    /// A field as its table describes it; `options` replace a select's
    /// (an area or a reference is picked from what the database offers).
    pub fn spec(&mut self, f: &Spec, options: Option<Vec<(String, String)>>) -> &mut Self {
        let max = f.max_len();
        match (options, f.kind) {
            (Some(o), _) => self.select(f.name, f.label, o, f.required),
            (None, Kind::Text { lines: true, .. }) => {
                self.push(f.name, f.label, Widget::TextArea, f.required, max)
            }
            (None, Kind::Text { .. }) => self.text(f.name, f.label, f.required, max),
            (None, Kind::Int { .. } | Kind::Ref) => self.number(f.name, f.label, f.required),
            (None, Kind::Date { .. }) => self.date(f.name, f.label, f.required),
            (None, Kind::Choice { values, prefix }) => {
                let mut options = Vec::new();
                if !f.required {
                    options.push((String::new(), "—".to_string()));
                }
                options.extend(values.iter().map(|v| {
                    let label = self.lang.t(&format!("{prefix}.{v}")).to_string();
                    (v.to_string(), label)
                }));
                self.select(f.name, f.label, options, f.required)
            }
            (None, Kind::Phone) => self.push(f.name, f.label, Widget::Tel, f.required, max),
            (None, Kind::Bool) => {
                let options = vec![
                    ("true".to_string(), self.lang.t("common.yes").to_string()),
                    ("false".to_string(), self.lang.t("common.no").to_string()),
                ];
                self.select(f.name, f.label, options, f.required)
            }
            (None, Kind::Area { .. } | Kind::Areas { .. } | Kind::Refs { .. }) => {
                self.push(f.name, f.label, Widget::Text, f.required, max)
            }
        };
        if let Some(h) = f.hint {
            self.hint(h);
        }
        self
    }

    /// A record's form: its version, then every writable field of `table`
    /// the reader may see, in order, with the selects' options looked up
    /// by field name in `options`.
    pub fn specs(&mut self, table: &[Spec], personal: bool, mut options: Options) -> &mut Self {
        self.hidden("version");
        for f in table.iter().filter(|f| f.writable && f.visible(personal)) {
            let o = options
                .iter()
                .position(|(n, _)| *n == f.name)
                .map(|i| options.swap_remove(i).1);
            self.spec(f, o);
        }
        self
    }

    /// Adds a hint under the last field.
    pub fn hint(&mut self, key: &str) -> &mut Self {
        let text = self.lang.t(key).to_string();
        if let Some(f) = self.fields.last_mut() {
            f.hint = Some(text);
        }
        self
    }

    /// The fields.
    pub fn build(&mut self) -> Vec<Field> {
        std::mem::take(&mut self.fields)
    }
}

/// Where a page of a list ends: the sort key of its last row and that
/// row's id. The next page is the rows after it in the list's order
/// (keyset paging), so page 500 costs what page 1 does, whereas an OFFSET
/// walks past every row before it.
///
/// Sent as an opaque, URL-safe token (`?after=`); a token that does not
/// read back is a field error on `after` (422), never a 500. It names only
/// a place in the order, within the area and filters the reader is allowed
/// anyway, so a crafted token can at most start a list elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The list's sort key at the last row.
    pub key: SortKey,
    /// The last row's id (ties on the key are broken by id).
    pub id: i64,
}

/// The sort key of a list ordered by a date (cases: newest first) or by a
/// name (sites and checkpoints: alphabetical in Vietnamese).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    Date(NaiveDate),
    Text(String),
}

impl Cursor {
    /// Longest token taken (a 200-character name encodes to under 1,000).
    pub const MAX_TOKEN: usize = 1200;

    /// The place after a row sorted by a date.
    pub fn date(d: NaiveDate, id: i64) -> Self {
        Self {
            key: SortKey::Date(d),
            id,
        }
    }

    /// The place after a row sorted by a name.
    pub fn text(s: &str, id: i64) -> Self {
        Self {
            key: SortKey::Text(s.to_string()),
            id,
        }
    }

    /// The token: base64url (no padding) of `d<date>~<id>` or `t<id>~<name>`.
    pub fn encode(&self) -> String {
        use base64::Engine as _;
        let plain = match &self.key {
            SortKey::Date(d) => format!("d{}~{}", d.format("%Y-%m-%d"), self.id),
            SortKey::Text(s) => format!("t{}~{s}", self.id),
        };
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(plain)
    }

    /// Reads a token back; `None` for anything [`Cursor::encode`] did not make.
    pub fn decode(token: &str) -> Option<Self> {
        use base64::Engine as _;
        if token.is_empty() || token.len() > Self::MAX_TOKEN {
            return None;
        }
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .ok()?;
        let plain = String::from_utf8(bytes).ok()?;
        let id_of = |s: &str| {
            s.parse::<i64>()
                .ok()
                .filter(|&id| id >= 1 && s.bytes().all(|b| b.is_ascii_digit()))
        };
        let cursor = if let Some(rest) = plain.strip_prefix('d') {
            let (date, id) = rest.split_once('~')?;
            let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
            if date.len() != 10 || d < EARLIEST_DATE || d > CEILING_DATE {
                return None;
            }
            Self::date(d, id_of(id)?)
        } else if let Some(rest) = plain.strip_prefix('t') {
            let (id, name) = rest.split_once('~')?;
            if name.chars().any(char::is_control) {
                return None;
            }
            Self::text(name, id_of(id)?)
        } else {
            return None;
        };
        Some(cursor)
    }

    /// The date key and id, for a list sorted by date; 422 on `after` for
    /// a cursor of another list.
    pub fn date_key(&self) -> Result<(NaiveDate, i64), AppError> {
        match &self.key {
            SortKey::Date(d) => Ok((*d, self.id)),
            SortKey::Text(_) => Err(bad_cursor()),
        }
    }

    /// The name key and id, for a list sorted by name; 422 on `after` for
    /// a cursor of another list.
    pub fn text_key(&self) -> Result<(&str, i64), AppError> {
        match &self.key {
            SortKey::Text(s) => Ok((s, self.id)),
            SortKey::Date(_) => Err(bad_cursor()),
        }
    }
}

/// The 422 of a cursor that does not belong to the list it was sent to.
fn bad_cursor() -> AppError {
    let mut f = FieldErrors::default();
    f.add("after", "err.cursor");
    AppError::Invalid(f)
}

/// Page number and size of a list: by OFFSET (`?page=`, `?offset=`) or, past
/// the first page of a list sorted by a key, by cursor (`?after=`).
#[derive(Debug, Clone, PartialEq)]
pub struct Paging {
    /// Rows asked for.
    pub limit: i64,
    /// Rows skipped (0 with a cursor).
    pub offset: i64,
    /// Rows after this place in the list's order, if given.
    pub after: Option<Cursor>,
    /// The 1-based number of the page, as shown.
    pub number: i64,
    /// Whether the list is counted (up to [`Paging::COUNT_CAP`]). A page
    /// reached by cursor and an export's chunks do without.
    pub count: bool,
}

impl Default for Paging {
    fn default() -> Self {
        Self::first(Self::PAGE_SIZE)
    }
}

impl Paging {
    /// Rows on one page.
    pub const PAGE_SIZE: i64 = 50;
    /// Most rows an API call returns at once.
    pub const MAX_LIMIT: i64 = 1000;
    /// Most rows an export carries: a whole city's cases at the scale of
    /// issue 13 (1,000,000), under a spreadsheet's 1,048,576 rows. Exports
    /// stream in chunks of [`Paging::EXPORT_CHUNK`], so the cap bounds the
    /// time a download takes, not the server's memory.
    pub const EXPORT_ROWS: i64 = 1_000_000;
    /// Rows an export reads from the database at a time.
    pub const EXPORT_CHUNK: i64 = 5_000;
    /// Lists of very many rows count this far and no further: a count of a
    /// million rows on every page would cost more than the page ("more
    /// than 10.000" is what a reader needs).
    pub const COUNT_CAP: i64 = 10_000;

    /// The first `limit` rows, counted.
    pub fn first(limit: i64) -> Self {
        Self {
            limit,
            offset: 0,
            after: None,
            number: 1,
            count: true,
        }
    }

    /// From `?page=` (pages) or `?limit=&offset=` (API); an `offset` alone
    /// pages by [`Self::PAGE_SIZE`]. `?after=` (a [`Cursor`]) wins over
    /// both; `page=` beside it is the number shown. A cursor that does not
    /// read back is 422 on `after`.
    pub fn from_raw(raw: &Raw) -> Result<Self, AppError> {
        let num = |k: &str| raw.get(k).parse::<i64>().ok();
        let limit = num("limit").map_or(Self::PAGE_SIZE, |l| l.clamp(1, Self::MAX_LIMIT));
        let token = raw.get("after");
        if !token.is_empty() {
            let after = Cursor::decode(token).ok_or_else(bad_cursor)?;
            return Ok(Self {
                limit,
                offset: 0,
                after: Some(after),
                number: num("page").unwrap_or(2).clamp(2, 1_000_000),
                count: true,
            });
        }
        let offset = match num("offset") {
            Some(o) => o.max(0),
            None => (num("page").unwrap_or(1).clamp(1, 1_000_000) - 1) * limit,
        };
        Ok(Self {
            limit,
            offset,
            after: None,
            number: offset / limit + 1,
            count: true,
        })
    }

    /// Every row, for an export.
    pub fn all() -> Self {
        Self::first(Self::EXPORT_ROWS)
    }

    /// The 1-based page number.
    pub fn page_no(&self) -> i64 {
        self.number
    }

    /// The length of the list when a page of `rows` shows its end: read by
    /// offset (not cursor), not empty past the start, and shorter than
    /// asked for. Then nothing needs counting (a search's one page, most
    /// communes' lists).
    pub fn whole_list(&self, rows: usize) -> Option<i64> {
        let rows = rows as i64;
        (self.after.is_none() && rows < self.limit && (rows > 0 || self.offset == 0))
            .then_some(self.offset + rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_digest_tells_another_write_from_a_repeat_of_the_same() {
        let form = Raw::from_form(vec![
            ("csrf".into(), "t1".into()),
            ("case_code".into(), "BN-1".into()),
            ("village".into(), "".into()),
        ]);
        let json = Raw::from_json(serde_json::json!({"case_code": "BN-1"})).unwrap();
        let skip = ["csrf"];
        assert_eq!(form.digest("case", &skip), json.digest("case", &skip));
        let other = Raw::from_json(serde_json::json!({"case_code": "BN-2"})).unwrap();
        assert_ne!(json.digest("case", &skip), other.digest("case", &skip));
        assert_ne!(json.digest("case", &skip), json.digest("cluster", &skip));
        // A value cannot pass for a neighbouring field's.
        let a = Raw::from_json(serde_json::json!({"a": "b=c"})).unwrap();
        let b = Raw::from_json(serde_json::json!({"a=b": "c"})).unwrap();
        assert_ne!(a.digest("x", &[]), b.digest("x", &[]));
    }

    #[test]
    fn a_short_page_from_the_start_is_the_whole_list_and_needs_no_count() {
        let first = Paging::first(50);
        assert_eq!(first.whole_list(3), Some(3));
        assert_eq!(first.whole_list(0), Some(0));
        assert_eq!(
            first.whole_list(50),
            None,
            "a full page may have more after it"
        );
        let third = Paging {
            offset: 100,
            number: 3,
            ..Paging::first(50)
        };
        assert_eq!(third.whole_list(7), Some(107));
        assert_eq!(
            third.whole_list(0),
            None,
            "past the end says nothing of the length"
        );
        let after = Paging {
            after: Some(Cursor::date(
                NaiveDate::from_ymd_opt(2021, 7, 1).unwrap(),
                9,
            )),
            ..Paging::first(50)
        };
        assert_eq!(
            after.whole_list(3),
            None,
            "a cursor does not say what came before"
        );
    }

    fn raw(pairs: &[(&str, &str)]) -> Raw {
        Raw::from_form(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    crate::vocab!(Colour, "zone", [Red = "red", Green = "green"]);

    #[test]
    fn every_error_is_kept_beside_its_field() {
        let r = raw(&[
            ("a", ""),
            ("b", "12x"),
            ("c", "2099-01-01"),
            ("d", "blue"),
            ("e", "31/02/2021"),
        ]);
        let today = NaiveDate::from_ymd_opt(2021, 8, 1).unwrap();
        let mut c = Check::new(&r);
        assert_eq!(c.text("a", true, 10), None);
        assert_eq!(c.int("b", true, 0, 100), None);
        assert_eq!(c.date("c", true, Some(today)), None);
        assert_eq!(c.choice::<Colour>("d", true), None);
        assert_eq!(c.date("e", true, Some(today)), None);
        let e = c.errors.clone();
        assert_eq!(
            e.get("a", crate::domain::i18n::Lang::Vi).unwrap(),
            "Không được để trống."
        );
        assert_eq!(
            e.get("b", crate::domain::i18n::Lang::En).unwrap(),
            "Must be a whole number, not negative."
        );
        assert_eq!(
            e.get("c", crate::domain::i18n::Lang::Vi).unwrap(),
            "Ngày không được ở tương lai."
        );
        assert_eq!(
            e.get("d", crate::domain::i18n::Lang::En).unwrap(),
            "Not one of the allowed values."
        );
        assert_eq!(
            e.get("e", crate::domain::i18n::Lang::En).unwrap(),
            "Not a date (dd/mm/yyyy)."
        );
    }

    #[test]
    fn numbers_and_dates_are_read_as_people_type_them() {
        let r = raw(&[
            ("n", "1.416"),
            ("m", "1,416"),
            ("d", "05/07/2021"),
            ("i", "2021-07-05"),
        ]);
        let mut c = Check::new(&r);
        assert_eq!(c.int("n", true, 0, 10_000), Some(1416));
        assert_eq!(c.int("m", true, 0, 10_000), Some(1416));
        assert_eq!(c.date("d", true, None), NaiveDate::from_ymd_opt(2021, 7, 5));
        assert_eq!(c.date("i", true, None), NaiveDate::from_ymd_opt(2021, 7, 5));
        assert!(c.ok());
    }

    #[test]
    fn separators_must_group_thousands() {
        assert_eq!(parse_grouped_int("1.416"), Some(1416));
        assert_eq!(parse_grouped_int("8.053.663"), Some(8_053_663));
        assert_eq!(parse_grouped_int("1 416"), Some(1416));
        assert_eq!(parse_grouped_int("-1,416"), Some(-1416));
        assert_eq!(parse_grouped_int("2.5"), None);
        assert_eq!(parse_grouped_int("1.41"), None);
        assert_eq!(parse_grouped_int("1.416,5"), None);
        assert_eq!(parse_grouped_int("1416.0"), None);
        assert_eq!(parse_grouped_int(".416"), None);
        assert_eq!(parse_grouped_int("12a"), None);
        assert_eq!(parse_grouped_int(""), None);
    }

    #[test]
    fn out_of_range_numbers_and_control_characters_are_refused() {
        let r = raw(&[
            ("n", "-1"),
            ("big", "99999999999999999999"),
            ("t", "a\u{0}b"),
        ]);
        let mut c = Check::new(&r);
        assert_eq!(c.int("n", true, 0, 10), None);
        assert_eq!(c.int("big", true, 0, i64::MAX), None);
        assert_eq!(c.text("t", true, 10), None);
        assert_eq!(c.errors.0.len(), 3);
    }

    #[test]
    fn dates_are_taken_from_2019_to_a_year_after_today() {
        let today = NaiveDate::from_ymd_opt(2021, 8, 1).unwrap();
        let r = raw(&[
            ("year1", "0001-01-01"),
            ("far", "+262142-12-31"),
            ("next_year", "2022-08-01"),
            ("too_late", "2022-08-02"),
            ("first", "2019-01-01"),
        ]);
        let mut c = Check::on(&r, today);
        assert_eq!(c.date("year1", true, None), None);
        assert_eq!(c.date("far", true, None), None);
        assert_eq!(c.date("too_late", true, None), None);
        assert_eq!(
            c.date("next_year", true, None),
            NaiveDate::from_ymd_opt(2022, 8, 1)
        );
        assert_eq!(c.date("first", true, None), Some(EARLIEST_DATE));
        assert_eq!(
            c.errors
                .get("too_late", crate::domain::i18n::Lang::En)
                .unwrap(),
            "Too far ahead (after 01/08/2022)."
        );
        // Without today, the ceiling still holds.
        let mut c = Check::new(&r);
        assert_eq!(c.date("far", true, None), None);
        assert!(date_in_window(NaiveDate::MAX, today).is_err());
        assert!(date_in_window(NaiveDate::MIN, today).is_err());
        assert!(matches!(
            query_date("+262142-12-31", "date", today),
            Err(AppError::DateOutOfRange { .. })
        ));
        assert!(matches!(
            query_date("mai", "date", today),
            Err(AppError::Invalid(_))
        ));
        assert_eq!(query_date(" ", "date", today).unwrap(), None);
    }

    #[test]
    fn text_direction_overrides_are_refused_in_text_and_codes() {
        let r = raw(&[
            ("name", "Thôn \u{202E}1 nohT"),
            ("isolate", "a\u{2066}b"),
            ("code", "006\u{202D}82"),
            ("ok", "Thôn Thọ Am"),
        ]);
        let mut c = Check::new(&r);
        assert_eq!(c.text("name", true, 100), None);
        assert_eq!(c.opt_text("isolate", 100), "");
        assert_eq!(c.code("code"), None);
        assert_eq!(c.text("ok", true, 100).as_deref(), Some("Thôn Thọ Am"));
        assert_eq!(
            c.errors.get("code", crate::domain::i18n::Lang::Vi).unwrap(),
            "Có ký tự đảo chiều văn bản (U+202A–U+202E, U+2066–U+2069) không được phép."
        );
        assert_eq!(c.errors.0.len(), 3);
    }

    #[test]
    fn json_values_flatten_to_text_and_objects_are_refused() {
        let r = Raw::from_json(
            serde_json::json!({"a": 5, "b": "x", "c": null, "d": ["01", "020"], "e": true}),
        )
        .unwrap();
        assert_eq!(
            (r.get("a"), r.get("b"), r.get("c"), r.get("d"), r.get("e")),
            ("5", "x", "", "01,020", "true")
        );
        assert!(Raw::from_json(serde_json::json!({"a": {"b": 1}})).is_err());
        assert!(Raw::from_json(serde_json::json!([1, 2])).is_err());
    }

    #[test]
    fn paging_reads_pages_limits_and_offsets_and_clamps_them() {
        let raw = |pairs: &[(&str, &str)]| {
            Raw::from_form(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )
        };
        let p = |pairs: &[(&str, &str)]| {
            let p = Paging::from_raw(&raw(pairs)).unwrap();
            (p.limit, p.offset)
        };
        assert_eq!(p(&[]), (50, 0));
        assert_eq!(p(&[("page", "3")]), (50, 100));
        assert_eq!(p(&[("offset", "7")]), (50, 7));
        assert_eq!(p(&[("limit", "5000"), ("offset", "-4")]), (1000, 0));
        assert_eq!(
            Paging::from_raw(&raw(&[("page", "2")])).unwrap().page_no(),
            2
        );
    }

    #[test]
    fn a_cursor_reads_back_as_it_was_written_and_is_url_safe() {
        let d = NaiveDate::from_ymd_opt(2021, 7, 30).unwrap();
        for c in [
            Cursor::date(d, 123_456),
            Cursor::text("Khu cách ly Ký túc xá Mễ Trì ~ số 2", 7),
            Cursor::text("", 1),
            Cursor::text(&"Đ".repeat(200), i64::MAX),
        ] {
            let token = c.encode();
            assert!(
                token
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{token}"
            );
            assert!(token.len() <= Cursor::MAX_TOKEN);
            assert_eq!(Cursor::decode(&token), Some(c));
        }
    }

    #[test]
    fn a_cursor_that_was_not_written_by_the_list_does_not_read() {
        use base64::Engine as _;
        let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        for bad in [
            "".to_string(),
            "abc!".to_string(),
            "====".to_string(),
            "x".repeat(Cursor::MAX_TOKEN + 1),
            enc("d2021-07-30"),
            enc("d2021-02-30~5"),
            enc("d2021-7-30~5"),
            enc("d1900-01-01~5"),
            enc("d2021-07-30~0"),
            enc("d2021-07-30~-5"),
            enc("d2021-07-30~+5"),
            enc("d2021-07-30~99999999999999999999"),
            enc("t~name"),
            enc("tx~name"),
            enc("t5~a\nb"),
            enc("t5~a\u{0}b"),
            enc("q5~name"),
        ] {
            assert_eq!(Cursor::decode(&bad), None, "{bad}");
        }
        // Not UTF-8.
        let raw_bytes =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([b't', b'1', b'~', 0xff]);
        assert_eq!(Cursor::decode(&raw_bytes), None);
    }

    #[test]
    fn a_bad_cursor_is_a_field_error_on_after_and_a_cursor_of_another_list_too() {
        let e = Paging::from_raw(&raw(&[("after", "not a cursor")])).unwrap_err();
        let AppError::Invalid(f) = e else {
            panic!("{e:?}")
        };
        assert!(f.get("after", crate::domain::i18n::Lang::Vi).is_some());
        let d = NaiveDate::from_ymd_opt(2021, 7, 30).unwrap();
        let by_date = Cursor::date(d, 9);
        assert_eq!(by_date.date_key().unwrap(), (d, 9));
        assert!(matches!(by_date.text_key(), Err(AppError::Invalid(_))));
        assert!(matches!(
            Cursor::text("A", 1).date_key(),
            Err(AppError::Invalid(_))
        ));
    }

    #[test]
    fn a_cursor_wins_over_an_offset_and_page_is_the_number_shown() {
        let token = Cursor::date(NaiveDate::from_ymd_opt(2021, 7, 30).unwrap(), 9).encode();
        let p = Paging::from_raw(&raw(&[
            ("after", token.as_str()),
            ("offset", "300"),
            ("page", "500"),
        ]))
        .unwrap();
        assert_eq!((p.offset, p.page_no()), (0, 500));
        assert_eq!(p.after.unwrap().id, 9);
        let p = Paging::from_raw(&raw(&[("after", token.as_str()), ("page", "-3")])).unwrap();
        assert_eq!(
            p.page_no(),
            2,
            "a page after another is at least the second"
        );
        let p = Paging::from_raw(&raw(&[("after", "")])).unwrap();
        assert_eq!(p.after, None, "an empty cursor is the first page");
    }
}
