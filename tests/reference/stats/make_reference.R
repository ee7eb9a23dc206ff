# Reference values for the `stats` module (tests/it/stats_reference.rs).
#
# Run from this directory:   Rscript make_reference.R
# Needs R with package `survey` (written against survey 4.1.1). Writes:
#   api_strat.csv, api_clus1.csv, api_srs.csv  -- columns of R's `api` data used by the tests
#   poll.csv                                    -- synthetic poll (fixed seed) with base and final weights
#   expected.csv                                -- long table: design,kind,var,level,by_level,stat,value
#
# Categorical variables are written as 0-based level indices (R factor level order), missing = empty.
# Conventions the Rust side mirrors:
#   * shares: svymean / svyciprop on subset(design, !is.na(v)) -- domain estimation;
#   * crosstab columns: subset(design, !is.na(v) & !is.na(by) & by == j);
#   * "fixed" SEs: the same design rebuilt with the final weights and no calibration information.
suppressMessages(library(survey))
options(survey.lonely.psu = "fail")
data(api)

out <- list()
put <- function(design, kind, var, level, by_level, stat, value) {
  out[[length(out) + 1]] <<- data.frame(design = design, kind = kind, var = var,
    level = as.character(level), by_level = as.character(by_level), stat = stat,
    value = sprintf("%.17g", as.numeric(value)), stringsAsFactors = FALSE)
}
code <- function(f) ifelse(is.na(f), NA, as.integer(factor(f)) - 1L)

## ---------------------------------------------------------------- data sets
api_cols <- function(d) {
  data.frame(
    stype = code(d$stype), awards = code(d$awards), sch_wide = code(d$sch.wide),
    # a categorical variable with missing values: class-size band (NA for high schools)
    k3band = code(cut(d$acs.k3, c(0, 18, 20, Inf))),
    api00 = d$api00, acs_k3 = d$acs.k3, enroll = d$enroll,
    pw = d$pw, fpc = d$fpc, dnum = d$dnum, snum = d$snum)
}
strat <- api_cols(apistrat)
clus1 <- api_cols(apiclus1)
srs <- api_cols(apisrs)
# strata index for apistrat (0-based level of stype, used as stratum id)
strat$stratum <- strat$stype
write.csv(strat, "api_strat.csv", row.names = FALSE, na = "")
write.csv(clus1, "api_clus1.csv", row.names = FALSE, na = "")
write.csv(srs, "api_srs.csv", row.names = FALSE, na = "")

## ---------------------------------------------------------------- synthetic poll
set.seed(20261129)
npop <- 200000
pop <- data.frame(
  sex = factor(sample(c("f", "m"), npop, TRUE, prob = c(0.54, 0.46))),
  age_group = factor(sample(c("18-29", "30-44", "45-59", "60-74", "75+"), npop, TRUE,
    prob = c(0.20, 0.27, 0.25, 0.20, 0.08))),
  district = factor(sample(paste0("d", 1:6), npop, TRUE, prob = c(0.3, 0.2, 0.15, 0.15, 0.1, 0.1))))
n <- 2000
# an online sample that over-represents the young, women and district 1
sex <- factor(sample(c("f", "m"), n, TRUE, prob = c(0.62, 0.38)))
age_group <- factor(sample(c("18-29", "30-44", "45-59", "60-74", "75+"), n, TRUE,
  prob = c(0.32, 0.30, 0.20, 0.13, 0.05)))
