# Reference values for tests/it/report_reference.rs: the whole report path on a synthetic poll.
# Run from this directory: Rscript make_reference.R   (needs r-cran-survey)
suppressPackageStartupMessages(library(survey))
set.seed(20261129)
n <- 600
sex <- sample(c("m", "f"), n, replace = TRUE, prob = c(0.35, 0.65))
age <- pmin(99, pmax(18, round(rnorm(n, 44, 15))))
district <- sample(c("d1", "d2", "d3"), n, replace = TRUE, prob = c(0.55, 0.25, 0.2))
mode <- ifelse(runif(n) < 0.06, NA, sample(c("bus", "tram", "car", "walk"), n, replace = TRUE, prob = c(0.4, 0.2, 0.3, 0.1)))
# satisfaction depends on sex a little, so the crosstab has something to find
p_sat <- function(s) if (s == "m") c(0.1, 0.15, 0.3, 0.3, 0.1, 0.05) else c(0.2, 0.2, 0.25, 0.2, 0.05, 0.1)
satisfaction <- sapply(sex, function(s) sample(c("1", "2", "3", "4", "5", "dk"), 1, prob = p_sat(s)))
satisfaction[runif(n) < 0.05] <- NA
minutes <- ifelse(runif(n) < 0.1, NA, round(rgamma(n, 3, 0.1), 1))
d <- data.frame(id = seq_len(n), sex, age, district, mode, satisfaction, minutes, stringsAsFactors = FALSE)
write.csv(d, "poll.csv", row.names = FALSE, na = "")

d$age_group <- cut(d$age, c(17, 34, 54, Inf), labels = c("18-34", "35-54", "55+"))
d$sex <- factor(d$sex, levels = c("m", "f"))
d$district <- factor(d$district, levels = c("d1", "d2", "d3"))
d$w0 <- 100000 / n
des <- svydesign(ids = ~1, weights = ~w0, data = d)
pop <- c(`(Intercept)` = 100000, sexf = 54000, `age_group35-54` = 36000, `age_group55+` = 34000,
         districtd2 = 30000, districtd3 = 25000)
cal <- calibrate(des, ~sex + age_group + district, pop, calfun = "raking", epsilon = 1e-12, maxit = 200)

out <- data.frame(what = character(), key = character(), value = numeric(), stringsAsFactors = FALSE)
add <- function(what, key, value) out[nrow(out) + 1, ] <<- list(what, key, value)

w <- weights(cal)
for (i in seq_len(n)) add("weight", as.character(i), w[i])

share_ref <- function(var, code, design, prefix) {
  dd <- subset(design, !is.na(get(var)))
  dd <- update(dd, ind = as.numeric(!is.na(get(var)) & get(var) == code))
  m <- svymean(~ind, dd)
  ci <- svyciprop(~ind, dd, method = "logit")
  add(paste0(prefix, "share"), paste(var, code), coef(m))
  add(paste0(prefix, "se"), paste(var, code), SE(m))
  add(paste0(prefix, "ci_low"), paste(var, code), attr(ci, "ci")[1])
  add(paste0(prefix, "ci_high"), paste(var, code), attr(ci, "ci")[2])
}
for (code in c("bus", "tram", "car", "walk")) share_ref("mode", code, cal, "")
for (code in c("1", "2", "3", "4", "5", "dk")) share_ref("satisfaction", code, cal, "")

# mean of the scale without "hard to say"
cal <- update(cal, sat_num = suppressWarnings(as.numeric(satisfaction)), has_sat = !is.na(suppressWarnings(as.numeric(satisfaction))))
cal <- update(cal, sat_num = ifelse(has_sat, sat_num, 0))
m <- svymean(~sat_num, subset(cal, has_sat))
add("mean", "satisfaction", coef(m)); add("mean_se", "satisfaction", SE(m))
ci <- confint(m); add("mean_ci_low", "satisfaction", ci[1]); add("mean_ci_high", "satisfaction", ci[2])

cal <- update(cal, has_min = !is.na(minutes), minutes0 = ifelse(is.na(minutes), 0, minutes))
m <- svymean(~minutes0, subset(cal, has_min))
add("mean", "minutes", coef(m)); add("mean_se", "minutes", SE(m))
q <- svyquantile(~minutes0, subset(cal, has_min), 0.5, ci = TRUE)
add("median", "minutes", coef(q)); add("median_ci_low", "minutes", confint(q)[1]); add("median_ci_high", "minutes", confint(q)[2])

# breakdown by sex: shares of mode within each sex (domain estimation)
for (s in c("m", "f")) {
  for (code in c("bus", "car")) {
    dd <- subset(cal, !is.na(mode) & sex == s)
    dd <- update(dd, ind = as.numeric(!is.na(mode) & mode == code))
    m <- svymean(~ind, dd)
    add("by_sex_share", paste(s, code), coef(m)); add("by_sex_se", paste(s, code), SE(m))
  }
}
# Rao–Scott test satisfaction × sex
t <- svychisq(~satisfaction + sex, subset(cal, !is.na(satisfaction)), statistic = "F")
add("chisq_f", "satisfaction sex", t$statistic)
add("chisq_ndf", "satisfaction sex", t$parameter[1])
add("chisq_ddf", "satisfaction sex", t$parameter[2])
add("chisq_p", "satisfaction sex", t$p.value)

write.csv(out, "expected.csv", row.names = FALSE)
