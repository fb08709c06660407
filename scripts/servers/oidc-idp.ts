/**
 * Run the test OpenID Provider by hand (manual SSO checks, the e2e server):
 *   tsx scripts/servers/oidc-idp.ts --port 3199 --client-id gatehouse-dev --client-secret S \
 *     --redirect-uri http://127.0.0.1:3000/api/auth/callback/oidc [--verbose]
 * The client secret may also come from env OIDC_CLIENT_SECRET (keeps it out of `ps`).
 * Prints "OIDC IdP listening: <issuer>" once ready; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { startOidcProvider } from "@/lib/testing/oidc-provider";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "3199" },
    "client-id": { type: "string", default: "gatehouse-dev" },
    "client-secret": { type: "string" },
    "redirect-uri": { type: "string", default: "http://127.0.0.1:3000/api/auth/callback/oidc" },
    title: { type: "string" },
    verbose: { type: "boolean", default: false },
  },
});
const clientSecret = values["client-secret"] ?? process.env.OIDC_CLIENT_SECRET;
if (!clientSecret) {
  console.error("usage: tsx scripts/servers/oidc-idp.ts --port P --client-id ID --client-secret S --redirect-uri URL [--title T] [--verbose]");
  console.error("       (or set OIDC_CLIENT_SECRET instead of --client-secret)");
  process.exit(2);
}
const idp = await startOidcProvider({
  port: Number(values.port),
  clientId: values["client-id"]!,
  clientSecret,
  redirectUri: values["redirect-uri"]!,
  title: values.title,
  verbose: values.verbose,
});
console.log(`OIDC IdP listening: ${idp.issuer} (client ${values["client-id"]}, redirect ${values["redirect-uri"]})`);
const shutdown = async () => {
  await idp.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
