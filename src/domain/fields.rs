//! Each record described once: a record states its fields in one table of
//! [`Spec`]s — name, label, kind with the limits its check enforces,
//! whether it is required, who may see it and whether it is exported — and
//! that table drives the form ([`crate::domain::forms::FormBuilder::specs`]),
//! the check ([`crate::domain::forms::Check`]'s `*_of` methods), the export
//! columns and the API document's schemas (generated in the web layer), so
//! none of them can drift from the others.

/// What a field holds, with the limits its check enforces.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Free text of at most `max` characters; `lines` draws several lines.
    Text { max: usize, lines: bool },
    /// A whole number in `min..=max`.
    Int { min: i64, max: i64 },
    /// A date in the system's window; `past` refuses one after today.
    Date { past: bool },
    /// One value of a vocabulary (see [`crate::domain::forms::Vocab`]).
    Choice {
        values: &'static [&'static str],
        prefix: &'static str,
    },
    /// A phone number.
    Phone,
    /// An area's statistics-office code; `commune` when only a commune's.
    Area { commune: bool },
    /// The id of another record.
    Ref,
    /// Yes or no.
    Bool,
    /// Area codes, at most `max` of them.
    Areas { max: usize },
    /// Ids of other records, at most `max` of them.
    Refs { max: usize },
}

/// Who sees a field (DESIGN §4's need-to-know).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Everyone who may read the record.
    Always,
    /// Only those who may read personal details.
    Personal,
    /// Only those who may not: what stands in for a personal detail (an age band).
    Impersonal,
}

/// One field of a record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    /// The name in forms, JSON and exports.
    pub name: &'static str,
    /// The catalogue key of its label.
    pub label: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Whether a new record must have it.
    pub required: bool,
    /// Who sees it.
    pub shown: Shown,
    /// `false` for what the record answers but never takes (a name looked up, a count).
    pub writable: bool,
    /// Whether exports carry it.
    pub exported: bool,
    /// `false` for what a record takes but answers otherwise (a directive's
    /// target codes, answered as its targets).
    pub answered: bool,
    /// Whether the answer may carry null though the field is text (a
    /// reason given only when a case is voided).
    pub null: bool,
    /// Whether the answer always carries a value (never null) though a new
    /// record may leave it out (a date that defaults to today).
    pub always: bool,
    /// A catalogue key of a hint drawn under the field.
    pub hint: Option<&'static str>,
    /// The field whose value pages show for this one (a commune's name for
    /// its code); that field is then not shown on its own.
    pub shown_by: Option<&'static str>,
    /// Whether the show page lists it (a derived code is not).
    pub on_page: bool,
    /// The shape the record's own check gives the text (a case code), as
    /// the API document states it (an anchored regular expression).
    pub pattern: Option<&'static str>,
}

/// Lengths the records share.
pub const NAME_MAX: usize = 200;
/// A note's length.
pub const NOTE_MAX: usize = 1000;
/// The largest count of people or things a record takes.
pub const COUNT_MAX: i64 = 10_000_000;

/// The area a record is placed at, at any level (typed by code).
pub const AREA: Spec = Spec::area("area_code", "rec.area")
    .required()
    .shown_by("area_name");
/// The placed area's name, looked up.
pub const AREA_NAME: Spec = Spec::text("area_name", "rec.area", NAME_MAX)
    .read_only()
    .always()
    .unexported();
/// The commune a record is placed in.
pub const COMMUNE: Spec = Spec::commune("commune_code", "rec.commune")
    .required()
    .shown_by("commune_name");
/// The commune's name, looked up.
pub const COMMUNE_NAME: Spec = Spec::text("commune_name", "rec.commune", NAME_MAX)
    .read_only()
    .always()
    .unexported();
/// The district above the record's commune, derived from it.
pub const DISTRICT_CODE: Spec = Spec::area("district_code", "rec.district")
    .read_only()
    .always()
    .unexported()
    .off_page();
/// A note of a record.
pub const NOTE: Spec = Spec::lines("note", "rec.note", NOTE_MAX);

