/**
 * `gatehouse apply -f FILE [--dry-run] [--json]`: make the connected systems and role templates what FILE (JSON,
 * docs/systems-file.md) says. Secrets in the file may be "env:NAME" references, resolved from this process's
 * environment. --dry-run prints create / update / unchanged per system ("changed" / "unchanged" per secret) and per
 * role (with its blast radius: who gains / loses what, new SoD conflicts), and writes nothing.
 */
import fs from "node:fs";
import { migrate, openDb } from "@/db/client";
import type { Actor } from "@/lib/auth/can";
import { AppError } from "@/lib/errors";
import { applyConfigFile } from "@/lib/services/systems/apply-file";

const usage = `Usage: gatehouse apply -f FILE [--dry-run] [--json]
  FILE is JSON: {"systems":[{"key","name","connector","config":{…},"secrets":{"token":"env:MY_TOKEN"},"criticality","deprovision":{"action","retentionDays"},"aliases":["gh"],
                             "entitlements":[{"externalId","description","owner","privileged","sensitivity","requestable"}]}],
                 "roles":[{"key","name","status":"published","entitlements":["app:externalId"],"rules":[{"name","conditions":[{"attribute","op","value"}]}]}]}
  --dry-run runs the same code and rolls it back: its totals (grants, removals, operations by kind) are what applying does.
  Exit code 4: the roles part was held by the mass-change guard (an admin releases it in the portal).
  See docs/systems-file.md.`;

const cliAdmin: Actor = { personId: "system:cli", name: "CLI", email: "", roles: ["admin"], ownedApplicationIds: [] };

export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help")) {
    console.log(usage);
    return 0;
  }
  const fi = argv.findIndex((a) => a === "-f" || a === "--file");
  const file = fi >= 0 ? argv[fi + 1] : undefined;
  if (!file) {
    console.error(usage);
    return 2;
  }
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    console.error(`Cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  const dryRun = argv.includes("--dry-run");
  const h = await openDb({ holder: "gatehouse apply" });
  try {
    await migrate(h);
    // The CLI is the one place the file's env: references are resolved: services receive the map.
    const result = await applyConfigFile({ ctx: { db: h.db, actor: cliAdmin }, input: { text, environment: { ...process.env }, dryRun } });
    const plans = result.systems;
    if (argv.includes("--json")) {
      console.log(JSON.stringify({ dryRun, systems: plans, roles: result.roles, access: result.access, held: result.held }, null, 2));
      return result.held?.id ? 4 : 0;
    }
    for (const p of plans) {
      const secrets = Object.entries(p.secrets).map(([k, s]) => `${k} ${s}`).join(", ");
      const what = p.action === "update" && p.changes.length ? ` (${p.changes.join(", ")})` : "";
      console.log(`${p.action.padEnd(9)} ${p.key}${what}${secrets ? `; secrets: ${secrets}` : ""}`);
      for (const w of p.warnings) console.log(`  warning: ${w}`);
    }
    for (const r of result.roles) {
      const what = r.action === "update" && r.changes.length ? ` (${r.changes.join(", ")})` : "";
      console.log(`${r.action.padEnd(9)} role ${r.key}${what}`);
      if (r.action !== "unchanged") console.log(`  blast radius: ${r.impact.summary}${r.impact.people ? ` (${r.impact.people} people)` : ""}`);
      for (const e of r.impact.entitlements) {
        if (e.gain) console.log(`    +${e.gain} gain ${e.entitlement}: ${e.sampleGain.join(", ")}${e.gain > e.sampleGain.length ? ", …" : ""}`);
        if (e.lose) console.log(`    −${e.lose} lose ${e.entitlement}: ${e.sampleLose.join(", ")}${e.lose > e.sampleLose.length ? ", …" : ""}`);
      }
      for (const s of r.impact.sod) console.log(`    new SoD conflict "${s.policy}" (${s.severity}): ${s.people} people: ${s.sample.join(", ")}`);
    }
    const n = (a: string) => plans.filter((p) => p.action === a).length;
    if (plans.length || !result.roles.length) console.log(`${dryRun ? "Dry run: nothing written. " : ""}${result.roles.length ? "Systems: " : ""}${n("create")} to create, ${n("update")} to update, ${n("unchanged")} unchanged.`);
    else if (dryRun) console.log("Dry run: nothing written.");
    if (result.roles.length) {
      const rn = (a: string) => result.roles.filter((p) => p.action === a).length;
      const a = result.access;
      const kinds = Object.entries(a.byKind).map(([k, c]) => `${c} ${k.replace("_", " ")}`).join(", ");
      console.log(`Roles: ${rn("create")} to create, ${rn("update")} to update, ${rn("unchanged")} unchanged; ${a.people} people affected: ${a.added} grants ${dryRun ? "would be " : ""}added, ${a.scheduledForRemoval} ${dryRun ? "would be " : ""}scheduled for removal${a.ruleBacked ? `, ${a.ruleBacked} adopted grants ${dryRun ? "would become" : "became"} rule-backed` : ""}, ${a.operations} operations${kinds ? ` (${kinds})` : ""}.`);
    }
    if (result.held?.id) {
      console.log(`HELD by the mass-change guard (${result.held.reasons.join("; ")}): the roles were not applied. An admin reviews and releases it in the portal (Admin → Held runs, /admin/held-runs/${result.held.id}).`);
      return 4;
    }
    if (result.held) console.log(`Applying would be held by the mass-change guard: ${result.held.reasons.join("; ")}.`);
    return 0;
  } catch (e) {
    if (e instanceof AppError) {
      console.error(`gatehouse apply: ${e.message}\nNothing was changed.`);
      return 1;
    }
    throw e;
  } finally {
    await h.close();
  }
}