district <- factor(sample(paste0("d", 1:6), n, TRUE, prob = c(0.4, 0.2, 0.12, 0.12, 0.08, 0.08)))
age_i <- as.integer(age_group); dist_i <- as.integer(district); male <- as.integer(sex == "m")
# q1: satisfaction 1..5 plus "hard to say" (level 6); skipped by ~5%
lin <- 0.3 * age_i - 0.2 * male + 0.15 * dist_i + rnorm(n)
q1 <- as.integer(cut(lin, quantile(lin, c(0, .15, .35, .6, .85, 1)), include.lowest = TRUE))
q1[runif(n) < 0.08] <- 6L
q1[runif(n) < 0.05] <- NA
# q2: yes/no, shown only to those older than 29 (NA otherwise), a few skips
q2 <- ifelse(runif(n) < plogis(-0.5 + 0.3 * age_i - 0.4 * male), 1L, 0L)
q2[age_i == 1 | runif(n) < 0.03] <- NA
# q3: four options, option 3 (index 3) chosen by nobody (share 0: R gives no logit/beta interval)
q3 <- sample(0:2, n, TRUE, prob = c(0.5, 0.3, 0.2))
# multiple choice, three options, base = 90% who answered
answered_mc <- runif(n) < 0.9
m1 <- ifelse(answered_mc, as.integer(runif(n) < 0.45 + 0.05 * male), NA)
m2 <- ifelse(answered_mc, as.integer(runif(n) < 0.2 + 0.04 * dist_i), NA)
m3 <- ifelse(answered_mc, as.integer(runif(n) < 0.1), NA)
# a numeric answer (monthly spending), ~7% missing, with ties (rounded)
num <- round(exp(8 + 0.1 * age_i + 0.2 * male + rnorm(n, 0, 0.6)), -1)
num[runif(n) < 0.07] <- NA
# base (design) weights that vary: e.g. phone respondents weigh more
w0 <- ifelse(runif(n) < 0.25, 1.6, 0.8)

poll <- data.frame(sex, age_group, district, q1 = q1, q2 = q2, q3 = q3, m1, m2, m3, num, w0)
d0 <- svydesign(ids = ~1, weights = ~w0, data = poll)
ps_pop <- as.data.frame(xtabs(~sex + age_group, pop))
d_ps <- postStratify(d0, ~sex + age_group, ps_pop)
totals <- colSums(model.matrix(~sex + age_group + district, pop))
d_rake <- calibrate(d0, ~sex + age_group + district, totals, calfun = "raking", epsilon = 1e-12, maxit = 500)
d_lin <- calibrate(d0, ~sex + age_group + district, totals, calfun = "linear")
# final weights and the calibration variables, written for the Rust tests
out_poll <- data.frame(
  sex = code(sex), age_group = code(age_group), district = code(district),
  q1 = ifelse(is.na(q1), NA, q1 - 1L), q2 = q2, q3 = q3, m1 = m1, m2 = m2, m3 = m3, num = num,
  w0 = w0, w_ps = weights(d_ps), w_rake = weights(d_rake), w_lin = weights(d_lin))
write.csv(out_poll, "poll.csv", row.names = FALSE, na = "")

## ---------------------------------------------------------------- designs
designs <- list(
  apistrat = list(d = svydesign(ids = ~1, strata = ~stype, fpc = ~fpc, weights = ~pw, data = apistrat),
    fixed = NULL, data = apistrat),
  apiclus1 = list(d = svydesign(ids = ~dnum, fpc = ~fpc, weights = ~pw, data = apiclus1),
    fixed = NULL, data = apiclus1),
  apisrs = list(d = svydesign(ids = ~1, fpc = ~fpc, weights = ~pw, data = apisrs), fixed = NULL, data = apisrs),
  apisrs_nofpc = list(d = svydesign(ids = ~1, weights = ~pw, data = apisrs), fixed = NULL, data = apisrs),
  poll_ps = list(d = d_ps), poll_rake = list(d = d_rake), poll_lin = list(d = d_lin),
  poll_base = list(d = d0))
for (nm in c("poll_ps", "poll_rake", "poll_lin")) {
  dd <- poll
  dd$wf <- weights(designs[[nm]]$d)
  designs[[nm]]$fixed <- svydesign(ids = ~1, weights = ~wf, data = dd)
}
api_prep <- function(d) {
  d <- update(d, k3band = cut(acs.k3, c(0, 18, 20, Inf)))
  d
}
for (nm in c("apistrat", "apiclus1", "apisrs", "apisrs_nofpc")) designs[[nm]]$d <- api_prep(designs[[nm]]$d)
poll_prep <- function(d) {
  update(d, q1f = factor(q1), q1x = factor(ifelse(q1 == 6, NA, q1)), q2f = factor(q2, levels = 0:1),
    q3f = factor(q3, levels = 0:3), m1f = factor(m1, levels = 0:1), m2f = factor(m2, levels = 0:1),
    m3f = factor(m3, levels = 0:1))
}
for (nm in c("poll_ps", "poll_rake", "poll_lin", "poll_base")) {
  designs[[nm]]$d <- poll_prep(designs[[nm]]$d)
  if (!is.null(designs[[nm]]$fixed)) designs[[nm]]$fixed <- poll_prep(designs[[nm]]$fixed)
}

