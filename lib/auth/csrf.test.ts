import { describe, expect, it } from "vitest";
import { csrfRefusal } from "./csrf";

const PORTAL = "http://gatehouse.test:3000";
const req = (method: string, headers: Record<string, string>, body?: string) =>
  new Request(`${PORTAL}/api/v1/reviews/1/decisions`, { method, headers: { host: "gatehouse.test:3000", ...headers }, body });

describe("csrfRefusal (/api/v1 state-changing requests)", () => {
  const json = JSON.stringify({ itemId: "x", decision: "revoke" });

  it("lets reads through whatever their origin", () => {
    expect(csrfRefusal(req("GET", { origin: "http://gatehouse.test:4000" }), PORTAL)).toBeNull();
    expect(csrfRefusal(req("HEAD", {}), PORTAL)).toBeNull();
  });

  it("accepts a same-origin JSON POST (Origin = portal, or Sec-Fetch-Site same-origin)", () => {
    expect(csrfRefusal(req("POST", { origin: PORTAL, "content-type": "application/json" }, json), PORTAL)).toBeNull();
    expect(csrfRefusal(req("POST", { origin: PORTAL, "content-type": "application/json; charset=utf-8" }, json), PORTAL)).toBeNull();
    expect(csrfRefusal(req("POST", { "sec-fetch-site": "same-origin", "content-type": "application/json" }, json), PORTAL)).toBeNull();
    // A bodiless action (launch, close) from our own page.
    expect(csrfRefusal(req("POST", { origin: PORTAL }), PORTAL)).toBeNull();
  });

  it("accepts the origin the request was addressed to when NEXTAUTH_URL is unset or differs (proxy)", () => {
    expect(csrfRefusal(req("POST", { origin: "http://gatehouse.test:3000", "content-type": "application/json" }, json), undefined)).toBeNull();
    const proxied = new Request("http://127.0.0.1:3000/api/v1/reviews", {
      method: "POST",
      headers: { host: "127.0.0.1:3000", "x-forwarded-host": "portal.example.com", "x-forwarded-proto": "https", origin: "https://portal.example.com", "content-type": "application/json" },
      body: json,
    });
    expect(csrfRefusal(proxied, undefined)).toBeNull();
  });

  it("refuses a text/plain body (the simple request a cross-site form or fetch can send) even from our origin", () => {
    expect(csrfRefusal(req("POST", { origin: PORTAL, "content-type": "text/plain" }, json), PORTAL)).toMatchObject({ status: 415 });
    expect(csrfRefusal(req("POST", { origin: PORTAL, "content-type": "application/x-www-form-urlencoded" }, "a=b"), PORTAL)).toMatchObject({ status: 415 });
    expect(csrfRefusal(req("PATCH", { origin: PORTAL }, json), PORTAL)).toMatchObject({ status: 415 });
  });

  it("refuses another origin of the same site (other port, sub-domain, scheme) and opaque origins", () => {
    for (const origin of ["http://gatehouse.test:4000", "http://evil.gatehouse.test:3000", "https://gatehouse.test:3000", "null"]) {
      expect(csrfRefusal(req("POST", { origin, "content-type": "application/json" }, json), PORTAL)).toMatchObject({ status: 403 });
    }
    expect(csrfRefusal(req("POST", { origin: "http://gatehouse.test:4000" }), PORTAL)).toMatchObject({ status: 403 });
    expect(csrfRefusal(req("DELETE", { origin: "http://gatehouse.test:4000" }), PORTAL)).toMatchObject({ status: 403 });
  });

  it("refuses without Origin unless Sec-Fetch-Site says same-origin or none", () => {
    expect(csrfRefusal(req("POST", { "content-type": "application/json" }, json), PORTAL)).toMatchObject({ status: 403 });
    expect(csrfRefusal(req("POST", { "sec-fetch-site": "same-site", "content-type": "application/json" }, json), PORTAL)).toMatchObject({ status: 403 });
    expect(csrfRefusal(req("POST", { "sec-fetch-site": "cross-site", "content-type": "application/json" }, json), PORTAL)).toMatchObject({ status: 403 });
    expect(csrfRefusal(req("POST", { "sec-fetch-site": "none", "content-type": "application/json" }, json), PORTAL)).toBeNull();
  });
});

describe("every /api/v1 handler goes through the guarded wrapper", () => {
  it("each exported handler calls respond(req, …)", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const path = await import("node:path");
    const root = path.resolve(__dirname, "../../app/api/v1");
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith("route.ts"));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const src = readFileSync(path.join(root, f), "utf8");
      const handlers = [...src.matchAll(/export async function (GET|POST|PUT|PATCH|DELETE)\b/g)].length;
      const wrapped = [...src.matchAll(/return respond\(req, /g)].length;
      expect({ f, wrapped }).toEqual({ f, wrapped: handlers });
    }
  });

  it("the decisions route refuses a text/plain body and a same-site page on another port before touching the session", async () => {
    const { POST } = await import("@/app/api/v1/reviews/[id]/decisions/route");
    const params = { params: Promise.resolve({ id: "00000000-0000-4000-8000-000000000001" }) };
    const body = JSON.stringify({ itemId: "00000000-0000-4000-8000-000000000002", decision: "revoke" });
    const plain = await POST(req("POST", { origin: PORTAL, "content-type": "text/plain" }, body), params);
    expect(plain.status).toBe(415);
    const otherPort = await POST(req("POST", { origin: "http://gatehouse.test:4000", "content-type": "application/json" }, body), params);
    expect(otherPort.status).toBe(403);
    expect(((await otherPort.json()) as { error: string }).error).toMatch(/Cross-origin/);
  });
});
