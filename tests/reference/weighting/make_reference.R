#!/usr/bin/env Rscript
# Reference weights for Opros' weighting engine (tests/it/weighting_reference.rs), produced by R `survey`
# (Lumley). Run from this directory:   Rscript make_reference.R
# Needs R and the `survey` package (Debian: r-base-core r-cran-survey). CI never runs this: the CSV/YAML
# files it writes are committed next to it.
#
# For every case it writes
#   <case>.scheme.yaml    the Opros weighting scheme (targets inline) equivalent to the R call;
#   <case>.expected.csv   id,weight as computed by R (17 significant digits; empty weight = excluded);
# and one line of cases.csv: case, data file, id column, and the R call, so the test knows what to run.
#
# Data: `apiclus1`, `apistrat`, `apiclus2` from survey's `data(api)` (population totals from `apipop`),
# and a synthetic poll (fixed seed) written to poll.csv.
suppressMessages(library(survey))
data(api)
options(digits = 17, warn = 1)

EPS <- 1e-13   # calibrate(): |misfit| / (1 + |population|) at convergence; far tighter than the default 1e-7
MAXIT <- 200

num <- function(x) sprintf("%.17g", x)

write_data <- function(df, file) {
  write.csv(df, file, row.names = FALSE, na = "", quote = TRUE)
}

cases <- data.frame(case = character(), data = character(), id = character(), r_call = character())

add_case <- function(case, data, id, ids, weights, scheme, r_call) {
  writeLines(scheme, paste0(case, ".scheme.yaml"))
  w <- ifelse(is.na(weights), "", num(weights))
  writeLines(c("id,weight", paste0(ids, ",", w)), paste0(case, ".expected.csv"))
  cases[nrow(cases) + 1, ] <<- list(case, data, id, r_call)
}

margin_yaml <- function(name, counts) {
  paste0("    ", name, ": {", paste0('"', names(counts), '": ', num(counts), collapse = ", "), "}")
}

scheme_yaml <- function(method, variables, margins = list(), cells = NULL, total = NULL, extra = character()) {
  y <- c(paste0("# Written by make_reference.R; do not edit."),
         paste0("method: ", method),
         paste0("variables: [", paste(variables, collapse = ", "), "]"),
         "targets:")
  if (!is.null(total)) y <- c(y, paste0("  total: ", num(total)))
  if (length(margins) > 0) {
    y <- c(y, "  margins:")
    for (v in names(margins)) y <- c(y, margin_yaml(v, margins[[v]]))
  }
  if (!is.null(cells)) {
    y <- c(y, "  cells:")
    for (i in seq_len(nrow(cells))) {
      parts <- sapply(variables, function(v) paste0(v, ': "', cells[[v]][i], '"'))
      y <- c(y, paste0("    - {", paste(parts, collapse = ", "), ", count: ", num(cells$Freq[i]), "}"))
    }
  }
  c(y, extra)
}

tight <- "tolerance: 1.0e-12"

# ---------------------------------------------------------------- apiclus1 (documentation examples)
clus1 <- data.frame(snum = apiclus1$snum, stype = as.character(apiclus1$stype),
                    sch.wide = as.character(apiclus1$sch.wide), pw = apiclus1$pw)
names(clus1)[3] <- "sch_wide"
write_data(clus1, "apiclus1.csv")
dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
m_stype <- c(E = 4421, H = 755, M = 1018)
m_schwide <- c(No = 1072, Yes = 5122)
pop.totals <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch.wideYes = 5122)

# postStratify() example
d <- postStratify(dclus1, ~stype, pop.types)
add_case("apiclus1_poststratify", "apiclus1.csv", "snum", apiclus1$snum, weights(d),
         scheme_yaml("poststratify", "stype", list(stype = m_stype), extra = "base_weight: pw"),
         "postStratify(dclus1, ~stype, pop.types)")

# rake() example, run to convergence; equals calibrate(calfun = "raking")
d <- calibrate(dclus1, ~stype + sch.wide, pop.totals, calfun = "raking", epsilon = EPS, maxit = MAXIT)
r <- rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
          control = list(maxit = 1000, epsilon = 1e-10))
