# lme4 on the scale benchmark's data (bench/parquet-lme4.ts writes the CSV): read with read.csv,
# fit lmer(formula, REML = FALSE), print one JSON line with the seconds of each step.
#   Rscript bench/lme4-scale.R data.csv "y ~ x + (x | g)"
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
t0 <- proc.time()[["elapsed"]]
d <- read.csv(args[1])
d$g <- factor(d$g)
t1 <- proc.time()[["elapsed"]]
m <- lmer(as.formula(args[2]), data = d, REML = FALSE)
t2 <- proc.time()[["elapsed"]]
cat(toJSON(list(read_seconds = t1 - t0, fit_seconds = t2 - t1, objective = unname(deviance(m)),
                theta = unname(getME(m, "theta")), fixef = unname(fixef(m))), digits = NA, auto_unbox = TRUE), "\n")
