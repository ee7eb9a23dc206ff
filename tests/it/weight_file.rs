//! `opros weight` at its I/O edge: files in, `id,weight` CSV and diagnostics out, errors that name the file.

use std::path::{Path, PathBuf};

use opros::weight_file::{run, WeightFileError, WeightFileOptions};
use opros::weighting::WeightingError;

const DATA: &str = "\
id,sex,age,w
a,m,young,1
\"b, with comma\",m,old,2
c,f,young,1
d,f,old,1
e,f,,1
f,f,old,3
";

const SCHEME: &str = "\
method: raking
variables: [sex, age]
targets:
  total: 1000
  margins:
    sex: {m: 480, f: 520}
    age: {young: 0.4, old: 0.6}
";

struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn new(data: &str, scheme: &str) -> Files {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("data.csv"), data).expect("data");
        std::fs::write(dir.path().join("scheme.yaml"), scheme).expect("scheme");
        Files { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn opts(&self) -> WeightFileOptions {
        WeightFileOptions {
            data: self.path("data.csv"),
            scheme: self.path("scheme.yaml"),
            ..Default::default()
        }
    }
}

fn run_ok(opts: &WeightFileOptions) -> (String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    if let Err(e) = run(opts, &mut out, &mut err) {
        panic!("{e}");
    }
    (
        String::from_utf8(out).expect("utf8"),
        String::from_utf8(err).expect("utf8"),
    )
}

fn run_err(opts: &WeightFileOptions) -> WeightFileError {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    match run(opts, &mut out, &mut err) {
        Ok(()) => panic!("expected an error"),
        Err(e) => {
            assert!(out.is_empty(), "no output on error");
            e
        }
    }
}

fn rows(csv_text: &str) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(r.headers().expect("header"), vec!["id", "weight"]);
    r.records()
        .map(|x| {
            let x = x.expect("row");
            (x[0].to_owned(), x[1].to_owned())
        })
        .collect()
}

#[test]
fn writes_one_row_per_input_row_in_order_with_empty_weight_for_excluded() {
    let f = Files::new(DATA, SCHEME);
    let (out, err) = run_ok(&f.opts());
    let rows = rows(&out);
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["a", "b, with comma", "c", "d", "e", "f"]);
    assert_eq!(rows[4].1, "", "respondent e has no age: excluded");
    let w: Vec<f64> = rows
        .iter()
        .filter(|(_, w)| !w.is_empty())
        .map(|(_, w)| w.parse().expect("num"))
        .collect();
    // Margins hold: sex m = a + b, age young = a + c (shares × total).
    assert!((w[0] + w[1] - 480.0).abs() < 1e-7);
    assert!((w[0] + w[2] - 400.0).abs() < 1e-7);
    assert!((w.iter().sum::<f64>() - 1000.0).abs() < 1e-7);
    assert!(err.contains("design effect"), "text diagnostics: {err}");
    assert!(err.contains("1 excluded"), "{err}");
}

#[test]
fn json_diagnostics_carry_the_contract_fields() {
    let f = Files::new(DATA, SCHEME);
    let (_, err) = run_ok(&WeightFileOptions { json: true, ..f.opts() });
    let d: serde_json::Value = serde_json::from_str(err.trim()).expect("one JSON object");
    for field in [
        "method",
        "iterations",
        "converged",
        "max_gap",
        "deff",
        "effective_n",
        "weight_min",
        "weight_max",
    ] {
        assert!(!d[field].is_null(), "missing `{field}` in {d}");
    }
    assert_eq!(d["method"], "raking");
    assert_eq!(d["n_excluded"], 1);
    let sex = &d["variables"][0];
    assert_eq!(sex["name"], "sex");
    let f_cat = sex["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .find(|c| c["category"] == "f")
        .expect("f");
    assert!(
        (f_cat["sample_share"].as_f64().expect("share") - 0.6).abs() < 1e-12,
        "3 of 5 weighted are women"
    );
    assert!((f_cat["weighted_share"].as_f64().expect("share") - 0.52).abs() < 1e-9);
    assert!((f_cat["target_share"].as_f64().expect("share") - 0.52).abs() < 1e-12);
}

#[test]
fn out_file_base_weight_and_id_column() {
    let data = DATA.replace("id,", "resp,");
    let scheme = format!("{SCHEME}base_weight: w\nmissing: impute_mode\n");
    let f = Files::new(&data, &scheme);
    let opts = WeightFileOptions {
        id: Some("resp".into()),
        out: Some(f.path("weights.csv")),
        ..f.opts()
    };
    let (stdout, _) = run_ok(&opts);
    assert!(stdout.is_empty());
    let rows = rows(&std::fs::read_to_string(f.path("weights.csv")).expect("out"));
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|(_, w)| !w.is_empty()), "impute_mode weights everybody");
}