stopifnot(max(abs(weights(r) / weights(d) - 1)) < 1e-10)
add_case("apiclus1_raking", "apiclus1.csv", "snum", apiclus1$snum, weights(d),
         scheme_yaml("raking", c("stype", "sch_wide"), list(stype = m_stype, sch_wide = m_schwide),
                     extra = c("base_weight: pw", tight)),
         "calibrate(dclus1, ~stype+sch.wide, pop.totals, calfun='raking') (= rake() to convergence)")

# calibrate() examples: linear (GREG), bounded linear, logit, on categorical margins
d <- calibrate(dclus1, ~stype + sch.wide, pop.totals)
add_case("apiclus1_linear", "apiclus1.csv", "snum", apiclus1$snum, weights(d),
         scheme_yaml("linear", c("stype", "sch_wide"), list(stype = m_stype, sch_wide = m_schwide),
                     extra = "base_weight: pw"),
         "calibrate(dclus1, ~stype+sch.wide, pop.totals)")

d <- calibrate(dclus1, ~stype + sch.wide, pop.totals, bounds = c(0.6, 1.6), epsilon = EPS, maxit = MAXIT)
g <- weights(d) / apiclus1$pw
stopifnot(any(abs(g - 0.6) < 1e-9) || any(abs(g - 1.6) < 1e-9))   # the bounds bind
add_case("apiclus1_linear_bounded", "apiclus1.csv", "snum", apiclus1$snum, weights(d),
         scheme_yaml("linear", c("stype", "sch_wide"), list(stype = m_stype, sch_wide = m_schwide),
                     extra = c("base_weight: pw", "bounds: [0.6, 1.6]", tight)),
         "calibrate(dclus1, ~stype+sch.wide, pop.totals, bounds=c(0.6,1.6))")

d <- calibrate(dclus1, ~stype + sch.wide, pop.totals, calfun = "logit", bounds = c(0.7, 1.9),
               epsilon = EPS, maxit = MAXIT)
add_case("apiclus1_logit", "apiclus1.csv", "snum", apiclus1$snum, weights(d),
         scheme_yaml("logit", c("stype", "sch_wide"), list(stype = m_stype, sch_wide = m_schwide),
                     extra = c("base_weight: pw", "bounds: [0.7, 1.9]", tight)),
         "calibrate(dclus1, ~stype+sch.wide, pop.totals, calfun='logit', bounds=c(0.7,1.9))")

# ---------------------------------------------------------------- apistrat, totals from apipop
strat <- data.frame(snum = apistrat$snum, stype = as.character(apistrat$stype),
                    sch_wide = as.character(apistrat$sch.wide), comp_imp = as.character(apistrat$comp.imp),
                    awards = as.character(apistrat$awards), pw = apistrat$pw)
write_data(strat, "apistrat.csv")
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)
tab <- function(x) { t <- table(as.character(x)); setNames(as.numeric(t), names(t)) }
sm <- list(stype = tab(apipop$stype), sch_wide = tab(apipop$sch.wide), comp_imp = tab(apipop$comp.imp),
           awards = tab(apipop$awards))
strat_totals <- c(`(Intercept)` = nrow(apipop), stypeH = sm$stype[["H"]], stypeM = sm$stype[["M"]],
                  sch.wideYes = sm$sch_wide[["Yes"]], comp.impYes = sm$comp_imp[["Yes"]],
                  awardsYes = sm$awards[["Yes"]])
f <- ~stype + sch.wide + comp.imp + awards
vars <- c("stype", "sch_wide", "comp_imp", "awards")

d <- calibrate(dstrat, f, strat_totals, calfun = "raking", epsilon = EPS, maxit = MAXIT)
add_case("apistrat_raking", "apistrat.csv", "snum", apistrat$snum, weights(d),
         scheme_yaml("raking", vars, sm, extra = c("base_weight: pw", tight)),
         "calibrate(dstrat, ~stype+sch.wide+comp.imp+awards, totals, calfun='raking')")
strat_raked <- d

d <- calibrate(dstrat, f, strat_totals)
add_case("apistrat_linear", "apistrat.csv", "snum", apistrat$snum, weights(d),
         scheme_yaml("linear", vars, sm, extra = "base_weight: pw"),
         "calibrate(dstrat, ~stype+sch.wide+comp.imp+awards, totals)")

d <- calibrate(dstrat, f, strat_totals, calfun = "logit", bounds = c(0.5, 3.5), epsilon = EPS, maxit = MAXIT)
add_case("apistrat_logit", "apistrat.csv", "snum", apistrat$snum, weights(d),
         scheme_yaml("logit", vars, sm, extra = c("base_weight: pw", "bounds: [0.5, 3.5]", tight)),
         "calibrate(dstrat, ~stype+sch.wide+comp.imp+awards, totals, calfun='logit', bounds=c(0.5,3.5))")

