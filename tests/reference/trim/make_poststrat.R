#!/usr/bin/env Rscript
# Reference values for post-stratification followed by trimming (tests/it/weighting_reference.rs, the
# `poststratified_and_trimmed` test), by R `survey` (Lumley). Run from this directory after
# make_reference.R (it reads that script's data.csv):   Rscript make_poststrat.R
# CI never runs this: its outputs are committed.
#
# The poll of data.csv (2,000 respondents, unequal base weights w0) is post-stratified to the joint cells of
# sex x age (`postStratify`), then `trimWeights()` to [0.3, 3] x the mean weight, strict. After trimming R
# keeps the post-strata with the weights they had when post-stratified (`attr(, "weights")`) and the base
# weights (`attr(, "oldweights")`): the residual of an influence value x is
# x - psw * sum_cell(x * w0 / psw) / sum_cell(w0) (survey:::svyrecvar), with psw the untrimmed weights.
#
# Writes poststrat_weights.csv (id, post-stratified weight, trimmed weight) and poststrat_expected.csv
# (statistic, term, value), 17 significant digits.
suppressMessages(library(survey))
options(digits = 17, warn = 1)
num <- function(x) sprintf("%.17g", x)

df <- read.csv("data.csv", stringsAsFactors = TRUE)
des <- svydesign(ids = ~1, weights = ~w0, data = df)
cells <- expand.grid(sex = c("f", "m"), age = c("18-29", "30-44", "45-59", "60+"))
cells$Freq <- c(104000, 96000, 130000, 130000, 131000, 119000, 155000, 135000)
ps <- postStratify(des, ~sex + age, cells)
w <- weights(ps)
trimmed <- trimWeights(ps, lower = 0.3 * mean(w), upper = 3 * mean(w), strict = TRUE)
wt <- weights(trimmed)
stopifnot(sum(wt < 0.3 * mean(w) - 1e-9 | wt > 3 * mean(w) + 1e-9) == 0, sum(abs(w - wt) > 1e-9 * w) > 0)
writeLines(c("id,poststratified,trimmed", paste0(df$id, ",", num(w), ",", num(wt))), "poststrat_weights.csv")

out <- data.frame(statistic = character(), term = character(), value = character())
put <- function(stat, term, value) out[nrow(out) + 1, ] <<- list(stat, term, num(value))

# Shares of y with logit intervals (as Opros's default), mean of x with a normal interval.
for (code in c("a", "b", "c")) {
  d <- update(trimmed, ind = as.numeric(y == code))
  m <- svymean(~ind, d)
  ci <- svyciprop(~ind, d, method = "logit")
  put("share", code, coef(m)[[1]])
  put("share_se", code, SE(m)[[1]])
  put("share_ci_low", code, attr(ci, "ci")[[1]])
  put("share_ci_high", code, attr(ci, "ci")[[2]])
}
mx <- svymean(~x, trimmed)
put("mean", "x", coef(mx)[[1]])
put("mean_se", "x", SE(mx)[[1]])
cix <- confint(mx, level = 0.95)
put("mean_ci_low", "x", cix[1, 1])
put("mean_ci_high", "x", cix[1, 2])
# Shares of y within each district (domain estimation).
for (dist in c("centre", "north", "south")) {
  for (code in c("a", "b", "c")) {
    d <- update(trimmed, ind = as.numeric(y == code))
    m <- svymean(~ind, subset(d, district == dist))
    put("by_district_share", paste(dist, code), coef(m)[[1]])
    put("by_district_se", paste(dist, code), SE(m)[[1]])
  }
}
rs <- svychisq(~y + district, trimmed, statistic = "F")
put("rao_scott_f", "y:district", rs$statistic[[1]])
put("rao_scott_ndf", "y:district", rs$parameter[[1]])
put("rao_scott_ddf", "y:district", rs$parameter[[2]])
put("rao_scott_p", "y:district", rs$p.value[[1]])
# The SEs before trimming, to show what trimming changes.
m0 <- svymean(~y, ps)
for (k in names(coef(m0))) put("untrimmed_share_se", k, SE(m0)[[k]])
write.csv(out, "poststrat_expected.csv", row.names = FALSE, quote = FALSE)
