import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { accessRequestItems, accessRequests, applications, approvalSteps, auditEvents, entitlements, people } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { decideStep } from "./decide-step";
import { clearDelegation, getMyDelegation, setDelegation } from "./delegation";
import { listInbox } from "./list-inbox";

const ids = { boss: randomUUID(), deputy: randomUUID(), alice: randomUUID(), gone: randomUUID(), stranger: randomUUID() };
const actor = (id: string): Actor => ({ personId: id, name: id, email: `${id}@x`, roles: ["employee", "manager"], ownedApplicationIds: [] });
const NOW = new Date("2030-03-01T12:00:00Z");

for (const driver of testDrivers()) {
  describe(`approval delegates while away on ${driver.label}`, () => {
    let t: TestDb;
    let entitlementId = "";
    const ctx = (id: string) => ({ db: t.db, actor: actor(id) });

    /** A two-stage request for `beneficiary`; stage 1 pending with the boss. Returns the stage-1 step id. */
    async function pendingStep(beneficiary: string, requester = beneficiary): Promise<string> {
      const [req] = await t.db.insert(accessRequests).values({ requesterId: requester, beneficiaryId: beneficiary, justification: "needed" }).returning();
      const [item] = await t.db.insert(accessRequestItems).values({ requestId: req!.id, entitlementId, riskScore: 2 }).returning();
      const [s1] = await t.db
        .insert(approvalSteps)
        .values([
          { itemId: item!.id, stage: 1, approverKind: "manager", approverId: ids.boss, status: "pending" },
          { itemId: item!.id, stage: 2, approverKind: "app_owner", approverId: ids.stranger, status: "waiting" },
        ])
        .returning();
      return s1!.id;
    }

    beforeAll(async () => {
      t = await driver.open();
      const base = { department: "Finance", title: "Analyst", location: "Oslo", givenName: "G", familyName: "F" };
      await t.db.insert(people).values([
        { ...base, id: ids.boss, employeeId: "D1", displayName: "Bea Boss", email: "bea@x.test" },
        { ...base, id: ids.deputy, employeeId: "D2", displayName: "Dan Deputy", email: "dan@x.test", managerId: ids.boss },
        { ...base, id: ids.alice, employeeId: "D3", displayName: "Alice Analyst", email: "alice@x.test", managerId: ids.boss },
        { ...base, id: ids.gone, employeeId: "D4", displayName: "Gus Gone", email: "gus@x.test", status: "terminated" },
        { ...base, id: ids.stranger, employeeId: "D5", displayName: "Sue Owner", email: "sue@x.test" },
      ]);
      const [app] = await t.db.insert(applications).values({ key: "ledger", name: "Ledger" }).returning();
      const [ent] = await t.db.insert(entitlements).values({ applicationId: app!.id, externalId: "read", name: "Readers" }).returning();
      entitlementId = ent!.id;
    });
    afterAll(async () => {
      await t?.close();
    });

    it("only for oneself, never to oneself or to someone inactive; dates checked", async () => {
      await expect(setDelegation({ ctx: ctx(ids.boss), input: { delegateId: ids.boss, until: "2030-03-10" }, now: NOW })).rejects.toBeInstanceOf(ValidationError);
      await expect(setDelegation({ ctx: ctx(ids.boss), input: { delegateId: ids.gone, until: "2030-03-10" }, now: NOW })).rejects.toThrow(/not an active colleague/);
      await expect(setDelegation({ ctx: ctx(ids.boss), input: { delegateId: randomUUID(), until: "2030-03-10" }, now: NOW })).rejects.toBeInstanceOf(NotFoundError);
      await expect(setDelegation({ ctx: ctx(ids.boss), input: { delegateId: ids.deputy, until: "2030-02-28" }, now: NOW })).rejects.toThrow(/future/);
      await expect(setDelegation({ ctx: ctx(ids.boss), input: { delegateId: ids.deputy, until: "2030-02-31" }, now: NOW })).rejects.toThrow(/not a date/);
      await expect(setDelegation({ ctx: ctx(ids.boss), input: { delegateId: ids.deputy, until: "2030-02-31T10:00:00Z" }, now: NOW })).rejects.toThrow(/not a date/);
      await expect(setDelegation({ ctx: ctx(ids.boss), input: { delegateId: ids.deputy, until: "2032-03-10" }, now: NOW })).rejects.toThrow(/at most/);
      const hr: Actor = { ...actor(ids.boss), roles: ["hr_source"] };
      await expect(setDelegation({ ctx: { db: t.db, actor: hr }, input: { delegateId: ids.deputy, until: "2030-03-10" }, now: NOW })).rejects.toBeInstanceOf(ForbiddenError);
      const [b] = await t.db.select().from(people).where(eq(people.id, ids.boss));
      expect(b!.attributes.approvalDelegateId).toBeUndefined();
    });

    it("set (by email), stored on one's own row, audited, shown to both sides", async () => {
      const r = await setDelegation({ ctx: ctx(ids.boss), input: { delegateEmail: "DAN@x.test", until: "2030-03-10" }, now: NOW });
      expect(r).toEqual({ delegateId: ids.deputy, delegateName: "Dan Deputy", until: "2030-03-10T23:59:59.999Z" });
      const [b] = await t.db.select().from(people).where(eq(people.id, ids.boss));
      expect(b!.attributes).toMatchObject({ approvalDelegateId: ids.deputy, approvalDelegateUntil: "2030-03-10T23:59:59.999Z" });
      const [d] = await t.db.select().from(people).where(eq(people.id, ids.deputy));
      expect(d!.attributes.approvalDelegateId).toBeUndefined();
      const audit = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "person.approval_delegate_set"), eq(auditEvents.targetId, ids.boss)));
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actorId).toBe(ids.boss);
      expect(audit[0]!.data).toMatchObject({ delegateId: ids.deputy, until: "2030-03-10T23:59:59.999Z" });
      const mine = await getMyDelegation({ ctx: ctx(ids.boss), now: NOW });
      expect(mine).toMatchObject({ active: true, until: "2030-03-10T23:59:59.999Z", delegate: { id: ids.deputy, displayName: "Dan Deputy" } });
      expect((await getMyDelegation({ ctx: ctx(ids.deputy), now: NOW })).forOthers.map((p) => p.id)).toEqual([ids.boss]);
    });

    it("the delegate sees and decides the approver's pending step (on behalf of, audited)", async () => {
      const stepId = await pendingStep(ids.alice);
      const inbox = await listInbox({ ctx: ctx(ids.deputy), now: NOW });
      const entry = inbox.find((e) => e.stepId === stepId);
      expect(entry?.onBehalfOf).toBe("Bea Boss");
      const r = await decideStep({ ctx: ctx(ids.deputy), input: { stepId, decision: "approve" }, now: NOW });
      expect(r.nextStage).toBe(2);
      const [s] = await t.db.select().from(approvalSteps).where(eq(approvalSteps.id, stepId));
      expect(s).toMatchObject({ status: "approved", decidedById: ids.deputy });
      const [ev] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "request.step_approved"), eq(auditEvents.targetId, stepId)));
      expect(ev!.data).toMatchObject({ onBehalfOf: ids.boss });
      // The approver keeps their own inbox; a bystander sees nothing.
      expect((await listInbox({ ctx: ctx(ids.stranger), now: NOW })).some((e) => e.stepId === stepId)).toBe(false);
    });

    it("an expired delegation is ignored: not in the inbox, not decidable", async () => {
      const stepId = await pendingStep(ids.alice);
      const later = new Date("2030-03-11T00:00:00Z");
      expect((await listInbox({ ctx: ctx(ids.deputy), now: later })).some((e) => e.stepId === stepId)).toBe(false);
      await expect(decideStep({ ctx: ctx(ids.deputy), input: { stepId, decision: "approve" }, now: later })).rejects.toBeInstanceOf(NotFoundError);
      expect((await getMyDelegation({ ctx: ctx(ids.boss), now: later })).active).toBe(false);
      // The approver still decides it.
      expect((await listInbox({ ctx: ctx(ids.boss), now: later })).some((e) => e.stepId === stepId)).toBe(true);
      const [s] = await t.db.select().from(approvalSteps).where(eq(approvalSteps.id, stepId));
      expect(s!.status).toBe("pending");
    });

    it("the delegate cannot approve their own request (as beneficiary or requester)", async () => {
      const own = await pendingStep(ids.deputy);
      const forOther = await pendingStep(ids.alice, ids.deputy);
      const inbox = await listInbox({ ctx: ctx(ids.deputy), now: NOW });
      expect(inbox.some((e) => e.stepId === own || e.stepId === forOther)).toBe(false);
      await expect(decideStep({ ctx: ctx(ids.deputy), input: { stepId: own, decision: "approve" }, now: NOW })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(decideStep({ ctx: ctx(ids.deputy), input: { stepId: forOther, decision: "approve" }, now: NOW })).rejects.toBeInstanceOf(ForbiddenError);
      const steps = await t.db.select().from(approvalSteps).where(eq(approvalSteps.id, own));
      expect(steps[0]!.status).toBe("pending");
      // The approver still can.
      expect((await decideStep({ ctx: ctx(ids.boss), input: { stepId: own, decision: "approve" }, now: NOW })).nextStage).toBe(2);
    });

    it("clearing ends it at once and is audited", async () => {
      const stepId = await pendingStep(ids.alice);
      expect(await clearDelegation({ ctx: ctx(ids.boss), now: NOW })).toEqual({ cleared: true });
      expect((await listInbox({ ctx: ctx(ids.deputy), now: NOW })).some((e) => e.stepId === stepId)).toBe(false);
      const [b] = await t.db.select().from(people).where(eq(people.id, ids.boss));
      expect(b!.attributes.approvalDelegateId).toBeUndefined();
      expect(await t.db.select().from(auditEvents).where(eq(auditEvents.action, "person.approval_delegate_cleared"))).toHaveLength(1);
      expect(await clearDelegation({ ctx: ctx(ids.boss), now: NOW })).toEqual({ cleared: false });
    });
  });
}
