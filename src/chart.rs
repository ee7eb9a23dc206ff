//! Charts of results pages: the geometry is computed here (pure functions, unit-tested), the SVG is drawn by
//! handlebars templates (`templates/results_chart_*.hbs`).
//!
//! Why our own code and templates rather than a plotting crate (`plotters` and the like):
//! - accessibility needs control of the markup: `role="img"`, `<title>`/`<desc>` referenced by
//!   `aria-labelledby`, a `<title>` per bar with the full label — plotting crates emit anonymous paths;
//! - the charts are three simple forms (bars with whiskers, dots with intervals, a line over waves): about
//!   a hundred lines of arithmetic, no dependency, no font metrics or system fonts needed on the server;
//! - handlebars escapes every label, so text from a definition file can never inject markup into a page
//!   (the rule of this crate: no triple-brace output of anything a file can influence);
//! - the SVG scales with its `viewBox` to a phone's width, uses CSS classes (print and high-contrast
//!   styles apply), and is deterministic, so snapshot tests are stable.
//!
//! Coordinates are in `viewBox` units ([`WIDTH`] wide); every number is rounded to 0.1 unit.

use serde::Serialize;

/// Width of every chart's `viewBox`; it scales to the container.
pub const WIDTH: f64 = 640.0;
/// Right-hand column for the value text ("43.2%").
const VALUE_COL: f64 = 72.0;
/// Left and right margins of the plot area.
const PAD: f64 = 8.0;
/// Height of one bar row: a label line, then the bar.
const ROW: f64 = 50.0;
const BAR_H: f64 = 16.0;
/// Space for the axis ticks under the bars.
const AXIS_H: f64 = 28.0;
/// Longest label drawn in the SVG; the full label is in the bar's `<title>` and in the table. 48 characters
/// fit the width at the larger text size phones get (`static/opros.css`: the chart scales down with the
/// screen, so its text is set larger there).
const MAX_LABEL_CHARS: usize = 48;

fn r1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A label cut to [`MAX_LABEL_CHARS`] characters with an ellipsis.
pub fn short_label(s: &str) -> String {
    if s.chars().count() <= MAX_LABEL_CHARS {
        return s.to_owned();
    }
    let cut: String = s.chars().take(MAX_LABEL_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// One share to draw: a point estimate with its 95% interval, or a suppressed cell.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareInput {
    pub label: String,
    pub share: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub suppressed: bool,
}

/// An axis tick.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Tick {
    pub x: f64,
    pub label: String,
}

/// A horizontal bar with its interval whisker.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bar {
    pub label: String,
    pub short_label: String,
    /// Baseline of the label text.
    pub label_y: f64,
    pub y: f64,
    pub height: f64,
    pub x: f64,
    pub width: f64,
    /// Whisker from `ci_x1` to `ci_x2` at height `ci_y` (absent when there is no interval).
    pub has_ci: bool,
    pub ci_x1: f64,
    pub ci_x2: f64,
    pub ci_y: f64,
    pub cap_y1: f64,
    pub cap_y2: f64,
    pub value_x: f64,
    pub value_y: f64,
    /// "43.2%", or "—" when suppressed.
    pub value: String,
    pub suppressed: bool,
}

/// Bars of shares with 95% intervals (one question, or one breakdown category).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BarChart {
    /// Unique within the page (for `aria-labelledby`).
    pub id: String,
    pub title: String,
    pub desc: String,
    pub width: f64,
    pub height: f64,
    pub plot_x: f64,
    pub plot_width: f64,
    /// Right end of the axis.
    pub plot_x2: f64,
    pub axis_y: f64,
    pub tick_label_y: f64,
    pub ticks: Vec<Tick>,
    pub bars: Vec<Bar>,
}

