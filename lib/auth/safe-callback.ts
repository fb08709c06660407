/**
 * Where to send someone after sign-in: only a same-origin RELATIVE path is accepted.
 *
 * Browsers treat `//host/x` and `/\host/x` (a backslash is read as a slash) as protocol-relative URLs, and tabs or
 * new lines inside a URL are dropped, so a value that merely "starts with /" can still leave the site. The value is
 * refused when it (or any percent-decoding of it, up to three rounds) is not a single-slash path, holds a
 * backslash or a control character, or resolves to another origin. Anything refused becomes the fallback.
 */
const BASE = "http://gatehouse.invalid";

function looksSafe(s: string): boolean {
  if (!s.startsWith("/")) return false;
  if (s.startsWith("//")) return false;
  if (s.includes("\\")) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) return false;
  return true;
}

export function safeCallbackPath(raw: unknown, fallback = "/dashboard"): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2048) return fallback;
  let s = raw;
  for (let round = 0; round < 4; round++) {
    if (!looksSafe(s)) return fallback;
    let next: string;
    try {
      next = decodeURIComponent(s);
    } catch {
      return fallback; // malformed escapes: not a path we produced
    }
    if (next === s) break;
    s = next;
  }
  let u: URL;
  try {
    u = new URL(raw, BASE);
  } catch {
    return fallback;
  }
  if (u.origin !== BASE) return fallback;
  return `${u.pathname}${u.search}${u.hash}`;
}

/** For next-auth's redirect callback: a relative path or an absolute URL on our own origin; anything else → base. */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  try {
    const base = new URL(baseUrl);
    if (url.startsWith("/")) {
      const p = safeCallbackPath(url, "");
      return p ? `${base.origin}${p}` : baseUrl;
    }
    const u = new URL(url);
    if (u.origin !== base.origin) return baseUrl;
    const p = safeCallbackPath(`${u.pathname}${u.search}${u.hash}`, "");
    return p ? `${base.origin}${p}` : baseUrl;
  } catch {
    return baseUrl;
  }
}
