/**
 * Run the test SCIM 2.0 application by hand (manual checks, benchmarks):
 *   tsx scripts/servers/scim-app.ts --port 4010 --token secret-token [--seed-users 100] [--seed-groups 5]
 * Prints the base URL; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { startScimApp } from "@/lib/testing/scim-server";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    token: { type: "string" },
    "seed-users": { type: "string", default: "0" },
    "seed-groups": { type: "string", default: "0" },
  },
});
if (!values.token) {
  console.error("usage: tsx scripts/servers/scim-app.ts --port P --token T [--seed-users N] [--seed-groups N]");
  process.exit(2);
}
const app = await startScimApp({ token: values.token, port: Number(values.port) });
const auth = { Authorization: `Bearer ${values.token}`, "Content-Type": "application/scim+json" };
const groupIds: string[] = [];
for (let i = 0; i < Number(values["seed-groups"]); i++) {
  const r = await fetch(`${app.baseUrl}/Groups`, { method: "POST", headers: auth, body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: `group-${i}` }) });
  groupIds.push(((await r.json()) as { id: string }).id);
}
for (let i = 0; i < Number(values["seed-users"]); i++) {
  const r = await fetch(`${app.baseUrl}/Users`, { method: "POST", headers: auth, body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: `user${i}@example.test`, name: { givenName: "User", familyName: String(i) }, emails: [{ value: `user${i}@example.test`, primary: true }], active: true }) });
  const id = ((await r.json()) as { id: string }).id;
  if (groupIds.length) {
    await fetch(`${app.baseUrl}/Groups/${groupIds[i % groupIds.length]}`, { method: "PATCH", headers: auth, body: JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "add", path: "members", value: [{ value: id }] }] }) });
  }
}
console.log(`SCIM app listening: ${app.baseUrl} (token from --token)`);
const shutdown = async () => {
  await app.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
