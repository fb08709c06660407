/**
 * `gatehouse reconcile [--app KEY ...] [--json]`: read connected systems back into the actual state; applications
 * with reconcile policy "remediate" get operations planned for their drift (run the worker to apply them).
 */
import { openDb, migrate } from "@/db/client";
import { reconcileAll } from "@/lib/services/provisioning/reconcile";

export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help")) {
    console.log("Usage: gatehouse reconcile [--app KEY ...] [--json]");
    return 0;
  }
  const keys: string[] = [];
  for (let i = 0; i < argv.length; i++) if (argv[i] === "--app" && argv[i + 1]) keys.push(argv[++i]!);
  const h = await openDb({ holder: "gatehouse reconcile" });
  try {
    await migrate(h);
    const out = await reconcileAll(h.db, { keys });
    if (argv.includes("--json")) console.log(JSON.stringify(out, null, 2));
    else
      for (const r of out) {
        if ("error" in r) console.log(`${r.application}: FAILED ${r.error}`);
        else console.log(`${r.application}: ${r.targetAccounts} accounts in the target; ${r.matched} matched, ${r.drifted} drifted, ${r.missingInTarget} missing, ${r.orphans} orphans, ${r.linked} linked; ${r.plannedOperations} operations planned`);
      }
    return out.some((r) => "error" in r) ? 3 : 0;
  } finally {
    await h.close();
  }
}