impl Spec {
    const fn new(name: &'static str, label: &'static str, kind: Kind) -> Self {
        Self {
            name,
            label,
            kind,
            required: false,
            shown: Shown::Always,
            writable: true,
            exported: true,
            answered: true,
            null: false,
            always: false,
            hint: None,
            shown_by: None,
            on_page: true,
            pattern: None,
        }
    }

    /// One line of text.
    pub const fn text(name: &'static str, label: &'static str, max: usize) -> Self {
        Self::new(name, label, Kind::Text { max, lines: false })
    }

    /// Several lines of text.
    pub const fn lines(name: &'static str, label: &'static str, max: usize) -> Self {
        Self::new(name, label, Kind::Text { max, lines: true })
    }

    /// A whole number in `min..=max`.
    pub const fn int(name: &'static str, label: &'static str, min: i64, max: i64) -> Self {
        Self::new(name, label, Kind::Int { min, max })
    }

    /// A count of people or things: `0..=`[`COUNT_MAX`].
    pub const fn count(name: &'static str, label: &'static str) -> Self {
        Self::int(name, label, 0, COUNT_MAX)
    }

    /// A date in the window, up to a year ahead.
    pub const fn date(name: &'static str, label: &'static str) -> Self {
        Self::new(name, label, Kind::Date { past: false })
    }

    /// A date that has happened: not after today.
    pub const fn past_date(name: &'static str, label: &'static str) -> Self {
        Self::new(name, label, Kind::Date { past: true })
    }

    /// One value of a vocabulary: `Spec::choice("kind", "…", SiteKind::VALUES, SiteKind::PREFIX)`.
    pub const fn choice(
        name: &'static str,
        label: &'static str,
        values: &'static [&'static str],
        prefix: &'static str,
    ) -> Self {
        Self::new(name, label, Kind::Choice { values, prefix })
    }

    /// A phone number.
    pub const fn phone(name: &'static str, label: &'static str) -> Self {
        Self::new(name, label, Kind::Phone)
    }

    /// An area's code, at any level.
    pub const fn area(name: &'static str, label: &'static str) -> Self {
        Self::new(name, label, Kind::Area { commune: false })
    }

    /// A commune's code.
    pub const fn commune(name: &'static str, label: &'static str) -> Self {
        Self::new(name, label, Kind::Area { commune: true })
    }

    /// The id of another record.
    pub const fn reference(name: &'static str, label: &'static str) -> Self {
        Self::new(name, label, Kind::Ref)
    }

    /// Yes or no.
    pub const fn boolean(name: &'static str, label: &'static str) -> Self {
        Self::new(name, label, Kind::Bool)
    }

    /// A list of area codes.
    pub const fn areas(name: &'static str, label: &'static str, max: usize) -> Self {
        Self::new(name, label, Kind::Areas { max })
    }

    /// A list of ids of other records.
    pub const fn refs(name: &'static str, label: &'static str, max: usize) -> Self {
        Self::new(name, label, Kind::Refs { max })
    }

    /// A new record must have it.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self.always = true;
        self
    }

    /// Optional on input, but always answered (a default fills it in).
    pub const fn always(mut self) -> Self {
        self.always = true;
        self
    }

    /// Answered as null when there is none, though it is text.
    pub const fn or_null(mut self) -> Self {
        self.null = true;
        self
    }

    /// Shown only to those who may read personal details.
    pub const fn personal(mut self) -> Self {
        self.shown = Shown::Personal;
        self
    }

    /// Shown only to those who may not read personal details.
    pub const fn impersonal(mut self) -> Self {
        self.shown = Shown::Impersonal;
        self
    }

    /// Answered but never taken.
    pub const fn read_only(mut self) -> Self {
        self.writable = false;
        self
    }

    /// Taken but not answered as such (nor exported).
    pub const fn write_only(mut self) -> Self {
        self.answered = false;
        self.exported = false;
        self
    }

    /// Left out of exports.
    pub const fn unexported(mut self) -> Self {
        self.exported = false;
        self
    }

    /// With a hint under the field.
    pub const fn hint(mut self, key: &'static str) -> Self {
        self.hint = Some(key);
        self
    }

    /// Shown on pages by the value of the field `name`.
    pub const fn shown_by(mut self, name: &'static str) -> Self {
        self.shown_by = Some(name);
        self
    }

    /// Not listed on the show page.
    pub const fn off_page(mut self) -> Self {
        self.on_page = false;
        self
    }

    /// With a shape the text must have.
    pub const fn pattern(mut self, re: &'static str) -> Self {
        self.pattern = Some(re);
        self
    }

    /// The most characters a text field takes.
    pub fn max_len(&self) -> usize {
        match self.kind {
            Kind::Text { max, .. } => max,
            Kind::Phone => PHONE_MAX,
            Kind::Area { .. } => 5,
            // Typed in one box, separated by commas.
            Kind::Areas { max } => max * 6,
            Kind::Refs { max } => max * 8,
            _ => 40,
        }
    }

    /// Whether a reader who may (`personal`) or may not see personal
    /// details sees this field.
    pub fn visible(&self, personal: bool) -> bool {
        match self.shown {
            Shown::Always => true,
            Shown::Personal => personal,
            Shown::Impersonal => !personal,
        }
    }

    /// Whether the answer may hold null for it (an optional number, date,
    /// choice or reference left out); texts are "" instead.
    pub fn nullable(&self) -> bool {
        self.null
            || !self.always && !matches!(self.kind, Kind::Text { .. } | Kind::Phone | Kind::Bool)
    }
}

