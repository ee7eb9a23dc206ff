//! The code columns of a coded open question in the SPSS file, read back with an independent reader
//! (pyreadstat, i.e. ReadStat): one 0/1 variable per code of the codebook in use (a code added in a stored
//! codebook version too), variable and value labels, the user-missing codes of uncoded and missing answers,
//! and the same file whether the export is streamed or loaded.

use std::io::Cursor;
use std::process::Command;

use calamine::{Reader, Xlsx};

use opros::catalog::coding;
use opros::catalog::DefinitionCache;
use opros::export::{self, Source};
use opros::store::Store;
use serde_json::Value;

use crate::coding_support::{seed, SLUG};
use crate::common::{Backend, TestDb};

const READ: &str = r#"
import json, sys, math, pyreadstat
df, meta = pyreadstat.read_sav(sys.argv[1], user_missing=True, apply_value_formats=False, output_format="dict")
def clean(v):
    if hasattr(v, "item"): v = v.item()
    if isinstance(v, float) and math.isnan(v): return None
    if hasattr(v, "isoformat"): return v.isoformat()
    return v
print(json.dumps({
    "names": list(meta.column_names),
    "labels": dict(zip(meta.column_names, meta.column_labels)),
    "value_labels": {k: {str(kk): vv for kk, vv in v.items()} for k, v in meta.variable_value_labels.items()},
    "missing": {k: sorted(float(r["lo"]) for r in v if r["lo"] == r["hi"]) for k, v in meta.missing_ranges.items()},
    "data": {c: [clean(x) for x in list(df[c])] for c in df},
}, ensure_ascii=False))
"#;

fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|c| (*c).to_owned()).collect()
}

/// Seeds the coding survey and codes some answers: r00 roads, r01 bus, r02 trash+parks (parks comes with
/// a stored codebook version), r05 fits no code; r03, r04, r06, r07 stay uncoded; r08 has no answer.
fn coded_store(db: &TestDb) -> (Store, Vec<String>) {
    let store = Store::open(&db.url).expect("open");
    let ids = seed(&store);
    let cache = DefinitionCache::default();
    let bench = coding::open(&store, &cache, SLUG, "why").expect("bench");
    let book = "codes: [{code: roads, label: {ru: Дороги, en: Roads}}, {code: bus, label: {ru: Транспорт, en: Transport}}, {code: trash, label: {ru: Мусор, en: Rubbish}}, {code: parks, label: {ru: Парки, en: Parks}}]";
    bench.save_codebook(&store, book, "vera").expect("codebook version");
    let bench = coding::open(&store, &cache, SLUG, "why").expect("bench");
    for (i, given) in [(0, &["roads"][..]), (1, &["bus"]), (2, &["trash", "parks"]), (5, &[])] {
        bench.code(&store, &ids[i], &codes(given), false, "anna").expect("code");
    }
    (store, ids)
}

#[test]
fn streamed_and_loaded_sav_carry_the_same_code_columns() {
    let db = TestDb::new(&Backend::Sqlite);
    let (store, _) = coded_store(&db);
    let data = export::load(&store, &DefinitionCache::default(), SLUG).expect("load");
    let mut loaded = export::sav(&data).expect("sav");
    let source = Source::open(&store, &DefinitionCache::default(), SLUG)
        .expect("source")
        .in_batches_of(2);
    let mut streamed = Vec::new();
    export::sav_streamed(&store, &source, &mut streamed).expect("streamed");
    // The same file but for the creation date and time in the header (bytes 92..109).
    for b in [&mut loaded, &mut streamed] {
        b[92..109].fill(b' ');
    }
    assert!(streamed == loaded, "the streamed .sav equals the loaded one");
    let file = export::sav_file(&data);
    let names: Vec<&str> = file.variables.iter().map(|v| v.name.as_str()).collect();
    assert!(
        names.ends_with(&["weight", "why__roads", "why__bus", "why__trash", "why__parks"]),
        "{names:?}"
    );

    // The XLSX questions sheet describes the code columns: question text — code label, and the values.
    let loaded = opros::report::load(&store, &DefinitionCache::default(), SLUG).expect("report load");
    let summary = opros::report::summarize(
        &opros::report::SummaryInput {
            definition: &loaded.version.definition,
            population: None,
            answers: &loaded.answers,
            language: "ru",
        },
        &opros::report::ReportOptions::default(),
    )
    .expect("summary");
    let bytes = export::xlsx(&data.version.definition, &summary, Some(&data)).expect("xlsx");
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx opens");
    let sheet = wb.worksheet_range("questions").expect("questions sheet");
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    let parks: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "why__parks").collect();
    assert_eq!(parks.len(), 3, "{rows:?}");
    assert_eq!(parks[0][2], "Что мешает жить? — Парки");
    assert_eq!((parks[1][3].as_str(), parks[1][4].as_str()), ("1", "есть этот код"));
    let micro = wb.worksheet_range("microdata").expect("microdata sheet");
    let head: Vec<String> = micro
        .rows()
        .next()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .unwrap_or_default();
    assert!(
        head.ends_with(&[
            "why__roads".to_owned(),
            "why__bus".into(),
            "why__trash".into(),
            "why__parks".into()
        ]),
        "{head:?}"
    );
}