#[test]
fn population_file_is_read_relative_to_the_scheme() {
    let f = Files::new(
        DATA,
        "method: raking\nvariables: [sex, age]\npopulation: populations/region.yaml\n",
    );
    std::fs::create_dir(f.path("populations")).expect("dir");
    std::fs::write(
        f.path("populations/region.yaml"),
        "name: region\nsource: illustrative\ntotal: 1000\nmargins:\n  sex: {m: 480, f: 520}\n  age: {young: 400, old: 600}\n",
    )
    .expect("population");
    let (from_file, _) = run_ok(&f.opts());
    let inline = Files::new(DATA, SCHEME);
    let (from_inline, _) = run_ok(&inline.opts());
    assert_eq!(from_file, from_inline);
}

#[test]
fn a_bad_population_file_lists_every_problem() {
    let f = Files::new(DATA, "method: raking\nvariables: [sex, age]\npopulation: pop.yaml\n");
    std::fs::write(
        f.path("pop.yaml"),
        "name: region\ntotal: 1000\nmargins:\n  sex: {m: -480, f: 520}\n  age: {young: 300, old: 600}\n",
    )
    .expect("population");
    match run_err(&f.opts()) {
        WeightFileError::Population { path, problems } => {
            assert!(path.ends_with("pop.yaml"));
            assert_eq!(problems.len(), 2, "{problems:?}");
            assert!(problems.iter().any(|p| p.contains("-480")));
            assert!(problems.iter().any(|p| p.contains("900") && p.contains("1000")));
        }
        e => panic!("unexpected {e}"),
    }
}

#[test]
fn errors_name_what_is_wrong() {
    let f = Files::new(DATA, &SCHEME.replace("[sex, age]", "[sex, age, district]"));
    let e = run_err(&f.opts());
    assert!(
        matches!(e, WeightFileError::MissingColumn { ref column, .. } if column == "district"),
        "{e}"
    );
    assert!(e.to_string().contains("data.csv"), "{e}");

    let f = Files::new(
        &DATA.replace("c,f,young,1", "c,f,young,-1"),
        &format!("{SCHEME}base_weight: w\n"),
    );
    let e = run_err(&f.opts());
    assert!(matches!(e, WeightFileError::BadWeight { line: 4, .. }), "{e}");

    let f = Files::new(&DATA.replace("d,f,old", "d,x,old"), SCHEME);
    let e = run_err(&f.opts());
    let msg = e.to_string();
    assert!(
        matches!(&e, WeightFileError::Weighting { source: WeightingError::UnknownCategory { category, n: 1, .. }, .. } if category == "x"),
        "{msg}"
    );
    assert!(msg.contains("absent from the population targets"), "{msg}");

    let f = Files::new(DATA, &SCHEME.replace("f: 520}", "f: 500, other: 20}"));
    let msg = run_err(&f.opts()).to_string();
    assert!(msg.contains("`sex` = `other`") && msg.contains("collapse"), "{msg}");

    let f = Files::new(DATA, &SCHEME.replace("f: 520", "f: 620"));
    let msg = run_err(&f.opts()).to_string();
    assert!(msg.contains("disagree on the total"), "{msg}");

    let f = Files::new(DATA, &SCHEME.replace("raking", "logit"));
    let msg = run_err(&f.opts()).to_string();
    assert!(msg.contains("needs `bounds"), "{msg}");

    let f = Files::new(DATA, &format!("{SCHEME}population: x.yaml\n"));
    let msg = run_err(&f.opts()).to_string();
    assert!(msg.contains("not both"), "{msg}");

    let f = Files::new(DATA, "method: rakking\nvariables: [sex]\n");
    let e = run_err(&f.opts());
    assert!(matches!(e, WeightFileError::Scheme { .. }), "{e}");
}