/// The top of the share axis: the smallest of 20, 40, 60, 80, 100% that holds every interval's upper end
/// (so small shares stay readable while bars of one chart remain comparable).
pub fn share_axis_max(inputs: &[ShareInput]) -> f64 {
    let top = inputs
        .iter()
        .filter(|i| !i.suppressed)
        .filter_map(|i| i.ci_high.or(i.share))
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    [0.2, 0.4, 0.6, 0.8]
        .into_iter()
        .find(|m| top <= *m + 1e-12)
        .unwrap_or(1.0)
}

/// Ticks of a share axis from 0 to `max`: every 5% up to 20%, every 10% up to 60%, else every 20%.
pub fn share_ticks(max: f64) -> Vec<f64> {
    let step = if max <= 0.2 + 1e-12 {
        0.05
    } else if max <= 0.6 + 1e-12 {
        0.1
    } else {
        0.2
    };
    let n = (max / step).round() as i32;
    (0..=n).map(|k| f64::from(k) * step).collect()
}

/// "43.2%" (one decimal), "—" when absent.
pub fn pct(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map_or_else(|| "—".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

/// Lays out shares as horizontal bars: the bar's length is the share, the whisker spans the 95% interval,
/// the axis runs from 0 to [`share_axis_max`]. Suppressed cells get no bar and the value "—".
pub fn share_bars(id: &str, title: &str, desc: &str, inputs: &[ShareInput]) -> BarChart {
    let max = share_axis_max(inputs);
    // Room on the left for half of the "0%" tick label.
    let plot_x = 2.0 * PAD;
    let plot_width = WIDTH - VALUE_COL - 3.0 * PAD;
    let sx = |v: f64| r1(plot_x + plot_width * (v.clamp(0.0, max) / max));
    let bars = inputs
        .iter()
        .enumerate()
        .map(|(i, inp)| {
            let top = i as f64 * ROW;
            let y = top + 26.0;
            let share = inp.share.filter(|v| v.is_finite() && !inp.suppressed);
            let ci = match (inp.ci_low, inp.ci_high) {
                (Some(l), Some(h)) if share.is_some() && l.is_finite() && h.is_finite() => Some((l, h)),
                _ => None,
            };
            Bar {
                label: inp.label.clone(),
                short_label: short_label(&inp.label),
                label_y: r1(top + 19.0),
                y: r1(y),
                height: BAR_H,
                x: plot_x,
                width: share.map_or(0.0, |s| r1(sx(s) - plot_x)),
                has_ci: ci.is_some(),
                ci_x1: ci.map_or(0.0, |(l, _)| sx(l)),
                ci_x2: ci.map_or(0.0, |(_, h)| sx(h)),
                ci_y: r1(y + BAR_H / 2.0),
                cap_y1: r1(y + 3.0),
                cap_y2: r1(y + BAR_H - 3.0),
                value_x: WIDTH - PAD,
                value_y: r1(y + BAR_H - 3.0),
                value: if inp.suppressed { "—".to_owned() } else { pct(share) },
                suppressed: inp.suppressed || share.is_none(),
            }
        })
        .collect::<Vec<_>>();
    let axis_y = r1(inputs.len() as f64 * ROW + 4.0);
    let ticks = share_ticks(max)
        .into_iter()
        .map(|v| Tick {
            x: sx(v),
            label: format!("{:.0}%", v * 100.0),
        })
        .collect();
    BarChart {
        id: id.to_owned(),
        title: title.to_owned(),
        desc: desc.to_owned(),
        width: WIDTH,
        height: r1(axis_y + AXIS_H),
        plot_x,
        plot_width: r1(plot_width),
        plot_x2: r1(plot_x + plot_width),
        axis_y,
        tick_label_y: r1(axis_y + 20.0),
        ticks,
        bars,
    }
}

/// One mean to draw: a dot with its interval.
#[derive(Debug, Clone, PartialEq)]
pub struct DotInput {
    pub label: String,
    pub value: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub suppressed: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Dot {
    pub label: String,
    pub short_label: String,
    pub label_y: f64,
    /// The dot is drawn only when `has_value`.
    pub has_value: bool,
    pub cx: f64,
    pub cy: f64,
    pub has_ci: bool,
    pub ci_x1: f64,
    pub ci_x2: f64,
    pub value_x: f64,
    pub value: String,
}

/// Means as dots with 95% intervals on a common axis (a scale's points, or a number's range).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DotChart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub width: f64,
    pub height: f64,
    pub plot_x: f64,
    pub plot_width: f64,
    /// Right end of the axis.
    pub plot_x2: f64,
    pub axis_y: f64,
    pub tick_label_y: f64,
    pub ticks: Vec<Tick>,
    pub dots: Vec<Dot>,
}

/// Lays out means on the axis `(min, max, ticks)` with the given tick values (e.g. a scale's points 1..5).
/// Values outside the axis are drawn at its ends. `decimals` formats the value text.
pub fn mean_dots(
    id: &str,
    title: &str,
    desc: &str,
    inputs: &[DotInput],
    axis: (f64, f64, &[f64]),
    decimals: usize,
) -> DotChart {
    let (min, max, ticks) = axis;
    let (min, max) = if max > min { (min, max) } else { (min, min + 1.0) };
    let plot_x = PAD + 8.0;
    let plot_width = WIDTH - VALUE_COL - 2.0 * PAD - 16.0;
    let sx = |v: f64| r1(plot_x + plot_width * ((v.clamp(min, max) - min) / (max - min)));
    let dots = inputs
        .iter()
        .enumerate()
        .map(|(i, inp)| {
            let top = i as f64 * ROW;
            let cy = r1(top + 34.0);
            let value = inp.value.filter(|v| v.is_finite() && !inp.suppressed);
            let ci = match (inp.ci_low, inp.ci_high) {
                (Some(l), Some(h)) if value.is_some() && l.is_finite() && h.is_finite() => Some((l, h)),
                _ => None,
            };
            Dot {
                label: inp.label.clone(),
                short_label: short_label(&inp.label),
                label_y: r1(top + 19.0),
                has_value: value.is_some(),
                cx: value.map_or(0.0, sx),
                cy,
                has_ci: ci.is_some(),
                ci_x1: ci.map_or(0.0, |(l, _)| sx(l)),
                ci_x2: ci.map_or(0.0, |(_, h)| sx(h)),
                value_x: WIDTH - PAD,
                value: value.map_or_else(|| "—".to_owned(), |v| format!("{v:.decimals$}")),
            }
        })
        .collect::<Vec<_>>();
    let axis_y = r1(inputs.len() as f64 * ROW + 4.0);
    DotChart {
        id: id.to_owned(),
        title: title.to_owned(),
        desc: desc.to_owned(),
        width: WIDTH,
        height: r1(axis_y + AXIS_H),
        plot_x,
        plot_width: r1(plot_width),
        plot_x2: r1(plot_x + plot_width),
        axis_y,
        tick_label_y: r1(axis_y + 20.0),
        ticks: ticks
            .iter()
            .filter(|t| **t >= min && **t <= max)
            .map(|t| Tick {
                x: sx(*t),
                label: trim_number(*t),
            })
            .collect(),
        dots,
    }
}

/// `3` rather than `3.0`; otherwise up to two decimals.
pub fn trim_number(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// Round-number ticks and an axis end for a non-negative quantity whose intervals reach `top`
/// (1, 2, 2.5 or 5 × a power of ten per step, four steps).
pub fn nice_axis(top: f64) -> (f64, Vec<f64>) {
    let top = if top.is_finite() && top > 0.0 { top } else { 1.0 };
    let raw = top / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| s * 4.0 >= top - 1e-12)
        .unwrap_or(10.0 * mag);
    let max = step * 4.0;
    (max, (0..=4).map(|k| step * f64::from(k)).collect())
}

/// One wave of a trend.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveInput {
    /// Short name of the wave (e.g. "2026-03").
    pub label: String,
    pub value: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// Change from the previous wave, as decided by the caller's test.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Up,
    Down,
    NotSignificant,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TrendPoint {
    pub label: String,
    pub x: f64,
    pub has_value: bool,
    pub y: f64,
    pub has_ci: bool,
    pub ci_y1: f64,
    pub ci_y2: f64,
    pub value: String,
    pub value_y: f64,
}

/// A line from one wave to the next; `significant` changes are drawn solid, others dashed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TrendSegment {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub significant: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct YTick {
    pub y: f64,
    pub label: String,
}

/// A value over waves with 95% intervals.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TrendChart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub width: f64,
    pub height: f64,
    pub plot_x: f64,
    pub plot_x2: f64,
    pub plot_y1: f64,
    pub plot_y2: f64,
    pub wave_label_y: f64,
    pub yticks: Vec<YTick>,
    pub points: Vec<TrendPoint>,
    pub segments: Vec<TrendSegment>,
}

