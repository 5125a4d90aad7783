import { expect, test } from "vitest";
import { describeProgress, formatDuration, progressEnabled, progressReporter, type ProgressStream } from "../../src/result/progress.js";

function fakeStream(isTTY: boolean): ProgressStream & { text: string } {
  const s = { text: "", isTTY, columns: 80, write: (t: string) => ((s.text += t), true) };
  return s;
}

test("silent for the first second, then one self-overwriting line", () => {
  let now = 0;
  const stream = fakeStream(true);
  const r = progressReporter({ stream, now: () => now });
  r.onProgress({ kind: "fit", evaluations: 10, objective: 1751.9393444 });
  expect(stream.text).toBe("");
  now = 1500;
  r.onProgress({ kind: "fit", evaluations: 120, objective: 1751.9393444 });
  expect(stream.text).toBe("\revaluations 120, objective 1751.9393");
  now = 1550; // throttled: within 100 ms of the last line
  r.onProgress({ kind: "fit", evaluations: 121, objective: 1751.9 });
  expect(stream.text).toBe("\revaluations 120, objective 1751.9393");
  r.done();
  expect(stream.text.endsWith("\r" + " ".repeat(36) + "\r")).toBe(true);
});

test("silent when stderr is not a TTY or with --json", () => {
  expect(progressEnabled({ stream: fakeStream(false) })).toBe(false);
  expect(progressEnabled({ stream: fakeStream(true), json: true })).toBe(false);
  expect(progressEnabled({ stream: fakeStream(true) })).toBe(true);
  let now = 0;
  const stream = fakeStream(false);
  const r = progressReporter({ stream, now: () => now });
  now = 5000;
  r.onProgress({ kind: "bootstrap", replicate: 3, total: 10 });
  expect(stream.text).toBe("");
  expect(r.shown).toBe(false);
});

test("bootstrap: replicate k of n and the time left at the mean pace", () => {
  expect(describeProgress({ kind: "bootstrap", replicate: 20, total: 100 }, 10)).toBe("bootstrap replicate 20 of 100, about 40s left");
  expect(describeProgress({ kind: "profile", parameter: ".sig01", index: 1, count: 6, evaluations: 12 }, 3)).toBe(
    "profiling .sig01 (1 of 6), 12 optimisations",
  );
  expect(formatDuration(185)).toBe("3m05s");
  expect(formatDuration(3720)).toBe("1h02m");
});
