/**
 * Manual fulfilment: a "connector" for systems nobody can reach by API. Operations on such an application do not
 * call a target; the worker opens a manual task for the application owner (lib/services/systems/manual-tasks.ts)
 * and the operation waits until the owner confirms it. This file holds what is kind-specific and free of the
 * database: the configuration schema (validated like the other kinds), the task text, and a Connector over an
 * uploaded account list so reconciliation can read a manual system back the same way it reads a real one.
 *
 *   manual  config { slaHours? (default 48), graceHours? (default 24), instructions? }   secrets {}
 */
import { z } from "zod";
import { ConnectorError, type AccountRef, type AccountSpec, type Connector, type TargetAccount, type TargetEntitlement, type TestResult } from "@/lib/domain/connector";

export const manualConfigSchema = z.object({
  slaHours: z.coerce.number({ error: "SLA must be a number of hours" }).int("SLA must be whole hours").min(1, "SLA must be at least 1 hour").max(720, "SLA must be at most 720 hours (30 days)").optional(),
  graceHours: z.coerce.number({ error: "Grace period must be a number of hours" }).int().min(0).max(720, "Grace period must be at most 720 hours").optional(),
  instructions: z.string().max(2000, "Instructions must be at most 2000 characters").optional(),
});
export type ManualConfig = z.infer<typeof manualConfigSchema>;

export const DEFAULT_SLA_HOURS = 48;
export const DEFAULT_GRACE_HOURS = 24;

export function parseManualConfig(config: Record<string, unknown>): ManualConfig {
  const r = manualConfigSchema.passthrough().safeParse(config ?? {});
  if (!r.success) throw new ConnectorError(`Invalid manual configuration: ${r.error.issues.map((i) => i.message).join("; ")}`, false);
  return r.data;
}

/** When the owner's task is due, and how long the operation's lease lasts past that before it is looked at again. */
export function manualSla(config: Record<string, unknown>, now: Date): { dueAt: Date; leaseUntil: Date } {
  const c = parseManualConfig(config);
  const dueAt = new Date(now.getTime() + (c.slaHours ?? DEFAULT_SLA_HOURS) * 3_600_000);
  return { dueAt, leaseUntil: new Date(dueAt.getTime() + (c.graceHours ?? DEFAULT_GRACE_HOURS) * 3_600_000) };
}

export type TaskFacts = {
  kind: string;
  applicationName: string;
  personName: string | null;
  userName: string | null;
  entitlementName: string | null;
  extra?: string;
};

/** What the owner is asked to do, in words (stored on the task). */
export function manualInstructions(f: TaskFacts): string {
  const who = f.personName ? `${f.personName}${f.userName ? ` (user name ${f.userName})` : ""}` : (f.userName ?? "the account");
  const ent = f.entitlementName ?? "the entitlement";
  const line = (() => {
    switch (f.kind) {
      case "create_account":
        return `Create an account for ${who} in ${f.applicationName}.`;
      case "update_account":
        return `Update the profile of ${who} in ${f.applicationName}.`;
      case "grant":
        return `Give ${who} "${ent}" in ${f.applicationName}.`;
      case "revoke":
        return `Remove "${ent}" from ${who} in ${f.applicationName}.`;
      case "disable":
        return `Disable the account of ${who} in ${f.applicationName} (they must no longer be able to sign in).`;
      case "enable":
        return `Re-enable the account of ${who} in ${f.applicationName}.`;
      case "delete":
        return `Delete the account of ${who} in ${f.applicationName}.`;
      case "revoke_sessions":
        return `Sign ${who} out of every session in ${f.applicationName}.`;
      default:
        return `${f.kind.replace(/_/g, " ")} for ${who} in ${f.applicationName}.`;
    }
  })();
  return f.extra ? `${line}\n\n${f.extra}` : line;
}

/**
 * A manual system seen through the Connector interface: it can be read (the last uploaded account list) but
 * never written: every change goes through a task for a person.
 */
export class ManualConnector implements Connector {
  readonly kind = "manual";
  constructor(private readonly uploaded: TargetAccount[] = []) {}

  async testConnection(): Promise<TestResult> {
    return { ok: true, message: "Manual fulfilment: nothing to connect to. Changes become tasks for the application owner." };
  }
  private refuse(): never {
    throw new ConnectorError("This application is fulfilled by hand: the change is a task for its owner", false);
  }
  async createAccount(_spec: AccountSpec): Promise<{ externalId: string; userName: string; linked: boolean }> {
    return this.refuse();
  }
  async updateAccount(_ref: AccountRef, _c: Partial<AccountSpec>): Promise<void> {
    this.refuse();
  }
  async disableAccount(_ref: AccountRef): Promise<void> {
    this.refuse();
  }
  async enableAccount(_ref: AccountRef): Promise<void> {
    this.refuse();
  }
  async deleteAccount(_ref: AccountRef): Promise<void> {
    this.refuse();
  }
  async grant(_ref: AccountRef, _e: string): Promise<void> {
    this.refuse();
  }
  async revoke(_ref: AccountRef, _e: string): Promise<void> {
    this.refuse();
  }
  async listAccounts(): Promise<TargetAccount[]> {
    return this.uploaded;
  }
  async listEntitlements(): Promise<TargetEntitlement[]> {
    const seen = new Set(this.uploaded.flatMap((a) => a.entitlements));
    return [...seen].map((e) => ({ externalId: e, name: e, kind: "group" as const }));
  }
}

/**
 * Parse an uploaded account list (CSV). One account per line; a header line is optional. Columns: username
 * [, active (true/false/yes/no/1/0, default true)] [, entitlements separated by ";"]. Blank lines and lines
 * starting with # are ignored. Throws ConnectorError naming the first bad line.
 */
export function parseAccountCsv(text: string): TargetAccount[] {
  const out = new Map<string, TargetAccount>();
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const cells = line.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
    const [user, activeCell, entCell] = cells;
    if (i === 0 && /^(user_?name|login|account)$/i.test(user ?? "")) return; // header
    if (!user) throw new ConnectorError(`Line ${i + 1}: a user name is required`, false);
    if (/\s/.test(user)) throw new ConnectorError(`Line ${i + 1}: "${user.slice(0, 60)}" is not a user name (no spaces)`, false);
    let active = true;
    if (activeCell !== undefined && activeCell !== "") {
      if (/^(true|yes|1|active|enabled)$/i.test(activeCell)) active = true;
      else if (/^(false|no|0|disabled|inactive)$/i.test(activeCell)) active = false;
      else throw new ConnectorError(`Line ${i + 1}: active must be true or false, not "${activeCell.slice(0, 20)}"`, false);
    }
    const entitlements = (entCell ?? "").split(";").map((e) => e.trim()).filter(Boolean);
    out.set(user.toLowerCase(), { externalId: user, userName: user, active, entitlements });
  });
  return [...out.values()];
}
