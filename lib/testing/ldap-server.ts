/**
 * A throwaway OpenLDAP server for integration tests and local runs.
 *
 * startLdap() writes a slapd.conf into a fresh temp dir (schemas core, cosine, inetorgperson, nis; one mdb
 * database), checks it with `slaptest -u`, starts `/usr/sbin/slapd -d 0` in the foreground (so the PID we hold
 * is the server itself) on ldap://127.0.0.1:<free port>/, waits until a bind succeeds, then adds the base
 * entries (dcObject/organization, ou=people, ou=groups, ou=disabled) with ldapts.
 * The lastbind overlay (slapo-lastbind) is on, so every successful simple bind of an entry records its
 * `authTimestamp` (precision 0: on every bind) the way a production directory tracking dormant accounts does.
 * stop() kills exactly that PID and removes the temp dir. Missing slapd → an Error saying how to install it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Client } from "ldapts";
import { freePort } from "./free-port";

export const SLAPD_PATH = process.env.SLAPD_PATH ?? "/usr/sbin/slapd";
const SLAPTEST_PATH = path.join(path.dirname(SLAPD_PATH), "slaptest");
const SCHEMA_DIR = "/etc/ldap/schema";
const MODULE_DIR = "/usr/lib/ldap";

export const LDAP_INSTALL_HINT =
  `OpenLDAP's slapd is not installed (no ${SLAPD_PATH}). Install it with: ` +
  "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y -q slapd ldap-utils";

export function ldapAvailable(): boolean {
  return existsSync(SLAPD_PATH) && existsSync(path.join(SCHEMA_DIR, "inetorgperson.schema"));
}

/** Debian's slapd ships the lastbind overlay module (authTimestamp on every bind). */
export function lastbindAvailable(): boolean {
  return existsSync(path.join(MODULE_DIR, "lastbind.so"));
}

export type LdapServer = {
  url: string;
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  pid: number;
  stop(): Promise<void>;
};

export async function startLdap(opts: { baseDn?: string } = {}): Promise<LdapServer> {
  if (!ldapAvailable()) throw new Error(LDAP_INSTALL_HINT);
  const baseDn = opts.baseDn ?? "dc=example,dc=test";
  const dc = /^dc=([^,]+)/i.exec(baseDn)?.[1] ?? "example";
  const bindDn = `cn=admin,${baseDn}`;
  const bindPassword = randomBytes(12).toString("hex");
  const dir = mkdtempSync(path.join(os.tmpdir(), "gh-slapd-"));
  mkdirSync(path.join(dir, "db"));
  const conf = path.join(dir, "slapd.conf");
  writeFileSync(
    conf,
    [
      ...["core", "cosine", "inetorgperson", "nis"].map((s) => `include ${SCHEMA_DIR}/${s}.schema`),
      `pidfile ${dir}/slapd.pid`,
      `argsfile ${dir}/slapd.args`,
      `modulepath ${MODULE_DIR}`,
      "moduleload back_mdb",
      ...(lastbindAvailable() ? ["moduleload lastbind"] : []),
      "database mdb",
      "maxsize 104857600",
      `suffix "${baseDn}"`,
      `rootdn "${bindDn}"`,
      `rootpw ${bindPassword}`,
      `directory ${dir}/db`,
      "index objectClass eq",
      "index uid,member eq",
      ...(lastbindAvailable() ? ["overlay lastbind"] : []),
      "",
    ].join("\n"),
  );

  const cleanupDir = () => rmSync(dir, { recursive: true, force: true });
  const check = spawnSync(SLAPTEST_PATH, ["-f", conf, "-u"], { encoding: "utf8" });
  if (check.status !== 0) {
    cleanupDir();
    throw new Error(`slaptest rejected the generated slapd.conf: ${check.stderr || check.stdout}`);
  }

  let lastErr = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `ldap://127.0.0.1:${port}`;
    const child = spawn(SLAPD_PATH, ["-d", "0", "-f", conf, "-h", `${url}/`], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d) => (stderr += String(d)));
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);
    try {
      await waitForBind(child, url, bindDn, bindPassword, () => stderr);
      await addBaseEntries(url, bindDn, bindPassword, baseDn, dc);
    } catch (e) {
      await killChild(child);
      process.removeListener("exit", killOnExit);
      lastErr = e instanceof Error ? e.message : String(e);
      if (/address already in use/i.test(lastErr)) continue;
      cleanupDir();
      throw e;
    }
    let stopped = false;
    return {
      url,
      bindDn,
      bindPassword,
      baseDn,
      pid: child.pid!,
      async stop() {
        if (stopped) return;
        stopped = true;
        await killChild(child);
        process.removeListener("exit", killOnExit);
        cleanupDir();
      },
    };
  }
  cleanupDir();
  throw new Error(`slapd did not start: ${lastErr}`);
}

async function waitForBind(child: ChildProcess, url: string, dn: string, pw: string, stderr: () => string) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`slapd exited (code ${child.exitCode}): ${stderr().trim().slice(-500)}`);
    }
    const c = new Client({ url, connectTimeout: 500, timeout: 1000 });
    try {
      await c.bind(dn, pw);
      await c.unbind();
      return;
    } catch {
      await c.unbind().catch(() => {});
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`slapd did not answer on ${url} within 15 s: ${stderr().trim().slice(-500)}`);
}

async function addBaseEntries(url: string, dn: string, pw: string, baseDn: string, dc: string) {
  const c = new Client({ url, timeout: 5000 });
  try {
    await c.bind(dn, pw);
    await c.add(baseDn, { objectClass: ["top", "dcObject", "organization"], dc, o: dc });
    for (const ou of ["people", "groups", "disabled"]) {
      await c.add(`ou=${ou},${baseDn}`, { objectClass: ["top", "organizationalUnit"], ou });
    }
  } finally {
    await c.unbind().catch(() => {});
  }
}

function killChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const t = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(t);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
