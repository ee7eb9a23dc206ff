//! Weighting 1,000,000 respondents on 4 variables (2 × 6 × 20 × 4 = 960 cells): raking to convergence,
//! post-stratification and linear calibration, plus a naive per-respondent raking loop measured in the same
//! run, and the ratio between the two; then `opros weight` as a whole process on a 1,000,000-row CSV
//! (R `rake()` alone takes 10–25 s on these respondents).
//!
//! `cargo bench --bench weighting` (goal: raking under 20 ms on one core).

use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use opros::weight_file::{run, WeightFileOptions};
use opros::weighting::{weight, Category, Sample, Scheme, Targets};

const N: usize = 1_000_000;
const LEVELS: [usize; 4] = [2, 6, 20, 4];
const NAMES: [&str; 4] = ["sex", "age_group", "district", "education"];
const TOLERANCE: f64 = 1e-10;

/// Deterministic xorshift generator (no dependency, same data every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A category drawn with probabilities proportional to `p`.
    fn pick(&mut self, p: &[f64]) -> u32 {
        let mut u = self.next() * p.iter().sum::<f64>();
        for (i, &pi) in p.iter().enumerate() {
            if u < pi {
                return i as u32;
            }
            u -= pi;
        }
        (p.len() - 1) as u32
    }
}

/// Skewed respondent shares (the sample) and different population shares (the targets), per variable.
fn shares(levels: usize, skew: f64) -> Vec<f64> {
    (0..levels).map(|c| 1.0 + skew * c as f64 / levels as f64).collect()
}

struct Data {
    codes: Vec<Vec<u32>>,
    sample: Sample,
    margins: Vec<Vec<f64>>,
}

fn data() -> Data {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let sample_p: Vec<Vec<f64>> = LEVELS.iter().map(|&l| shares(l, 3.0)).collect();
    let mut codes = vec![Vec::with_capacity(N); LEVELS.len()];
    for _ in 0..N {
        // Age depends on sex a little, so the margins interact and raking needs several sweeps.
        let sex = rng.pick(&sample_p[0]);
        codes[0].push(sex);
        let mut age_p = sample_p[1].clone();
        age_p[0] *= 1.0 + sex as f64;
        codes[1].push(rng.pick(&age_p));
        codes[2].push(rng.pick(&sample_p[2]));
        codes[3].push(rng.pick(&sample_p[3]));
    }
    let mut sample = Sample::new(N);
    for (v, col) in codes.iter().enumerate() {
        let levels = (0..LEVELS[v]).map(|c| Category(format!("{c:02}"))).collect();
        sample
            .add_coded_variable(NAMES[v], levels, col.clone())
            .expect("sample");
    }
    let total = 2_500_000.0;
    let margins = LEVELS
        .iter()
        .map(|&l| {
            let p: Vec<f64> = (0..l).map(|c| 1.0 + 0.5 * ((l - c) as f64)).collect();
            let s: f64 = p.iter().sum();
            p.iter().map(|x| x * total / s).collect()
        })
        .collect();
    Data { codes, sample, margins }
}

fn scheme(method: &str) -> Scheme {
    serde_norway::from_str(&format!(
        "method: {method}\nvariables: [{}]\ntolerance: {TOLERANCE:e}\n",
        NAMES.join(", ")
    ))
    .expect("scheme")
}

fn margin_targets(d: &Data) -> Targets {
    let mut t = Targets::default();
    for (v, m) in d.margins.iter().enumerate() {
        t.margins.insert(
            NAMES[v].to_owned(),
            m.iter()
                .enumerate()
                .map(|(c, &x)| (Category(format!("{c:02}")), x))
                .collect(),
        );
    }
    t
}

/// Joint cells: the product of the margins (every one of the 960 cells present in the sample).
fn cell_targets(d: &Data) -> Targets {
    let total: f64 = d.margins[0].iter().sum();
    let mut lines = String::from("cells:\n");
    let mut idx = [0usize; 4];
    loop {
        let share: f64 = (0..4).map(|v| d.margins[v][idx[v]] / total).product();
        let parts: Vec<String> = (0..4).map(|v| format!("{}: \"{:02}\"", NAMES[v], idx[v])).collect();
        lines.push_str(&format!("  - {{{}, count: {}}}\n", parts.join(", "), share * total));
        let mut v = 0;
        loop {
            idx[v] += 1;
            if idx[v] < LEVELS[v] {
                break;
            }
            idx[v] = 0;
            v += 1;
            if v == 4 {
                return serde_norway::from_str(&lines).expect("cells");
            }
        }
    }
}

/// Naive raking: every sweep walks all respondents once per variable (margin sums, then weight updates),
/// until the largest relative gap is below the tolerance — the textbook per-respondent loop.
fn naive_raking(codes: &[Vec<u32>], margins: &[Vec<f64>]) -> Vec<f64> {
    let total: f64 = margins[0].iter().sum();
    let mut w = vec![total / N as f64; N];
    for _sweep in 0..100 {
        for (v, m) in margins.iter().enumerate() {
            let mut sums = vec![0.0; m.len()];
            for (i, &c) in codes[v].iter().enumerate() {
                sums[c as usize] += w[i];
            }
            let factors: Vec<f64> = sums.iter().zip(m).map(|(s, t)| t / s).collect();
            for (i, &c) in codes[v].iter().enumerate() {
                w[i] *= factors[c as usize];
            }
        }
        let mut gap = 0.0f64;
        for (v, m) in margins.iter().enumerate() {
            let mut sums = vec![0.0; m.len()];
            for (i, &c) in codes[v].iter().enumerate() {
                sums[c as usize] += w[i];
            }
            for (s, t) in sums.iter().zip(m) {
                gap = gap.max((s - t).abs() / t);
            }
        }
        if gap < TOLERANCE {
            break;
        }
    }
    w
}

