# Reference values for tests/it/design_reference.rs: surveys with a sampling design (strata, PSUs, fpc,
# design weights) entered with `responses import`, summarized by `report`, checked against R survey.
# Run from this directory: Rscript make_reference.R   (needs r-cran-survey)
suppressPackageStartupMessages(library(survey))
data(api)
out <- data.frame(case = character(), what = character(), key = character(), value = numeric(),
                  stringsAsFactors = FALSE)
add <- function(case, what, key, value) out[nrow(out) + 1, ] <<- list(case, what, key, as.numeric(value))

write_file <- function(d, name, design_cols) {
  f <- data.frame(stype = as.character(d$stype), awards = as.character(d$awards),
                  sch_wide = as.character(d$sch.wide), api00 = d$api00, enroll = d$enroll,
                  setNames(d[, design_cols, drop = FALSE], names(design_cols)), stringsAsFactors = FALSE)
  write.csv(f, name, row.names = FALSE, na = "")
}

figures <- function(case, des) {
  for (v in c("awards", "sch.wide", "stype")) {
    lv <- levels(des$variables[[v]])
    for (code in lv) {
      dd <- update(des, ind = as.numeric(get(v) == code))
      m <- svymean(~ind, dd, deff = TRUE)
      ci <- svyciprop(~ind, dd, method = "logit")
      key <- paste(sub(".", "_", v, fixed = TRUE), code)
      add(case, "share", key, coef(m)); add(case, "se", key, SE(m)); add(case, "deff", key, deff(m))
      add(case, "ci_low", key, attr(ci, "ci")[1]); add(case, "ci_high", key, attr(ci, "ci")[2])
    }
  }
  for (v in c("api00", "enroll")) {
    dd <- subset(des, !is.na(get(v)))
    m <- svymean(as.formula(paste0("~", v)), dd)
    add(case, "mean", v, coef(m)); add(case, "mean_se", v, SE(m))
    q <- svyquantile(as.formula(paste0("~", v)), dd, 0.5, ci = TRUE)
    add(case, "median", v, coef(q)); add(case, "median_ci_low", v, confint(q)[1])
    add(case, "median_ci_high", v, confint(q)[2])
  }
  # domain: share of awards == "Yes" by stype
  for (s in levels(des$variables$stype)) {
    dd <- update(subset(des, stype == s), ind = as.numeric(awards == "Yes"))
    m <- svymean(~ind, dd)
    add(case, "by_share", paste("awards Yes", s), coef(m)); add(case, "by_se", paste("awards Yes", s), SE(m))
  }
  t <- svychisq(~awards + stype, des, statistic = "F")
  add(case, "chisq_f", "awards", t$statistic); add(case, "chisq_ndf", "awards", t$parameter[1])
  add(case, "chisq_ddf", "awards", t$parameter[2]); add(case, "chisq_p", "awards", t$p.value)
}

# 1. Stratified (apistrat): strata, population sizes, design weights.
write_file(apistrat, "apistrat.csv", c(stratum = "stype", pw = "pw", fpc = "fpc"))
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
figures("strat", dstrat)

# 2. One-stage cluster sample (apiclus1): PSUs (districts), fpc, design weights.
write_file(apiclus1, "apiclus1.csv", c(dnum = "dnum", pw = "pw", fpc = "fpc"))
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
figures("clus1", dclus1)

# 3. The same cluster sample, raked to the school-type totals (calibrate's example), starting from pw.
cal <- calibrate(dclus1, ~stype, c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018), calfun = "raking",
                 epsilon = 1e-12, maxit = 200)
figures("clus1_raked", cal)

# 4. The stratified sample with sampling fractions instead of population sizes.
apistrat$frac <- apistrat$fpc
apistrat$frac <- with(apistrat, ave(rep(1, nrow(apistrat)), stype, FUN = sum) / fpc)
write_file(apistrat, "apistrat_frac.csv", c(stratum = "stype", pw = "pw", frac = "frac"))
dfrac <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~frac)
figures("strat_frac", dfrac)

write.csv(out, "expected.csv", row.names = FALSE)
