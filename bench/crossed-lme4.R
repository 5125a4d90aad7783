# lme4's side of the crossed bench rows (issue 16): one ML fit of y ~ x + (1 | g1) + (1 | g2) on the
# rows bench/crossed-data.ts generates (written as CSV by `node dist/bench/crossed-data.js L1 L2 N f.csv`),
# timed with system.time around lmer() alone (reading the CSV is not timed). Run capped at 30 min:
#   timeout 1800 nice -n 10 Rscript bench/crossed-lme4.R f.csv ID out.json
# The JSON it writes (elapsed and CPU seconds, objective, θ, β, date, load average) is copied into
# bench/results.json by hand together with the date; a run the timeout killed writes nothing, and
# the row then says "not finished in 30 min".
suppressPackageStartupMessages({ library(lme4); library(data.table); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
d <- fread(args[1], colClasses = c("numeric", "numeric", "character", "character"))
d[, g1 := factor(g1)][, g2 := factor(g2)]
load0 <- readLines("/proc/loadavg")
tm <- system.time(m <- lmer(y ~ x + (1 | g1) + (1 | g2), data = d, REML = FALSE))
out <- list(id = args[2], nobs = nrow(d), levels = c(nlevels(d$g1), nlevels(d$g2)),
            elapsed_seconds = unname(tm["elapsed"]), cpu_seconds = unname(tm["user.self"] + tm["sys.self"]),
            objective = unname(deviance(m)), theta = unname(getME(m, "theta")), beta = unname(fixef(m)),
            sigma = sigma(m), feval = m@optinfo$feval, lme4 = as.character(packageVersion("lme4")),
            date = format(Sys.time(), "%Y-%m-%d %H:%M UTC", tz = "UTC"), loadavg_start = load0,
            loadavg_end = readLines("/proc/loadavg"))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), args[3])
