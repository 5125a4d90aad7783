/**
 * Whether an array of doubles can be allocated at all, checked before asking for it, so that a
 * model too big for memory fails at once with the size it would need, not with V8's "Invalid typed
 * array length" after seconds of work, or an out-of-memory kill after minutes.
 *
 * The limit is V8's largest ArrayBuffer in Node 20 (buffer.constants.MAX_LENGTH = 2³² bytes, 4 GiB,
 * i.e. 2²⁹ doubles); one allocation beyond it cannot succeed on any machine.
 */
export const MAX_ARRAY_BYTES = 2 ** 32;

/** Bytes as "80.0 GB", "512 MB". */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "kB", "MB", "GB", "TB", "PB"];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) (v /= 1000), u++;
  return u === 0 ? `${v} bytes` : `${v.toPrecision(3)} ${units[u]}`;
}

/** Thousands separated, as "200,000". */
export const formatCount = (n: number): string => Math.round(n).toLocaleString("en-US");

/**
 * The problem with an array of `doubles` 8-byte values (what it is, in words), or null when it
 * can be allocated.
 */
export function tooLarge(what: string, doubles: number): string | null {
  const bytes = doubles * 8;
  if (bytes <= MAX_ARRAY_BYTES) return null;
  return `${what} would need ${formatBytes(bytes)}, more than the ${formatBytes(MAX_ARRAY_BYTES)} one array can hold`;
}
