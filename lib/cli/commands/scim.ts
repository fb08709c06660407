import { openDb, migrate } from "@/db/client";
import type { Actor } from "@/lib/auth/can";
import { createScimToken, listTokens, revokeScimToken } from "@/lib/services/scim-inbound/tokens";

const usage = `Usage: gatehouse scim token create --name NAME   create a bearer token for an IdP / HR system (printed once)
       gatehouse scim token list                  list tokens (never their secrets)
       gatehouse scim token revoke ID             revoke a token: its next request is refused (401)
  The inbound SCIM 2.0 server is at <portal URL>/scim/v2.`;

const cliAdmin: Actor = { personId: "system:cli", name: "CLI", email: "", roles: ["admin"], ownedApplicationIds: [] };

export async function run(argv: string[]): Promise<number> {
  const [group, verb, ...rest] = argv;
  if (group !== "token" || !verb || !["create", "list", "revoke"].includes(verb) || rest.includes("--help")) {
    console.log(usage);
    return argv.includes("--help") ? 0 : 2;
  }
  const ni = rest.indexOf("--name");
  const name = ni >= 0 ? rest[ni + 1] : undefined;
  if (verb === "create" && !name) {
    console.error("scim token create needs --name NAME");
    return 2;
  }
  if (verb === "revoke" && !rest[0]) {
    console.error("scim token revoke needs the token ID (see `scim token list`)");
    return 2;
  }
  const h = await openDb({ holder: `gatehouse scim token ${verb}` });
  try {
    await migrate(h);
    const ctx = { db: h.db, actor: cliAdmin };
    if (verb === "create") {
      const t = await createScimToken({ ctx, input: { name } });
      console.log(`Created SCIM token "${t.name}" (id ${t.id}). Copy it now, it is not shown again:\n\n${t.token}\n`);
      return 0;
    }
    if (verb === "list") {
      const list = await listTokens({ ctx });
      if (list.length === 0) console.log("No SCIM tokens.");
      for (const t of list) {
        const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : "active";
        console.log(`${t.id}  ${t.name.padEnd(24)} ${state.padEnd(34)} created ${t.createdAt.toISOString()}  last used ${t.lastUsedAt?.toISOString() ?? "never"}`);
      }
      return 0;
    }
    const r = await revokeScimToken({ ctx, input: { id: rest[0] } });
    console.log(`Revoked SCIM token "${r.name}" (${r.id}).`);
    return 0;
  } finally {
    await h.close();
  }
}
