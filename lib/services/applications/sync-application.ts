/**
 * "Sync now" on the application page: reconcile one application at once (discovery of its groups, adoption of
 * existing memberships, drift, remediation under the mass-change guard) instead of waiting for the worker's
 * schedule. Admins only; the request is audited with who asked, the reconciliation audits its own figures.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { applications } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { nowOf, type Ctx } from "@/lib/services/context";
import { connectorFor as defaultConnectorFor, type ConnectorFor } from "@/lib/services/provisioning/connector-for";
import { isManaged } from "@/lib/services/provisioning/plan";
import { reconcileApplication, type ReconcileReport } from "@/lib/services/provisioning/reconcile";
import { auditActorOf } from "@/lib/services/systems/save-system";

export async function syncApplication({ ctx, input }: { ctx: Ctx; input: unknown }, deps: { connectorFor?: ConnectorFor } = {}): Promise<ReconcileReport> {
  if (!can(ctx.actor, "application.configure")) throw new ForbiddenError("Only administrators can sync a connected system.");
  const p = z.object({ id: z.string().uuid() }).safeParse(input);
  if (!p.success) throw new NotFoundError("No such application.");
  const [app] = await ctx.db.select().from(applications).where(eq(applications.id, p.data.id));
  if (!app) throw new NotFoundError("No such application.");
  if (!isManaged(app)) throw new ValidationError(app.enabled ? `${app.name} is fulfilled by hand: upload its account list instead.` : `${app.name} is disabled.`);
  await recordAudit(ctx.db, { ...auditActorOf(ctx), action: "application.sync_requested", targetKind: "application", targetId: app.id, data: { application: app.key } });
  const connector = await (deps.connectorFor ?? defaultConnectorFor)(app);
  try {
    return await reconcileApplication(ctx.db, app, connector, nowOf(ctx));
  } catch (e) {
    // A target that cannot be reached is the user's answer, not a server error.
    throw new ConflictError(`Sync of ${app.name} failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await connector.close?.().catch(() => {});
  }
}
