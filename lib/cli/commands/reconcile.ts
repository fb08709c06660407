/**
 * `gatehouse reconcile [--app KEY ...] [--dry-run] [--json]`: read connected systems back into the actual state, diff
 * them against the desired state and print every drift finding (kept until gone or accepted as an exception); what
 * the targets miss is planned again (run the worker, or let the portal's worker, apply it), unless the mass-change
 * guard holds it for an admin's release. Each run discovers the systems' groups/roles as entitlements (new, changed,
 * removed) and adopts the memberships of linked accounts nobody decided in Gatehouse (grants with source "adopted").
 * --dry-run does all of it and rolls it back: its figures are what a run does.
 */
import { openDb, migrate } from "@/db/client";
import { reconcileAll } from "@/lib/services/provisioning/reconcile";

const HELP = `Usage: gatehouse reconcile [--app KEY ...] [--dry-run] [--json]
  Reads each connected system back: accounts, groups (discovered as entitlements) and memberships (adopted as grants
  on the first sync); reports drift against the desired state (a leaver still active, a membership nobody granted or
  one missing, an orphan account) and plans what the system misses. Findings stay reported on every reconcile until
  gone or accepted as an exception (application page). --dry-run runs it all and rolls it back (its figures are
  exact). --json prints the full reports.
  Exit code 3 when a system could not be read; 4 when a remediation was held by the mass-change guard (an admin
  releases it in the portal, Admin → Held runs).`;

export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help")) {
    console.log(HELP);
    return 0;
  }
  const keys: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--app" && argv[i + 1]) keys.push(argv[++i]!);
    else if (argv[i] !== "--json" && argv[i] !== "--dry-run") {
      // Never ignore an argument silently (`reconcile SYSTEM` used to reconcile everything).
      console.error(`Unknown argument "${argv[i]}". Name a system with --app KEY.\nUsage: gatehouse reconcile [--app KEY ...] [--dry-run] [--json]`);
      return 2;
    }
  }
  const dryRun = argv.includes("--dry-run");
  const h = await openDb({ holder: "gatehouse reconcile" });
  try {
    await migrate(h);
    const out = await reconcileAll(h.db, { keys, dryRun });
    if (argv.includes("--json")) console.log(JSON.stringify(out, null, 2));
    else
      for (const r of out) {
        if ("error" in r) {
          console.log(`${r.application}: FAILED ${r.error}`);
          continue;
        }
        const d = r.discovery;
        const kinds = Object.entries(r.byKind).map(([k, n]) => `${n} ${k.replace("_", " ")}`).join(", ");
        console.log(
          `${dryRun ? "[dry run] " : ""}${r.application}: ${r.targetAccounts} accounts in the target; ${r.matched} matched, ${r.drifted} drifted, ${r.accepted} accepted exceptions, ${r.missingInTarget} missing, ${r.orphans} new orphans, ${r.linked} linked; ` +
            `entitlements ${d.error ? `not discovered (${d.error})` : `${d.created} new, ${d.updated} updated, ${d.restored} back, ${d.removed} removed`}; ${r.adopted} grants adopted; ` +
            `${r.usage.accounts} last sign-ins read (${r.usage.grantsUpdated} grants' last use moved forward); ` +
            `${r.plannedOperations} operations ${dryRun ? "would be " : ""}planned${kinds ? ` (${kinds})` : ""}`,
        );
        if (r.held) console.log(`  ${r.held.id ? `HELD by the mass-change guard: /admin/held-runs/${r.held.id}` : "would be held by the mass-change guard"} (${r.held.reasons.join("; ")})`);
        for (const f of r.findings) {
          const until = f.status === "accepted" ? ` (accepted until ${f.acceptedUntil?.slice(0, 10)})` : "";
          console.log(`  ${f.kind.padEnd(22)} ${f.detail}${until}  [since ${f.firstSeenAt.slice(0, 16).replace("T", " ")}, ${f.id}]`);
        }
      }
    if (out.some((r) => "error" in r)) return 3;
    return out.some((r) => !("error" in r) && r.held?.id) ? 4 : 0;
  } finally {
    await h.close();
  }
}