fn bench(c: &mut Criterion) {
    let d = data();
    let margins = margin_targets(&d);
    let cells = cell_targets(&d);
    let mut group = c.benchmark_group("weight_1m_respondents_960_cells");
    group.sample_size(20).measurement_time(Duration::from_secs(8));
    for method in ["raking", "linear"] {
        let s = scheme(method);
        group.bench_function(method, |b| {
            b.iter(|| weight(black_box(&d.sample), &s, &margins).expect("weights"))
        });
    }
    let s = scheme("poststratify");
    group.bench_function("poststratify", |b| {
        b.iter(|| weight(black_box(&d.sample), &s, &cells).expect("weights"))
    });
    group.sample_size(10).measurement_time(Duration::from_secs(15));
    group.bench_function("naive_per_respondent_raking", |b| {
        b.iter(|| naive_raking(black_box(&d.codes), &d.margins))
    });
    group.finish();
}

/// `opros weight` as a whole (read the CSV, weight, write the CSV) on the same 1,000,000 respondents.
fn bench_weight_file(c: &mut Criterion) {
    let d = data();
    let dir = tempfile::tempdir().expect("tempdir");
    let csv_path = dir.path().join("respondents.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&csv_path).expect("csv"));
    writeln!(out, "id,{}", NAMES.join(",")).expect("write");
    for i in 0..N {
        let cats: Vec<String> = d.codes.iter().map(|col| format!("{:02}", col[i])).collect();
        writeln!(out, "r{i},{}", cats.join(",")).expect("write");
    }
    out.flush().expect("flush");
    drop(out);
    let mut yaml = format!(
        "method: raking\nvariables: [{}]\ntargets:\n  margins:\n",
        NAMES.join(", ")
    );
    for (v, m) in d.margins.iter().enumerate() {
        let parts: Vec<String> = m.iter().enumerate().map(|(c, x)| format!("\"{c:02}\": {x}")).collect();
        yaml.push_str(&format!("    {}: {{{}}}\n", NAMES[v], parts.join(", ")));
    }
    let scheme_path = dir.path().join("scheme.yaml");
    std::fs::write(&scheme_path, yaml).expect("scheme");
    let opts = WeightFileOptions {
        data: csv_path,
        scheme: scheme_path,
        id: None,
        out: Some(dir.path().join("weights.csv")),
        json: true,
        ..Default::default()
    };
    let mut group = c.benchmark_group("opros_weight_1m_rows");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("read_weight_write", |b| {
        b.iter(|| run(&opts, &mut std::io::sink(), &mut std::io::sink()).expect("opros weight"))
    });
    group.finish();
}

/// Median wall time of `runs` calls.
fn median_time(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// CPU time (user + system) of this thread so far, from /proc (Linux, in clock ticks of 10 ms); None
/// elsewhere. On a shared machine it is less disturbed by other processes than wall time.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Mean CPU time of `runs` calls, when the platform reports it.
fn mean_cpu_time(runs: u32, mut f: impl FnMut()) -> Option<Duration> {
    let start = thread_cpu_time()?;
    for _ in 0..runs {
        f();
    }
    Some((thread_cpu_time()? - start) / runs)
}

/// Prints engine vs naive raking side by side, checks they agree, and gives the ratio.
fn report_ratio() {
    let d = data();
    let margins = margin_targets(&d);
    let s = scheme("raking");
    let out = weight(&d.sample, &s, &margins).expect("weights");
    let naive = naive_raking(&d.codes, &d.margins);
    let worst = out
        .weights
        .iter()
        .zip(&naive)
        .map(|(a, b)| ((a - b) / b).abs())
        .fold(0.0, f64::max);
    let engine = median_time(21, || {
        black_box(weight(&d.sample, &s, &margins).expect("weights"));
    });
    let slow = median_time(5, || {
        black_box(naive_raking(&d.codes, &d.margins));
    });
    let cpu_engine = mean_cpu_time(100, || {
        black_box(weight(&d.sample, &s, &margins).expect("weights"));
    });
    let cpu_naive = mean_cpu_time(5, || {
        black_box(naive_raking(&d.codes, &d.margins));
    });
    if let (Some(e), Some(n)) = (cpu_engine, cpu_naive) {
        println!(
            "CPU time per run (less sensitive to other load): engine {:.2} ms, naive {:.1} ms, ratio {:.1}x",
            e.as_secs_f64() * 1e3,
            n.as_secs_f64() * 1e3,
            n.as_secs_f64() / e.as_secs_f64()
        );
    }
    println!(
        "raking 1,000,000 respondents, 960 cells, {} sweeps: engine {:.2} ms, naive per-respondent loop {:.1} ms, \
         ratio {:.1}x (weights agree to {:.1e})",
        out.diagnostics.iterations,
        engine.as_secs_f64() * 1e3,
        slow.as_secs_f64() * 1e3,
        slow.as_secs_f64() / engine.as_secs_f64(),
        worst
    );
}

criterion_group!(benches, bench, bench_weight_file);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    report_ratio();
}
