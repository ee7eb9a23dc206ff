# Reference values for indices on a cluster sample (R's apiclus1: one-stage, fpc) and on the same sample
# raked to the school-type totals, for tests/it/indices_reference.rs. The surveys are clus1.yaml and
# clus1_raked.yaml here; their data is ../design/apiclus1.csv with a five-point band of api00 added
# (apiclus1_band.csv, written here), whose balance of opinions (bands 4–5 against 1–2) is checked too.
# The balance of s1 on the stratified sample of survey.csv is added as case "strat".
# Run from this directory: Rscript make_clustered.R (needs r-cran-survey and r-cran-psych); writes
# apiclus1_band.csv and expected_clustered.csv.
suppressPackageStartupMessages({ library(survey); library(psych) })
d <- read.csv("../design/apiclus1.csv", stringsAsFactors = FALSE)
d$api_band <- as.integer(cut(d$api00, c(0, 500, 600, 700, 800, 1000)))
write.csv(d, "apiclus1_band.csv", row.names = FALSE)
d$bal <- as.numeric(d$api_band %in% 4:5) - as.numeric(d$api_band %in% 1:2)
d$size_mean <- (d$api00 + d$enroll) / 2  # mean of the two items (both always answered)
d$size_sum <- d$api00 + d$enroll
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = d, fpc = ~fpc)
raked <- calibrate(dclus1, ~stype, c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018), calfun = "raking",
                   epsilon = 1e-12, maxit = 200)
out <- data.frame(case = character(), what = character(), key = character(), value = numeric(),
                  stringsAsFactors = FALSE)
add <- function(case, what, key, value) out[nrow(out) + 1, ] <<- list(case, what, key, as.numeric(value))
for (case in c("clus1", "clus1_raked")) {
  des <- if (case == "clus1") dclus1 else raked
  for (v in c("size_mean", "size_sum", "bal")) {
    m <- svymean(as.formula(paste0("~", v)), des)
    add(case, "mean", v, coef(m)); add(case, "se", v, SE(m))
    b <- svyby(as.formula(paste0("~", v)), ~stype, des, svymean)
    for (i in seq_len(nrow(b))) {
      add(case, "by_mean", paste(v, b$stype[i]), b[[v]][i]); add(case, "by_se", paste(v, b$stype[i]), SE(b)[i])
    }
  }
}
a <- psych::alpha(d[, c("api00", "enroll")], warnings = FALSE, check.keys = FALSE)
add("both", "alpha_raw", "size", a$total$raw_alpha); add("both", "alpha_std", "size", a$total$std.alpha)

# The balance of s1 (4–5 against 1–2; "dk" counts as neither) on the stratified sample of survey.csv
# (make_reference.R), among those who answered s1: case "strat", overall and by sex.
s <- read.csv("survey.csv", stringsAsFactors = FALSE, na.strings = "")
s$bal <- as.numeric(s$s1 %in% c("4", "5")) - as.numeric(s$s1 %in% c("1", "2"))
ans <- subset(svydesign(ids = ~1, strata = ~stratum, weights = ~pw, data = s), !is.na(s1))
m <- svymean(~bal, ans)
add("strat", "mean", "bal", coef(m)); add("strat", "se", "bal", SE(m))
b <- svyby(~bal, ~sex, ans, svymean)
for (i in seq_len(nrow(b))) {
  add("strat", "by_mean", paste("bal", b$sex[i]), b$bal[i]); add("strat", "by_se", paste("bal", b$sex[i]), SE(b)[i])
}
out$value <- sprintf("%.17g", out$value)
write.csv(out, "expected_clustered.csv", row.names = FALSE)
