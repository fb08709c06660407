/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and data files it locates at run time: bundling it breaks that.
  serverExternalPackages: ["@electric-sql/pglite", "pg-boss", "ldapts", "postgres", "scimmy"],
  // A separate build folder lets a second checkout-local build run beside the main one (benchmarks, smoke tests).
  distDir: process.env.GATEHOUSE_NEXT_DIST || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  // forbidden() answers refusals with HTTP 403 and app/forbidden.tsx.
  experimental: { authInterrupts: true },
  typescript: { ignoreBuildErrors: process.env.GATEHOUSE_SKIP_TYPECHECK === "1" },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
