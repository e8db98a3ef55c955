//! The dashboard's drawings as server-rendered SVG: the epidemic curve with
//! its axes, sparklines on one scale per table, the red-share bar and the
//! tile map. Only numbers and escaped names go into them.

use chrono::{Duration, NaiveDate};

use crate::domain::i18n::Lang;

/// Escapes text for SVG/HTML (names of areas go onto tiles).
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A round axis top at or above `max`: 1, 2 or 5 times a power of ten.
pub fn nice_max(max: i64) -> i64 {
    if max <= 4 {
        return 4;
    }
    let mut step = 1i64;
    loop {
        for m in [1, 2, 5] {
            // Four gridlines, so the top is four steps.
            if 4 * m * step >= max {
                return 4 * m * step;
            }
        }
        step *= 10;
    }
}

/// How the curve is drawn: wide for desks and walls, narrow (fewer days,
/// larger type relative to its width) for phones.
#[derive(Debug, Clone, Copy)]
pub struct CurveShape {
    pub days: i64,
    pub width: f64,
    pub class: &'static str,
}

/// 120 days on a desk or a wall.
pub const WIDE: CurveShape = CurveShape {
    days: 120,
    width: 960.0,
    class: "c-wide",
};
/// 90 days in a column of the wall view.
pub const WALL: CurveShape = CurveShape {
    days: 90,
    width: 520.0,
    class: "c-wall",
};
/// 6 weeks on a phone.
pub const NARROW: CurveShape = CurveShape {
    days: 42,
    width: 360.0,
    class: "c-phone",
};

/// The epidemic curve: a bar a day, the 7-day average as a line, y-axis
/// values on round gridlines and date ticks, with a text summary for
/// screen readers. Bars and line differ in shape, not only colour.
pub fn curve_svg(
    series: &[(NaiveDate, i64, i64)],
    date: NaiveDate,
    shape: CurveShape,
    lang: Lang,
) -> String {
    const H: f64 = 200.0;
    const TOP: f64 = 8.0;
    const LEFT: f64 = 46.0;
    let days = shape.days;
    let w = shape.width;
    let start = date - Duration::days(days - 1);
    let mut per_day = vec![0i64; days as usize];
    for (d, n, _) in series {
        let i = (*d - start).num_days();
        if (0..days).contains(&i) {
            per_day[i as usize] = *n;
        }
    }
    let avg: Vec<f64> = (0..per_day.len())
        .map(|i| {
            let from = i.saturating_sub(6);
            per_day[from..=i].iter().sum::<i64>() as f64 / (i - from + 1) as f64
        })
        .collect();
    let peak = per_day.iter().copied().max().unwrap_or(0);
    let top = nice_max(peak) as f64;
    let plot_w = w - LEFT;
    let bw = plot_w / days as f64;
    let y = |v: f64| TOP + H - v / top * H;
    let peak_day = per_day
        .iter()
        .rposition(|n| *n == peak)
        .map(|i| start + Duration::days(i as i64))
        .unwrap_or(date);
    let summary = lang.tf(
        "chart.summary",
        &[
            &lang.date(start),
            &lang.date(date),
            &lang.int(peak),
            &lang.date(peak_day),
            &lang.int(*per_day.last().unwrap_or(&0)),
        ],
    );
    let mut out = format!(
        r#"<svg class="curve {class}" viewBox="0 0 {w} {h}" role="img" aria-label="{label}"><title>{label}</title>"#,
        class = shape.class,
        h = TOP + H + 24.0,
        label = esc(&summary),
    );
    // Gridlines with their values.
    for k in 0..=4 {
        let v = top * f64::from(k) / 4.0;
        out.push_str(&format!(
            r#"<line class="grid" x1="{LEFT}" x2="{w}" y1="{yy:.1}" y2="{yy:.1}"/><text class="axis y" x="{tx}" y="{ty:.1}">{label}</text>"#,
            yy = y(v),
            tx = LEFT - 6.0,
            ty = y(v) + 4.0,
            label = lang.int(v.round() as i64),
        ));
    }
    for (i, n) in per_day.iter().enumerate() {
        if *n > 0 {
            let bh = *n as f64 / top * H;
            out.push_str(&format!(
                r#"<rect class="bar" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"><title>{}: {}</title></rect>"#,
                LEFT + i as f64 * bw,
                TOP + H - bh,
                (bw - 0.6).max(0.6),
                bh,
                lang.date(start + Duration::days(i as i64)),
                lang.int(*n)
            ));
        }
    }
    let points: Vec<String> = avg
        .iter()
        .enumerate()
        .map(|(i, a)| format!("{:.1},{:.1}", LEFT + i as f64 * bw + bw / 2.0, y(*a)))
        .collect();
    out.push_str(&format!(
        r#"<polyline class="avg" points="{}"/>"#,
        points.join(" ")
    ));
    // Date ticks: about five, on whole weeks back from the date shown.
    let every = ((days / 5) / 7).max(1) * 7;
    let mut i = days - 1;
    while i >= 0 {
        let x = LEFT + i as f64 * bw + bw / 2.0;
        let anchor = if i == days - 1 { "end" } else { "middle" };
        out.push_str(&format!(
            r#"<line class="tick" x1="{x:.1}" x2="{x:.1}" y1="{b}" y2="{b2}"/><text class="axis x {anchor}" x="{tx:.1}" y="{ty}">{}</text>"#,
            (start + Duration::days(i)).format("%d/%m"),
            b = TOP + H,
            b2 = TOP + H + 4.0,
            tx = if anchor == "end" { w } else { x },
            ty = TOP + H + 18.0,
        ));
        i -= every;
        if i < every / 2 {
            break;
        }
    }
    out.push_str("</svg>");
    out
}

