//! Statistics core on a large survey: 1,000,000 respondents × 30 questions (15 single-choice, 5 scales,
//! 5 multiple-choice with 4 options, 5 numbers), weighted by calibration (raking) on sex × age group ×
//! district, with crosstabs of every choice question by 3 breakdown variables (the design declares them,
//! so each question is read once: `summarize_*`), plus means by the breakdowns and medians of numbers.
//!
//! `cargo bench --bench stats`. Data are synthetic (a fixed linear congruential generator).

use criterion::{criterion_group, criterion_main, Criterion};
use opros::stats::{
    crosstab, median, shares, summarize_categorical, summarize_numeric, summarize_options, Calibration,
    CrosstabOptions, Design, PreparedDesign, ShareOptions,
};
use std::hint::black_box;

const N: usize = 1_000_000;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, k: usize) -> usize {
        ((self.next() * k as f64) as usize).min(k - 1)
    }
}

struct Survey {
    sex: Vec<usize>,
    age: Vec<usize>,
    district: Vec<usize>,
    weights: Vec<f64>,
    single: Vec<Vec<Option<usize>>>,
    scales: Vec<Vec<Option<usize>>>,
    multi: Vec<Vec<Vec<Option<bool>>>>,
    numbers: Vec<Vec<Option<f64>>>,
}

fn survey() -> Survey {
    let mut r = Lcg(20261129);
    let sex: Vec<usize> = (0..N).map(|_| r.below(2)).collect();
    let age: Vec<usize> = (0..N).map(|_| r.below(5)).collect();
    let district: Vec<usize> = (0..N).map(|_| r.below(10)).collect();
    // raking weights are a product of margin factors (what converged raking produces)
    let weights = (0..N)
        .map(|i| 0.8 + 0.3 * sex[i] as f64 + 0.15 * age[i] as f64 + 0.05 * district[i] as f64)
        .collect();
    let cat = |r: &mut Lcg, k: usize| -> Vec<Option<usize>> {
        (0..N).map(|_| (r.next() > 0.05).then(|| r.below(k))).collect()
    };
    let single = (0..15).map(|_| cat(&mut r, 5)).collect();
    let scales = (0..5).map(|_| cat(&mut r, 6)).collect(); // 5 points + "hard to say"
    let multi = (0..5)
        .map(|_| {
            let answered: Vec<bool> = (0..N).map(|_| r.next() > 0.1).collect();
            (0..4)
                .map(|_| (0..N).map(|i| answered[i].then(|| r.next() < 0.3)).collect())
                .collect()
        })
        .collect();
    let numbers = (0..5)
        .map(|_| {
            (0..N)
                .map(|_| (r.next() > 0.07).then(|| (r.next() * 1000.0).round()))
                .collect()
        })
        .collect();
    Survey {
        sex,
        age,
        district,
        weights,
        single,
        scales,
        multi,
        numbers,
    }
}

fn prepare(s: &Survey) -> PreparedDesign {
    let by = |v: &Vec<usize>| v.iter().map(|x| Some(*x)).collect::<Vec<_>>();
    Design {
        weights: s.weights.clone(),
        calibration: Some(Calibration::Calibrated {
            variables: vec![s.sex.clone(), s.age.clone(), s.district.clone()],
            base_weights: vec![1.0; N],
        }),
        breakdowns: vec![by(&s.sex), by(&s.age), by(&s.district)],
        ..Design::default()
    }
    .prepare()
    .expect("valid design")
}

/// Everything a survey report needs; returns a count so the work cannot be optimised away.
fn summary(s: &Survey, prep: &PreparedDesign) -> usize {
    let opts = CrosstabOptions::default();
    let mut out = 0;
    let choice = s.single.iter().map(|q| (q, 5)).chain(s.scales.iter().map(|q| (q, 6)));
    for (q, k) in choice {
        let sum = summarize_categorical(prep, q, k, &opts).expect("summary");
        out += sum.crosstabs.iter().map(|c| c.columns.len()).sum::<usize>();
    }
    for scale in &s.scales {
        // the scale's mean without "hard to say" (point 6)
        let y: Vec<Option<f64>> = scale
            .iter()
            .map(|v| v.filter(|k| *k < 5).map(|k| k as f64 + 1.0))
            .collect();
        out += summarize_numeric(prep, &y, &[], 0.95).expect("mean").by.len();
    }
    for m in &s.multi {
        let cols: Vec<&[Option<bool>]> = m.iter().map(|c| c.as_slice()).collect();
        out += summarize_options(prep, &cols, &opts).expect("options").len();
    }
    for y in &s.numbers {
        out += summarize_numeric(prep, y, &[0.5], 0.95)
            .expect("numbers")
            .quantiles
            .len();
    }
    out
}

fn bench(c: &mut Criterion) {
    let s = survey();
    let prep = prepare(&s);
    let mut g = c.benchmark_group("stats_1m_x_30");
    g.sample_size(10);
    g.bench_function("prepare_design", |b| b.iter(|| black_box(prepare(&s))));
    g.bench_function("shares_one_question", |b| {
        b.iter(|| black_box(shares(&prep, &s.single[0], 5, &ShareOptions::default())))
    });
    g.bench_function("crosstab_one_question_by_district", |b| {
        let d: Vec<Option<usize>> = s.district.iter().map(|v| Some(*v)).collect();
        b.iter(|| black_box(crosstab(&prep, &s.single[0], 5, &d, 10, &CrosstabOptions::default())))
    });
    g.bench_function("median_one_number", |b| {
        b.iter(|| black_box(median(&prep, &s.numbers[0], 0.95)))
    });
    g.bench_function("full_summary", |b| b.iter(|| black_box(summary(&s, &prep))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
