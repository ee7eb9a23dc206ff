# Reference values for tests/it/model_reference.rs: design-based linear and logistic models
# (`opros model`) against R survey's svyglm on the api data shipped with the package: the stratified
# apistrat, the one-stage cluster sample apiclus1, and apiclus1 raked to school-type totals.
# Factors get treatment contrasts with the first level as reference (R's default).
# glm is run to a tight tolerance (epsilon 1e-14) so that the reference coefficients are exact to ~1e-12.
# Run from this directory: Rscript make_reference.R   (needs r-cran-survey)
suppressPackageStartupMessages(library(survey))
data(api)
out <- data.frame(case = character(), model = character(), what = character(), term = character(),
                  value = numeric(), stringsAsFactors = FALSE)
add <- function(case, model, what, term, value)
  out[nrow(out) + 1, ] <<- list(case, model, what, term, as.numeric(value))

write_file <- function(d, name, design_cols) {
  f <- data.frame(stype = as.character(d$stype), awards = as.character(d$awards),
                  sch_wide = as.character(d$sch.wide), api00 = d$api00, enroll = d$enroll,
                  ell = d$ell, meals = d$meals, mobility = d$mobility,
                  setNames(d[, design_cols, drop = FALSE], names(design_cols)), stringsAsFactors = FALSE)
  write.csv(f, name, row.names = FALSE, na = "")
}

tight <- glm.control(epsilon = 1e-14, maxit = 100)
models <- list(
  linear = list(f = api00 ~ ell + meals + mobility, fam = gaussian()),
  factor = list(f = api00 ~ stype + enroll, fam = gaussian()),
  logistic = list(f = I(as.numeric(sch.wide == "Yes")) ~ ell + stype, fam = quasibinomial()),
  oneway = list(f = api00 ~ stype, fam = gaussian())
)
fit_all <- function(case, des) {
  for (name in names(models)) {
    m <- svyglm(models[[name]]$f, des, family = models[[name]]$fam, control = tight)
    s <- summary(m)$coefficients
    ci <- confint(m, ddf = m$df.residual)
    for (term in rownames(s)) {
      add(case, name, "estimate", term, s[term, 1]); add(case, name, "se", term, s[term, 2])
      add(case, name, "p", term, s[term, 4])
      add(case, name, "ci_low", term, ci[term, 1]); add(case, name, "ci_high", term, ci[term, 2])
    }
    add(case, name, "df", "", m$df.residual)
    if ("stype" %in% all.vars(models[[name]]$f)) {
      # Wald test of the factor (all its coefficients zero): with stype alone, the F test of equal means
      tt <- regTermTest(m, ~stype, method = "Wald")
      add(case, name, "wald_f", "stype", tt$Ftest); add(case, name, "wald_ndf", "stype", tt$df)
      add(case, name, "wald_ddf", "stype", tt$ddf); add(case, name, "wald_p", "stype", tt$p)
    }
    add(case, name, "n", "", sum(weights(m$survey.design) > 0))
  }
  # The difference of two categories' means with the joint linearisation covariance (svyby + svycontrast)
  # is the one-way model's coefficient: H − E is the coefficient stypeH.
  # (survey 4.1's svyby(covmat = TRUE) fails on the calibrated design, so that case has no such row.)
  b <- tryCatch(svyby(~api00, ~stype, des, svymean, covmat = TRUE), error = function(e) NULL)
  if (!is.null(b)) {
    d <- svycontrast(b, c(-1, 1, 0))
    add(case, "oneway", "difference", "stypeH", coef(d)); add(case, "oneway", "difference_se", "stypeH", SE(d))
  }
}

write_file(apistrat, "apistrat.csv", c(stratum = "stype", pw = "pw", fpc = "fpc"))
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
fit_all("strat", dstrat)

write_file(apiclus1, "apiclus1.csv", c(dnum = "dnum", pw = "pw", fpc = "fpc"))
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
fit_all("clus1", dclus1)

cal <- calibrate(dclus1, ~stype, c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018), calfun = "raking",
                 epsilon = 1e-12, maxit = 200)
fit_all("clus1_raked", cal)

write.csv(out, "expected.csv", row.names = FALSE)
