/**
 * Test helper: what a CLI command writes to stdout and stderr, by spying on both streams (restore
 * with vi.restoreAllMocks()). A write's callback is called, as the CLI waits on it to drain.
 */
import { vi } from "vitest";

export function captureOutput(): { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation(((s: string | Uint8Array, cb?: () => void) => {
    out += String(s);
    if (typeof cb === "function") cb();
    return true;
  }) as typeof process.stdout.write);
  vi.spyOn(process.stderr, "write").mockImplementation(((s: string | Uint8Array, cb?: () => void) => {
    err += String(s);
    if (typeof cb === "function") cb();
    return true;
  }) as typeof process.stderr.write);
  return { out: () => out, err: () => err };
}
