/**
 * Progress reporting for long computations (a fit, a profile, a bootstrap).
 *
 * Library code never writes to the terminal itself: it calls an `onProgress(event)` callback the
 * caller passed. The CLI makes that callback with `progressReporter()`, which shows one
 * self-overwriting status line on stderr — only when stderr is a TTY, never with --json, and only
 * once the computation has run longer than `delayMs` (about a second), so quick fits stay silent.
 * Asked for explicitly (the CLI's --progress, `enabled: true`) it also reports off a terminal: then
 * as whole lines ("fitting: evaluations 40, objective 1751.94\n"), at most one every `intervalMs`,
 * since a log file or a pipe has no carriage return to overwrite with.
 */

/** One report from a running computation. */
export type ProgressEvent =
  | {
      kind: "fit";
      /** Objective evaluations so far and the current (best) objective value. */
      evaluations: number;
      objective: number;
    }
  | {
      kind: "profile";
      /** The parameter being profiled (`.sig01`, `.sigma`, `(Intercept)`), its index and the
       *  number of parameters, and the number of deviance optimisations so far. */
      parameter: string;
      index: number;
      count: number;
      evaluations: number;
    }
  | {
      kind: "bootstrap";
      /** Replicate k (1-based, finished) of n. */
      replicate: number;
      total: number;
    };

export type OnProgress = (event: ProgressEvent) => void;

/** A writable text stream as much as the reporter needs of it (process.stderr fits). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressReporterOptions {
  /** Where to write; process.stderr by default. */
  stream?: ProgressStream;
  /** True when the command prints JSON: then nothing is shown. */
  json?: boolean;
  /** Force on/off regardless of whether the stream is a TTY (tests use this). */
  enabled?: boolean;
  /** Show nothing until this many milliseconds have passed since the reporter was made. */
  delayMs?: number;
  /** Redraw at most this often (ms). */
  intervalMs?: number;
  /** A clock in milliseconds (tests pass a fake one). */
  now?: () => number;
  /** Words put before every line, e.g. "fitting". */
  label?: string;
  /** One line per report instead of a status line redrawn in place; default: when the stream is
   *  not a TTY. */
  lines?: boolean;
}

/** The callback to hand to the computation, plus `done()` to erase the status line at the end. */
export interface ProgressReporter {
  onProgress: OnProgress;
  done(): void;
  /** Whether anything has been written so far. */
  readonly shown: boolean;
}

/** Seconds as `12s`, `3m05s` or `1h02m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/**
 * The text of one status line. `elapsedSeconds` lets the bootstrap line estimate the time left by
 * assuming the remaining replicates take as long on average as the finished ones.
 */
export function describeProgress(event: ProgressEvent, elapsedSeconds: number): string {
  switch (event.kind) {
    case "fit":
      return `evaluations ${event.evaluations}, objective ${formatObjective(event.objective)}`;
    case "profile":
      return (
        `profiling ${event.parameter} (${event.index} of ${event.count}), ` +
        `${event.evaluations} optimisations`
      );
    case "bootstrap": {
      const left =
        event.replicate > 0
          ? (elapsedSeconds / event.replicate) * (event.total - event.replicate)
          : Number.NaN;
      return (
        `bootstrap replicate ${event.replicate} of ${event.total}` +
        (event.replicate > 0 ? `, about ${formatDuration(left)} left` : "")
      );
    }
  }
}

function formatObjective(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(8).replace(/\.?0+$/, "") : String(x);
}

/** Whether a reporter built with these options writes at all. */
export function progressEnabled(options: ProgressReporterOptions = {}): boolean {
  if (options.json) return false;
  if (options.enabled !== undefined) return options.enabled;
  const stream = options.stream ?? process.stderr;
  return stream.isTTY === true;
}

/** Make a reporter; see the file comment for when it writes. */
export function progressReporter(options: ProgressReporterOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const enabled = progressEnabled(options);
  const now = options.now ?? (() => Date.now());
  const delayMs = options.delayMs ?? 1000;
  const intervalMs = options.intervalMs ?? 100;
  const start = now();
  let lastDraw = -Infinity;
  let width = 0;
  let shown = false;
  const prefix = options.label ? `${options.label}: ` : "";
  const lines = options.lines ?? stream.isTTY !== true;

  const onProgress: OnProgress = (event) => {
    if (!enabled) return;
    const t = now();
    if (t - start < delayMs || t - lastDraw < intervalMs) return;
    lastDraw = t;
    let line = prefix + describeProgress(event, (t - start) / 1000);
    shown = true;
    if (lines) {
      stream.write(line + "\n");
      return;
    }
    const max = (stream.columns ?? 80) - 1;
    if (line.length > max) line = line.slice(0, max);
    // "\r" + padding overwrites the previous, possibly longer, line in place.
    stream.write("\r" + line.padEnd(width));
    width = line.length;
    shown = true;
  };

  return {
    onProgress,
    done() {
      if (shown && !lines) stream.write("\r" + " ".repeat(width) + "\r");
      width = 0;
    },
    get shown() {
      return shown;
    },
  };
}