cat_vars <- list(
  api = c(stype = "stype", awards = "awards", sch_wide = "sch.wide", k3band = "k3band"),
  poll = c(q1 = "q1f", q1x = "q1x", q2 = "q2f", q3 = "q3f", m1 = "m1f", m2 = "m2f", m3 = "m3f",
    sex = "sex", district = "district"))
num_vars <- list(api = c(api00 = "api00", acs_k3 = "acs.k3"), poll = c(num = "num"))
crosstabs <- list(
  api = list(c("awards", "stype"), c("k3band", "sch_wide")),
  poll = list(c("q1", "district"), c("q1x", "age_group"), c("q2", "sex"), c("m2", "district")))
rname <- function(fam, v) {
  if (fam == "api") c(cat_vars$api, age_group = "age_group", district = "district")[[v]] else {
    c(cat_vars$poll, age_group = "age_group")[[v]]
  }
}

wilson <- function(p, v, level = 0.95) {
  z <- qnorm(1 - (1 - level) / 2)
  neff <- p * (1 - p) / v
  centre <- (p + z^2 / (2 * neff)) / (1 + z^2 / neff)
  half <- z / (1 + z^2 / neff) * sqrt(p * (1 - p) / neff + z^2 / (4 * neff^2))
  c(centre - half, centre + half)
}

share_stats <- function(dn, d, fixed, vname, lev, sub, tag_var, by_level, li) {
  ind <- bquote(~I(as.numeric(.(as.name(vname)) == .(lev))))
  m <- svymean(eval(ind), sub, deff = TRUE, na.rm = TRUE)

  p <- coef(m)[[1]]; v <- vcov(m)[1, 1]
  put(dn, "share", tag_var, li, by_level, "share", p)
  put(dn, "share", tag_var, li, by_level, "se", sqrt(v))
  put(dn, "share", tag_var, li, by_level, "deff", deff(m))
  put(dn, "share", tag_var, li, by_level, "df", degf(sub))
  if (p > 0 && p < 1) {
    cil <- attr(svyciprop(eval(bquote(~I(.(as.name(vname)) == .(lev)))), sub, method = "logit", na.rm = TRUE), "ci")
    cib <- attr(svyciprop(eval(bquote(~I(.(as.name(vname)) == .(lev)))), sub, method = "beta", na.rm = TRUE), "ci")
    ciw <- wilson(p, v)
    put(dn, "share", tag_var, li, by_level, "logit_low", cil[1])
    put(dn, "share", tag_var, li, by_level, "logit_high", cil[2])
    put(dn, "share", tag_var, li, by_level, "beta_low", cib[1])
    put(dn, "share", tag_var, li, by_level, "beta_high", cib[2])
    put(dn, "share", tag_var, li, by_level, "wilson_low", ciw[1])
    put(dn, "share", tag_var, li, by_level, "wilson_high", ciw[2])
  }
  if (!is.null(fixed)) {
    mf <- svymean(eval(ind), fixed, na.rm = TRUE)
    put(dn, "share", tag_var, li, by_level, "se_fixed", SE(mf)[[1]])
  }
}

