/**
 * testSystemConnection (admins): build the connector from the stored configuration (or a draft merged over it,
 * so the form can be tested before saving; empty secret fields keep the stored ones) and ask it to connect.
 * Returns the connector's own message, scrubbed of every secret value; a configuration the factory refuses
 * comes back as { ok: false } with the validation message. Audited (outcome only).
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { applications } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { decryptSecrets } from "@/lib/crypto";
import { AppError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import type { Connector } from "@/lib/domain/connector";
import type { Ctx } from "@/lib/services/context";
import { SYSTEM_KINDS, buildConnector, mergeSecrets, scrub } from "./config";
import { auditActorOf } from "./save-system";

const input = z.object({
  id: z.string().uuid().optional(),
  draft: z
    .object({
      connectorKind: z.enum(SYSTEM_KINDS),
      config: z.record(z.string(), z.unknown()).default({}),
      secrets: z.record(z.string(), z.string().nullable().optional()).default({}),
    })
    .optional(),
  timeoutMs: z.number().int().min(100).max(60_000).default(15_000),
});

export type TestOutcome = { ok: boolean; message: string; details?: Record<string, unknown> };

export async function testSystemConnection({ ctx, input: raw }: { ctx: Ctx; input: unknown }): Promise<TestOutcome> {
  if (!can(ctx.actor, "application.configure")) throw new ForbiddenError("Only administrators can test connected systems.");
  const parsed = input.safeParse(raw);
  if (!parsed.success || (!parsed.data.id && !parsed.data.draft)) throw new ValidationError("Say which system to test.");
  const { id, draft, timeoutMs } = parsed.data;
  const [app] = id ? await ctx.db.select().from(applications).where(eq(applications.id, id)) : [];
  if (id && !app) throw new NotFoundError("No such system.");
  const kind = draft?.connectorKind ?? app!.connectorKind;
  const config = draft?.config ?? app!.config;
  const stored = app && app.connectorKind === kind ? decryptSecrets(app.secretsEncrypted) : {};
  let secrets: Record<string, string> = stored;
  let outcome: TestOutcome;
  let c: Connector | null = null;
  try {
    if (kind === "demo") throw new ValidationError("Demo applications are served by the portal itself: nothing to test.");
    secrets = mergeSecrets(kind, stored, draft?.secrets as Record<string, string | null | undefined>).secrets;
    c = buildConnector(kind, config, secrets);
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([
      c.testConnection(),
      new Promise<TestOutcome>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, message: `No answer within ${timeoutMs} ms: check the address and that the system is reachable from the portal.` }), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    outcome = { ok: r.ok, message: scrub(r.message, secrets), ...(r.details && { details: JSON.parse(scrub(JSON.stringify(r.details), secrets)) as Record<string, unknown> }) };
  } catch (e) {
    const msg = e instanceof AppError ? e.message : e instanceof Error ? e.message : String(e);
    outcome = { ok: false, message: scrub(msg, secrets) };
  } finally {
    await c?.close?.().catch(() => {});
  }
  if (app) {
    await recordAudit(ctx.db, { ...auditActorOf(ctx), action: "system.tested", targetKind: "application", targetId: app.id, data: { key: app.key, ok: outcome.ok, draft: Boolean(draft) } });
  }
  return outcome;
}
