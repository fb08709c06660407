/**
 * The only reader of process.env. Everything else receives configuration from here.
 * Validated with zod so a typo in a variable fails loudly at start, not at first use.
 */
import { z } from "zod";
import path from "node:path";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "yes");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().positive().default(3000),
  DATABASE_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  GATEHOUSE_DATA_DIR: z.string().optional(),
  NEXTAUTH_SECRET: z.string().optional(),
  NEXTAUTH_URL: z.string().optional(),
  GATEHOUSE_SECRET_KEY: z.string().optional(),
  GATEHOUSE_MODE: z.enum(["demo", "production"]).optional(),
  GATEHOUSE_DEMO_SIGNIN: bool,
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_NAME: z.string().default("Company SSO"),
  /** Comma-separated emails made admin at their first SSO sign-in (the first admin of a new instance). */
  GATEHOUSE_BOOTSTRAP_ADMINS: z.string().optional(),
  GATEHOUSE_WORKER: z.enum(["embedded", "off"]).optional(),
  /** A failing provisioning operation is retried for this long (from its first failure) before it is dead-lettered. */
  GATEHOUSE_RETRY_BUDGET_HOURS: z.coerce.number().positive().max(24 * 30).default(24),
  /** Longest wait between two attempts of a failing operation (exponential backoff with jitter up to this). */
  GATEHOUSE_BACKOFF_CAP_SECONDS: z.coerce.number().positive().max(24 * 3600).default(300),
  /** While a system's circuit breaker is open, it is probed this often. */
  GATEHOUSE_PROBE_INTERVAL_SECONDS: z.coerce.number().positive().max(3600).default(5),
  GATEHOUSE_SEED_PEOPLE: z.coerce.number().int().positive().default(1200),
  GATEHOUSE_SEED: z.coerce.number().int().default(42),
  GATEHOUSE_HR_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** `gatehouse mcp` (stdio): the agent or personal token the server acts as. */
  GATEHOUSE_TOKEN: z.string().min(10).optional(),
  /** Optional chat webhook (Slack/Teams-style incoming webhook): pending approvals are posted there. */
  GATEHOUSE_CHAT_WEBHOOK_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  /** Optional SMTP relay for email notifications (unset: they stay in the outbox page). */
  SMTP_HOST: z.string().optional().or(z.literal("").transform(() => undefined)),
  SMTP_PORT: z.coerce.number().int().positive().max(65535).default(587),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_FROM: z.string().optional(),
  SMTP_STARTTLS: z.enum(["1", "0", "true", "false", "yes", "no"]).optional(),
  /** Auto-decision of "no action" review items is allowed after a shadow period with at least this many decided items… */
  GATEHOUSE_AUTO_DECIDE_MIN_ITEMS: z.coerce.number().int().positive().default(50),
  /** …and at least this agreement (a fraction) between the shadow decisions and the reviewers. */
  GATEHOUSE_AUTO_DECIDE_MIN_AGREEMENT: z.coerce.number().gt(0).max(1).default(0.95),
  GATEHOUSE_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  // Mass-change guard (lib/services/guard): a run removing more than this is held for an admin's release.
  GATEHOUSE_GUARD_PEOPLE_PCT: z.coerce.number().min(0).max(100).default(5),
  GATEHOUSE_GUARD_MIN_PEOPLE: z.coerce.number().int().min(1).default(5),
  GATEHOUSE_GUARD_MAX_ACCOUNTS: z.coerce.number().int().min(0).default(25),
  /** Optional language model behind the plain-language parser: an OpenAI-compatible base URL (…/v1, or an Azure deployment URL). */
  GATEHOUSE_NL_LLM_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  GATEHOUSE_NL_LLM_MODEL: z.string().default("gpt-4o-mini"),
  GATEHOUSE_NL_LLM_API_KEY: z.string().optional(),
  /** Azure OpenAI only: the api-version query parameter (the key is then sent as the api-key header). */
  GATEHOUSE_NL_LLM_API_VERSION: z.string().optional(),
  GATEHOUSE_NL_LLM_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(8000),
});

