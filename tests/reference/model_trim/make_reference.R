#!/usr/bin/env Rscript
# Reference coefficients and SEs of a design-based regression on a raked then trimmed design, for
# tests/it/model_trim_reference.rs. The poll of ../trim (same seed and data): raked to margins of sex, age
# group and district, `trimWeights()` to [0.3, 3] x the mean weight (strict), then
# `svyglm(x ~ sex + district)` and a quasibinomial `svyglm(I(y == "a") ~ sex + age)`. R keeps the
# calibration's weights before trimming for the residuals (see ../trim/make_reference.R); so must Opros.
# Run from this directory: Rscript make_reference.R   (needs r-cran-survey). Writes poll.csv (the
# responses to import, with the base weight w0) and expected.csv (model, term, statistic, value).
suppressMessages(library(survey))
num <- function(x) sprintf("%.17g", x)
df <- read.csv("../trim/data.csv", stringsAsFactors = TRUE)
write.csv(df[, c("sex", "age", "district", "y", "x", "w0")], "poll.csv", row.names = FALSE)
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
tight <- glm.control(epsilon = 1e-14, maxit = 100)
out <- data.frame(model = character(), term = character(), statistic = character(), value = character())
put <- function(model, fit) {
  cf <- summary(fit)$coefficients
  for (term in rownames(cf)) {
    out[nrow(out) + 1, ] <<- list(model, term, "estimate", num(cf[term, 1]))
    out[nrow(out) + 1, ] <<- list(model, term, "se", num(cf[term, 2]))
  }
}
put("linear", svyglm(x ~ sex + district, trimmed, control = tight))
put("logistic", svyglm(I(y == "a") ~ sex + age, trimmed, family = quasibinomial(), control = tight))
# The same linear model on the raked design before trimming, to show that trimming matters.
put("linear_raked", svyglm(x ~ sex + district, raked, control = tight))
write.csv(out, "expected.csv", row.names = FALSE)
