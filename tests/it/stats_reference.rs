//! Compares `opros::stats` with R `survey` on the data in tests/reference/stats (made by make_reference.R):
//! estimates to 1e-9 relative, SEs, CI bounds and design effects to 1e-6 relative, p-values to 1e-6 relative
//! (below 1e-4 on the log scale, to 1e-5). Every row R wrote is compared (`every_row_r_wrote_is_compared`).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use opros::stats::{
    crosstab, mean, option_shares, quantiles, shares, Calibration, CiMethod, CrosstabOptions, Design, Fpc,
    PreparedDesign, ShareOptions,
};

fn ref_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/stats")
}

struct Table {
    cols: HashMap<String, Vec<String>>,
}

impl Table {
    fn read(name: &str) -> Table {
        let mut rdr = csv::Reader::from_path(ref_dir().join(name)).expect("reference CSV readable");
        let headers: Vec<String> = rdr.headers().expect("header").iter().map(String::from).collect();
        let mut cols: HashMap<String, Vec<String>> = headers.iter().map(|h| (h.clone(), Vec::new())).collect();
        for rec in rdr.records() {
            let rec = rec.expect("record");
            for (h, v) in headers.iter().zip(rec.iter()) {
                cols.get_mut(h).expect("column").push(v.to_string());
            }
        }
        Table { cols }
    }
    fn col(&self, name: &str) -> &Vec<String> {
        self.cols.get(name).unwrap_or_else(|| panic!("column {name}"))
    }
    fn f64s(&self, name: &str) -> Vec<f64> {
        self.col(name).iter().map(|v| v.parse().expect("number")).collect()
    }
    fn opt_f64(&self, name: &str) -> Vec<Option<f64>> {
        self.col(name)
            .iter()
            .map(|v| (!v.is_empty() && v != "NA").then(|| v.parse().expect("number")))
            .collect()
    }
    fn cat(&self, name: &str) -> Vec<Option<usize>> {
        self.opt_f64(name).into_iter().map(|v| v.map(|x| x as usize)).collect()
    }
    fn usizes(&self, name: &str) -> Vec<usize> {
        self.f64s(name).into_iter().map(|x| x as usize).collect()
    }
}

/// (design, kind, var, level, by_level, stat) of a row of expected.csv.
type Key = (String, String, String, String, String, String);

/// R's values, and the keys read so far.
struct Expected(HashMap<Key, f64>, RefCell<HashSet<Key>>);

impl Expected {
    fn load() -> Expected {
        let t = Table::read("expected.csv");
        let n = t.col("design").len();
        let mut map = HashMap::new();
        for i in 0..n {
            let key = (
                t.col("design")[i].clone(),
                t.col("kind")[i].clone(),
                t.col("var")[i].clone(),
                t.col("level")[i].clone(),
                t.col("by_level")[i].clone(),
                t.col("stat")[i].clone(),
            );
            let v = match t.col("value")[i].as_str() {
                "NA" | "NaN" | "" => f64::NAN,
                "Inf" => f64::INFINITY,
                "-Inf" => f64::NEG_INFINITY,
                s => s.parse().expect("value"),
            };
            map.insert(key, v);
        }
        Expected(map, RefCell::default())
    }
    /// R's value, marking the row as compared.
    fn get(&self, d: &str, kind: &str, var: &str, level: &str, by: &str, stat: &str) -> Option<f64> {
        let key: Key = (d.into(), kind.into(), var.into(), level.into(), by.into(), stat.into());
        let v = self.0.get(&key).copied();
        if v.is_some() {
            self.1.borrow_mut().insert(key);
        }
        v
    }
    /// The rows of R's file that no comparison read.
    fn unused(&self) -> Vec<&Key> {
        let used = self.1.borrow();
        let mut out: Vec<&Key> = self.0.keys().filter(|k| !used.contains(*k)).collect();
        out.sort();
        out
    }
}

#[derive(Default)]
struct Checker {
    checks: usize,
    failures: Vec<String>,
}