/// The longest phone number taken.
pub const PHONE_MAX: usize = 20;

/// A record's table: its fields in the order forms and exports show them.
pub type Table = &'static [Spec];

/// The names of an export's columns for a reader: each exported field
/// they may see.
pub fn export_columns(table: Table, personal: bool) -> Vec<&'static str> {
    table
        .iter()
        .filter(|f| f.exported && f.visible(personal))
        .map(|f| f.name)
        .collect()
}

/// The fields a page shows, in this order: those named in `first` (a
/// list's columns), then the rest of the table; without the fields another
/// is shown by, those off the page and those the reader may not see.
pub fn on_page<'a>(table: &'a [Spec], first: &[&str], personal: bool) -> Vec<&'a Spec> {
    let by: Vec<&str> = table.iter().filter_map(|f| f.shown_by).collect();
    let named = first
        .iter()
        .filter_map(|n| table.iter().find(|f| f.name == *n));
    let rest = table.iter().filter(|f| !first.contains(&f.name));
    named
        .chain(rest)
        .filter(|f| f.on_page && f.answered && f.visible(personal) && !by.contains(&f.name))
        .collect()
}

/// The fields a list shows: those of `list` the reader may see, in order.
pub fn listed<'a>(table: &'a [Spec], list: &[&str], personal: bool) -> Vec<&'a Spec> {
    on_page(table, list, personal)
        .into_iter()
        .take_while(|f| list.contains(&f.name))
        .collect()
}

/// The field of `table` named `name`.
pub fn find(table: Table, name: &str) -> Option<&'static Spec> {
    table.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: Table = &[
        Spec::commune("commune_code", "rec.commune").required(),
        Spec::text("name", "x.name", NAME_MAX).required(),
        Spec::count("people", "x.people"),
        Spec::past_date("seen_on", "x.seen_on").always(),
        Spec::text("full_name", "x.full_name", 100).personal(),
        Spec::text("age_band", "x.age_band", 10)
            .impersonal()
            .read_only(),
        Spec::text("commune_name", "rec.commune", NAME_MAX)
            .read_only()
            .unexported(),
    ];

    #[test]
    fn an_export_carries_what_its_reader_may_see() {
        assert_eq!(
            export_columns(TABLE, true),
            ["commune_code", "name", "people", "seen_on", "full_name"]
        );
        assert_eq!(
            export_columns(TABLE, false),
            ["commune_code", "name", "people", "seen_on", "age_band"]
        );
    }

    #[test]
    fn an_optional_number_may_be_null_but_a_text_or_a_defaulted_date_may_not() {
        let f = |n| find(TABLE, n).unwrap();
        assert!(f("people").nullable());
        assert!(!f("name").nullable());
        assert!(!f("full_name").nullable());
        assert!(!f("seen_on").nullable());
        assert!(f("seen_on").visible(false) && !f("full_name").visible(false));
        assert!(!f("age_band").visible(true) && f("age_band").visible(false));
    }
}
