# Reference values for the indices (composite scores) of a definition, for tests/it/indices_reference.rs and
# the unit tests of stats::alpha. Run from this directory: Rscript make_reference.R
# (needs r-cran-survey and r-cran-psych). It writes the survey's responses (survey.csv, imported with
# `opros responses import`), a matrix of complete item scores (alpha_items.csv) and expected.csv.
suppressPackageStartupMessages({ library(survey); library(psych) })
set.seed(20261205)
n <- 300
stratum <- sample(c("north", "centre", "south"), n, replace = TRUE, prob = c(0.3, 0.5, 0.2))
sex <- sample(c("m", "f"), n, replace = TRUE)
trait <- rnorm(n) + ifelse(stratum == "north", -0.4, 0.2)
item <- function(sign) {
  x <- round(3 + 1.1 * sign * trait + rnorm(n, sd = 0.9))
  x <- pmin(5, pmax(1, x))
  x <- as.character(x)
  x[runif(n) < 0.07] <- "dk"
  x[runif(n) < 0.05] <- NA
  x
}
d <- data.frame(sex = sex, s1 = item(1), s2 = item(1), s3 = item(1), s4 = item(-1),
                hours = round(pmax(0, 20 + 6 * trait + rnorm(n, sd = 5)), 1),
                stratum = stratum, stringsAsFactors = FALSE)
d$hours[runif(n) < 0.1] <- NA
d$pw <- c(north = 40, centre = 25, south = 60)[d$stratum] * runif(n, 0.8, 1.25)
write.csv(d, "survey.csv", row.names = FALSE, na = "")

num <- function(x) suppressWarnings(as.numeric(x))  # "dk" and empty are not answered
items <- data.frame(s1 = num(d$s1), s2 = num(d$s2), s3 = num(d$s3), s4 = 6 - num(d$s4))  # s4 reversed: 1 + 5 - x
answered <- rowSums(!is.na(items))
# trust: mean of the answered items (s4 reversed), at least 3 of 4 answered
d$trust <- ifelse(answered >= 3, rowMeans(items, na.rm = TRUE), NA)
# load: sum of s1 and hours, both answered
d$load <- ifelse(!is.na(items$s1) & !is.na(d$hours), items$s1 + d$hours, NA)

des <- svydesign(ids = ~1, strata = ~stratum, weights = ~pw, data = d)
out <- data.frame(what = character(), key = character(), value = numeric(), stringsAsFactors = FALSE)
add <- function(what, key, value) out[nrow(out) + 1, ] <<- list(what, key, as.numeric(value))
for (v in c("trust", "load")) {
  m <- svymean(as.formula(paste0("~", v)), subset(des, !is.na(d[[v]])))
  add("mean", v, coef(m)); add("se", v, SE(m))
  b <- svyby(as.formula(paste0("~", v)), ~sex, subset(des, !is.na(d[[v]])), svymean)
  for (i in seq_len(nrow(b))) {
    add("by_mean", paste(v, b$sex[i]), b[[v]][i]); add("by_se", paste(v, b$sex[i]), SE(b)[i])
  }
  add("n", v, sum(!is.na(d[[v]])))
}

# Cronbach's alpha on the respondents who answered every item (unweighted, as psych::alpha)
complete <- items[complete.cases(items), ]
a <- psych::alpha(complete, warnings = FALSE)
add("alpha_raw", "trust", a$total$raw_alpha); add("alpha_std", "trust", a$total$std.alpha)
add("alpha_n", "trust", nrow(complete))
both <- data.frame(s1 = items$s1, hours = d$hours)
both <- both[complete.cases(both), ]
a2 <- psych::alpha(both, warnings = FALSE)
add("alpha_raw", "load", a2$total$raw_alpha); add("alpha_std", "load", a2$total$std.alpha)
add("alpha_n", "load", nrow(both))

# A small matrix for the unit tests of stats::alpha: all four items, and the first two only
write.csv(complete, "alpha_items.csv", row.names = FALSE)
a3 <- psych::alpha(complete[, 1:2], warnings = FALSE)
add("alpha_raw", "items12", a3$total$raw_alpha); add("alpha_std", "items12", a3$total$std.alpha)
out$value <- sprintf("%.17g", out$value)
write.csv(out, "expected.csv", row.names = FALSE)
