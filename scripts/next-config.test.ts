import { describe, expect, it } from "vitest";
// @ts-expect-error next.config.js is plain JavaScript without declarations
import nextConfig, { securityHeaders } from "../next.config.js";

type Header = { key: string; value: string };
const byKey = (hs: Header[]) => Object.fromEntries(hs.map((h) => [h.key, h.value]));

describe("security headers (next.config.js)", () => {
  it("production over HTTPS: CSP without unsafe-eval, no framing, HSTS, and the rest", () => {
    const h = byKey(securityHeaders({ NODE_ENV: "production", NEXTAUTH_URL: "https://gatehouse.example.com" }));
    const csp = h["Content-Security-Policy"]!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self' 'unsafe-inline'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/ws:/);
    expect(h["X-Content-Type-Options"]).toBe("nosniff");
    expect(h["Referrer-Policy"]).toBe("same-origin");
    expect(h["Permissions-Policy"]).toMatch(/camera=\(\)/);
    expect(h["Strict-Transport-Security"]).toMatch(/^max-age=\d{7,}/);
  });

  it("no HSTS over plain HTTP (or when the URL is unknown)", () => {
    expect(byKey(securityHeaders({ NODE_ENV: "production", NEXTAUTH_URL: "http://localhost:3000" }))["Strict-Transport-Security"]).toBeUndefined();
    expect(byKey(securityHeaders({ NODE_ENV: "production" }))["Strict-Transport-Security"]).toBeUndefined();
  });

  it("the dev server may eval and open its websocket", () => {
    const csp = byKey(securityHeaders({ NODE_ENV: "development" }))["Content-Security-Policy"]!;
    expect(csp).toContain("'unsafe-eval'");
    expect(csp).toContain("ws:");
  });

  it("the config applies them to every path", async () => {
    const rules = (await (nextConfig as { headers: () => Promise<Array<{ source: string; headers: Header[] }>> }).headers());
    expect(rules).toHaveLength(1);
    expect(rules[0]!.source).toBe("/:path*");
    expect(Object.keys(byKey(rules[0]!.headers))).toEqual(expect.arrayContaining(["Content-Security-Policy", "Permissions-Policy", "X-Content-Type-Options", "Referrer-Policy"]));
  });
});
