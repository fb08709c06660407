import { openDb } from "@/db/client";
import { verifyAuditChain } from "@/lib/audit";

export async function run(argv: string[]): Promise<number> {
  const [sub] = argv;
  if (sub !== "verify") {
    console.log("Usage: gatehouse audit verify   check the hash chain; names the first broken link");
    return sub === "--help" ? 0 : 2;
  }
  const h = await openDb({ holder: "gatehouse audit verify" });
  try {
    const r = await verifyAuditChain(h.db);
    if (r.ok) {
      console.log(`Audit chain verified: ${r.events} events, head ${r.head.slice(0, 16)}…`);
      return 0;
    }
    console.error(`Audit chain BROKEN at event ${r.brokenAt}: ${r.reason} (${r.events} events verified before it)`);
    return 1;
  } finally {
    await h.close();
  }
}
