/**
 * One operation against its target: the context it needs (application, the person's account there, the
 * entitlement's id in the target), the connector call, and the actual state it leaves behind. Shared by the worker
 * (lib/jobs/execute.ts) and the owners' confirmation of manual tasks (lib/services/systems/manual-tasks.ts), which
 * records an owner's "done" exactly as a connector's success.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { accountEntitlements, accounts, applications, entitlements, type Application, type Operation } from "@/db/schema";
import { ConnectorError, type AccountRef, type AccountSpec, type Connector } from "@/lib/domain/connector";
import { PROFILE_FIELDS } from "@/lib/domain/planner";

export type OpContext = { app: Application; account: typeof accounts.$inferSelect | null; entitlementExternalId: string | null };

export async function loadContext(db: Queryable, op: Operation): Promise<OpContext> {
  const [app] = await db.select().from(applications).where(eq(applications.id, op.applicationId));
  if (!app) throw new ConnectorError("The application no longer exists", false);
  let account: OpContext["account"] = null;
  if (op.personId) {
    const list = await db.select().from(accounts).where(and(eq(accounts.applicationId, op.applicationId), eq(accounts.personId, op.personId)));
    const rank = (s: string) => (s === "active" ? 0 : s === "pending" ? 1 : s === "disabled" ? 2 : 3);
    account = list.sort((x, y) => rank(x.status) - rank(y.status))[0] ?? null;
  } else if (op.accountId) {
    [account] = await db.select().from(accounts).where(eq(accounts.id, op.accountId));
  }
  let entitlementExternalId: string | null = null;
  if (op.entitlementId) {
    const [e] = await db.select({ externalId: entitlements.externalId }).from(entitlements).where(eq(entitlements.id, op.entitlementId));
    if (!e) throw new ConnectorError("The entitlement no longer exists", false);
    entitlementExternalId = e.externalId;
  }
  return { app, account, entitlementExternalId };
}

/** Call the target. Returns the target's answer (stored as the operation's result). */
export async function callTarget(c: Connector, op: Operation, x: OpContext): Promise<Record<string, unknown>> {
  const live = x.account && x.account.status !== "deleted" ? x.account : null;
  const ref: AccountRef | null = live ? { externalId: live.externalId, userName: live.username } : null;
  switch (op.kind) {
    case "create_account": {
      const spec = (op.payload as { spec?: AccountSpec }).spec;
      if (!spec) throw new ConnectorError("create_account without an account specification", false);
      const r = await c.createAccount(spec);
      return { ...r, active: spec.active !== false };
    }
    case "update_account": {
      if (!ref) throw new ConnectorError("No account to update in this application", false);
      await c.updateAccount(ref, ((op.payload as { changes?: Partial<AccountSpec> }).changes ?? {}) as Partial<AccountSpec>);
      return { updated: true };
    }
    case "grant":
      if (!ref) throw new ConnectorError("No account to grant to: the account has not been created", false);
      await c.grant(ref, x.entitlementExternalId!);
      return { granted: x.entitlementExternalId };
    case "revoke":
      if (ref) await c.revoke(ref, x.entitlementExternalId!);
      return { revoked: x.entitlementExternalId, noAccount: !ref };
    case "disable":
      if (ref) await c.disableAccount(ref);
      return { disabled: true, noAccount: !ref };
    case "enable":
      if (!ref) throw new ConnectorError("No account to enable in this application", false);
      return { enabled: true, ...((await c.enableAccount(ref)) ?? {}) };
    case "delete":
      if (ref) await c.deleteAccount(ref);
      return { deleted: true, noAccount: !ref };
    case "revoke_sessions":
      if (!ref) return { sessionsRevoked: false, noAccount: true };
      if (!c.revokeSessions) return { sessionsRevoked: false, supported: false };
      await c.revokeSessions(ref);
      return { sessionsRevoked: true };
  }
}

/** The new actual state after a successful call, in the recording transaction. */
export async function applyActual(tx: Queryable, op: Operation, x: OpContext, result: Record<string, unknown>, now: Date): Promise<void> {
  const live = x.account && x.account.status !== "deleted" ? x.account : null;
  switch (op.kind) {
    case "create_account": {
      const active = result.active !== false;
      const userName = String(result.userName);
      const spec = (op.payload as { spec?: Record<string, unknown> }).spec ?? {};
      const profile = Object.fromEntries(PROFILE_FIELDS.filter((f) => spec[f] !== undefined).map((f) => [f, spec[f]]));
      const values = {
        attributes: { ...(x.account?.attributes ?? {}), profile },
        externalId: String(result.externalId),
        username: userName,
        status: active ? ("active" as const) : ("disabled" as const),
        disabledAt: active ? null : now,
        reconState: "matched" as const,
        updatedAt: now,
      };
      // The person's account row here (possibly a deleted one), else a row with that userName (e.g. an orphan now linked).
      let target = x.account;
      if (!target) {
        [target] = await tx.select().from(accounts).where(and(eq(accounts.applicationId, op.applicationId), sql`lower(${accounts.username}) = lower(${userName})`));
      }
      if (target) {
        await tx.update(accounts).set({ ...values, personId: op.personId ?? target.personId }).where(eq(accounts.id, target.id));
        if (x.account?.status === "deleted") await tx.delete(accountEntitlements).where(eq(accountEntitlements.accountId, target.id));
      } else {
        await tx.insert(accounts).values({ ...values, personId: op.personId, applicationId: op.applicationId });
      }
      break;
    }
    case "update_account":
      if (live) {
        const changes = (op.payload as { changes?: Record<string, unknown> }).changes ?? {};
        const attrs = live.attributes as { profile?: Record<string, unknown> };
        await tx.update(accounts).set({ attributes: { ...attrs, profile: { ...(attrs.profile ?? {}), ...changes } }, updatedAt: now }).where(eq(accounts.id, live.id));
      }
      break;
    case "grant":
      if (live) await tx.insert(accountEntitlements).values({ accountId: live.id, entitlementId: op.entitlementId!, observedAt: now }).onConflictDoNothing();
      break;
    case "revoke":
      if (live) await tx.delete(accountEntitlements).where(and(eq(accountEntitlements.accountId, live.id), eq(accountEntitlements.entitlementId, op.entitlementId!)));
      break;
    case "disable":
      if (live && live.status !== "disabled") await tx.update(accounts).set({ status: "disabled", disabledAt: now, updatedAt: now }).where(eq(accounts.id, live.id));
      break;
    case "enable":
      if (live) await tx.update(accounts).set({ status: "active", disabledAt: null, updatedAt: now }).where(eq(accounts.id, live.id));
      break;
    case "delete":
      if (live) {
        await tx.update(accounts).set({ status: "deleted", updatedAt: now }).where(eq(accounts.id, live.id));
        await tx.delete(accountEntitlements).where(eq(accountEntitlements.accountId, live.id));
      }
      break;
    default:
      break;
  }
}