# raking, then trimWeights(strict = TRUE) to [0.6, 1.5] x mean weight
w <- weights(strat_raked)
d <- trimWeights(strat_raked, lower = 0.6 * mean(w), upper = 1.5 * mean(w), strict = TRUE)
add_case("apistrat_raking_trim", "apistrat.csv", "snum", apistrat$snum, weights(d),
         scheme_yaml("raking", vars, sm, extra = c("base_weight: pw", tight,
           "trim: {lower: 0.6, upper: 1.5, relative_to_mean: true, strict: true}")),
         "trimWeights(raked, lower=0.6*mean(w), upper=1.5*mean(w), strict=TRUE)")

# ---------------------------------------------------------------- trimWeights() documentation example
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
clus2 <- data.frame(snum = apiclus2$snum, stype = as.character(apiclus2$stype), w = weights(dclus2))
write_data(clus2, "apiclus2.csv")
pop2 <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018)
dclus2g <- calibrate(dclus2, ~stype, pop2)
# Only strict = FALSE: the mean weight (49.2) is above `upper` = 45, so no weights within [20, 45] keep the
# total, and trimWeights(strict = TRUE) recurses until R's C stack overflows. Opros reports TrimInfeasible
# for the same request (tests/it/weighting_reference.rs).
d <- trimWeights(dclus2g, lower = 20, upper = 45, strict = FALSE)
add_case("apiclus2_trim", "apiclus2.csv", "snum", apiclus2$snum, weights(d),
         scheme_yaml("linear", "stype", list(stype = m_stype), extra = c("base_weight: w",
           "trim: {lower: 20, upper: 45, relative_to_mean: false, strict: false}")),
         "trimWeights(calibrate(dclus2, ~stype, pop.totals), lower=20, upper=45, strict=FALSE)")

# ---------------------------------------------------------------- synthetic poll
set.seed(20260401)
sexes <- c("m", "f")
ages <- c("18-29", "30-44", "45-59", "60+")
districts <- c("central", "north", "south", "east", "west", "rural")
grid <- expand.grid(sex = sexes, age_group = ages, district = districts, stringsAsFactors = FALSE)
p_sex <- c(m = 0.46, f = 0.54)
p_age <- c("18-29" = 0.19, "30-44" = 0.27, "45-59" = 0.25, "60+" = 0.29)
p_district <- c(central = 0.30, north = 0.15, south = 0.17, east = 0.12, west = 0.11, rural = 0.15)
share <- p_sex[grid$sex] * p_age[grid$age_group] * p_district[grid$district] * runif(nrow(grid), 0.8, 1.2)
grid$Freq <- round(1250000 * share / sum(share))
N <- sum(grid$Freq)
# Online response propensity: young women in the centre answer most, older rural men least.
bias <- c(m = 0.75, f = 1.25)[grid$sex] * c("18-29" = 1.8, "30-44" = 1.3, "45-59" = 0.8, "60+" = 0.45)[grid$age_group] *
  c(central = 1.6, north = 1.0, south = 1.0, east = 0.9, west = 0.9, rural = 0.4)[grid$district]
n <- 2000
idx <- sample(nrow(grid), n, replace = TRUE, prob = grid$Freq * bias)
poll <- data.frame(id = sprintf("R%04d", 1:n), sex = grid$sex[idx], age_group = grid$age_group[idx],
                   district = grid$district[idx], stringsAsFactors = FALSE)
poll$district[sample(n, 17)] <- NA     # refused to say
write_data(poll, "poll.csv")

pm <- list(sex = tapply(grid$Freq, grid$sex, sum), age_group = tapply(grid$Freq, grid$age_group, sum),
           district = tapply(grid$Freq, grid$district, sum))
