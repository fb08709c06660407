/**
 * `gatehouse requests escalate [--now ISO]`: run the approval clock once: reminders for steps pending past the
 * reminder time, escalation of steps past their due time to the approver's manager (or security). Idempotent:
 * a reminder goes out once per step and an escalated step is not escalated again. Schedule it (cron, every 15 min).
 */
import { openDb, migrate } from "@/db/client";
import { escalateOverdue, SYSTEM_ACTOR } from "@/lib/services/requests/escalate";

const usage = `Usage: gatehouse requests escalate [--now 2026-01-31T12:00:00Z]
  Send reminders and escalate overdue approval steps (as of now, or of --now).`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "escalate" || rest.includes("--help")) {
    console.log(usage);
    return sub === "--help" || rest.includes("--help") ? 0 : 2;
  }
  const ni = rest.indexOf("--now");
  const now = ni >= 0 ? new Date(rest[ni + 1] ?? "") : new Date();
  if (Number.isNaN(now.getTime())) {
    console.error("--now needs an ISO date-time");
    return 2;
  }
  const h = await openDb({ holder: "gatehouse requests escalate" });
  try {
    await migrate(h);
    const r = await escalateOverdue({ ctx: { db: h.db, actor: SYSTEM_ACTOR }, input: { now } });
    for (const e of r.escalated) console.log(`escalated step ${e.stepId}: ${e.from ?? "(nobody)"} → ${e.to.join(", ") || "(already with them)"}`);
    for (const s of r.stuck) console.log(`no one to escalate step ${s} to (no manager, no security approver)`);
    console.log(`${r.escalated.length} escalated, ${r.reminded.length} reminders sent, ${r.stuck.length} without an escalation target.`);
    return 0;
  } finally {
    await h.close();
  }
}