/// A 14-day sparkline on the table's common scale `max`, so two rows can be
/// compared at a glance; a row without cases draws a quiet flat line.
pub fn spark_svg(values: &[i64], max: i64, lang: Lang) -> String {
    let n = values.len().max(2) as f64;
    let zero = values.iter().all(|v| *v == 0);
    let top = max.max(1) as f64;
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * 60.0 / (n - 1.0),
                19.0 - *v as f64 / top * 17.0
            )
        })
        .collect();
    format!(
        r#"<svg class="spark{}" viewBox="0 0 60 20" role="img"><title>{}</title><polyline points="{}"/></svg>"#,
        if zero { " zero" } else { "" },
        esc(&lang.tf(
            "chart.spark",
            &[&values
                .iter()
                .map(|v| lang.int(*v))
                .collect::<Vec<_>>()
                .join(", ")]
        )),
        points.join(" ")
    )
}

/// The share of red communes as a bar (red part first), with the count in
/// words beside it in the page.
pub fn red_share_svg(red: i64, all: i64) -> String {
    let pct = if all > 0 {
        red as f64 * 100.0 / all as f64
    } else {
        0.0
    };
    format!(
        r#"<svg class="share" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true"><rect class="green" width="100" height="6"/><rect class="red" width="{pct:.2}" height="6"/></svg>"#
    )
}

/// One tile of a map: where, what it is called, and what it shows.
#[derive(Debug, Clone)]
pub struct MapTile {
    pub code: String,
    /// Where the tile leads (the area's page, or a place on the same page).
    pub href: String,
    pub name: String,
    pub short: String,
    pub col: u16,
    pub row: u16,
    pub level: Option<u8>,
    pub red: bool,
    pub new_7d: i64,
    pub week_delta: i64,
}

