## The repeated-measures case of `npm run bench` (bench/bench.ts): 2,000 subjects × 8 visits,
## one measurement per visit, subject effects AR(1) across visits (sd 1.5, rho 0.6) plus residual
## noise (sigma 0.7). Writes bench/data/ar1_visits.csv and bench/data/ar1_visits.json with
## glmmTMB's fit of y ~ visit + ar1(0 + visit | subject) by ML (its estimates, and the median of
## 3 timed fits, formula processing included). Run from the repository root:
##   Rscript bench/make-ar1.R
suppressPackageStartupMessages({ library(glmmTMB); library(jsonlite) })
set.seed(20261208)
nsub <- 2000; nvis <- 8; rho <- 0.6; s <- 1.5; sigma <- 0.7
b <- matrix(0, nsub, nvis)
b[, 1] <- rnorm(nsub, 0, s)
for (t in 2:nvis) b[, t] <- rho * b[, t - 1] + s * sqrt(1 - rho^2) * rnorm(nsub)
d <- data.frame(subject = sprintf("s%04d", rep(seq_len(nsub), each = nvis)),
                visit = sprintf("v%d", rep(seq_len(nvis), nsub)))
d$y <- round(10 + 0.3 * rep(seq_len(nvis) - 1, nsub) + as.vector(t(b)) + rnorm(nrow(d), 0, sigma), 4)
write.csv(d, "bench/data/ar1_visits.csv", row.names = FALSE)
d$visit <- factor(d$visit); d$subject <- factor(d$subject)
f <- y ~ visit + ar1(0 + visit | subject)
times <- numeric(3)
for (k in 1:3) times[k] <- system.time(m <- glmmTMB(f, d, REML = FALSE))[["elapsed"]]
vc <- VarCorr(m)$cond$subject
out <- list(
  id = "ar1_visits_ml", data = "ar1_visits.csv", formula = "y ~ visit + ar1(0 + visit | subject)",
  REML = FALSE, nobs = nrow(d), reference = paste("glmmTMB", packageVersion("glmmTMB")),
  logLik = as.numeric(logLik(m)), fixef = as.list(fixef(m)$cond),
  sd = unname(attr(vc, "stddev")[1]), rho = unname(attr(vc, "correlation")[2, 1]), sigma = sigma(m),
  glmmTMB_fit_seconds = times, glmmTMB_fit_seconds_median = median(times),
  R = R.version.string, note = "timed on the 2-core development machine under load from other sessions")
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "bench/data/ar1_visits.json")
