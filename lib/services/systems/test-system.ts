/**
 * testSystemConnection (admins): build the connector from the stored configuration (or a draft merged over it,
 * so the form can be tested before saving; empty secret fields keep the stored ones) and ask it to connect.
 * Returns the connector's own message, scrubbed of every secret value; a configuration the factory refuses
 * comes back as { ok: false } with the validation message. Stored secrets are used only when the draft still points
 * at the stored endpoint (scheme+host+port); otherwise they must be typed again. Audited with the URL contacted
 * (never credentials) and the outcome.
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
import { connectorFor, demoAppBaseUrl } from "@/lib/services/provisioning/connector-for";
import { SAVED_KINDS, auditableUrl, buildConnector, mergeSecrets, scrub, storedSecretsFor, validateDemoConfig } from "./config";
import { auditActorOf } from "./save-system";

const input = z.object({
  id: z.string().uuid().optional(),
  draft: z
    .object({
      connectorKind: z.enum(SAVED_KINDS),
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
  const saved = app && app.connectorKind === kind ? decryptSecrets(app.secretsEncrypted) : {};
  let secrets: Record<string, string> = saved;
  let outcome: TestOutcome;
  let c: Connector | null = null;
  let url: string | null = null;
  try {
    if (kind === "demo") {
      // A demo application is a real SCIM 2.0 service served by the portal itself, with a derived token: test it
      // like any SCIM target (the address is the stored or drafted baseUrl, else the portal's own).
      if (!app || app.connectorKind !== "demo") throw new ValidationError("Only the demo organisation's applications use the demo connector: choose SCIM 2.0, LDAP, PostgreSQL or Manual.");
      validateDemoConfig(config);
      url = typeof config.baseUrl === "string" ? config.baseUrl : demoAppBaseUrl(app.key);
      c = await connectorFor({ ...app, config });
    } else {
      // Stored secrets are only sent to the address they were saved for (a changed host needs them typed again).
      const stored = app ? storedSecretsFor(kind, { config: app.config, secrets: saved }, { config, incoming: draft?.secrets as Record<string, string | null | undefined> }) : saved;
      secrets = mergeSecrets(kind, stored, draft?.secrets as Record<string, string | null | undefined>).secrets;
      url = auditableUrl(kind, config, secrets);
      c = buildConnector(kind, config, secrets);
    }
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
  // Every test is audited with the address contacted (credentials stripped), drafts of new systems included.
  await recordAudit(ctx.db, {
    ...auditActorOf(ctx),
    action: "system.tested",
    targetKind: "application",
    targetId: app?.id ?? null,
    data: { key: app?.key ?? null, connectorKind: kind, url: url ?? auditableUrl(kind, config), ok: outcome.ok, draft: Boolean(draft) },
  });
  return outcome;
}