/// The tile map: each area a square at its place, coloured by level and
/// carrying its short name, its level in words, its 7-day cases and their
/// change; a link to the area.
pub fn tile_map_svg(tiles: &[MapTile], lang: Lang) -> String {
    const W: f64 = 122.0;
    const H: f64 = 80.0;
    const GAP: f64 = 4.0;
    let cols = tiles.iter().map(|t| t.col).max().map_or(1, |c| c + 1);
    let rows = tiles.iter().map(|t| t.row).max().map_or(1, |r| r + 1);
    let mut out = format!(
        r#"<svg class="tilemap" viewBox="0 0 {} {}" role="group" aria-label="{}">"#,
        f64::from(cols) * (W + GAP),
        f64::from(rows) * (H + GAP),
        esc(lang.t("dash.map"))
    );
    for t in tiles {
        let x = f64::from(t.col) * (W + GAP);
        let y = f64::from(t.row) * (H + GAP);
        let level = t.level.map_or("none".to_string(), |l| l.to_string());
        let level_word = t.level.map_or_else(
            || lang.t("zone.no_level_short").to_string(),
            |l| lang.tf("zone.level_short", &[&l.to_string()]),
        );
        let arrow = match t.week_delta {
            d if d > 0 => format!("▲{}", lang.int(d)),
            d if d < 0 => format!("▼{}", lang.int(-d)),
            _ => "=".to_string(),
        };
        let label = lang.tf(
            "dash.tile_label",
            &[
                &t.name,
                &level_word,
                &lang.int(t.new_7d),
                &crate::domain::trend::change_words(
                    lang,
                    crate::domain::trend::Change::new(t.week_delta, 0),
                    crate::domain::trend::Period::Week,
                ),
            ],
        );
        out.push_str(&format!(
            r#"<a href="{href}" aria-label="{label}"><rect class="lv lv-{level}" x="{x}" y="{y}" width="{W}" height="{H}" rx="6"/>{red}<text class="tn lv-{level}" x="{tx}" y="{y1}">{short}</text><text class="tv lv-{level}" x="{tx}" y="{y2}">{n}</text><text class="ts lv-{level}" x="{tx}" y="{y3}">{level_word} · {arrow}</text></a>"#,
            href = esc(&t.href),
            label = esc(&label),
            red = if t.red {
                format!(
                    r#"<rect class="redmark" x="{}" y="{}" width="10" height="10"/>"#,
                    x + W - 16.0,
                    y + H - 16.0
                )
            } else {
                String::new()
            },
            tx = x + 6.0,
            y1 = y + 18.0,
            y2 = y + 46.0,
            y3 = y + 68.0,
            short = esc(&t.short),
            n = lang.int(t.new_7d),
        ));
    }
    out.push_str("</svg>");
    out
}

/// A node of a chain as drawn: what it links to and says.
pub struct ChainBox {
    /// The node it hangs from (an index into the list, before it).
    pub parent: Option<usize>,
    /// A case (drawn filled) or a contact.
    pub case: bool,
    pub href: String,
    pub label: String,
    pub date: NaiveDate,
}

