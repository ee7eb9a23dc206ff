#!/usr/bin/env Rscript
# Reference variances after trimming calibrated weights (tests/it/weighting_reference.rs, the `trim_se`
# tests), by R `survey` (Lumley). Run from this directory:   Rscript make_reference.R
# Needs R and `survey` (Debian: r-base-core r-cran-survey). CI never runs this: its outputs are committed.
#
# A synthetic poll of 2,000 (fixed seed) with unequal base weights is raked to population margins of sex,
# age group and district (`calibrate(calfun = "raking")`), then `trimWeights()` to [0.3, 3] x the mean
# weight, strict (R's redistribution is additive). After trimming R keeps the calibration's stored `qr` and
# `w` in `design$postStrata`, so the residuals use the weights before trimming; Opros must agree.
#
# Writes data.csv (respondents: id, sex, age, district, base weight, answer y, number x), weights.csv (id,
# raked weight, trimmed weight) and expected.csv (statistic, term, value), 17 significant digits.
suppressMessages(library(survey))
options(digits = 17, warn = 1)
num <- function(x) sprintf("%.17g", x)

set.seed(20261205)
n <- 2000
sex <- sample(c("f", "m"), n, TRUE, c(0.62, 0.38))
age <- sample(c("18-29", "30-44", "45-59", "60+"), n, TRUE, c(0.35, 0.3, 0.22, 0.13))
district <- sample(c("centre", "north", "south"), n, TRUE, c(0.5, 0.3, 0.2))
w0 <- round(exp(rnorm(n, 0, 0.8)), 6)
lin <- -0.6 + 0.5 * (sex == "m") + 0.35 * match(age, sort(unique(age))) - 0.4 * (district == "south")
py <- cbind(1, exp(lin), exp(0.6 * lin - 0.2))
py <- py / rowSums(py)
y <- apply(py, 1, function(p) sample(c("a", "b", "c"), 1, prob = p))
x <- round(20 + 5 * lin + rnorm(n, 0, 4), 2)
df <- data.frame(id = sprintf("R%04d", 1:n), sex, age, district, w0, y, x, stringsAsFactors = TRUE)
write.csv(df, "data.csv", row.names = FALSE, quote = TRUE)

des <- svydesign(ids = ~1, weights = ~w0, data = df)
total <- 1e6
pop <- c(`(Intercept)` = total,
         sexm = 0.48 * total,
         `age30-44` = 0.26 * total, `age45-59` = 0.25 * total, `age60+` = 0.29 * total,
         districtnorth = 0.3 * total, districtsouth = 0.25 * total)
raked <- calibrate(des, ~sex + age + district, population = pop, calfun = "raking",
                   epsilon = 1e-13, maxit = 200)
w <- weights(raked)
trimmed <- trimWeights(raked, lower = 0.3 * mean(w), upper = 3 * mean(w), strict = TRUE)
wt <- weights(trimmed)
stopifnot(sum(wt < 0.3 * mean(w) - 1e-9 | wt > 3 * mean(w) + 1e-9) == 0, sum(w != wt) > 0)
writeLines(c("id,raked,trimmed", paste0(df$id, ",", num(w), ",", num(wt))), "weights.csv")

out <- data.frame(statistic = character(), term = character(), value = character())
put <- function(stat, term, value) out[nrow(out) + 1, ] <<- list(stat, term, num(value))

put("n_trimmed", "", sum(abs(w - wt) > 1e-12 * mean(w)))
m <- svymean(~y, trimmed)
for (k in names(coef(m))) {
  put("share", k, coef(m)[[k]])
  put("share_se", k, SE(m)[[k]])
}
ci <- confint(m, level = 0.95)
for (k in rownames(ci)) {
  put("share_ci_low", k, ci[k, 1])
  put("share_ci_high", k, ci[k, 2])
}
mx <- svymean(~x, trimmed)
put("mean", "x", coef(mx)[[1]])
put("mean_se", "x", SE(mx)[[1]])
cix <- confint(mx, level = 0.95)
put("mean_ci_low", "x", cix[1, 1])
put("mean_ci_high", "x", cix[1, 2])
rs <- svychisq(~y + district, trimmed, statistic = "F")
put("rao_scott_f", "y:district", rs$statistic[[1]])
put("rao_scott_ndf", "y:district", rs$parameter[[1]])
put("rao_scott_ddf", "y:district", rs$parameter[[2]])
put("rao_scott_p", "y:district", rs$p.value[[1]])
# The same estimates on the untrimmed raked design, so the test also shows what trimming changes.
mr <- svymean(~y, raked)
for (k in names(coef(mr))) put("raked_share_se", k, SE(mr)[[k]])
write.csv(out, "expected.csv", row.names = FALSE, quote = FALSE)
