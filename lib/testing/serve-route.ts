/**
 * Serve Next route handlers (Web `Request` → `Response` functions) on 127.0.0.1 at a free port, for tests and
 * benchmarks that drive a route with a real HTTP client. Only what route handlers need: method, URL, headers, body.
 */
import http from "node:http";
import { freePort } from "./free-port";

type Handler = (req: Request) => Promise<Response>;

export async function serveRoute(handlers: Partial<Record<"GET" | "POST" | "DELETE", Handler>>): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const server = http.createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
      const body = chunks.length && req.method !== "GET" && req.method !== "HEAD" ? Buffer.concat(chunks) : undefined;
      const handler = handlers[(req.method ?? "GET") as "GET"];
      const response = handler
        ? await handler(new Request(`http://127.0.0.1:${port}${req.url}`, { method: req.method, headers, body }))
        : new Response("method not allowed", { status: 405 });
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (e) {
      res.writeHead(500);
      res.end(String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
