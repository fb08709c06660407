import { openDb, migrate } from "@/db/client";
import type { Actor } from "@/lib/auth/can";
import { grantPortalRole, listPortalRoles, revokePortalRole } from "@/lib/services/people/portal-roles";

const usage = `Usage: gatehouse admin grant EMAIL [--role admin|auditor|security]    give a person a portal role (default admin)
       gatehouse admin revoke EMAIL [--role admin|auditor|security]   take it away (the last admin cannot be removed)
       gatehouse admin list                                           who holds which portal role
  The person must already exist (HR CSV, webhook or SCIM). Every change is audited.
  For the first admin of a new instance you may instead set GATEHOUSE_BOOTSTRAP_ADMINS=email,… :
  those people become admin at their first SSO sign-in.`;

const cliAdmin: Actor = { personId: "system:cli", name: "CLI", email: "", roles: ["admin"], ownedApplicationIds: [] };

export async function run(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || !["grant", "revoke", "list"].includes(verb) || argv.includes("--help") || argv.includes("-h")) {
    console.log(usage);
    return argv.includes("--help") || argv.includes("-h") ? 0 : 2;
  }
  const ri = rest.indexOf("--role");
  const role = ri >= 0 ? rest[ri + 1] : "admin";
  const email = rest.filter((a, i) => !a.startsWith("--") && !(ri >= 0 && i === ri + 1))[0];
  if (verb !== "list" && !email) {
    console.error(`admin ${verb} needs the person's EMAIL\n\n${usage}`);
    return 2;
  }
  const h = await openDb({ holder: `gatehouse admin ${verb}` });
  try {
    await migrate(h);
    const ctx = { db: h.db, actor: cliAdmin };
    if (verb === "list") {
      const list = await listPortalRoles({ ctx });
      if (list.length === 0) console.log("No portal roles yet: run `gatehouse admin grant EMAIL`.");
      for (const r of list) console.log(`${r.role.padEnd(9)} ${r.email.padEnd(36)} ${r.displayName}${r.status === "terminated" ? " (leaver)" : ""}`);
      return 0;
    }
    const r = verb === "grant" ? await grantPortalRole({ ctx, input: { email, role } }) : await revokePortalRole({ ctx, input: { email, role } });
    if (!r.changed) console.log(`${r.displayName} ${verb === "grant" ? "already holds" : "does not hold"} the ${r.role} role: nothing changed.`);
    else console.log(`${verb === "grant" ? "Granted" : "Revoked"} ${r.role} ${verb === "grant" ? "to" : "from"} ${r.displayName} (${email}).`);
    return 0;
  } finally {
    await h.close();
  }
}
