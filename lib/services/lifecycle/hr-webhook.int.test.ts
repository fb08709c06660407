import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { people } from "@/db/schema";
import { pgliteTestDb, type TestDb } from "@/lib/testing/test-db";
import { handleHrWebhook } from "./hr-webhook";

const secret = "s3cret-s3cret-s3cret";
const now = new Date("2026-11-22T10:00:00Z");
const ts = String(Math.floor(now.getTime() / 1000));
const sign = (body: string, t = ts, key = secret) => `sha256=${createHmac("sha256", key).update(`${t}.${body}`).digest("hex")}`;
const body = JSON.stringify({ events: [{ person: { employeeId: "W1", givenName: "Wen", familyName: "Hook", email: "wen@x.test", department: "Sales", title: "AE" } }] });

describe("HR webhook", () => {
  let t: TestDb;
  let db: Db;
  const count = async () => Number((await db.select({ n: sql<number>`count(*)::int` }).from(people))[0].n);
  beforeAll(async () => {
    t = await pgliteTestDb();
    db = t.db as Db;
  });
  afterAll(async () => t?.close());

  it.each([
    ["no signature", { signature: null }, 401],
    ["forged signature", { signature: sign(body, ts, "wrong-key-wrong-key") }, 401],
    ["stale timestamp", { timestamp: String(Number(ts) - 3600), signature: sign(body, String(Number(ts) - 3600)) }, 401],
    ["body altered after signing", { body: body.replace("Wen", "Eve") }, 401],
    ["missing idempotency key", { idempotencyKey: null }, 400],
  ])("%s → %i and nothing changes", async (_n, over, status) => {
    const req = { body, timestamp: ts, signature: sign(body), idempotencyKey: "evt-0001", ...over };
    const a = await handleHrWebhook(db, req as never, secret, now);
    expect(a.status).toBe(status);
    expect(await count()).toBe(0);
  });

  it("malformed JSON and invalid fields are 400 and change nothing", async () => {
    const bad = '{"events":[{"person":{"employeeId":"W1"}}]}';
    expect((await handleHrWebhook(db, { body: "{", timestamp: ts, signature: sign("{"), idempotencyKey: "evt-0002" }, secret, now)).status).toBe(400);
    const a = await handleHrWebhook(db, { body: bad, timestamp: ts, signature: sign(bad), idempotencyKey: "evt-0003" }, secret, now);
    expect(a.status).toBe(400);
    expect(await count()).toBe(0);
  });

  it("an oversized payload is refused", async () => {
    const big = "x".repeat(1_100_000);
    expect((await handleHrWebhook(db, { body: big, timestamp: ts, signature: sign(big), idempotencyKey: "evt-0004" }, secret, now)).status).toBe(413);
  });

  it("a signed event is applied once; the replay is 409 and changes nothing", async () => {
    const a = await handleHrWebhook(db, { body, timestamp: ts, signature: sign(body), idempotencyKey: "evt-1000" }, secret, now);
    expect(a.status).toBe(202);
    expect(a.body.events).toEqual([expect.objectContaining({ employeeId: "W1", kind: "joiner" })]);
    const [w] = await db.select().from(people).where(eq(people.employeeId, "W1"));
    expect(w.status).toBe("active");
    const changed = body.replace('"AE"', '"Manager"');
    const b = await handleHrWebhook(db, { body: changed, timestamp: ts, signature: sign(changed), idempotencyKey: "evt-1000" }, secret, now);
    expect(b.status).toBe(409);
    const [w2] = await db.select().from(people).where(eq(people.employeeId, "W1"));
    expect(w2.title).toBe("AE");
  });

  it("is off without a configured secret", async () => {
    expect((await handleHrWebhook(db, { body, timestamp: ts, signature: sign(body), idempotencyKey: "evt-2000" }, undefined, now)).status).toBe(503);
  });
});
