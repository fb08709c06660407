/**
 * `gatehouse lifecycle sweep [--now ISO]`: run the scheduled lifecycle sweep once (the worker runs it every
 * minute): contractors and others past their end date become leavers, pre-hires whose start date arrived become
 * active, expired grants end, leavers' accounts past retention are planned for deletion.
 */
import { migrate, openDb } from "@/db/client";
import { runLifecycleSweep } from "@/lib/services/lifecycle/sweep";

const usage = `Usage: gatehouse lifecycle sweep [--now ISO]
  Apply what the calendar alone changes (end dates, start dates, expiries, retention) and plan the operations.`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "sweep" || rest.includes("--help")) {
    console.log(usage);
    return sub === "--help" || rest.includes("--help") ? 0 : 2;
  }
  const ni = rest.indexOf("--now");
  const now = ni >= 0 ? new Date(rest[ni + 1] ?? "") : new Date();
  if (Number.isNaN(now.getTime())) {
    console.error("--now must be an ISO date or timestamp");
    return 2;
  }
  const h = await openDb({ holder: "gatehouse lifecycle sweep" });
  try {
    await migrate(h);
    const r = await runLifecycleSweep(h.db, now);
    if (r.skipped) {
      console.log("Another sweep is running; nothing done.");
      return 0;
    }
    for (const l of r.leavers) console.log(`leaver  ${l.employeeId.padEnd(10)} end date ${l.endDate} has passed`);
    for (const j of r.joiners) console.log(`joiner  ${j.employeeId.padEnd(10)} start date ${j.startDate} reached`);
    for (const a of r.adminsFlagged) console.log(`ADMIN LEFT ${a.personId}: security notified`);
    console.log(
      `\n${r.leavers.length} leavers, ${r.joiners.length} joiners, ${r.expiredGrants} grants expired, ${r.retentionPeople} people past retention; ` +
        `${r.revoked} grants revoked, ${r.operations} operations planned, ${r.completedEvents} HR events completed.`,
    );
    return 0;
  } finally {
    await h.close();
  }
}
