//! The administrative tree (DESIGN §2): levels, an area with its
//! ancestors, and the checks of an areas CSV.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The Hà Nội tree shipped with the program (see data/PROVENANCE.md).
pub const HANOI_CSV: &str = include_str!("../../data/hanoi_areas.csv");

/// The whole country's tree as it stood in 2021: 63 provinces, 705
/// district-level and 10,599 commune-level units (see data/PROVENANCE.md).
pub const VIETNAM_2021_CSV: &str = include_str!("../../data/vietnam_2021_areas.csv");

/// A level of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Thành phố / Tỉnh.
    City,
    /// Quận, Huyện, Thị xã.
    District,
    /// Phường, Xã, Thị trấn.
    Commune,
}

impl Level {
    /// Reads a stored level.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "city" => Some(Self::City),
            "district" => Some(Self::District),
            "commune" => Some(Self::Commune),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::City => "city",
            Self::District => "district",
            Self::Commune => "commune",
        }
    }

    /// The level of this level's parent.
    pub fn parent(self) -> Option<Self> {
        match self {
            Self::City => None,
            Self::District => Some(Self::City),
            Self::Commune => Some(Self::District),
        }
    }

    /// The catalogue key of the level's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::City => "level.city",
            Self::District => "level.district",
            Self::Commune => "level.commune",
        }
    }
}

/// An area with what authorisation needs: its level and ancestors.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaRef {
    /// Statistics-office code.
    pub code: String,
    /// Name with unit type.
    pub name: String,
    /// Level.
    pub level: Level,
    /// The parent's code.
    pub parent_code: Option<String>,
    /// The grandparent's code (the city, for a commune).
    pub grandparent_code: Option<String>,
}

impl AreaRef {
    /// Whether this area is `root` or lies under it.
    pub fn is_within(&self, root: &str) -> bool {
        self.code == root
            || self.parent_code.as_deref() == Some(root)
            || self.grandparent_code.as_deref() == Some(root)
    }

    /// This area's code and those of the areas above it, nearest first.
    pub fn lineage(&self) -> Vec<String> {
        [
            Some(&self.code),
            self.parent_code.as_ref(),
            self.grandparent_code.as_ref(),
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }
}

/// Folds a name for searching: lower case, no diacritics, đ → d.
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------- import

/// One row of an areas CSV: `code,name,unit_type,level,parent_code,population`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct AreaRow {
    pub code: String,
    pub name: String,
    pub unit_type: String,
    pub level: String,
    #[serde(default)]
    pub parent_code: String,
    #[serde(default)]
    pub population: String,
}

/// A validated area, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewArea {
    pub code: String,
    pub name: String,
    pub unit_type: String,
    pub level: Level,
    pub parent_code: Option<String>,
    pub population: Option<i64>,
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ImportReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// One province of a national tree — the province, its districts and their
/// communes — named by its code (`79`) or its name, accents, case and the
/// unit's word optional (`ho chi minh`, `Bình Dương`); an error says why
/// none, or which ones a name could mean.
pub fn province(tree: &[NewArea], wanted: &str) -> Result<Vec<NewArea>, String> {
    let provinces: Vec<&NewArea> = tree.iter().filter(|a| a.level == Level::City).collect();
    let q = fold(wanted.trim());
    let bare = |a: &NewArea| fold(a.name.strip_prefix(&a.unit_type).unwrap_or(&a.name));
    let by_code = provinces.iter().find(|a| a.code == wanted.trim());
    let exact: Vec<&&NewArea> = provinces
        .iter()
        .filter(|a| bare(a).trim() == q || fold(&a.name) == q)
        .collect();
    let partly: Vec<&&NewArea> = provinces
        .iter()
        .filter(|a| !q.is_empty() && fold(&a.name).contains(&q))
        .collect();
    let code = match (by_code, exact.as_slice(), partly.as_slice()) {
        (Some(a), _, _) => a.code.clone(),
        (None, [a], _) => a.code.clone(),
        (None, [], [a]) => a.code.clone(),
        (None, [], []) => return Err(format!("no province {wanted:?} in the tree")),
        (None, _, many) => {
            let names: Vec<String> = many
                .iter()
                .map(|a| format!("{} {}", a.code, a.name))
                .collect();
            return Err(format!("{wanted:?} could be {}", names.join(", ")));
        }
    };
    let districts: std::collections::HashSet<&str> = tree
        .iter()
        .filter(|a| a.parent_code.as_deref() == Some(code.as_str()))
        .map(|a| a.code.as_str())
        .collect();
    Ok(tree
        .iter()
        .filter(|a| {
            a.code == code
                || a.parent_code.as_deref() == Some(code.as_str())
                || a.parent_code
                    .as_deref()
                    .is_some_and(|p| districts.contains(p))
        })
        .cloned()
        .collect())
}

