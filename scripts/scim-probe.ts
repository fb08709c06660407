/**
 * A fresh Gatehouse inbound SCIM endpoint for outside conformance suites (scripts/scim-conformance.sh).
 *
 * Opens an in-memory PGlite (or a new data dir with --data DIR), applies the migrations, creates a SCIM
 * token, and serves the same handler as app/scim/v2 (lib/services/scim-inbound/http.ts) on 127.0.0.1.
 * Prints one JSON line `{"url":"http://127.0.0.1:<port>/scim/v2","token":"ghscim_…"}` once ready and
 * runs until killed (SIGTERM/SIGINT close the database).
 *
 *   node --import tsx scripts/scim-probe.ts [--port N] [--data DIR] [--log]   (--log: one stderr line per request)
 *
 * Only for local testing: the token is printed, the database is throw-away.
 */
import http from "node:http";
import type { Actor } from "@/lib/auth/can";

const args = process.argv.slice(2);
const flag = (n: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : undefined;
};

async function main() {
  const { migrate, openDb } = await import("@/db/client");
  const { createScimToken } = await import("@/lib/services/scim-inbound/tokens");
  const { handleScimRequest } = await import("@/lib/services/scim-inbound/http");
  const { freePort } = await import("@/lib/testing/free-port");

  const h = await openDb({ url: null, pgliteDir: flag("data") ?? "memory" });
  await migrate(h);
  const admin: Actor = { personId: "system:scim-probe", name: "SCIM probe", email: "", roles: ["employee", "admin"], ownedApplicationIds: [] };
  const { token } = await createScimToken({ ctx: { db: h.db, actor: admin }, input: { name: "conformance" } });
  const port = Number(flag("port") ?? (await freePort()));

  const server = http.createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const url = `http://${req.headers.host ?? `127.0.0.1:${port}`}${req.url ?? "/"}`;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const method = (req.method ?? "GET").toUpperCase();
      const request = new Request(url, { method, headers, body: chunks.length && method !== "GET" && method !== "HEAD" ? Buffer.concat(chunks) : undefined });
      const pathname = new URL(url).pathname;
      const i = pathname.toLowerCase().indexOf("/scim/v2");
      const rest = i < 0 ? null : pathname.slice(i + "/scim/v2".length).split("/").filter(Boolean).map(decodeURIComponent);
      const response = rest === null
        ? new Response("not found", { status: 404 })
        : await handleScimRequest(async () => h.db, request, { endpoint: "other", rest });
      res.statusCode = response.status;
      response.headers.forEach((v, k) => res.setHeader(k, v));
      res.end(Buffer.from(await response.arrayBuffer()));
      if (args.includes("--log")) console.error(`${method} ${req.url} → ${response.status}`);
    } catch (e) {
      res.statusCode = 500;
      res.end(String(e));
    }
  });
  server.listen(port, "127.0.0.1", () => {
    console.log(JSON.stringify({ url: `http://127.0.0.1:${port}/scim/v2`, token }));
  });
  const stop = async () => {
    server.close();
    await h.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