for (dn in names(designs)) {
  fam <- if (startsWith(dn, "api")) "api" else "poll"
  d <- designs[[dn]]$d
  fixed <- designs[[dn]]$fixed
  cat("design", dn, "df", degf(d), "\n")
  put(dn, "design", "", "", "", "df", degf(d))
  w <- weights(d)
  put(dn, "design", "", "", "", "kish_deff", length(w) * sum(w^2) / sum(w)^2)
  ## shares and totals of categorical variables
  for (tag in names(cat_vars[[fam]])) {
    vname <- cat_vars[[fam]][[tag]]
    x <- model.frame(d)[[vname]]
    levs <- levels(factor(x))
    if (fam == "poll" && vname %in% c("q3f")) levs <- levels(x)
    sub <- eval(bquote(subset(d, !is.na(.(as.name(vname))))))
    fsub <- if (is.null(fixed)) NULL else eval(bquote(subset(fixed, !is.na(.(as.name(vname))))))
    ww <- weights(sub); ww <- ww[ww > 0]
    put(dn, "kish", tag, "", "", "effective_n", sum(ww)^2 / sum(ww^2))
    for (li in seq_along(levs)) {
      lev <- levs[li]
      share_stats(dn, sub, fsub, vname, lev, sub, tag, "", li - 1)
      tt <- svytotal(eval(bquote(~I(as.numeric(.(as.name(vname)) == .(lev))))), sub, na.rm = TRUE)
      put(dn, "total", tag, li - 1, "", "total", coef(tt)[[1]])
      put(dn, "total", tag, li - 1, "", "se", SE(tt)[[1]])
    }
  }
  ## means, totals and quantiles of numeric variables
  for (tag in names(num_vars[[fam]])) {
    vname <- num_vars[[fam]][[tag]]
    sub <- eval(bquote(subset(d, !is.na(.(as.name(vname))))))
    m <- svymean(eval(bquote(~.(as.name(vname)))), sub, deff = TRUE, na.rm = TRUE)
    ci <- confint(m)
    put(dn, "mean", tag, "", "", "mean", coef(m)[[1]])
    put(dn, "mean", tag, "", "", "se", SE(m)[[1]])
    put(dn, "mean", tag, "", "", "deff", deff(m)[[1]])
    put(dn, "mean", tag, "", "", "ci_low", ci[1])
    put(dn, "mean", tag, "", "", "ci_high", ci[2])
    if (!is.null(fixed)) {
      fsub <- eval(bquote(subset(fixed, !is.na(.(as.name(vname))))))
      put(dn, "mean", tag, "", "", "se_fixed", SE(svymean(eval(bquote(~.(as.name(vname)))), fsub, na.rm = TRUE))[[1]])
    }
    tt <- svytotal(eval(bquote(~.(as.name(vname)))), d, na.rm = TRUE)
    put(dn, "total", tag, "", "", "total", coef(tt)[[1]])
    put(dn, "total", tag, "", "", "se", SE(tt)[[1]])
    q <- svyquantile(eval(bquote(~.(as.name(vname)))), sub, c(0.1, 0.25, 0.5, 0.75, 0.9), ci = TRUE,
      interval.type = "mean", qrule = "math", na.rm = TRUE)[[1]]
    for (r in seq_len(nrow(q))) {
      pp <- rownames(q)[r]
      put(dn, "quantile", tag, pp, "", "quantile", q[r, 1])
      put(dn, "quantile", tag, pp, "", "ci_low", q[r, 2])
      put(dn, "quantile", tag, pp, "", "ci_high", q[r, 3])
      put(dn, "quantile", tag, pp, "", "se", q[r, 4])
    }
  }
  ## crosstabs
  for (ct in crosstabs[[fam]]) {
    rv <- rname(fam, ct[1]); cv <- rname(fam, ct[2])
    tag <- paste0(ct[1], "_by_", ct[2])
    chi <- eval(bquote(svychisq(~.(as.name(rv)) + .(as.name(cv)), d, statistic = "F")))
    put(dn, "chisq", tag, "", "", "f", chi$statistic)
    put(dn, "chisq", tag, "", "", "ndf", chi$parameter[[1]])
    put(dn, "chisq", tag, "", "", "ddf", chi$parameter[[2]])
    put(dn, "chisq", tag, "", "", "p_value", chi$p.value)
    mf <- model.frame(d)
    rlev <- levels(factor(mf[[rv]])); clev <- levels(factor(mf[[cv]]))
    both <- eval(bquote(subset(d, !is.na(.(as.name(rv))) & !is.na(.(as.name(cv))))))
    for (j in seq_along(clev)) {
      colsub <- eval(bquote(subset(d, !is.na(.(as.name(rv))) & !is.na(.(as.name(cv))) &
        .(as.name(cv)) == .(clev[j]))))
      for (ri in seq_along(rlev)) {
        lev <- rlev[ri]
        share_stats(dn, colsub, NULL, rv, lev, colsub, tag, j - 1, ri - 1)
        # the per-cell flag test: column j versus all other columns, design-based t test of the slope
        fit <- eval(bquote(svyglm(I(as.numeric(.(as.name(rv)) == .(lev))) ~ I(.(as.name(cv)) == .(clev[j])),
          design = both)))
        co <- summary(fit)$coefficients
        put(dn, "cell_test", tag, ri - 1, j - 1, "diff", co[2, 1])
        put(dn, "cell_test", tag, ri - 1, j - 1, "se", co[2, 2])
        put(dn, "cell_test", tag, ri - 1, j - 1, "p_value", co[2, 4])
      }
    }
  }
}
res <- do.call(rbind, out)
write.csv(res, "expected.csv", row.names = FALSE)
cat("rows:", nrow(res), "\n")
