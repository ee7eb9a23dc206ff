#!/bin/sh
# Fills corpus/<target>/ with seeds from the project's own files: the example surveys and test fixtures
# (definition), every show_if / when condition in them (condition), and realistic form bodies for each
# page of the form-test fixture (form_body: first byte picks definition and page, see the target).
# Run from fuzz/: sh seed.sh
set -eu
cd "$(dirname "$0")"
mkdir -p corpus/definition corpus/condition corpus/form_body
for f in ../surveys/*.yaml ../tests/fixtures/*.yaml ../tests/fixtures/definitions/*.yaml \
         ../tests/fixtures/xlsform/*.yaml regressions/definition/*; do
    [ -f "$f" ] && cp "$f" "corpus/definition/seed-$(basename "$f")"
done
n=0
grep -h -o -E '(show_if|when): *"[^"]*"' ../surveys/*.yaml ../tests/fixtures/*.yaml \
        ../tests/fixtures/definitions/*.yaml | sed -E 's/^[a-z_]+: *"(.*)"$/\1/' | sort -u |
    while IFS= read -r c; do
        n=$((n + 1))
        printf '%s' "$c" > "corpus/condition/seed-$n"
    done
for f in regressions/condition/* regressions/form_body/*; do
    [ -f "$f" ] && cp "$f" "corpus/$(basename "$(dirname "$f")")/seed-$(basename "$f")"
done
# First byte: definition = byte % 6 (formtest.yaml is 0, the unbounded one 5), page = byte / 6
# (formtest p1 = 0, p2 = 6, p3 = 12, p4 = 18).
body() { printf "\\$(printf '%03o' "$1")%s" "$2" > "corpus/form_body/seed-$1-$3"; }
body 0 '_csrf=t&_page=p1&_shown=s&sex=m&age=35&pets=cat&pets=other&pets.other=%D1%80%D1%8B%D0%B1%D0%BA%D0%B0&cat_name=Tom' a
body 0 'sex=f&age=18&pets=none' b
body 0 'sex=x&age=1+000%2C5&pets=cat&pets=dog&pets=fish&cat_name=aaaaaaaaaaaa&zzz=1' c
body 6 '_page=p2&sat=dk&grid.a=1&grid.b=3&visit=2026-01-15' a
body 6 'sat=4&grid.a=2&visit=15.01.2026' b
body 12 'men_q=yes&_nav=back' a
body 18 'prio.x=2&prio.y=1&prio.z=' a
body 18 'prio.x=1&prio.y=1&prio.z=3' b
body 5 'n=-12%2C5&t=%D0%B6+%3Cb%3E&d=29.02.2024&c=a&c=o&c.other=x' a
echo "seeded: $(ls corpus/definition | wc -l) definitions, $(ls corpus/condition | wc -l) conditions," \
     "$(ls corpus/form_body | wc -l) form bodies"
