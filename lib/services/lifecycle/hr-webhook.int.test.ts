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
// The signed form binds the Idempotency-Key: "<timestamp>.<key>.<body>".
const sign = (body: string, t = ts, key = secret, idem = "evt-0001") => `sha256=${createHmac("sha256", key).update(`${t}.${idem}.${body}`).digest("hex")}`;
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
    ["signed under another idempotency key", { idempotencyKey: "evt-0009" }, 401],
    ["body altered after signing", { body: body.replace("Wen", "Eve") }, 401],
    ["missing idempotency key", { idempotencyKey: null }, 401],
  ])("%s → %i and nothing changes", async (_n, over, status) => {
    const req = { body, timestamp: ts, signature: sign(body), idempotencyKey: "evt-0001", ...over };
    const a = await handleHrWebhook(db, req as never, secret, now);
    expect(a.status).toBe(status);
    expect(await count()).toBe(0);
  });

  it("malformed JSON and invalid fields are 400 and change nothing", async () => {
    const bad = '{"events":[{"person":{"employeeId":"W1"}}]}';
    expect((await handleHrWebhook(db, { body: "{", timestamp: ts, signature: sign("{", ts, secret, "evt-0002"), idempotencyKey: "evt-0002" }, secret, now)).status).toBe(400);
    const a = await handleHrWebhook(db, { body: bad, timestamp: ts, signature: sign(bad, ts, secret, "evt-0003"), idempotencyKey: "evt-0003" }, secret, now);
    expect(a.status).toBe(400);
    expect(await count()).toBe(0);
  });

  it("an oversized payload is refused", async () => {
    const big = "x".repeat(1_100_000);
    expect((await handleHrWebhook(db, { body: big, timestamp: ts, signature: sign(big), idempotencyKey: "evt-0004" }, secret, now)).status).toBe(413);
  });

  it("a signed event is applied once; the replay is 409 and changes nothing", async () => {
    const a = await handleHrWebhook(db, { body, timestamp: ts, signature: sign(body, ts, secret, "evt-1000"), idempotencyKey: "evt-1000" }, secret, now);
    expect(a.status).toBe(202);
    expect(a.body.events).toEqual([expect.objectContaining({ employeeId: "W1", kind: "joiner" })]);
    const [w] = await db.select().from(people).where(eq(people.employeeId, "W1"));
    expect(w.status).toBe("active");
    const changed = body.replace('"AE"', '"Manager"');
    const b = await handleHrWebhook(db, { body: changed, timestamp: ts, signature: sign(changed, ts, secret, "evt-1000"), idempotencyKey: "evt-1000" }, secret, now);
    expect(b.status).toBe(409);
    const [w2] = await db.select().from(people).where(eq(people.employeeId, "W1"));
    expect(w2.title).toBe("AE");
  });

  it("a captured call replayed under a new Idempotency-Key is refused and changes nothing", async () => {
    const term = JSON.stringify({ events: [{ person: { employeeId: "W1", givenName: "Wen", familyName: "Hook", email: "wen@x.test", department: "Sales", title: "AE", status: "terminated", endDate: "2026-11-22" } }] });
    const captured = { body: term, timestamp: ts, signature: sign(term, ts, secret, "evt-3000"), idempotencyKey: "evt-3000" };
    expect((await handleHrWebhook(db, captured, secret, now)).status).toBe(202);
    const [w] = await db.select().from(people).where(eq(people.employeeId, "W1"));
    expect(w.status).toBe("terminated");
    // HR rehires Wen a minute later.
    const later = new Date(now.getTime() + 60_000);
    const lts = String(Math.floor(later.getTime() / 1000));
    const rehire = JSON.stringify({ events: [{ person: { employeeId: "W1", givenName: "Wen", familyName: "Hook", email: "wen@x.test", department: "Sales", title: "AE", status: "active", startDate: "2026-11-23" } }] });
    const r = await handleHrWebhook(db, { body: rehire, timestamp: lts, signature: sign(rehire, lts, secret, "evt-3001"), idempotencyKey: "evt-3001" }, secret, later);
    expect(r.body.events).toEqual([expect.objectContaining({ kind: "rehire" })]);
    // The attacker replays the captured termination within the window under a fresh key: the signature does not cover it.
    const replay = await handleHrWebhook(db, { ...captured, idempotencyKey: "evt-3002-new" }, secret, new Date(now.getTime() + 120_000));
    expect(replay.status).toBe(401);
    const [w2] = await db.select().from(people).where(eq(people.employeeId, "W1"));
    expect(w2.status).toBe("pre_hire");
  });

  it("a body with a signed eventId: the eventId is the dedup key, whatever the header says", async () => {
    const withId = JSON.stringify({ eventId: "hris-evt-42", events: [{ effectiveAt: "2026-11-22T09:59:00Z", person: { employeeId: "W2", givenName: "Ev", familyName: "Id", email: "ev@x.test", department: "Sales", title: "AE" } }] });
    const sig = `sha256=${createHmac("sha256", secret).update(`${ts}.${withId}`).digest("hex")}`;
    const a = await handleHrWebhook(db, { body: withId, timestamp: ts, signature: sig, idempotencyKey: null }, secret, now);
    expect(a.status).toBe(202);
    const b = await handleHrWebhook(db, { body: withId, timestamp: ts, signature: sig, idempotencyKey: "another-key-1" }, secret, now);
    expect(b.status).toBe(409);
    expect(b.body.eventId).toBe("hris-evt-42");
    const [p] = await db.select().from(people).where(eq(people.employeeId, "W2"));
    expect(p.lastHrEffectiveAt?.toISOString()).toBe("2026-11-22T09:59:00.000Z");
    // Without an eventId, a signature over timestamp and body alone is refused.
    const bare = body.replace("W1", "W3").replace("wen@", "w3@");
    const c = await handleHrWebhook(db, { body: bare, timestamp: ts, signature: `sha256=${createHmac("sha256", secret).update(`${ts}.${bare}`).digest("hex")}`, idempotencyKey: "evt-4000" }, secret, now);
    expect(c.status).toBe(401);
    expect(String(c.body.error)).toContain("Idempotency-Key");
  });

  it("reserved attributes are refused (422) and nothing changes", async () => {
    const evil = JSON.stringify({ events: [{ person: { employeeId: "W9", givenName: "Mal", familyName: "Ory", email: "mal@x.test", department: "Sales", title: "AE", attributes: { team: "x", approvalDelegateId: "00000000-0000-0000-0000-000000000009" } } }] });
    const a = await handleHrWebhook(db, { body: evil, timestamp: ts, signature: sign(evil, ts, secret, "evt-5000"), idempotencyKey: "evt-5000" }, secret, now);
    expect(a.status).toBe(422);
    expect(JSON.stringify(a.body.errors)).toContain("approvalDelegateId");
    expect(await db.select().from(people).where(eq(people.employeeId, "W9"))).toHaveLength(0);
  });

  it("is off without a configured secret", async () => {
    expect((await handleHrWebhook(db, { body, timestamp: ts, signature: sign(body), idempotencyKey: "evt-2000" }, undefined, now)).status).toBe(503);
  });
});
