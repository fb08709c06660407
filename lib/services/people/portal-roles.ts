/**
 * Portal roles that HR data does not give: admin, auditor, security. Granted and revoked by admins
 * (portal page, CLI `admin grant|revoke`) or, for the very first admin of a new instance, by the
 * GATEHOUSE_BOOTSTRAP_ADMINS list at that person's first SSO sign-in.
 *
 * Invariants: every change is audited in its own transaction; the last admin (who is not a leaver)
 * can never be removed, so an instance cannot lock itself out; only people who are not terminated
 * receive a role.
 */
import { sql } from "drizzle-orm";
import { z } from "zod";
import { rowsOf } from "@/db/client";
import { people, portalRoleAssignments } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can, type Actor } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import type { Queryable } from "@/db/client";
import type { Ctx } from "@/lib/services/context";
import { bumpSessionVersions, forgetSessionVersions } from "./session-version";

export const PORTAL_ROLES = ["admin", "auditor", "security"] as const;
export type GrantableRole = (typeof PORTAL_ROLES)[number];

export const portalRoleInput = z.object({
  email: z.string().trim().toLowerCase().email("Not an email address").max(320),
  role: z.enum(PORTAL_ROLES, { error: "Role must be admin, auditor or security" }).default("admin"),
});

export type PortalRoleHolder = { personId: string; displayName: string; email: string; status: string; role: GrantableRole; grantedAt: Date };

const who = (a: Actor) => ({
  actorId: a.personId.startsWith("system:") ? null : a.personId,
  actorKind: (a.personId === "system:cli" ? "cli" : a.personId.startsWith("system:") ? "system" : "person") as "cli" | "system" | "person",
});

function guard(actor: Actor) {
  if (!can(actor, "admin.area")) throw new ForbiddenError("Only admins can change portal roles.");
}

function parse(input: unknown) {
  const r = portalRoleInput.safeParse(input);
  if (!r.success) throw new ValidationError(r.error.issues[0]?.message ?? "Invalid input");
  return r.data;
}

async function personFor(tx: Queryable, email: string) {
  const [p] = await tx
    .select({ id: people.id, displayName: people.displayName, email: people.email, status: people.status })
    .from(people)
    .where(sql`lower(${people.email}) = ${email}`);
  if (!p) throw new NotFoundError(`No person with the email ${email}. People arrive through HR (CSV, webhook or SCIM) first.`);
  return p;
}

export async function listPortalRoles({ ctx }: { ctx: Ctx; input?: unknown }): Promise<PortalRoleHolder[]> {
  if (!can(ctx.actor, "admin.area") && !can(ctx.actor, "audit.read")) throw new ForbiddenError("Only admins, auditors and security can see portal roles.");
  return rowsOf<PortalRoleHolder & { granted_at: Date; person_id: string; display_name: string }>(
    await ctx.db.execute(sql`
      SELECT a.person_id, p.display_name, p.email, p.status, a.role, a.granted_at
      FROM portal_role_assignments a JOIN people p ON p.id = a.person_id
      ORDER BY a.role, lower(p.display_name)`),
  ).map((r) => ({ personId: r.person_id, displayName: r.display_name, email: r.email, status: r.status, role: r.role, grantedAt: new Date(r.granted_at) }));
}

export async function grantPortalRole({ ctx, input }: { ctx: Ctx; input: unknown }) {
  guard(ctx.actor);
  const { email, role } = parse(input);
  return ctx.db.transaction(async (tx) => {
    const p = await personFor(tx, email);
    if (p.status === "terminated") throw new ConflictError(`${p.displayName} is a leaver and cannot receive a portal role.`);
    const inserted = await tx.insert(portalRoleAssignments).values({ personId: p.id, role }).onConflictDoNothing().returning({ personId: portalRoleAssignments.personId });
    if (inserted.length === 0) return { changed: false, personId: p.id, displayName: p.displayName, role };
    await recordAudit(tx, { ...who(ctx.actor), action: "portal_role.granted", targetKind: "person", targetId: p.id, data: { role, email: p.email } });
    return { changed: true, personId: p.id, displayName: p.displayName, role };
  });
}

export async function revokePortalRole({ ctx, input }: { ctx: Ctx; input: unknown }) {
  guard(ctx.actor);
  const { email, role } = parse(input);
  const out = await ctx.db.transaction(async (tx) => {
    const p = await personFor(tx, email);
    if (role === "admin") {
      // Lock the admin rows so two concurrent revocations cannot both pass the check.
      const admins = rowsOf<{ person_id: string; status: string }>(
        await tx.execute(sql`
          SELECT a.person_id, p.status FROM portal_role_assignments a JOIN people p ON p.id = a.person_id
          WHERE a.role = 'admin' FOR UPDATE OF a`),
      );
      const remaining = admins.filter((a) => a.person_id !== p.id && a.status !== "terminated");
      if (admins.some((a) => a.person_id === p.id) && remaining.length === 0) {
        throw new ConflictError("This is the last admin: grant the admin role to someone else first.");
      }
    }
    const deleted = await tx
      .delete(portalRoleAssignments)
      .where(sql`${portalRoleAssignments.personId} = ${p.id} AND ${portalRoleAssignments.role} = ${role}`)
      .returning({ personId: portalRoleAssignments.personId });
    if (deleted.length === 0) return { changed: false, personId: p.id, displayName: p.displayName, role };
    // A role taken away ends the person's sessions: they sign in again with what they still hold.
    await bumpSessionVersions(tx, [p.id]);
    await recordAudit(tx, { ...who(ctx.actor), action: "portal_role.revoked", targetKind: "person", targetId: p.id, data: { role, email: p.email, sessionsEnded: true } });
    return { changed: true, personId: p.id, displayName: p.displayName, role };
  });
  if (out.changed) forgetSessionVersions([out.personId]);
  return out;
}

/** Parse GATEHOUSE_BOOTSTRAP_ADMINS ("a@x.com, b@y.com") into lower-case emails. */
export function parseBootstrapAdmins(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[,;\s]+/)
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.includes("@"));
}

/**
 * At an SSO sign-in: a person whose email is on the bootstrap list and who holds no admin role
 * yet becomes admin (audited as the system, naming the setting). Idempotent; leavers never.
 */
export async function applyBootstrapAdmin(db: Queryable, email: string, bootstrap: string[]): Promise<boolean> {
  const e = email.trim().toLowerCase();
  if (!bootstrap.includes(e)) return false;
  return db.transaction(async (tx) => {
    const [p] = await tx.select({ id: people.id, status: people.status }).from(people).where(sql`lower(${people.email}) = ${e}`);
    if (!p || p.status === "terminated") return false;
    const inserted = await tx.insert(portalRoleAssignments).values({ personId: p.id, role: "admin" }).onConflictDoNothing().returning({ personId: portalRoleAssignments.personId });
    if (inserted.length === 0) return false;
    await recordAudit(tx, { actorId: null, actorKind: "system", action: "portal_role.granted", targetKind: "person", targetId: p.id, data: { role: "admin", email: e, via: "GATEHOUSE_BOOTSTRAP_ADMINS" } });
    return true;
  });
}