/// Reads and checks a whole areas CSV. Every bad line is reported with its
/// number; nothing is returned unless the file is clean.
pub fn parse_csv(text: &str) -> Result<Vec<NewArea>, Vec<String>> {
    let mut errors = Vec::new();
    let mut areas: Vec<NewArea> = Vec::new();
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    for (i, row) in rdr.deserialize::<AreaRow>().enumerate() {
        let line = i + 2; // the header is line 1
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("line {line}: {e}"));
                continue;
            }
        };
        match validate_row(row) {
            Ok(a) => areas.push(a),
            Err(msg) => errors.push(format!("line {line}: {msg}")),
        }
    }
    let by_code: HashMap<&str, &NewArea> = areas.iter().map(|a| (a.code.as_str(), a)).collect();
    if by_code.len() != areas.len() {
        let mut seen = std::collections::HashSet::new();
        for a in &areas {
            if !seen.insert(&a.code) {
                errors.push(format!("code {} appears more than once", a.code));
            }
        }
    }
    for a in &areas {
        if let Some(p) = &a.parent_code {
            match by_code.get(p.as_str()) {
                Some(parent) if Some(parent.level) == a.level.parent() => {}
                Some(_) => errors.push(format!(
                    "{}: parent {p} is not a {}",
                    a.code,
                    a.level.parent().map_or("-", Level::as_str)
                )),
                None => errors.push(format!("{}: parent {p} is not in the file", a.code)),
            }
        }
    }
    if errors.is_empty() {
        Ok(areas)
    } else {
        Err(errors)
    }
}

fn validate_row(r: AreaRow) -> Result<NewArea, String> {
    let level = Level::parse(&r.level).ok_or_else(|| format!("unknown level {:?}", r.level))?;
    let digits = match level {
        Level::City => 2,
        Level::District => 3,
        Level::Commune => 5,
    };
    if r.code.len() != digits || !r.code.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "code {:?} must be {digits} digits for a {}",
            r.code,
            level.as_str()
        ));
    }
    let name: String = r.name.nfc().collect();
    let unit_type: String = r.unit_type.nfc().collect();
    if name.is_empty() || name.chars().count() > 200 {
        return Err("name is empty or too long".into());
    }
    if unit_type.is_empty() || !name.starts_with(&unit_type) {
        return Err(format!(
            "name {name:?} must start with its unit type {unit_type:?}"
        ));
    }
    let parent_code = Some(r.parent_code).filter(|p| !p.is_empty());
    if (level == Level::City) != parent_code.is_none() {
        return Err("a city has no parent; every other area has one".into());
    }
    let population = match r.population.replace(['.', ',', ' '], "") {
        p if p.is_empty() => None,
        p => Some(
            p.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| format!("population {:?} is not a whole number", r.population))?,
        ),
    };
    Ok(NewArea {
        code: r.code,
        name,
        unit_type,
        level,
        parent_code,
        population,
    })
}

/// Parses a population as typed: digits, with optional thousands separators.
pub fn parse_population(s: &str) -> Result<Option<i64>, &'static str> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    match crate::domain::forms::parse_grouped_int(s) {
        Some(n) if (0..=1_000_000_000_000).contains(&n) => Ok(Some(n)),
        _ => Err("err.not_a_number"),
    }
}

/// One line of a populations CSV: `code,population[,adult_population]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationRow {
    pub code: String,
    pub population: i64,
    /// Adults (18+), when the file gives them.
    pub adults: Option<i64>,
}

