"""Krippendorff's alpha (nominal) with the `krippendorff` package (pip install krippendorff; 0.9.0 used).

Writes expected_alpha.csv: data set, what, value (17 significant digits).
- single: alpha of the two coders' categories;
- multi, code X: alpha on the 0/1 decisions "answer has code X";
- multi, pooled: alpha over every (answer, code) 0/1 decision;
- three: alpha of three coders with missing values.
"""
import csv
import krippendorff
import numpy as np


def read(name):
    with open(name) as f:
        return list(csv.DictReader(f))


def alpha(rows_by_coder):
    # rows_by_coder: list (coders) of lists (units) of category index or nan
    return krippendorff.alpha(reliability_data=np.array(rows_by_coder, dtype=float),
                              level_of_measurement="nominal")


out = []
single = read("single.csv")
cats = sorted({r[c] for r in single for c in ("first", "second")})
out.append(("single", "alpha", alpha([[cats.index(r[c]) for r in single] for c in ("first", "second")])))

multi = read("multi.csv")
codes = ["a", "b", "c", "d", "e"]
pooled = [[], []]
for code in codes:
    dec = [[float(code in r[c].split(";")) for r in multi] for c in ("first", "second")]
    out.append(("multi", "alpha " + code, alpha(dec)))
    pooled[0] += dec[0]
    pooled[1] += dec[1]
out.append(("multi", "alpha pooled", alpha(pooled)))

three = read("three.csv")
cats3 = sorted({r[c] for r in three for c in ("c1", "c2", "c3") if r[c]})
data = [[cats3.index(r[c]) if r[c] else np.nan for r in three] for c in ("c1", "c2", "c3")]
out.append(("three", "alpha", alpha(data)))

with open("expected_alpha.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["data", "what", "value"])
    for d, what, v in out:
        w.writerow([d, what, repr(float(v))])