const TREND_H: f64 = 220.0;

/// Lays out waves left to right (equally spaced, in the order given) on a vertical axis `[min, max]`.
/// `changes[i]` is the change from wave `i` to `i + 1`. `percent` formats values as shares.
pub fn trend(
    id: &str,
    title: &str,
    desc: &str,
    waves: &[WaveInput],
    changes: &[Option<Change>],
    axis: (f64, f64, &[f64]),
    percent: bool,
) -> TrendChart {
    let (min, max, ticks) = axis;
    let (min, max) = if max > min { (min, max) } else { (min, min + 1.0) };
    let plot_x = 56.0;
    let plot_x2 = WIDTH - 40.0;
    let (plot_y1, plot_y2) = (12.0, TREND_H - 36.0);
    let sy = |v: f64| r1(plot_y2 - (plot_y2 - plot_y1) * ((v.clamp(min, max) - min) / (max - min)));
    let n = waves.len().max(1);
    let sx = |i: usize| {
        if n == 1 {
            r1((plot_x + plot_x2) / 2.0)
        } else {
            r1(plot_x + 20.0 + (plot_x2 - plot_x - 40.0) * i as f64 / (n - 1) as f64)
        }
    };
    let fmt = |v: f64| {
        if percent {
            pct(Some(v))
        } else {
            format!("{v:.2}")
        }
    };
    let points: Vec<TrendPoint> = waves
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let value = w.value.filter(|v| v.is_finite());
            let ci = match (w.ci_low, w.ci_high) {
                (Some(l), Some(h)) if value.is_some() && l.is_finite() && h.is_finite() => Some((l, h)),
                _ => None,
            };
            let y = value.map_or(plot_y2, sy);
            TrendPoint {
                label: w.label.clone(),
                x: sx(i),
                has_value: value.is_some(),
                y,
                has_ci: ci.is_some(),
                ci_y1: ci.map_or(0.0, |(_, h)| sy(h)),
                ci_y2: ci.map_or(0.0, |(l, _)| sy(l)),
                value: value.map_or_else(|| "—".to_owned(), fmt),
                value_y: r1((ci.map_or(y, |(_, h)| sy(h)) - 6.0).max(10.0)),
            }
        })
        .collect();
    let segments = points
        .windows(2)
        .enumerate()
        .filter(|(_, p)| p[0].has_value && p[1].has_value)
        .map(|(i, p)| TrendSegment {
            x1: p[0].x,
            y1: p[0].y,
            x2: p[1].x,
            y2: p[1].y,
            significant: matches!(changes.get(i).copied().flatten(), Some(Change::Up | Change::Down)),
        })
        .collect();
    TrendChart {
        id: id.to_owned(),
        title: title.to_owned(),
        desc: desc.to_owned(),
        width: WIDTH,
        height: TREND_H,
        plot_x,
        plot_x2,
        plot_y1,
        plot_y2,
        wave_label_y: r1(plot_y2 + 22.0),
        yticks: ticks
            .iter()
            .filter(|t| **t >= min - 1e-12 && **t <= max + 1e-12)
            .map(|t| YTick {
                y: sy(*t),
                label: if percent {
                    format!("{:.0}%", t * 100.0)
                } else {
                    trim_number(*t)
                },
            })
            .collect(),
        points,
        segments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(label: &str, p: f64, l: f64, h: f64) -> ShareInput {
        ShareInput {
            label: label.into(),
            share: Some(p),
            ci_low: Some(l),
            ci_high: Some(h),
            suppressed: false,
        }
    }

    #[test]
    fn axis_holds_every_interval() {
        assert_eq!(share_axis_max(&[share("a", 0.1, 0.05, 0.19)]), 0.2);
        assert_eq!(share_axis_max(&[share("a", 0.1, 0.05, 0.21)]), 0.4);
        assert_eq!(share_axis_max(&[share("a", 0.9, 0.85, 0.95)]), 1.0);
        assert_eq!(share_axis_max(&[]), 0.2);
    }

    #[test]
    fn bar_length_is_proportional_to_share() {
        let c = share_bars("c", "t", "d", &[share("a", 0.4, 0.3, 0.5), share("b", 0.2, 0.1, 0.3)]);
        // axis 0..60%: 0.4 of the plot width is 2/3.
        let w = c.plot_width;
        assert!((c.bars[0].width - w * 0.4 / 0.6).abs() < 0.11);
        assert!((c.bars[1].width - w * 0.2 / 0.6).abs() < 0.11);
        assert!(c.bars[0].ci_x1 < c.bars[0].x + c.bars[0].width && c.bars[0].ci_x2 > c.bars[0].x + c.bars[0].width);
        assert_eq!(c.bars[0].value, "40.0%");
        assert_eq!(c.ticks.last().map(|t| t.label.as_str()), Some("60%"));
        assert_eq!(c.ticks.len(), 7, "every 10%");
    }

    #[test]
    fn suppressed_bars_carry_no_number() {
        let mut s = share("a", 0.4, 0.3, 0.5);
        s.suppressed = true;
        let c = share_bars("c", "t", "d", &[s]);
        assert_eq!(c.bars[0].value, "—");
        assert_eq!(c.bars[0].width, 0.0);
        assert!(!c.bars[0].has_ci);
    }

    #[test]
    fn nice_axis_steps() {
        assert_eq!(nice_axis(7.3).0, 8.0);
        assert_eq!(nice_axis(38.0).0, 40.0);
        assert_eq!(nice_axis(0.0).0, 1.0);
        assert_eq!(nice_axis(100.0).1, vec![0.0, 25.0, 50.0, 75.0, 100.0]);
    }

    #[test]
    fn trend_marks_significant_segments() {
        let w = |l: &str, v: f64| WaveInput {
            label: l.into(),
            value: Some(v),
            ci_low: Some(v - 0.05),
            ci_high: Some(v + 0.05),
        };
        let t = trend(
            "t",
            "t",
            "d",
            &[w("a", 0.3), w("b", 0.5), w("c", 0.52)],
            &[Some(Change::Up), Some(Change::NotSignificant)],
            (0.0, 1.0, &[0.0, 0.5, 1.0]),
            true,
        );
        assert_eq!(t.segments.len(), 2);
        assert!(t.segments[0].significant && !t.segments[1].significant);
        assert!(t.points[1].y < t.points[0].y, "higher values are drawn higher");
    }

    #[test]
    fn long_labels_are_cut() {
        let long = "ж".repeat(100);
        let s = short_label(&long);
        assert_eq!(s.chars().count(), MAX_LABEL_CHARS);
        assert!(s.ends_with('…'));
    }
}