#[test]
fn no_output_file_is_created_when_weighting_fails() {
    let f = Files::new(DATA, &SCHEME.replace("f: 520", "f: 620"));
    let out = f.path("weights.csv");
    let _ = run_err(&WeightFileOptions {
        out: Some(out.clone()),
        ..f.opts()
    });
    assert!(!Path::new(&out).exists());
}

#[test]
fn ids_that_need_quoting_survive_the_round_trip() {
    let data = "id,sex,age\n\"q\"\"uote\",m,young\n\" padded \",m,old\nplain,f,young\nlast,f,old\n";
    let f = Files::new(data, SCHEME);
    let (out, _) = run_ok(&f.opts());
    let ids: Vec<String> = rows(&out).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["q\"uote", " padded ", "plain", "last"]);
}

/// The data of `DATA` as Excel in the Russian locale saves it: a byte-order mark, `;` between cells,
/// decimal commas in the starting weights, and an id that holds the separator.
const DATA_EXCEL_RU: &str = "\u{feff}id;sex;age;w
a;m;young;1
\"b; with semicolon\";m;old;2,0
c;f;young;1
d;f;old;1
e;f;;1
f;f;old;3,0
";

/// `--dialect excel-ru` on the binary: the same weights as the standard file, written with `;` and
/// decimal commas after a byte-order mark.
#[test]
fn the_excel_ru_dialect_reads_and_writes_semicolons_and_decimal_commas() {
    let scheme = format!("{SCHEME}base_weight: w\n");
    let standard = Files::new(DATA, &scheme);
    let (out, _) = run_ok(&standard.opts());
    let expected = rows(&out);
    let excel = Files::new(DATA_EXCEL_RU, &scheme);
    let run_binary = |extra: &[&str]| {
        let data = excel.path("data.csv");
        let scheme = excel.path("scheme.yaml");
        std::process::Command::new(env!("CARGO_BIN_EXE_opros"))
            .args(["weight", "--data"])
            .arg(&data)
            .arg("--scheme")
            .arg(&scheme)
            .args(extra)
            .output()
            .expect("run opros weight")
    };
    let got = run_binary(&["--dialect", "excel-ru"]);
    assert!(got.status.success(), "{}", String::from_utf8_lossy(&got.stderr));
    let text = String::from_utf8(got.stdout).expect("utf8");
    let body = text.strip_prefix('\u{feff}').expect("a byte-order mark first");
    let mut lines = body.lines();
    assert_eq!(lines.next(), Some("id;weight"));
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(body.as_bytes());
    let got: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            (r[0].to_owned(), r[1].to_owned())
        })
        .collect();
    assert_eq!(got.len(), expected.len());
    let mut fractional = 0;
    for ((id, w), (want_id, want_w)) in got.iter().zip(&expected) {
        assert_eq!(id.replace("; with semicolon", ", with comma"), *want_id);
        assert!(!w.contains('.'), "decimal commas only: {w}");
        fractional += usize::from(w.contains(','));
        assert_eq!(w.replace(',', "."), *want_w, "respondent {id}");
    }
    assert!(fractional > 0, "some weights have a fractional part: {got:?}");
    assert_eq!(got[4].1, "", "respondent e has no age: excluded");

    let unknown = run_binary(&["--dialect", "excel"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("excel-ru"));
}
