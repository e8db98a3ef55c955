//! The dashboard's drawings: the epidemic curve and the sparklines, as SVG.

use chrono::{Duration, NaiveDate};

/// The epidemic curve as SVG: a bar a day and the 7-day average as a line.
/// Only numbers go into it, so it needs no escaping.
pub fn curve_svg(series: &[(NaiveDate, i64, i64)], date: NaiveDate, days: i64) -> String {
    const W: f64 = 720.0;
    const H: f64 = 200.0;
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
    let max = per_day.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bw = W / days as f64;
    let mut out = format!(
        r#"<svg class="curve" viewBox="0 0 {W} {h}" role="img" preserveAspectRatio="none"><title>{max}</title>"#,
        h = H + 16.0,
        max = max as i64
    );
    for (i, n) in per_day.iter().enumerate() {
        if *n > 0 {
            let bh = *n as f64 / max * H;
            out.push_str(&format!(
                r#"<rect class="bar" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"><title>{}: {}</title></rect>"#,
                i as f64 * bw,
                H - bh,
                (bw - 0.5).max(0.5),
                bh,
                (start + Duration::days(i as i64)).format("%d/%m/%Y"),
                n
            ));
        }
    }
    let points: Vec<String> = avg
        .iter()
        .enumerate()
        .map(|(i, a)| format!("{:.1},{:.1}", i as f64 * bw + bw / 2.0, H - a / max * H))
        .collect();
    out.push_str(&format!(
        r#"<polyline class="avg" points="{}"/>"#,
        points.join(" ")
    ));
    out.push_str(&format!(
        r#"<text class="axis" x="0" y="{y}">{}</text><text class="axis end" x="{W}" y="{y}">{}</text></svg>"#,
        start.format("%d/%m/%Y"),
        date.format("%d/%m/%Y"),
        y = H + 14.0
    ));
    out
}

/// A 14-day sparkline.
pub fn spark_svg(values: &[i64]) -> String {
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let n = values.len().max(2) as f64;
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * 60.0 / (n - 1.0),
                18.0 - *v as f64 / max * 16.0
            )
        })
        .collect();
    format!(
        r#"<svg class="spark" viewBox="0 0 60 20" role="img"><title>{}</title><polyline points="{}"/></svg>"#,
        values
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        points.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curve_has_a_bar_for_each_day_with_cases_and_an_average_line() {
        let d = NaiveDate::from_ymd_opt(2021, 8, 1).unwrap();
        let series = vec![(d - Duration::days(1), 4, 1), (d, 8, 2)];
        let svg = curve_svg(&series, d, 30);
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("01/08/2021: 8") && svg.contains("31/07/2021: 4"));
        assert!(svg.contains("<polyline"));
        // Days outside the window are left out.
        assert_eq!(
            curve_svg(&[(d - Duration::days(40), 5, 0)], d, 30)
                .matches("<rect")
                .count(),
            0
        );
    }

    #[test]
    fn a_sparkline_scales_to_its_largest_day() {
        let svg = spark_svg(&[0, 5, 10]);
        assert!(svg.contains("0.0,18.0") && svg.contains("60.0,2.0"));
    }
}
