/**
 * Strict readings of untrusted text, shared by every entry point (pages, route handlers, server
 * actions, SCIM, HR webhook and imports). Pure.
 *
 * - Text: no NUL (PostgreSQL refuses U+0000 in text and jsonb) and no lone UTF-16 surrogates
 *   (not encodable as UTF-8: the driver would fail or silently replace them). Refused, not stripped,
 *   so what is stored is exactly what was sent.
 * - Dates: `YYYY-MM-DD` that exists on the calendar (2026-02-30 is refused, never rolled over to
 *   March 2) with a year from 0001 to 9999; date-times are RFC 3339 (`2026-03-01T10:00:00Z`,
 *   fractions and offsets allowed) with the same calendar and range checks (hour ≤ 23,
 *   minute/second ≤ 59). Both round-trip through the calendar, O(length).
 */

const NUL = "\u0000";
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSAFE_TEXT_MESSAGE = "must not contain NUL characters or invalid Unicode (lone surrogates)";

/** True when the string can be stored as PostgreSQL text: no NUL, no lone surrogate. */
export function isSafeText(s: string): boolean {
  return !s.includes(NUL) && !LONE_SURROGATE.test(s);
}

/**
 * The path of the first string (value or object key) in a JSON-like value that is not safe text,
 * e.g. `events.0.person.givenName`, or null. Depth-limited (deeper structures count as unsafe).
 */
export function firstUnsafeText(value: unknown, path: string[] = [], depth = 0): string | null {
  const here = () => path.join(".") || "(value)";
  if (depth > 64) return here();
  if (typeof value === "string") return isSafeText(value) ? null : here();
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = firstUnsafeText(value[i], [...path, String(i)], depth + 1);
      if (p) return p;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (!isSafeText(k)) return [...path, "(key)"].join(".");
      const p = firstUnsafeText(v, [...path, k], depth + 1);
      if (p) return p;
    }
  }
  return null;
}

function validDay(y: number, m: number, d: number): boolean {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const dt = new Date(0);
  dt.setUTCFullYear(y, m - 1, d); // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** `YYYY-MM-DD` that exists (0001-01-01 … 9999-12-31), else null. */
export function parseIsoDate(s: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m || !validDay(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
  return s;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-](\d{2}):?(\d{2}))?$/;

/**
 * An RFC 3339 / xsd:dateTime (a missing offset means UTC; seconds optional), as a Date, else null.
 * Leap seconds (:60) are refused: PostgreSQL and JavaScript would move them to the next minute.
 */
export function parseIsoDateTime(s: string): Date | null {
  const m = DATE_TIME.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  if (!validDay(y, mo, d) || h > 23 || mi > 59 || sec > 59) return null;
  if (m[8] && !/^[Zz]$/.test(m[8]) && (Number(m[9]) > 23 || Number(m[10]) > 59)) return null;
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo - 1, d);
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  dt.setUTCHours(h, mi, sec, ms);
  if (m[8] && !/^[Zz]$/.test(m[8])) {
    const sign = m[8][0] === "-" ? -1 : 1;
    dt.setTime(dt.getTime() - sign * (Number(m[9]) * 60 + Number(m[10])) * 60_000);
  }
  return Number.isNaN(dt.getTime()) ? null : dt;
}

/** A calendar day (the end of that day is the caller's choice) or a full date-time, as a Date; else null. */
export function parseDateOrDateTime(s: string, dayTime = "T00:00:00Z"): Date | null {
  const day = parseIsoDate(s);
  if (day) return parseIsoDateTime(`${day}${dayTime}`);
  return parseIsoDateTime(s);
}