export type Env = z.infer<typeof schema>;

let cached: Env | null = null;

export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${issues}`);
  }
  cached = parsed.data;
  return cached;
}

/** Test hook: re-read process.env (tests change it between cases). */
export function resetEnvCache(): void {
  cached = null;
}

export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ env().GATEHOUSE_DATA_DIR ?? path.join(/*turbopackIgnore: true*/ process.cwd(), ".data"));
}

export function isEmbedded(): boolean {
  return !env().DATABASE_URL;
}

/**
 * Mode: "demo" (default for the embedded database) or "production" (default when
 * DATABASE_URL is set). Set GATEHOUSE_MODE to override.
 */
export function mode(): "demo" | "production" {
  const e = env();
  return e.GATEHOUSE_MODE ?? (e.DATABASE_URL ? "production" : "demo");
}

/**
 * Demo sign-in (the persona picker, no password) is on for the embedded demo database;
 * on PostgreSQL only when GATEHOUSE_DEMO_SIGNIN=1 is set explicitly (and the portal then
 * shows a banner saying so). In production mode it is impossible, whatever else is set.
 */
export function demoSignInEnabled(): boolean {
  const e = env();
  if (mode() === "production") return false;
  if (e.DATABASE_URL) return e.GATEHOUSE_DEMO_SIGNIN;
  return true;
}

export function oidcConfigured(): boolean {
  const e = env();
  return Boolean(e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET);
}

/** The chat webhook pending approvals are posted to, or null when not configured. */
export function chatWebhookUrl(): string | null {
  return env().GATEHOUSE_CHAT_WEBHOOK_URL ?? null;
}

/** The portal's public base URL for links in messages (NEXTAUTH_URL), without a trailing slash; "" when unknown. */
export function publicBaseUrl(): string {
  return (env().NEXTAUTH_URL ?? "").replace(/\/+$/, "");
}

export type SmtpConfig = { host: string; port: number; user?: string; password?: string; from: string; starttls: boolean };

/** SMTP settings, or null when SMTP_HOST is unset. STARTTLS defaults to on for port 587. */
export function smtpConfig(): SmtpConfig | null {
  const e = env();
  if (!e.SMTP_HOST) return null;
  const starttls = e.SMTP_STARTTLS ? ["1", "true", "yes"].includes(e.SMTP_STARTTLS) : e.SMTP_PORT === 587;
  return { host: e.SMTP_HOST, port: e.SMTP_PORT, user: e.SMTP_USER || undefined, password: e.SMTP_PASSWORD, from: e.SMTP_FROM || `gatehouse@${e.SMTP_HOST}`, starttls };
}

/** Mass-change guard thresholds (README: configuration). */
export function guardThresholds(): { peoplePct: number; minPeople: number; maxAccounts: number } {
  const e = env();
  return { peoplePct: e.GATEHOUSE_GUARD_PEOPLE_PCT, minPeople: e.GATEHOUSE_GUARD_MIN_PEOPLE, maxAccounts: e.GATEHOUSE_GUARD_MAX_ACCOUNTS };
}

/** The language model behind the plain-language parser, or null when GATEHOUSE_NL_LLM_URL is unset (the parser alone). */
export function nlLlmConfig(): { baseUrl: string; model: string; apiKey?: string; apiVersion?: string; timeoutMs: number } | null {
  const e = env();
  if (!e.GATEHOUSE_NL_LLM_URL) return null;
  return { baseUrl: e.GATEHOUSE_NL_LLM_URL, model: e.GATEHOUSE_NL_LLM_MODEL, apiKey: e.GATEHOUSE_NL_LLM_API_KEY || undefined, apiVersion: e.GATEHOUSE_NL_LLM_API_VERSION || undefined, timeoutMs: e.GATEHOUSE_NL_LLM_TIMEOUT_MS };
}
