/**
 * Reads an HTTP Retry-After header as a delay in milliseconds: either delta-seconds or an HTTP-date.
 * Fractional seconds are accepted too (not in the standard, but harmless and handy for tests).
 * Undefined when absent or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // HTTP-dates all start with a day name; checking that keeps Date.parse from reading "-1" as a year.
  if (!/^[A-Za-z]{3}\b/.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