/// A chain of transmission as a tree from left to right: one column per
/// step (case → F1 → F2 or the case an F1 became …), one row per node in
/// depth-first order, each node a link. Its natural size: the page scrolls
/// it sideways on a phone rather than shrink the writing.
pub fn chain_svg(nodes: &[ChainBox], lang: Lang) -> String {
    const COL: usize = 168;
    const W: usize = 150;
    const ROW: usize = 30;
    const H: usize = 24;
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut roots = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        match n.parent.filter(|&p| p < i) {
            Some(p) => children[p].push(i),
            None => roots.push(i),
        }
    }
    // Depth-first: each node's row and column.
    let mut place = vec![(0usize, 0usize); nodes.len()];
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&r| (r, 0)).collect();
    let mut row = 0;
    while let Some((i, depth)) = stack.pop() {
        place[i] = (row, depth);
        row += 1;
        stack.extend(children[i].iter().rev().map(|&c| (c, depth + 1)));
    }
    let depth = place.iter().map(|p| p.1).max().unwrap_or(0);
    let (width, height) = ((depth + 1) * COL, row.max(1) * ROW);
    let mut svg = format!(
        r#"<svg class="chain" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="group" aria-label="{}">"#,
        esc(lang.t("contacts.chain"))
    );
    for (i, n) in nodes.iter().enumerate() {
        if let Some(p) = n.parent.filter(|&p| p < i) {
            let (pr, pd) = place[p];
            let (r, d) = place[i];
            let (x1, y1) = (pd * COL + W, pr * ROW + H / 2 + 3);
            let (x2, y2) = (d * COL, r * ROW + H / 2 + 3);
            let xm = x1 + (x2 - x1) / 2;
            svg.push_str(&format!(
                r#"<path class="edge" d="M{x1} {y1}H{xm}V{y2}H{x2}"/>"#
            ));
        }
    }
    for (i, n) in nodes.iter().enumerate() {
        let (r, d) = place[i];
        let (x, y) = (d * COL, r * ROW + 3);
        let class = if n.case { "node case" } else { "node contact" };
        svg.push_str(&format!(
            r#"<a href="{}"><g class="{class}"><rect x="{x}" y="{y}" width="{W}" height="{H}" rx="4"/><text x="{}" y="{}">{} · {}</text></g></a>"#,
            esc(&n.href),
            x + 6,
            y + 16,
            esc(&n.label),
            n.date.format("%d/%m"),
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_tops_are_round_numbers_at_or_above_the_peak() {
        assert_eq!(nice_max(0), 4);
        assert_eq!(nice_max(3), 4);
        assert_eq!(nice_max(5), 8);
        assert_eq!(nice_max(37), 40);
        assert_eq!(nice_max(41), 80);
        assert_eq!(nice_max(264), 400);
        assert_eq!(nice_max(1_416), 2_000);
    }

    #[test]
    fn the_curve_has_bars_an_average_line_y_values_and_date_ticks() {
        let d = NaiveDate::from_ymd_opt(2021, 8, 1).unwrap();
        let series = vec![(d - Duration::days(1), 4, 1), (d, 1_416, 2)];
        let svg = curve_svg(&series, d, NARROW, Lang::Vi);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("01/08/2021: 1.416") && svg.contains("31/07/2021: 4"));
        assert!(svg.contains("<polyline"));
        // Gridline values grouped the Vietnamese way, the top one round.
        assert!(svg.contains(">2.000</text>") && svg.contains(">1.000</text>"));
        // The last day is a tick; ticks fall a week apart.
        assert!(svg.contains(">01/08</text>") && svg.contains(">25/07</text>"));
        // Days outside the window are left out.
        let old = curve_svg(&[(d - Duration::days(60), 5, 0)], d, NARROW, Lang::Vi);
        assert_eq!(old.matches("class=\"bar\"").count(), 0);
        // The summary says the peak, for screen readers.
        assert!(svg.contains("1.416"));
    }

    #[test]
    fn sparklines_share_the_tables_scale_and_zero_is_quiet() {
        let svg = spark_svg(&[0, 5, 10], 20, Lang::Vi);
        // 10 of 20 reaches half way up, not the top.
        assert!(svg.contains("60.0,10.5"), "{svg}");
        assert!(!svg.contains("zero"));
        assert!(spark_svg(&[0, 0, 0], 20, Lang::Vi).contains("class=\"spark zero\""));
    }

    #[test]
    fn the_red_share_bar_is_as_long_as_the_share() {
        assert!(red_share_svg(345, 579).contains(r#"class="red" width="59.59""#));
        assert!(red_share_svg(0, 0).contains(r#"class="red" width="0.00""#));
    }

    #[test]
    fn a_tile_names_its_area_and_escapes_it() {
        let t = MapTile {
            code: "020".into(),
            href: "/areas/020".into(),
            name: "Huyện <Thanh Trì>".into(),
            short: "Thanh <Trì>".into(),
            col: 1,
            row: 2,
            level: Some(3),
            red: true,
            new_7d: 43,
            week_delta: 5,
        };
        let svg = tile_map_svg(&[t], Lang::Vi);
        assert!(svg.contains("Thanh &lt;Trì&gt;") && !svg.contains("<Trì>"));
        assert!(svg.contains(r#"href="/areas/020""#) && svg.contains("lv-3"));
        assert!(svg.contains("Cấp 3 · ▲5") && svg.contains("redmark"));
    }

    #[test]
    fn a_chain_draws_each_step_in_its_own_column_and_links_every_node() {
        let d = NaiveDate::from_ymd_opt(2021, 7, 30).unwrap();
        let node = |parent, case, label: &str| ChainBox {
            parent,
            case,
            href: format!("/x/{label}"),
            label: label.into(),
            date: d,
        };
        let nodes = [
            node(None, true, "BN-1"),
            node(Some(0), false, "F1 #1"),
            node(Some(1), true, "BN-2"),
            node(Some(0), false, "F1 <2>"),
        ];
        let svg = chain_svg(&nodes, Lang::Vi);
        // Three steps deep, four rows.
        assert!(svg.contains(r#"width="504" height="120""#), "{svg}");
        assert_eq!(svg.matches("<a href=").count(), 4);
        assert_eq!(svg.matches(r#"class="edge""#).count(), 3);
        assert!(svg.contains("F1 &lt;2&gt; · 30/07") && !svg.contains("<2>"));
        // BN-2 under F1 #1, before F1 <2>: depth first.
        assert!(svg.find("BN-2").unwrap() < svg.find("F1 &lt;2&gt;").unwrap());
    }
}
