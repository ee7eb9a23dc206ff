# Reference values for tests/it/balance_reference.rs: the balance of opinions (% top − % bottom) of a scale
# and a design-based regression on the calibrated (raked) poll of ../report, against R survey.
# Run from this directory: Rscript make_reference.R   (needs r-cran-survey)
suppressPackageStartupMessages(library(survey))
d <- read.csv("../report/poll.csv", stringsAsFactors = FALSE, na.strings = "")
n <- nrow(d)
d$age_group <- cut(d$age, c(17, 34, 54, Inf), labels = c("18-34", "35-54", "55+"))
d$sex <- factor(d$sex, levels = c("m", "f"))
d$district <- factor(d$district, levels = c("d1", "d2", "d3"))
d$w0 <- 100000 / n
des <- svydesign(ids = ~1, weights = ~w0, data = d)
pop <- c(`(Intercept)` = 100000, sexf = 54000, `age_group35-54` = 36000, `age_group55+` = 34000,
         districtd2 = 30000, districtd3 = 25000)
cal <- calibrate(des, ~sex + age_group + district, pop, calfun = "raking", epsilon = 1e-12, maxit = 200)

out <- data.frame(what = character(), key = character(), value = numeric(), stringsAsFactors = FALSE)
add <- function(what, key, value) out[nrow(out) + 1, ] <<- list(what, key, as.numeric(value))

# balance = mean of +1 (4, 5), −1 (1, 2), 0 (3, "dk") among those who answered
cal <- update(cal, d = as.numeric(satisfaction %in% c("4", "5")) - as.numeric(satisfaction %in% c("1", "2")))
ans <- subset(cal, !is.na(satisfaction))
m <- svymean(~d, ans)
add("balance", "all", coef(m)); add("balance_se", "all", SE(m))
# the same as a contrast of the shares (covariances included)
cal <- update(cal, sat = factor(ifelse(is.na(satisfaction), "dk", satisfaction)))
s <- svymean(~sat, subset(cal, !is.na(satisfaction)))
k <- svycontrast(s, c(-1, -1, 0, 1, 1, 0))
add("contrast", "all", coef(k)); add("contrast_se", "all", SE(k))
b <- svyby(~d, ~sex, ans, svymean)
for (i in seq_len(nrow(b))) {
  add("balance", as.character(b$sex[i]), b$d[i]); add("balance_se", as.character(b$sex[i]), SE(b)[i])
}

# regression on the calibrated poll: minutes ~ sex + age
tight <- glm.control(epsilon = 1e-14, maxit = 100)
g <- svyglm(minutes ~ sex + age, subset(cal, !is.na(minutes)), control = tight)
cf <- summary(g)$coefficients
for (term in rownames(cf)) { add("estimate", term, cf[term, 1]); add("se", term, cf[term, 2]) }
add("df", "", g$df.residual)

write.csv(out, "expected.csv", row.names = FALSE)