#[derive(Clone, Copy)]
enum Tol {
    Estimate,
    Se,
    PValue,
}

/// R's SE is zero or rounding noise relative to the estimate.
fn fixed_by_design(se: Option<f64>, estimate: Option<f64>) -> bool {
    matches!((se, estimate), (Some(se), Some(e)) if se <= 1e-12 * e.abs())
}

impl Checker {
    /// A share with no variance: R's Korn–Graubard interval has effective n = 0/0 (noise, [0, 0] for an
    /// observed 0). Ours: [p̂, p̂] for a share fixed by the design, and for an observed 0 the Clopper–Pearson
    /// [0, u] with 0 < u < 1 — a deliberate difference (an observed zero does not prove a zero share).
    fn check_zero_variance_beta(&mut self, what: String, c: &opros::stats::Proportion) {
        self.checks += 1;
        let ok = match (c.share, c.ci_low, c.ci_high) {
            (Some(0.0), Some(lo), Some(hi)) => lo == 0.0 && hi > 0.0 && hi < 1.0,
            (Some(p), Some(lo), Some(hi)) => (lo - p).abs() <= 1e-6 * p && (hi - p).abs() <= 1e-6 * p,
            _ => false,
        };
        if !ok {
            self.failures.push(format!(
                "{what}: zero variance, ours {:?} [{:?}, {:?}]",
                c.share, c.ci_low, c.ci_high
            ));
        }
    }

    /// Our SE must be zero up to rounding (R's is).
    fn check_zero(&mut self, what: String, got: Option<f64>, estimate: Option<f64>) {
        self.checks += 1;
        let scale = estimate.unwrap_or(1.0).abs();
        if !got.is_some_and(|g| g <= 1e-9 * scale) {
            self.failures.push(format!("{what}: R gives zero, we give {got:?}"));
        }
    }

    fn check(&mut self, what: String, got: Option<f64>, want: Option<f64>, tol: Tol) {
        let Some(want) = want else { return };
        self.checks += 1;
        if !want.is_finite() {
            // R's NaN / NA (e.g. the deff of a share with no variance under simple random sampling): we
            // must not publish a number either.
            if got.is_some_and(|g| g.is_finite()) {
                self.failures.push(format!("{what}: R gives {want}, we give {got:?}"));
            }
            return;
        }
        let Some(got) = got else {
            self.failures.push(format!("{what}: R gives {want}, we give nothing"));
            return;
        };
        let ok = match tol {
            Tol::Estimate => (got - want).abs() <= 1e-9 * want.abs() + 1e-13,
            Tol::Se => (got - want).abs() <= 1e-6 * want.abs() + 1e-13,
            // Small p-values on the log scale (an absolute 1e-4 would accept anything below 1e-4).
            Tol::PValue if want < 1e-4 => got > 0.0 && (got.ln() - want.ln()).abs() <= 1e-5,
            Tol::PValue => (got - want).abs() <= 1e-6 * want.max(1e-4),
        };
        if !ok {
            self.failures.push(format!("{what}: R {want:.12e}, ours {got:.12e}"));
        }
    }
}

struct Case {
    name: &'static str,
    prep: PreparedDesign,
    fixed: bool,
}

