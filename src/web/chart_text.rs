//! The figures a chart draws (values, tick labels), written with the decimal separator of the page's
//! language. The chart geometry (`crate::chart`) formats them with a point; labels from definitions are
//! left as written.

use crate::chart::{BarChart, DotChart, TrendChart};
use crate::i18n::numbers::with_separator;

pub fn bars(mut c: BarChart, lang: &str) -> BarChart {
    for b in &mut c.bars {
        b.value = with_separator(lang, &b.value);
    }
    for t in &mut c.ticks {
        t.label = with_separator(lang, &t.label);
    }
    c
}

pub fn dots(mut c: DotChart, lang: &str) -> DotChart {
    for d in &mut c.dots {
        d.value = with_separator(lang, &d.value);
    }
    for t in &mut c.ticks {
        t.label = with_separator(lang, &t.label);
    }
    c
}

pub fn trend(mut c: TrendChart, lang: &str) -> TrendChart {
    for p in &mut c.points {
        p.value = with_separator(lang, &p.value);
    }
    for t in &mut c.yticks {
        t.label = with_separator(lang, &t.label);
    }
    c
}

#[cfg(test)]
mod tests {
    use crate::chart::{self, DotInput, ShareInput};

    #[test]
    fn russian_charts_write_a_decimal_comma_and_keep_labels() {
        let c = chart::share_bars(
            "x",
            "t",
            "d",
            &[ShareInput {
                label: "ул. Ленина".into(),
                share: Some(0.432),
                ci_low: Some(0.4),
                ci_high: Some(0.46),
                suppressed: false,
            }],
        );
        let ru = super::bars(c.clone(), "ru");
        assert_eq!(ru.bars[0].value, "43,2%");
        assert_eq!(ru.bars[0].label, "ул. Ленина");
        assert_eq!(super::bars(c, "en").bars[0].value, "43.2%");
        let d = chart::mean_dots(
            "m",
            "t",
            "d",
            &[DotInput {
                label: "Mean".into(),
                value: Some(3.456),
                ci_low: Some(3.2),
                ci_high: Some(3.7),
                suppressed: false,
            }],
            (1.0, 5.0, &[1.0, 2.5, 5.0]),
            2,
        );
        let ru = super::dots(d, "ru");
        assert_eq!(ru.dots[0].value, "3,46");
        assert!(ru.ticks.iter().any(|t| t.label == "2,5"), "{:?}", ru.ticks);
    }
}
