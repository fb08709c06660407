/**
 * Run a throwaway OpenLDAP server by hand (manual checks, benchmarks):
 *   tsx scripts/servers/ldap.ts
 * Prints url, bind DN, base DN and the generated bind password as JSON on stdout; stops slapd (the PID it
 * started) and removes its temp dir on SIGINT/SIGTERM.
 */
import { startLdap } from "@/lib/testing/ldap-server";

const srv = await startLdap();
console.log(JSON.stringify({ url: srv.url, bindDn: srv.bindDn, bindPassword: srv.bindPassword, baseDn: srv.baseDn, pid: srv.pid }));
const shutdown = async () => {
  await srv.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