fn python_with_pyreadstat() -> Option<String> {
    ["python3", "python"].into_iter().map(str::to_owned).find(|py| {
        Command::new(py)
            .args(["-c", "import pyreadstat"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
#[ignore = "needs Python with pyreadstat (pip install pyreadstat) and --include-ignored (README, Tests)"]
fn code_columns_read_back_with_an_independent_reader() {
    let Some(py) = python_with_pyreadstat() else {
        panic!("no Python with pyreadstat, the independent SPSS reader: python3 -m pip install pyreadstat");
    };
    let db = TestDb::new(&Backend::Sqlite);
    let (store, ids) = coded_store(&db);
    let data = export::load(&store, &DefinitionCache::default(), SLUG).expect("load");
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("coded.sav");
    std::fs::write(&path, export::sav(&data).expect("sav")).expect("write");
    let script = dir.path().join("read.py");
    std::fs::write(&script, READ).expect("script");
    let out = Command::new(&py).arg(&script).arg(&path).output().expect("python");
    assert!(
        out.status.success(),
        "pyreadstat: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).expect("json");

    let names: Vec<&str> = got["names"]
        .as_array()
        .expect("names")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for want in ["why", "why__roads", "why__bus", "why__trash", "why__parks"] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    // Variable labels: the question text and the code's label; value labels and user-missing codes.
    assert_eq!(got["labels"]["why__roads"], "Что мешает жить? — Дороги");
    assert_eq!(got["labels"]["why__parks"], "Что мешает жить? — Парки");
    let vl = &got["value_labels"]["why__bus"];
    assert_eq!(vl["1.0"], "есть этот код");
    assert_eq!(vl["0.0"], "закодирован без этого кода");
    assert_eq!(vl["-3.0"], "не закодирован");
    assert_eq!(vl["-2.0"], "нет ответа");
    assert_eq!(got["missing"]["why__bus"], serde_json::json!([-3.0, -2.0, -1.0]));

    // Values respondent by respondent (rows in submission order r00..r08).
    let col = |name: &str| -> Vec<Option<f64>> {
        got["data"][name]
            .as_array()
            .unwrap_or_else(|| panic!("column {name}"))
            .iter()
            .map(Value::as_f64)
            .collect()
    };
    let ids_read: Vec<String> = got["data"]["response_id"]
        .as_array()
        .expect("ids")
        .iter()
        .filter_map(|v| v.as_str().map(|s| s.trim().to_owned()))
        .collect();
    assert_eq!(ids_read, ids);
    let (c, n, a) = (Some(1.0), Some(0.0), Some(-3.0));
    assert_eq!(col("why__roads"), vec![c, n, n, a, a, n, a, a, Some(-2.0)]);
    assert_eq!(col("why__bus"), vec![n, c, n, a, a, n, a, a, Some(-2.0)]);
    assert_eq!(col("why__trash"), vec![n, n, c, a, a, n, a, a, Some(-2.0)]);
    assert_eq!(col("why__parks"), vec![n, n, c, a, a, n, a, a, Some(-2.0)]);

    // The CSV export has the same columns and values (empty where SPSS has a missing code).
    let mut csv = Vec::new();
    export::microdata_csv(&data, &mut csv).expect("csv");
    let text = String::from_utf8(csv).expect("utf-8");
    assert!(
        text.lines()
            .next()
            .is_some_and(|h| h.ends_with("why__roads,why__bus,why__trash,why__parks")),
        "{text}"
    );
    assert!(text.lines().any(|l| l.starts_with(&ids[2]) && l.ends_with(",0,0,1,1")));
}