pm <- lapply(pm, function(x) setNames(as.numeric(x), names(x)))
poll_vars <- c("sex", "age_group", "district")
complete <- !is.na(poll$district)
pc <- poll[complete, ]
for (v in poll_vars) pc[[v]] <- factor(pc[[v]], levels = names(pm[[v]]))   # reference = first in sort order
pc$d0 <- N / nrow(pc)    # Opros' default starting weights: equal, summing to the total
dpoll <- svydesign(ids = ~1, weights = ~d0, data = pc)
poll_totals <- c(`(Intercept)` = N, pm$sex[-1], pm$age_group[-1], pm$district[-1])
names(poll_totals) <- c("(Intercept)", paste0("sex", names(pm$sex)[-1]), paste0("age_group", names(pm$age_group)[-1]),
                        paste0("district", names(pm$district)[-1]))
fp <- ~sex + age_group + district
full <- function(wc) { w <- rep(NA_real_, n); w[complete] <- wc; w }

d <- calibrate(dpoll, fp, poll_totals, calfun = "raking", epsilon = EPS, maxit = MAXIT)
add_case("poll_raking", "poll.csv", "id", poll$id, full(weights(d)),
         scheme_yaml("raking", poll_vars, pm, total = N),
         "calibrate(dpoll, ~sex+age_group+district, totals, calfun='raking') on complete cases")
poll_raked <- d

d <- calibrate(dpoll, fp, poll_totals)
add_case("poll_linear", "poll.csv", "id", poll$id, full(weights(d)),
         scheme_yaml("linear", poll_vars, pm, total = N),
         "calibrate(dpoll, ~sex+age_group+district, totals) on complete cases")

d <- calibrate(dpoll, fp, poll_totals, calfun = "logit", bounds = c(0.35, 3), epsilon = EPS, maxit = MAXIT)
add_case("poll_logit", "poll.csv", "id", poll$id, full(weights(d)),
         scheme_yaml("logit", poll_vars, pm, total = N, extra = c("bounds: [0.35, 3.0]", tight)),
         "calibrate(dpoll, ~sex+age_group+district, totals, calfun='logit', bounds=c(0.35,3))")

d <- calibrate(dpoll, fp, poll_totals, bounds = c(0.35, 3), epsilon = EPS, maxit = MAXIT)
add_case("poll_linear_bounded", "poll.csv", "id", poll$id, full(weights(d)),
         scheme_yaml("linear", poll_vars, pm, total = N, extra = c("bounds: [0.35, 3.0]", tight)),
         "calibrate(dpoll, ~sex+age_group+district, totals, bounds=c(0.35,3))")

w <- weights(poll_raked)
d <- trimWeights(poll_raked, lower = 0.5 * mean(w), upper = 2 * mean(w), strict = TRUE)
add_case("poll_raking_trim", "poll.csv", "id", poll$id, full(weights(d)),
         scheme_yaml("raking", poll_vars, pm, total = N,
                     extra = "trim: {lower: 0.5, upper: 2.0, relative_to_mean: true, strict: true}"),
         "trimWeights(raked, lower=0.5*mean(w), upper=2*mean(w), strict=TRUE)")

# post-stratification on sex x age_group (joint cells of the population table)
# (district is not a weighting variable here, so respondents without a district are weighted too)
cells <- aggregate(Freq ~ sex + age_group, data = grid, FUN = sum)
pa <- poll
pa$d0 <- N / n
d <- postStratify(svydesign(ids = ~1, weights = ~d0, data = pa), ~sex + age_group, cells)
add_case("poll_poststratify", "poll.csv", "id", poll$id, weights(d),
         scheme_yaml("poststratify", c("sex", "age_group"), cells = cells),
         "postStratify(svydesign(ids=~1, weights=~d0, data=poll), ~sex+age_group, cells)")

# missing: impute_mode -- a missing district becomes the most frequent district of the sample
mode_district <- names(which.max(table(poll$district)))
pi <- poll
pi$district[is.na(pi$district)] <- mode_district
for (v in poll_vars) pi[[v]] <- factor(pi[[v]], levels = names(pm[[v]]))
pi$d0 <- N / n
d <- calibrate(svydesign(ids = ~1, weights = ~d0, data = pi), fp, poll_totals, calfun = "raking",
               epsilon = EPS, maxit = MAXIT)
add_case("poll_raking_impute", "poll.csv", "id", poll$id, weights(d),
         scheme_yaml("raking", poll_vars, pm, total = N, extra = "missing: impute_mode"),
         "missing district := sample mode, then calibrate(calfun='raking')")

# the whole joint population table, for population-file tests
write_data(grid, "poll_population_cells.csv")

write.csv(cases, "cases.csv", row.names = FALSE)
cat("wrote", nrow(cases), "cases\n")
