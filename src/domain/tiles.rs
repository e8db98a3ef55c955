//! Where each area's tile sits on a tile map laid out like the city's
//! geography (DESIGN §6). Positions are data: `data/hanoi_tiles.csv` for
//! Hà Nội's 30 districts (`code,col,row,short`, row 0 at the north), read
//! once. Areas without a position are drawn as a sorted grid instead.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Hà Nội's district tiles, as shipped.
pub const HANOI_TILES_CSV: &str = include_str!("../../data/hanoi_tiles.csv");

/// A tile's place on the map and the short name written on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tile {
    pub col: u16,
    pub row: u16,
    pub short: String,
}

static TILES: LazyLock<HashMap<String, Tile>> =
    LazyLock::new(|| parse(HANOI_TILES_CSV).expect("data/hanoi_tiles.csv is valid"));

/// Reads `code,col,row,short` lines (a header first).
pub fn parse(csv: &str) -> Result<HashMap<String, Tile>, String> {
    let mut out = HashMap::new();
    let mut cells = HashMap::new();
    for (n, line) in csv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let [code, col, row, short] = f[..] else {
            return Err(format!("line {}: expected code,col,row,short", n + 1));
        };
        let num = |s: &str| s.parse::<u16>().map_err(|e| format!("line {}: {e}", n + 1));
        let tile = Tile {
            col: num(col)?,
            row: num(row)?,
            short: short.to_string(),
        };
        if let Some(other) = cells.insert((tile.col, tile.row), code.to_string()) {
            return Err(format!("line {}: {code} sits on {other}", n + 1));
        }
        out.insert(code.to_string(), tile);
    }
    Ok(out)
}

/// The tile of `code`, if the map knows where it goes.
pub fn position(code: &str) -> Option<&'static Tile> {
    TILES.get(code)
}

/// Whether every one of `codes` has a position, so a geographic map can
/// be drawn for them.
pub fn all_placed<'a>(mut codes: impl Iterator<Item = &'a str>) -> bool {
    codes.all(|c| TILES.contains_key(c))
}

/// A name without its unit type ("Huyện Thanh Trì" → "Thanh Trì"), for
/// tiles too small for the whole name.
pub fn short_name(name: &str) -> &str {
    for prefix in [
        "Tỉnh ",
        "Thành phố ",
        "Thị xã ",
        "Thị trấn ",
        "Quận ",
        "Huyện ",
        "Phường ",
        "Xã ",
    ] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return rest;
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_district_of_hanoi_has_its_own_cell() {
        let tiles = parse(HANOI_TILES_CSV).unwrap();
        assert_eq!(tiles.len(), 30);
        let tree = crate::domain::area::parse_csv(crate::domain::area::HANOI_CSV).unwrap();
        for d in tree
            .iter()
            .filter(|a| a.level == crate::domain::area::Level::District)
        {
            let t = tiles
                .get(&d.code)
                .unwrap_or_else(|| panic!("{} has no tile", d.name));
            assert_eq!(t.short, short_name(&d.name), "{}", d.code);
        }
    }

    #[test]
    fn the_map_reads_like_hanoi() {
        let at = |code: &str| position(code).unwrap();
        // Sóc Sơn is the northernmost, Ba Vì the westernmost, Mỹ Đức and
        // Ứng Hòa on the bottom row; Hoàn Kiếm east of Ba Đình.
        let max_row = TILES.values().map(|t| t.row).max().unwrap();
        assert!(TILES.values().all(|t| t.row >= at("016").row));
        assert!(TILES.values().all(|t| t.col >= at("271").col));
        assert_eq!((at("282").row, at("281").row), (max_row, max_row));
        assert!(at("002").col > at("001").col);
    }

    #[test]
    fn two_areas_on_one_cell_are_refused() {
        let err = parse("code,col,row,short\n001,1,1,A\n002,1,1,B\n").unwrap_err();
        assert!(err.contains("002 sits on 001"), "{err}");
        assert!(parse("code,col,row,short\n001,x,1,A\n").is_err());
    }

    #[test]
    fn short_names_drop_the_unit_type() {
        assert_eq!(short_name("Huyện Thanh Trì"), "Thanh Trì");
        assert_eq!(short_name("Thị xã Sơn Tây"), "Sơn Tây");
        assert_eq!(short_name("Phường 12"), "12");
        assert_eq!(short_name("Nơi khác"), "Nơi khác");
    }
}
