/**
 * Cross-site request forgery guard for the cookie-authenticated JSON API (/api/v1/*), applied by its one route
 * wrapper (app/api/v1/reviews/respond.ts).
 *
 * SameSite cookies do not help against a page on the same SITE (another port or sub-domain of the same host), and a
 * `text/plain` or form POST is a "simple" request that a browser sends cross-origin without a CORS preflight. So a
 * state-changing request (anything but GET/HEAD/OPTIONS) is accepted only when
 *  - a body, if any, is declared `application/json` (a simple cross-origin request cannot set that type), and
 *  - the browser says the request comes from our own origin: `Origin` equal to the portal's origin (NEXTAUTH_URL's,
 *    or the one the request was addressed to), or, when there is no Origin, `Sec-Fetch-Site: same-origin` or `none`.
 * A request with neither header is refused: every browser that sends cookies sends one of them on such requests.
 * /api/v1 has no bearer tokens (SCIM tokens only open /scim/v2), so there is no cookie-less client to exempt.
 * Pure: returns the reason to refuse, or null.
 */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export type CsrfRefusal = { status: 403 | 415; message: string };

function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.origin === "null" ? null : u.origin;
  } catch {
    return null;
  }
}

/** The origin the request was addressed to, from its Host (a browser sets Host itself; a page cannot forge it). */
export function requestOrigin(req: Request): string | null {
  const host = req.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || req.headers.get("host");
  let proto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  if (!proto) {
    try {
      proto = new URL(req.url).protocol.replace(/:$/, "");
    } catch {
      proto = "http";
    }
  }
  return host ? originOf(`${proto}://${host}`) : originOf(req.url);
}

export function csrfRefusal(req: Request, publicUrl?: string | null): CsrfRefusal | null {
  const method = req.method.toUpperCase();
  if (SAFE_METHODS.has(method)) return null;

  const length = req.headers.get("content-length");
  const hasBody = length !== null ? length !== "0" : req.body !== null || req.headers.has("transfer-encoding");
  if (hasBody) {
    const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") return { status: 415, message: "Send the body as JSON (Content-Type: application/json)." };
  }

  const origin = req.headers.get("origin");
  if (origin !== null) {
    const allowed = new Set([originOf(publicUrl), requestOrigin(req)].filter((o): o is string => Boolean(o)));
    if (origin !== "null" && allowed.has(origin)) return null;
    return { status: 403, message: "Cross-origin request refused." };
  }
  const site = req.headers.get("sec-fetch-site");
  if (site === "same-origin" || site === "none") return null;
  return { status: 403, message: "Cross-origin request refused (no Origin header)." };
}
