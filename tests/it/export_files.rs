//! `opros responses export SLUG --format csv|xlsx|sav` through the real binary: the weight column equals
//! the weights behind the published summary (a weighted share recomputed from the exported microdata
//! equals the summary's), the workbook's sheets (read back with calamine), and the SPSS file read back by
//! an independent reader (pyreadstat, i.e. ReadStat) — values, variable and value labels, user-missing
//! codes, the weight variable. That check needs Python with pyreadstat: it is ignored unless asked for
//! (`--include-ignored`) and then fails without the reader.

use std::io::Cursor;
use std::process::Command;

use calamine::{Data, DataType, Reader, Xlsx};
use opros::definition::{Answer, Answers, Definition};
use serde_json::Value;

use crate::common;
use crate::common::{run_opros as opros, TestDb};
use crate::results_support::{seeded_all, N};

fn summary(db: &TestDb, slug: &str) -> Value {
    let (ok, out, err) = opros(db, &["report", slug, "--json"]);
    assert!(ok, "{err}");
    serde_json::from_str(&out).expect("report json")
}

/// Weighted share of `code` among respondents who answered `qid`, from exported cells.
fn weighted_share(rows: &[(String, f64)], code: &str) -> f64 {
    let answered: f64 = rows.iter().filter(|(c, _)| !c.is_empty()).map(|(_, w)| w).sum();
    let chosen: f64 = rows.iter().filter(|(c, _)| c == code).map(|(_, w)| w).sum();
    chosen / answered
}

fn option_share(summary: &Value, qid: &str, code: &str) -> f64 {
    summary["questions"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["id"] == qid))
        .and_then(|q| q["options"].as_array())
        .and_then(|os| os.iter().find(|o| o["code"] == code))
        .and_then(|o| o["share"].as_f64())
        .expect("share in summary")
}

#[test]
fn csv_and_xlsx_microdata_carry_the_summary_weights() {
    let db = TestDb::new(&common::Backend::Sqlite);
    let (_server, _store) = seeded_all(&db);
    let dir = tempfile::tempdir().expect("tmp");
    let slug = "healthcare-2026";
    let s = summary(&db, slug);
    let total: f64 = s["weighting"]["weight_total"].as_f64().expect("weight total");

    // CSV: UTF-8 with BOM, the forms' columns then `_weight`.
    let csv_path = dir.path().join("h.csv");
    let (ok, _, err) = opros(
        &db,
        &[
            "responses",
            "export",
            slug,
            "--format",
            "csv",
            "--out",
            csv_path.to_str().expect("path"),
        ],
    );
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&csv_path).expect("csv");
    assert!(text.starts_with('\u{feff}'));
    let mut rdr = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = rdr.headers().expect("header").iter().map(str::to_owned).collect();
    assert_eq!(header.last().map(String::as_str), Some("_weight"));
    assert_eq!(header[0], "_response_id");
    let wcol = header.len() - 1;
    let qcol = header.iter().position(|h| h == "paid_services").expect("column");
    let rows: Vec<(String, f64)> = rdr
        .records()
        .map(|r| {
            let r = r.expect("record");
            (r[qcol].to_owned(), r[wcol].parse::<f64>().expect("weight"))
        })
        .collect();
    assert_eq!(rows.len(), N);
    let sum: f64 = rows.iter().map(|(_, w)| w).sum();
    assert!(
        (sum - total).abs() < 1e-6 * total,
        "weights add up to the population: {sum} vs {total}"
    );
    for code in ["yes", "no", "dk"] {
        let mine = weighted_share(&rows, code);
        let theirs = option_share(&s, "paid_services", code);
        assert!((mine - theirs).abs() < 1e-9, "{code}: {mine} vs summary {theirs}");
    }

    // XLSX: microdata, questions, summary.
    let x_path = dir.path().join("h.xlsx");
    let (ok, _, err) = opros(
        &db,
        &[
            "responses",
            "export",
            slug,
            "--format",
            "xlsx",
            "--out",
            x_path.to_str().expect("path"),
        ],
    );
    assert!(ok, "{err}");
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(std::fs::read(&x_path).expect("xlsx"))).expect("opens");
    assert_eq!(wb.sheet_names(), ["microdata", "questions", "summary"]);
    let micro = wb.worksheet_range("microdata").expect("microdata");
    let head: Vec<String> = micro
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(head, header, "same columns as the CSV");
    assert_eq!(micro.height(), N + 1);
    let xl_sum: f64 = micro
        .rows()
        .skip(1)
        .map(|r| r[wcol].as_f64().expect("weight is a number"))
        .sum();
    assert!((xl_sum - sum).abs() < 1e-6 * total);
    let age_col = header.iter().position(|h| h == "age").expect("age");
    assert!(
        micro
            .rows()
            .skip(1)
            .all(|r| matches!(r[age_col], Data::Float(_) | Data::Int(_))),
        "numbers are numbers"
    );
    let questions = wb.worksheet_range("questions").expect("questions");
    let has =
        |var: &str, code: &str, label: &str| questions.rows().any(|r| r[0] == var && r[3] == code && r[4] == label);
    assert!(has("sex", "f", "Женский"), "value labels in the survey's language");
    assert!(has("clinic_aspects.queue", "dk", "Не сталкивался"));
    assert!(questions
        .rows()
        .any(|r| r[0] == "life_satisfaction" && r[2].to_string().starts_with("Насколько")));
    let summ = wb.worksheet_range("summary").expect("summary");
    assert!(summ.rows().any(|r| r[0] == "paid_services" && r[4] == "yes"));

    // XLSX and SAV need a file; an unknown survey is an error naming it.
    let (ok, _, err) = opros(&db, &["responses", "export", slug, "--format", "xlsx"]);
    assert!(!ok && err.contains("--out"), "{err}");
    let (ok, _, err) = opros(
        &db,
        &[
            "responses",
            "export",
            "nope",
            "--format",
            "sav",
            "--out",
            "/tmp/never.sav",
        ],
    );
    assert!(!ok && err.contains("nope"), "{err}");
}