/// A line of a populations file that could not be read: its number and
/// the catalogue key saying why.
pub type PopulationError = (usize, &'static str);

/// Parses a populations CSV (header first; `;` or `,` between fields, as
/// spreadsheets save them). Every bad line is reported with its number,
/// and nothing is returned unless all are good.
pub fn parse_populations(csv: &str) -> Result<Vec<PopulationRow>, Vec<PopulationError>> {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let text = csv.trim_start_matches('\u{feff}');
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if n == 0 && !line.starts_with(|c: char| c.is_ascii_digit()) {
            continue; // the header
        }
        if line.is_empty() {
            continue;
        }
        let sep = if line.contains(';') { ';' } else { ',' };
        let f: Vec<&str> = line.split(sep).map(str::trim).collect();
        let at = n + 1;
        if !(2..=3).contains(&f.len()) || f[0].is_empty() {
            errors.push((at, "pop.bad_line"));
            continue;
        }
        let Ok(Some(population)) = parse_population(f[1]) else {
            errors.push((at, "pop.bad_number"));
            continue;
        };
        let adults = match f.get(2).map(|a| parse_population(a)) {
            None | Some(Ok(None)) => None,
            Some(Ok(Some(a))) if a <= population => Some(a),
            Some(Ok(Some(_))) => {
                errors.push((at, "pop.more_adults"));
                continue;
            }
            Some(Err(_)) => {
                errors.push((at, "pop.bad_number"));
                continue;
            }
        };
        if !seen.insert(f[0].to_string()) {
            errors.push((at, "pop.twice"));
            continue;
        }
        rows.push(PopulationRow {
            code: f[0].to_string(),
            population,
            adults,
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Shares `total` among `weights` in whole people, largest remainders
/// first, so the parts always sum to the total (the demo's estimated
/// commune populations from their district's census figure).
pub fn apportion(total: i64, weights: &[u64]) -> Vec<i64> {
    let sum: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if weights.is_empty() || sum == 0 || total <= 0 {
        return vec![0; weights.len()];
    }
    let total_u = total as u128;
    let mut parts: Vec<(usize, i64, u128)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let exact = total_u * u128::from(*w);
            (i, (exact / sum) as i64, exact % sum)
        })
        .collect();
    let given: i64 = parts.iter().map(|p| p.1).sum();
    let mut by_remainder: Vec<usize> = (0..parts.len()).collect();
    by_remainder.sort_by(|a, b| parts[*b].2.cmp(&parts[*a].2).then(a.cmp(b)));
    for i in by_remainder.into_iter().take((total - given) as usize) {
        parts[i].1 += 1;
    }
    parts.sort_by_key(|p| p.0);
    parts.into_iter().map(|p| p.1).collect()
}

/// An area written as its code alone (`#[serde(serialize_with)]`): where
/// a record's checked values place it, as its audit row keeps it.
pub fn code_only<S: serde::Serializer>(a: &AreaRef, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&a.code)
}

/// The city, district and commune codes of an area (those above it and itself).
#[derive(Debug, Clone, PartialEq)]
pub struct Codes {
    pub city: String,
    pub district: Option<String>,
    pub commune: Option<String>,
}

impl Codes {
    /// The codes of `a`'s place in the tree.
    pub fn of(a: &AreaRef) -> Self {
        match a.level {
            Level::City => Self {
                city: a.code.clone(),
                district: None,
                commune: None,
            },
            Level::District => Self {
                city: a.parent_code.clone().unwrap_or_default(),
                district: Some(a.code.clone()),
                commune: None,
            },
            Level::Commune => Self {
                city: a.grandparent_code.clone().unwrap_or_default(),
                district: a.parent_code.clone(),
                commune: Some(a.code.clone()),
            },
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_province_is_found_by_code_or_by_name_whatever_the_accents() {
        let tree = parse_csv(VIETNAM_2021_CSV).expect("the shipped national tree");
        assert_eq!(tree.iter().filter(|a| a.level == Level::City).count(), 63);
        assert_eq!(
            tree.iter().filter(|a| a.level == Level::District).count(),
            705
        );
        assert_eq!(
            tree.iter().filter(|a| a.level == Level::Commune).count(),
            10_599
        );
        let hcmc = province(&tree, "79").unwrap();
        assert_eq!(hcmc[0].name, "Thành phố Hồ Chí Minh");
        assert_eq!(province(&tree, "ho chi minh").unwrap(), hcmc);
        assert_eq!(
            hcmc.iter().filter(|a| a.level == Level::District).count(),
            22,
            "16 urban districts, 5 rural districts and Thủ Đức in 2021"
        );
        assert!(hcmc.iter().any(|a| a.name == "Thành phố Thủ Đức"));
        let hanoi = province(&tree, "Hà Nội").unwrap();
        let shipped = parse_csv(HANOI_CSV).unwrap();
        assert_eq!(hanoi, shipped, "Hà Nội as the Hà Nội file ships it");
        assert!(province(&tree, "binh duong").is_ok());
        let why = province(&tree, "Hà").unwrap_err();
        assert!(why.contains("Hà Nội") && why.contains("Hà Giang"), "{why}");
        assert!(province(&tree, "Atlantis").is_err());
    }
    use super::*;

    #[test]
    fn a_populations_file_is_read_whole_or_refused_with_line_numbers() {
        let ok = parse_populations("code,population\n00682,12.345\n00679;9000;6500\n").unwrap();
        assert_eq!(
            ok,
            vec![
                PopulationRow {
                    code: "00682".into(),
                    population: 12_345,
                    adults: None
                },
                PopulationRow {
                    code: "00679".into(),
                    population: 9000,
                    adults: Some(6500)
                },
            ]
        );
        let errs =
            parse_populations("code,population\n00682,nhiều\n00679,100,200\n00679,5\n00679,6\n")
                .unwrap_err();
        assert_eq!(
            errs,
            vec![
                (2, "pop.bad_number"),
                (3, "pop.more_adults"),
                (5, "pop.twice")
            ]
        );
    }

    #[test]
    fn apportioned_parts_always_sum_to_the_whole() {
        assert_eq!(apportion(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(
            apportion(221_893, &[5, 9, 2, 7]).iter().sum::<i64>(),
            221_893
        );
        assert_eq!(apportion(100, &[0, 0]), vec![0, 0]);
        assert_eq!(apportion(7, &[]), Vec::<i64>::new());
    }

    #[test]
    fn folding_drops_diacritics_case_and_extra_spaces() {
        assert_eq!(fold("Xã Liên Ninh"), "xa lien ninh");
        assert_eq!(fold("Quận Đống Đa"), "quan dong da");
        assert_eq!(fold("  Phường   Trung Văn "), "phuong trung van");
        // Decomposed input folds the same as composed input.
        let nfd: String = "Xã Đại Áng".nfd().collect();
        assert_eq!(fold(&nfd), fold("Xã Đại Áng"));
    }

    #[test]
    fn populations_accept_grouped_digits_and_refuse_the_rest() {
        assert_eq!(parse_population("8.053.663"), Ok(Some(8_053_663)));
        assert_eq!(parse_population("8,053,663"), Ok(Some(8_053_663)));
        assert_eq!(parse_population(""), Ok(None));
        assert_eq!(parse_population("-5"), Err("err.not_a_number"));
        assert_eq!(parse_population("nhiều"), Err("err.not_a_number"));
        assert_eq!(
            parse_population("99999999999999999999"),
            Err("err.not_a_number")
        );
    }

    #[test]
    fn a_csv_with_bad_lines_reports_each_and_returns_nothing() {
        let csv = "code,name,unit_type,level,parent_code,population\n\
                   01,Thành phố Hà Nội,Thành phố,city,,\n\
                   020,Huyện Thanh Trì,Huyện,district,01,abc\n\
                   0068,Xã Liên Ninh,Xã,commune,020,\n\
                   00682,Xã Liên Ninh,Xã,commune,999,\n\
                   00683,Liên Ninh,Xã,commune,020,\n";
        let errors = parse_csv(csv).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("line 3:") && e.contains("population")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("line 4:") && e.contains("5 digits")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("line 6:") && e.contains("unit type")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.contains("00682") && e.contains("not in the file")),
            "{errors:?}"
        );
    }

    #[test]
    fn the_shipped_hanoi_tree_parses_cleanly() {
        let areas = parse_csv(HANOI_CSV).expect("clean file");
        let count = |l: Level| areas.iter().filter(|a| a.level == l).count();
        assert_eq!(
            (
                count(Level::City),
                count(Level::District),
                count(Level::Commune)
            ),
            (1, 30, 579)
        );
        for a in &areas {
            assert_eq!(
                a.name,
                a.name.nfc().collect::<String>(),
                "{} is not NFC",
                a.code
            );
        }
    }
}
