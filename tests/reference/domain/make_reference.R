# Reference values for tests/it/domain_reference.rs: subgroups (`report --filter`) and two-way breakdowns
# (`--by A --by2 B`) on the designs of ../design (apistrat, apiclus1, apiclus1 raked), checked against R
# survey. A filter is a domain of the whole design: R `subset(design, …)` keeps the design (the strata's PSU
# counts; for a calibrated design every row, with weight 0, for the calibration residuals).
# Run from this directory: Rscript make_reference.R   (needs r-cran-survey)
suppressPackageStartupMessages(library(survey))
data(api)
out <- data.frame(case = character(), what = character(), key = character(), value = numeric(),
                  stringsAsFactors = FALSE)
add <- function(case, what, key, value) out[nrow(out) + 1, ] <<- list(case, what, key, as.numeric(value))

figures <- function(case, des) {
  # 1. filter sch_wide:Yes — share of each awards code, mean of api00
  sub <- subset(des, sch.wide == "Yes")
  for (code in levels(des$variables$awards)) {
    dd <- update(sub, ind = as.numeric(awards == code))
    m <- svymean(~ind, dd)
    add(case, "filter_share", paste("awards", code), coef(m)); add(case, "filter_se", paste("awards", code), SE(m))
  }
  m <- svymean(~api00, sub)
  add(case, "filter_mean", "api00", coef(m)); add(case, "filter_mean_se", "api00", SE(m))
  add(case, "filter_n", "all", sum(weights(sub) > 0))
  # 2. filter sch_wide:Yes, mean of api00 by stype × awards (svyby on the subset)
  b <- svyby(~api00, ~stype + awards, sub, svymean)
  for (i in seq_len(nrow(b))) {
    key <- paste0(b$stype[i], "*", b$awards[i])
    add(case, "cross_mean", key, b$api00[i]); add(case, "cross_se", key, SE(b)[i])
  }
  # 3. two-way breakdown without filter: share of sch_wide == "Yes" by stype × awards
  dd <- update(des, ind = as.numeric(sch.wide == "Yes"))
  b <- svyby(~ind, ~stype + awards, dd, svymean)
  for (i in seq_len(nrow(b))) {
    key <- paste0(b$stype[i], "*", b$awards[i])
    add(case, "cross_share", key, b$ind[i]); add(case, "cross_share_se", key, SE(b)[i])
  }
}

dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
figures("strat", dstrat)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
figures("clus1", dclus1)
cal <- calibrate(dclus1, ~stype, c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018), calfun = "raking",
                 epsilon = 1e-12, maxit = 200)
figures("clus1_raked", cal)

write.csv(out, "expected.csv", row.names = FALSE)
