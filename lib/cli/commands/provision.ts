/**
 * `gatehouse provision [--all | --person ID ...]`: plan operations for people (desired grants vs actual state),
 * e.g. after a bulk import or to pick up retention deletes. Planning is idempotent: what is already planned or
 * done is not planned again. Run the worker (or the portal, embedded) to execute them.
 */
import { asc, gt } from "drizzle-orm";
import { openDb, migrate } from "@/db/client";
import { people } from "@/db/schema";
import { planPeople } from "@/lib/services/provisioning/plan";

export async function run(argv: string[]): Promise<number> {
  const ids: string[] = [];
  for (let i = 0; i < argv.length; i++) if (argv[i] === "--person" && argv[i + 1]) ids.push(argv[++i]!);
  if (argv.includes("--help") || (!argv.includes("--all") && ids.length === 0)) {
    console.log("Usage: gatehouse provision --all | --person ID [--person ID ...]");
    return argv.includes("--help") ? 0 : 2;
  }
  const h = await openDb({ holder: "gatehouse provision" });
  try {
    await migrate(h);
    let planned = 0;
    let persons = 0;
    const batch = async (list: string[]) => {
      const r = await h.db.transaction((tx) => planPeople(tx, list, { kind: "cli", id: "provision" }));
      planned += r.operationIds.length;
      persons += list.length;
    };
    if (ids.length) await batch(ids);
    else {
      let after = "00000000-0000-0000-0000-000000000000";
      for (;;) {
        const page = await h.db.select({ id: people.id }).from(people).where(gt(people.id, after)).orderBy(asc(people.id)).limit(500);
        if (page.length === 0) break;
        await batch(page.map((p) => p.id));
        after = page[page.length - 1]!.id;
      }
    }
    console.log(`Planned ${planned} operations for ${persons} people.`);
    return 0;
  } finally {
    await h.close();
  }
}
