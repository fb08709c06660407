/**
 * Security headers for every response (pure, exported for the unit test scripts/next-config.test.ts).
 * CSP: Next's App Router inlines its bootstrap scripts without nonces, so scripts and styles allow 'self' and
 * 'unsafe-inline'; 'unsafe-eval' (and the dev server's websocket) only outside production. No framing at all.
 * HSTS only when the portal is served over HTTPS (NEXTAUTH_URL), or a plain-HTTP demo would be pinned to HTTPS.
 * @param {{ NODE_ENV?: string, NEXTAUTH_URL?: string }} e
 */
export function securityHeaders(e) {
  const dev = e.NODE_ENV !== "production";
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const headers = [
    { key: "Content-Security-Policy", value: csp },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Referrer-Policy", value: "same-origin" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()" },
    { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  ];
  if ((e.NEXTAUTH_URL ?? "").toLowerCase().startsWith("https://")) {
    headers.push({ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" });
  }
  return headers;
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and data files it locates at run time: bundling it breaks that.
  serverExternalPackages: ["@electric-sql/pglite", "pg-boss", "ldapts", "postgres", "scimmy", "nodemailer", "pdfkit"],
  // A separate build folder lets a second checkout-local build run beside the main one (benchmarks, smoke tests).
  distDir: process.env.GATEHOUSE_NEXT_DIST || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  // forbidden() answers refusals with HTTP 403 and app/forbidden.tsx.
  experimental: { authInterrupts: true },
  typescript: { ignoreBuildErrors: process.env.GATEHOUSE_SKIP_TYPECHECK === "1" },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders({ NODE_ENV: process.env.NODE_ENV, NEXTAUTH_URL: process.env.NEXTAUTH_URL }) }];
  },
};

export default nextConfig;
