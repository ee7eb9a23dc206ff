# Cohen's kappa (unweighted) with psych::cohen.kappa (Debian r-cran-psych).
# Writes expected_kappa.csv: data set, what, value (17 significant digits).
library(psych)
out <- data.frame(data = character(), what = character(), value = character())
single <- read.csv("single.csv", stringsAsFactors = FALSE)
k <- cohen.kappa(cbind(single$first, single$second))$kappa
out[nrow(out) + 1, ] <- c("single", "kappa", sprintf("%.17g", k))
multi <- read.csv("multi.csv", stringsAsFactors = FALSE)
has <- function(sets, code) as.integer(sapply(strsplit(sets, ";"), function(s) code %in% s))
for (code in c("a", "b", "c", "d", "e")) {
  k <- cohen.kappa(cbind(has(multi$first, code), has(multi$second, code)))$kappa
  out[nrow(out) + 1, ] <- c("multi", paste("kappa", code), sprintf("%.17g", k))
}
write.csv(out, "expected_kappa.csv", row.names = FALSE, quote = FALSE)
