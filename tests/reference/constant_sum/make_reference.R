# Reference values for tests/constant_sum.rs: the mean points of each option of a constant-sum question
# (100 points shared among roads, clinics and parks), respondents who did not answer left out.
# Run from this directory: Rscript make_reference.R   (needs r-cran-survey)
#   design: svydesign(ids = ~1, weights = ~w) with the file's design weights (design.yaml);
#   raked:  starting weights 1, raked to sex and area margins (raked.yaml), variances with the calibration.
suppressPackageStartupMessages(library(survey))
set.seed(20261205)
n <- 240
sex <- sample(c("m", "f"), n, replace = TRUE, prob = c(0.4, 0.6))
area <- sample(c("a", "b", "c"), n, replace = TRUE, prob = c(0.5, 0.3, 0.2))
w <- round(runif(n, 0.5, 3), 3)
# Points: roads get more from men, clinics more from women; whole numbers adding up to 100.
share <- function(s) {
  p <- if (s == "m") c(0.5, 0.25, 0.25) else c(0.3, 0.45, 0.25)
  x <- as.vector(rmultinom(1, 20, p)) * 5
  x
}
pts <- t(sapply(sex, share))
roads <- pts[, 1]; clinics <- pts[, 2]; parks <- pts[, 3]
skip <- runif(n) < 0.1
roads[skip] <- NA; clinics[skip] <- NA; parks[skip] <- NA
d <- data.frame(sex, area, budget.roads = roads, budget.clinics = clinics, budget.parks = parks, w,
                stringsAsFactors = FALSE)
write.csv(d, "design.csv", row.names = FALSE, na = "")
write.csv(d[, names(d) != "w"], "raked.csv", row.names = FALSE, na = "")

out <- data.frame(case = character(), what = character(), key = character(), value = numeric(),
                  stringsAsFactors = FALSE)
add <- function(case, what, key, value) out[nrow(out) + 1, ] <<- list(case, what, key, value)

d$roads <- roads; d$clinics <- clinics; d$parks <- parks
d$answered <- !is.na(d$roads)
for (v in c("roads", "clinics", "parks")) d[[v]][is.na(d[[v]])] <- 0

means <- function(case, design) {
  m <- svymean(~roads + clinics + parks, subset(design, answered))
  ci <- confint(m)
  for (v in c("roads", "clinics", "parks")) {
    add(case, "mean", v, coef(m)[[v]])
    add(case, "se", v, SE(m)[[v]])
    add(case, "ci_low", v, ci[v, 1])
    add(case, "ci_high", v, ci[v, 2])
  }
  add(case, "n", "all", sum(d$answered))
}

means("design", svydesign(ids = ~1, weights = ~w, data = d))

d$sex <- factor(d$sex, levels = c("m", "f"))
d$area <- factor(d$area, levels = c("a", "b", "c"))
d$one <- 1
pop <- c(`(Intercept)` = 1000, sexf = 520, areab = 300, areac = 250)
raked <- calibrate(svydesign(ids = ~1, weights = ~one, data = d), ~sex + area, pop,
                   calfun = "raking", epsilon = 1e-12, maxit = 200)
means("raked", raked)

write.csv(out, "expected.csv", row.names = FALSE)