/// The independent reader: a Python interpreter with pyreadstat (ReadStat), if installed.
fn python_with_pyreadstat() -> Option<String> {
    for py in ["python3", "python"] {
        let ok = Command::new(py)
            .args(["-c", "import pyreadstat"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(py.to_owned());
        }
    }
    None
}

const READ_SAV: &str = r#"
import json, sys, pyreadstat
# output_format="dict": numpy arrays, so pandas is not needed.
df, meta = pyreadstat.read_sav(sys.argv[1], user_missing=True, apply_value_formats=False, output_format="dict")
def clean(v):
    if v is None: return None
    try:
        import math
        if isinstance(v, float) and math.isnan(v): return None
    except Exception: pass
    if hasattr(v, "isoformat"): return v.isoformat()
    if hasattr(v, "item"): return clean(v.item())
    return v
out = {
    "names": list(meta.column_names),
    "labels": dict(zip(meta.column_names, meta.column_labels)),
    "value_labels": {k: {str(kk): vv for kk, vv in v.items()} for k, v in meta.variable_value_labels.items()},
    # SPSS user-missing values come as ranges; discrete values have lo == hi.
    "missing": {k: [str(float(r["lo"])) for r in v if r["lo"] == r["hi"]] for k, v in meta.missing_ranges.items()},
    "encoding": meta.file_encoding,
    "rows": meta.number_rows,
    "widths": meta.variable_storage_width,
    "types": meta.readstat_variable_types,
    "data": {c: [clean(x) for x in (df[c].tolist() if hasattr(df[c], "tolist") else list(df[c]))] for c in df},
}
print(json.dumps(out, ensure_ascii=False))
"#;

fn def_and_answers(db: &TestDb, slug: &str) -> (Definition, Vec<Answers>) {
    let store = opros::store::Store::open(&db.url).expect("store");
    let (survey, v) = store.version(slug, None).expect("version");
    let def: Definition = serde_json::from_str(&v.definition).expect("def");
    let rows = store.complete_responses(&survey.id).expect("rows");
    (
        def,
        rows.iter()
            .map(|r| serde_json::from_str(&r.answers).expect("answers"))
            .collect(),
    )
}

/// `slug` exported with `--format sav` from a SQLite database seeded with the example surveys, into a
/// temporary folder: the database, the folder and the file (checked to start as an SPSS system file).
fn export_sav(slug: &str) -> (TestDb, tempfile::TempDir, std::path::PathBuf) {
    let db = TestDb::new(&common::Backend::Sqlite);
    let (_server, _store) = seeded_all(&db);
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("h.sav");
    let (ok, _, err) = opros(
        &db,
        &[
            "responses",
            "export",
            slug,
            "--format",
            "sav",
            "--out",
            path.to_str().expect("path"),
        ],
    );
    assert!(ok, "{err}");
    let bytes = std::fs::read(&path).expect("sav");
    assert_eq!(&bytes[..4], b"$FL2");

    (db, dir, path)
}

#[test]
fn sav_export_writes_an_spss_system_file() {
    export_sav("healthcare-2026");
}

#[test]
#[ignore = "needs Python with pyreadstat (pip install pyreadstat) and --include-ignored (README, Tests)"]
fn sav_reads_back_with_an_independent_reader() {
    let Some(py) = python_with_pyreadstat() else {
        panic!("no Python with pyreadstat, the independent SPSS reader: python3 -m pip install pyreadstat");
    };
    let slug = "healthcare-2026";
    let (db, dir, path) = export_sav(slug);
    let bytes = std::fs::read(&path).expect("sav");
    let script = dir.path().join("read_sav.py");
    std::fs::write(&script, READ_SAV).expect("script");
    let out = Command::new(&py).arg(&script).arg(&path).output().expect("python");
    assert!(
        out.status.success(),
        "pyreadstat failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).expect("reader json");
    let (def, answers) = def_and_answers(&db, slug);
    let s = summary(&db, slug);

    assert_eq!(got["rows"].as_u64(), Some(N as u64));
    assert_eq!(
        got["encoding"].as_str().map(str::to_ascii_uppercase).as_deref(),
        Some("UTF-8")
    );
    let names: Vec<&str> = got["names"]
        .as_array()
        .expect("names")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for want in [
        "response_id",
        "sex",
        "age",
        "district",
        "visit_reasons.illness",
        "clinic_satisfaction",
        "clinic_aspects.queue",
        "priorities.online",
        "paid_what",
        "last_visit",
        "weight",
    ] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    // Variable labels = question texts (Cyrillic, UTF-8).
    assert_eq!(
        got["labels"]["life_satisfaction"].as_str(),
        def.question("life_satisfaction").map(|q| q.text.get("ru"))
    );
    // Value labels = option labels; scale values are the point codes; "hard to say" is 99 and user-missing.
    assert_eq!(got["value_labels"]["sex"]["2.0"].as_str(), Some("Женский"));
    assert_eq!(
        got["value_labels"]["clinic_satisfaction"]["5.0"].as_str(),
        Some("Полностью удовлетворён")
    );
    assert_eq!(
        got["value_labels"]["clinic_satisfaction"]["99.0"].as_str(),
        Some("Затрудняюсь ответить")
    );
    let missing: Vec<&str> = got["missing"]["clinic_satisfaction"]
        .as_array()
        .expect("missing")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for m in ["-1.0", "-2.0", "99.0"] {
        assert!(missing.contains(&m), "{m} user-missing: {missing:?}");
    }

    // Values, respondent by respondent.
    let data = &got["data"];
    let col = |name: &str| {
        data[name]
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let (sex, cs, reasons, age, weight) = (
        col("sex"),
        col("clinic_satisfaction"),
        col("visit_reasons.illness"),
        col("age"),
        col("weight"),
    );
    for (i, a) in answers.iter().enumerate() {
        let want_sex = match a.get("sex").and_then(Answer::code) {
            Some("m") => 1.0,
            Some("f") => 2.0,
            other => panic!("sex {other:?}"),
        };
        assert_eq!(sex[i].as_f64(), Some(want_sex), "sex of {i}");
        let want_cs = match a.get("clinic_satisfaction") {
            Some(Answer::Scale(c)) if c == "dk" => 99.0,
            Some(Answer::Scale(c)) => c.parse().expect("point"),
            _ if def.visible("clinic_satisfaction", a) => -2.0,
            _ => -1.0,
        };
        assert_eq!(cs[i].as_f64(), Some(want_cs), "clinic_satisfaction of {i}");
        let want_r = match a.get("visit_reasons") {
            Some(Answer::Choices { codes, .. }) => f64::from(u8::from(codes.iter().any(|c| c == "illness"))),
            _ if def.visible("visit_reasons", a) => -2.0,
            _ => -1.0,
        };
        assert_eq!(reasons[i].as_f64(), Some(want_r), "visit_reasons.illness of {i}");
        match a.get("age") {
            Some(Answer::Number(x)) => assert_eq!(age[i].as_f64(), Some(*x)),
            _ => assert!(age[i].is_null()),
        }
    }
    // The weights are the summary's: the weighted share of women equals the summary's share.
    let w: Vec<f64> = weight.iter().map(|v| v.as_f64().expect("weight")).collect();
    let women: f64 = w
        .iter()
        .zip(&sex)
        .filter(|(_, s)| s.as_f64() == Some(2.0))
        .map(|(w, _)| w)
        .sum();
    let share = women / w.iter().sum::<f64>();
    assert!((share - option_share(&s, "sex", "f")).abs() < 1e-9, "{share}");

    // The file's weight variable (header field at offset 76, a 1-based dictionary index counting 8-byte
    // segments) points at `weight`.
    let index = i32::from_le_bytes([bytes[76], bytes[77], bytes[78], bytes[79]]) as usize;
    let widths = &got["widths"];
    let types = &got["types"];
    let mut pos = 1usize;
    let mut at = None;
    for n in &names {
        if pos == index {
            at = Some(*n);
        }
        let seg = if types[*n] == "string" {
            (widths[*n].as_u64().unwrap_or(8) as usize).div_ceil(8)
        } else {
            1
        };
        pos += seg;
    }
    assert_eq!(at, Some("weight"), "the file is weighted by `weight`");
}
