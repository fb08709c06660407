/**
 * sendEmailOutbox: hands unsent email notifications (channel "email", sent_at null) to the SMTP relay configured in
 * lib/env.ts, oldest first, one connection per message. When SMTP is not configured it does nothing: the admins'
 * "Mail outbox" page lists the messages instead.
 *
 * Delivery is at-least-once. A row is marked sent (its own short transaction, fenced on sent_at IS NULL) only after
 * the server accepted the DATA; a crash between acceptance and that commit, or two processes running the outbox at
 * the same moment, can send a message twice. A message is never marked sent without the server having accepted it.
 *
 * Failures are logged, never thrown to the caller: a 5xx for one recipient (e.g. 550 unknown user) leaves that row
 * unsent and the batch goes on; connection trouble or a 4xx ends the batch (the next run tries again).
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { unsentEmailOutbox } from "@/db/queries/requests";
import { notifications } from "@/db/schema";
import { publicBaseUrl, smtpConfig, type SmtpConfig } from "@/lib/env";
import { sendMail, SmtpError, type SmtpOptions } from "./smtp";

export type OutboxResult = { configured: boolean; sent: number; failed: number; errors: Array<{ id: string; error: string }> };

let running = false;

export async function sendEmailOutbox(
  db: Queryable,
  {
    now = new Date(),
    batch = 50,
    config,
    smtp,
    log = (m: string) => console.error(`[mail] ${m}`),
  }: {
    now?: Date;
    batch?: number;
    /** Defaults to lib/env.ts smtpConfig(); null = not configured. */
    config?: SmtpConfig | null;
    /** Extra client options (tests: short timeouts). */
    smtp?: Partial<SmtpOptions>;
    log?: (msg: string) => void;
  } = {},
): Promise<OutboxResult> {
  const cfg = config === undefined ? smtpConfig() : config;
  const result: OutboxResult = { configured: Boolean(cfg), sent: 0, failed: 0, errors: [] };
  if (!cfg || running) return result; // not configured, or the previous run (slow relay) is still going
  running = true;
  try {
    const rows = await unsentEmailOutbox(db, batch);
    const base = publicBaseUrl();
    for (const r of rows) {
      const link = r.link ? (/^https?:\/\//.test(r.link) ? r.link : `${base}${r.link}`) : null;
      try {
        await sendMail(
          { host: cfg.host, port: cfg.port, user: cfg.user, password: cfg.password, starttls: cfg.starttls, ...smtp },
          {
            from: cfg.from,
            to: [r.email],
            subject: r.title,
            text: `${r.body}${link ? `\n\n${link}` : ""}\n`,
            date: now,
            headers: { "Auto-Submitted": "auto-generated" },
          },
        );
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        result.failed++;
        result.errors.push({ id: r.id, error });
        log(`notification ${r.id} to ${r.email} not sent: ${error}`);
        if (e instanceof SmtpError && e.permanent) continue; // this message/recipient is refused; try the others
        break; // connection trouble or a temporary refusal: the next run tries again
      }
      await db.transaction(async (tx) => {
        await tx.update(notifications).set({ sentAt: now }).where(and(eq(notifications.id, r.id), isNull(notifications.sentAt)));
      });
      result.sent++;
    }
    return result;
  } catch (e) {
    log(`outbox run failed: ${e instanceof Error ? e.message : String(e)}`);
    return result;
  } finally {
    running = false;
  }
}
