"""Constructs the agreement data sets (fixed seed; the CSV files are committed, this only documents them).

single.csv  two coders, one nominal category per answer (60 answers, 4 categories, ~70 % agreement)
multi.csv   two coders, a set of codes per answer (50 answers, 5 codes, codes joined by ';')
three.csv   three coders, one category per answer, some answers not coded by everyone (empty cell)
"""
import csv
import random

rng = random.Random(20261205)
cats = ["roads", "transport", "housing", "other"]

with open("single.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["answer", "first", "second"])
    for i in range(60):
        a = rng.choices(cats, weights=[4, 3, 2, 1])[0]
        b = a if rng.random() < 0.7 else rng.choice(cats)
        w.writerow([i + 1, a, b])

codes = ["a", "b", "c", "d", "e"]
with open("multi.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["answer", "first", "second"])
    for i in range(50):
        first = sorted(rng.sample(codes, rng.choice([1, 1, 2, 3])))
        second = [c for c in first if rng.random() < 0.85]
        if rng.random() < 0.3:
            second.append(rng.choice(codes))
        second = sorted(set(second)) or [rng.choice(codes)]
        w.writerow([i + 1, ";".join(first), ";".join(second)])

with open("three.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["answer", "c1", "c2", "c3"])
    for i in range(40):
        truth = rng.choice(cats)
        row = []
        for _ in range(3):
            if rng.random() < 0.15:
                row.append("")
            else:
                row.append(truth if rng.random() < 0.75 else rng.choice(cats))
        w.writerow([i + 1] + row)