fn api_designs() -> (Vec<(Case, &'static str)>, HashMap<&'static str, Table>) {
    let mut tables = HashMap::new();
    tables.insert("strat", Table::read("api_strat.csv"));
    tables.insert("clus1", Table::read("api_clus1.csv"));
    tables.insert("srs", Table::read("api_srs.csv"));
    let s = &tables["strat"];
    let strat = Design {
        weights: s.f64s("pw"),
        strata: Some(s.usizes("stratum")),
        fpc: Some(Fpc::PopulationSize(s.f64s("fpc"))),
        ..Design::default()
    };
    let c = &tables["clus1"];
    let clus = Design {
        weights: c.f64s("pw"),
        psu: Some(c.usizes("dnum")),
        fpc: Some(Fpc::PopulationSize(c.f64s("fpc"))),
        ..Design::default()
    };
    let r = &tables["srs"];
    let srs = Design {
        weights: r.f64s("pw"),
        fpc: Some(Fpc::PopulationSize(r.f64s("fpc"))),
        ..Design::default()
    };
    let srs_nofpc = Design::weighted(r.f64s("pw"));
    let case = |name, d: Design| Case {
        name,
        prep: d.prepare().expect("valid design"),
        fixed: false,
    };
    let cases = vec![
        (case("apistrat", strat), "strat"),
        (case("apiclus1", clus), "clus1"),
        (case("apisrs", srs), "srs"),
        (case("apisrs_nofpc", srs_nofpc), "srs"),
    ];
    (cases, tables)
}

fn poll_designs(t: &Table) -> Vec<Case> {
    let sex = t.usizes("sex");
    let age = t.usizes("age_group");
    let district = t.usizes("district");
    let w0 = t.f64s("w0");
    let cal = |w: &str| Design {
        weights: t.f64s(w),
        calibration: Some(Calibration::Calibrated {
            variables: vec![sex.clone(), age.clone(), district.clone()],
            base_weights: w0.clone(),
        }),
        ..Design::default()
    };
    let ps = Design {
        weights: t.f64s("w_ps"),
        calibration: Some(Calibration::Poststratified {
            cell: sex.iter().zip(&age).map(|(s, a)| s * 5 + a).collect(),
        }),
        ..Design::default()
    };
    let mk = |name, d: Design, fixed| Case {
        name,
        prep: d.prepare().expect("valid design"),
        fixed,
    };
    vec![
        mk("poll_ps", ps, true),
        mk("poll_rake", cal("w_rake"), true),
        mk("poll_lin", cal("w_lin"), true),
        mk("poll_base", Design::weighted(w0.clone()), false),
    ]
}

fn check_shares(ck: &mut Checker, ex: &Expected, case: &Case, tag: &str, x: &[Option<usize>], k: usize) {
    for method in [CiMethod::Logit, CiMethod::Beta, CiMethod::Wilson] {
        let opts = ShareOptions { method, level: 0.95 };
        let s = shares(&case.prep, x, k, &opts).expect("shares");
        let d = case.name;
        let m = match method {
            CiMethod::Logit => "logit",
            CiMethod::Beta => "beta",
            CiMethod::Wilson => "wilson",
        };
        ck.check(
            format!("{d} {tag} effective_n"),
            s.effective_n,
            ex.get(d, "kish", tag, "", "", "effective_n"),
            Tol::Se,
        );
        for c in &s.categories {
            let lv = c.category.to_string();
            let g = |stat: &str| ex.get(d, "share", tag, &lv, "", stat);
            let name = |stat: &str| format!("{d} {tag}[{lv}] {stat}");
            // A share fixed by the design (stratification variable, calibrated margin) has zero variance;
            // R's is 0 or rounding noise (~1e-16 relative), so its beta interval is [0.5, 0.5] or noise
            // (n* = ∞ or ~1e30). Ours is [p̂, p̂]; such SEs are compared as "zero" below.
            let zero_var = fixed_by_design(g("se"), g("share"));
            if zero_var && method == CiMethod::Beta {
                // R's row is read but its noise is not the reference (see check_zero_variance_beta).
                let (_, _) = (g("beta_low"), g("beta_high"));
                ck.check_zero_variance_beta(name("beta"), c);
            } else {
                ck.check(name(&format!("{m}_low")), c.ci_low, g(&format!("{m}_low")), Tol::Se);
                ck.check(name(&format!("{m}_high")), c.ci_high, g(&format!("{m}_high")), Tol::Se);
            }
            if method != CiMethod::Logit {
                continue;
            }
            ck.check(name("share"), c.share, g("share"), Tol::Estimate);
            if fixed_by_design(g("se"), g("share")) {
                ck.check_zero(name("se"), c.se, c.share);
            } else {
                ck.check(name("se"), c.se, g("se"), Tol::Se);
            }
            ck.check(name("deff"), c.deff, g("deff"), Tol::Se);
            ck.check(name("df"), s.df, g("df"), Tol::Estimate);
            if case.fixed {
                ck.check(name("se_fixed"), c.se_fixed, g("se_fixed"), Tol::Se);
            }
            let gt = |stat: &str| ex.get(d, "total", tag, &lv, "", stat);
            ck.check(name("total"), c.total, gt("total"), Tol::Estimate);
            if fixed_by_design(gt("se"), gt("total")) {
                ck.check_zero(name("total_se"), c.total_se, c.total);
            } else {
                ck.check(name("total_se"), c.total_se, gt("se"), Tol::Se);
            }
            // an interval always exists and contains the estimate
            let (lo, hi, p) = (
                c.ci_low.expect("ci_low"),
                c.ci_high.expect("ci_high"),
                c.share.expect("share"),
            );
            assert!(lo <= p + 1e-12 && p <= hi + 1e-12, "{d} {tag}: {lo} <= {p} <= {hi}");
        }
    }
}

fn check_numeric(ck: &mut Checker, ex: &Expected, case: &Case, tag: &str, y: &[Option<f64>]) {
    let d = case.name;
    let m = mean(&case.prep, y, 0.95).expect("mean");
    let g = |stat: &str| ex.get(d, "mean", tag, "", "", stat);
    let name = |stat: &str| format!("{d} {tag} mean {stat}");
    ck.check(name("mean"), m.mean, g("mean"), Tol::Estimate);
    ck.check(name("se"), m.se, g("se"), Tol::Se);
    ck.check(name("deff"), m.deff, g("deff"), Tol::Se);
    ck.check(name("ci_low"), m.ci_low, g("ci_low"), Tol::Se);
    ck.check(name("ci_high"), m.ci_high, g("ci_high"), Tol::Se);
    if case.fixed {
        ck.check(name("se_fixed"), m.se_fixed, g("se_fixed"), Tol::Se);
    }
    ck.check(
        name("total"),
        m.total,
        ex.get(d, "total", tag, "", "", "total"),
        Tol::Estimate,
    );
    ck.check(
        name("total_se"),
        m.total_se,
        ex.get(d, "total", tag, "", "", "se"),
        Tol::Se,
    );
    let probs = [0.1, 0.25, 0.5, 0.75, 0.9];
    let qs = quantiles(&case.prep, y, &probs, 0.95).expect("quantiles");
    for q in &qs {
        let lv = q.p.to_string();
        let g = |stat: &str| ex.get(d, "quantile", tag, &lv, "", stat);
        let name = |stat: &str| format!("{d} {tag} q{lv} {stat}");
        ck.check(name("quantile"), q.quantile, g("quantile"), Tol::Estimate);
        ck.check(name("ci_low"), q.ci_low, g("ci_low"), Tol::Se);
        ck.check(name("ci_high"), q.ci_high, g("ci_high"), Tol::Se);
        ck.check(name("se"), q.se, g("se"), Tol::Se);
    }
}

#[allow(clippy::too_many_arguments)]
fn check_crosstab(
    ck: &mut Checker,
    ex: &Expected,
    case: &Case,
    tag: &str,
    row: &[Option<usize>],
    r: usize,
    col: &[Option<usize>],
    c: usize,
) {
    let d = case.name;
    for (method, m) in [(CiMethod::Beta, "beta"), (CiMethod::Wilson, "wilson")] {
        let mut opts = CrosstabOptions::default();
        opts.shares.method = method;
        let ct = crosstab(&case.prep, row, r, col, c, &opts).expect("crosstab");
        for column in &ct.columns {
            let j = column.category.to_string();
            for cell in &column.cells {
                let lv = cell.estimate.category.to_string();
                let g = |stat: &str| ex.get(d, "share", tag, &lv, &j, stat);
                let name = |stat: &str| format!("{d} {tag}[{lv},{j}] {stat}");
                if fixed_by_design(g("se"), g("share")) && method == CiMethod::Beta {
                    // R's beta interval of a zero-variance share is rounding noise (see check_shares).
                    let (_, _) = (g("beta_low"), g("beta_high"));
                    ck.check_zero_variance_beta(name("beta"), &cell.estimate);
                    continue;
                }
                ck.check(
                    name(&format!("{m}_low")),
                    cell.estimate.ci_low,
                    g(&format!("{m}_low")),
                    Tol::Se,
                );
                ck.check(
                    name(&format!("{m}_high")),
                    cell.estimate.ci_high,
                    g(&format!("{m}_high")),
                    Tol::Se,
                );
            }
        }
    }
    let ct = crosstab(&case.prep, row, r, col, c, &CrosstabOptions::default()).expect("crosstab");
    let test = ct.test.expect("a test for a full table");
    let g = |stat: &str| ex.get(d, "chisq", tag, "", "", stat);
    ck.check(format!("{d} {tag} F"), Some(test.f), g("f"), Tol::Se);
    ck.check(format!("{d} {tag} ndf"), Some(test.ndf), g("ndf"), Tol::Se);
    ck.check(format!("{d} {tag} ddf"), Some(test.ddf), g("ddf"), Tol::Se);
    ck.check(format!("{d} {tag} p"), Some(test.p_value), g("p_value"), Tol::PValue);
    for column in &ct.columns {
        let j = column.category.to_string();
        for cell in &column.cells {
            let lv = cell.estimate.category.to_string();
            let g = |stat: &str| ex.get(d, "share", tag, &lv, &j, stat);
            let name = |stat: &str| format!("{d} {tag}[{lv},{j}] {stat}");
            ck.check(name("share"), cell.estimate.share, g("share"), Tol::Estimate);
            ck.check(name("se"), cell.estimate.se, g("se"), Tol::Se);
            ck.check(name("deff"), cell.estimate.deff, g("deff"), Tol::Se);
            ck.check(name("logit_low"), cell.estimate.ci_low, g("logit_low"), Tol::Se);
            ck.check(name("logit_high"), cell.estimate.ci_high, g("logit_high"), Tol::Se);
            ck.check(name("df"), column.df, g("df"), Tol::Estimate);
            let gt = |stat: &str| ex.get(d, "cell_test", tag, &lv, &j, stat);
            ck.check(name("diff"), cell.diff, gt("diff"), Tol::Estimate);
            ck.check(name("diff_se"), cell.diff_se, gt("se"), Tol::Se);
            ck.check(name("p_value"), cell.p_value, gt("p_value"), Tol::PValue);
        }
    }
}

fn finish(ck: Checker, min_checks: usize) {
    assert!(ck.checks >= min_checks, "only {} comparisons made", ck.checks);
    assert!(
        ck.failures.is_empty(),
        "{} of {} comparisons with R differ:\n{}",
        ck.failures.len(),
        ck.checks,
        ck.failures.join("\n")
    );
    eprintln!("{} comparisons with R agree", ck.checks);
}

#[test]
fn api_designs_match_r() {
    let ex = Expected::load();
    let mut ck = Checker::default();
    api_checks(&ex, &mut ck);
    finish(ck, 1200);
}

fn api_checks(ex: &Expected, ck: &mut Checker) {
    let (cases, tables) = api_designs();
    for (case, t) in &cases {
        let t = &tables[t];
        ck.check(
            format!("{} df", case.name),
            Some(case.prep.degrees_of_freedom()),
            ex.get(case.name, "design", "", "", "", "df"),
            Tol::Estimate,
        );
        ck.check(
            format!("{} kish", case.name),
            case.prep.weighting_effect().deff,
            ex.get(case.name, "design", "", "", "", "kish_deff"),
            Tol::Se,
        );
        for (tag, k) in [("stype", 3), ("awards", 2), ("sch_wide", 2), ("k3band", 3)] {
            check_shares(ck, ex, case, tag, &t.cat(tag), k);
        }
        for tag in ["api00", "acs_k3"] {
            check_numeric(ck, ex, case, tag, &t.opt_f64(tag));
        }
        check_crosstab(ck, ex, case, "awards_by_stype", &t.cat("awards"), 2, &t.cat("stype"), 3);
        check_crosstab(
            ck,
            ex,
            case,
            "k3band_by_sch_wide",
            &t.cat("k3band"),
            3,
            &t.cat("sch_wide"),
            2,
        );
    }
}

#[test]
fn calibrated_poll_matches_r() {
    let ex = Expected::load();
    let mut ck = Checker::default();
    poll_checks(&ex, &mut ck);
    finish(ck, 4500);
}

/// Every row R wrote is compared by one of the tests above (a row nobody reads would be a value that can
/// silently drift).
#[test]
fn every_row_r_wrote_is_compared() {
    let ex = Expected::load();
    let mut ck = Checker::default();
    api_checks(&ex, &mut ck);
    poll_checks(&ex, &mut ck);
    let unused = ex.unused();
    assert!(
        unused.is_empty(),
        "{} rows of expected.csv never compared: {unused:?}",
        unused.len()
    );
    finish(ck, 5700);
}

fn poll_checks(ex: &Expected, ck: &mut Checker) {
    let t = Table::read("poll.csv");
    let q1 = t.cat("q1");
    // "hard to say" (index 5) excluded by mapping it to None
    let q1x: Vec<Option<usize>> = q1.iter().map(|v| v.filter(|k| *k != 5)).collect();
    for case in &poll_designs(&t) {
        ck.check(
            format!("{} df", case.name),
            Some(case.prep.degrees_of_freedom()),
            ex.get(case.name, "design", "", "", "", "df"),
            Tol::Estimate,
        );
        ck.check(
            format!("{} kish", case.name),
            case.prep.weighting_effect().deff,
            ex.get(case.name, "design", "", "", "", "kish_deff"),
            Tol::Se,
        );
        check_shares(ck, ex, case, "q1", &q1, 6);
        check_shares(ck, ex, case, "q1x", &q1x, 5);
        for (tag, k) in [
            ("q2", 2),
            ("q3", 4),
            ("m1", 2),
            ("m2", 2),
            ("m3", 2),
            ("sex", 2),
            ("district", 6),
        ] {
            check_shares(ck, ex, case, tag, &t.cat(tag), k);
        }
        // multiple choice as options: the "chosen" share of each option equals level 1 of the yes/no variable
        let cols: Vec<Vec<Option<bool>>> = ["m1", "m2", "m3"]
            .iter()
            .map(|m| t.cat(m).into_iter().map(|v| v.map(|x| x == 1)).collect())
            .collect();
        let refs: Vec<&[Option<bool>]> = cols.iter().map(|c| c.as_slice()).collect();
        let opt = option_shares(&case.prep, &refs, &ShareOptions::default()).expect("options");
        for (k, p) in opt.categories.iter().enumerate() {
            let tag = format!("m{}", k + 1);
            let g = |stat: &str| ex.get(case.name, "share", &tag, "1", "", stat);
            ck.check(
                format!("{} option {tag} share", case.name),
                p.share,
                g("share"),
                Tol::Estimate,
            );
            ck.check(format!("{} option {tag} se", case.name), p.se, g("se"), Tol::Se);
            ck.check(
                format!("{} option {tag} ci_low", case.name),
                p.ci_low,
                g("logit_low"),
                Tol::Se,
            );
        }
        check_numeric(ck, ex, case, "num", &t.opt_f64("num"));
        let district = t.cat("district");
        let age = t.cat("age_group");
        let sex = t.cat("sex");
        check_crosstab(ck, ex, case, "q1_by_district", &q1, 6, &district, 6);
        check_crosstab(ck, ex, case, "q1x_by_age_group", &q1x, 5, &age, 5);
        check_crosstab(ck, ex, case, "q2_by_sex", &t.cat("q2"), 2, &sex, 2);
        check_crosstab(ck, ex, case, "m2_by_district", &t.cat("m2"), 2, &district, 6);
    }
}
