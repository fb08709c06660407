/** Journey: an operator (or a load balancer) checks the portal's health endpoint. */
import { expect, test } from "./fixtures";

test("GET /api/health reports the database up and the seeded counts", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("application/json");
  const body = (await res.json()) as { status: string; database: { status: string; driver?: string }; counts: Record<string, number> };
  expect(body.status).toBe("ok");
  expect(body.database.status).toBe("ok");
  expect(body.database.driver).toBe("pglite");
  expect(body.counts.people).toBeGreaterThan(0);
  expect(body.counts.applications).toBeGreaterThan(0);
  expect(body.counts.grants).toBeGreaterThan(0);
  // The endpoint is public: it must not carry personal data.
  expect(JSON.stringify(body)).not.toMatch(/@/);
});
