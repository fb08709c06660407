#!/usr/bin/env node
/**
 * The end-to-end suite's server (Playwright's webServer command; also runnable by hand):
 *   1. a fresh data dir .tmp/e2e-data (deleted first);
 *   2. `next build` into .next-e2e (E2E_NEXT_DIST) when its BUILD_ID is missing or older than the sources
 *      (always with E2E_BUILD=1),
 *      output in .tmp/e2e-build.log, its tail printed only on failure;
 *   3. the demo organisation: `gatehouse seed --people 400 --seed 7` (the CLI must run before the
 *      portal opens the embedded database: PGlite allows one process per data dir);
 *   4. the test OpenID Provider (scripts/servers/oidc-idp.ts) on E2E_OIDC_PORT (free port from playwright.config.ts);
 *   5. `next start` on E2E_PORT (a free port chosen by playwright.config.ts) with OIDC configured against that IdP.
 * A random OIDC client secret is made per run and passed to both. Children are stopped on exit,
 * on SIGINT/SIGTERM/SIGHUP, and if either child dies the script exits non-zero.
 *
 * Env: E2E_PORT, E2E_OIDC_PORT, E2E_BUILD=1 (force a build), E2E_PEOPLE (default 400), E2E_SEED (default 7),
 * E2E_TYPECHECK=1|0: run Next's type check during the build. Default: on in CI (the committed tree must
 * type-check), off locally, where next build would otherwise fail on any half-written file anywhere in
 * the repo (it type-checks every .ts file, tests included) although the pages under test are fine.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.E2E_PORT ?? 3100);
const oidcPort = Number(process.env.E2E_OIDC_PORT ?? 3199);
const people = process.env.E2E_PEOPLE ?? "400";
const seed = process.env.E2E_SEED ?? "7";
const tmp = path.join(root, ".tmp");
const dataDir = path.join(tmp, "e2e-data");
const buildLog = path.join(tmp, "e2e-build.log");
const origin = `http://127.0.0.1:${port}`;
const issuer = `http://127.0.0.1:${oidcPort}`;
const clientId = "gatehouse-e2e";
const clientSecret = randomBytes(24).toString("base64url");
const node = process.execPath;
const nextBin = path.join(root, "node_modules/next/dist/bin/next");
const tsxCli = path.join(root, "node_modules/tsx/dist/cli.mjs");
// Our own build folder (next.config.js reads GATEHOUSE_NEXT_DIST): another engineer's `next build`
// into .next cannot pull the files from under the server we are testing, nor the reverse.
const distDir = process.env.E2E_NEXT_DIST ?? ".next-e2e";

const log = (msg) => console.log(`[e2e-server] ${msg}`);
const started = Date.now();
const secs = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

/** Base env for children: the e2e always runs on embedded PGlite in demo mode. */
function baseEnv(extra) {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_NEXT_DIST: distDir, ...extra };
  delete env.DATABASE_URL;
  delete env.GATEHOUSE_MODE;
  return env;
}

// ---------- child bookkeeping: every child is stopped on our way out ----------
const children = new Set();
let stopping = false;

function track(child, name) {
  children.add(child);
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (!stopping && child.gatehouseLongRunning) {
      console.error(`[e2e-server] ${name} exited unexpectedly (code ${code}, signal ${signal}); stopping.`);
      void shutdown(1);
    }
  });
  return child;
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  const deadline = Date.now() + 5000;
  while (children.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const c of children) c.kill("SIGKILL");
  process.exit(code);
}

for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => void shutdown(0));
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

/** Run a command to completion; output to `logFile` (tail shown on failure) or inherited. */
function run(name, args, { env, logFile } = {}) {
  return new Promise((resolve, reject) => {
    const out = logFile ? fs.openSync(logFile, "w") : "inherit";
    const child = track(spawn(node, args, { cwd: root, env, stdio: ["ignore", out, out] }), name);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (logFile) fs.closeSync(out);
      if (code === 0) return resolve();
      if (logFile) {
        const lines = fs.readFileSync(logFile, "utf8").trimEnd().split("\n");
        console.error(`[e2e-server] ${name} failed (code ${code}, signal ${signal}). Last lines of ${path.relative(root, logFile)}:`);
        console.error(lines.slice(-60).join("\n"));
      }
      reject(new Error(`${name} failed (code ${code}, signal ${signal})`));
    });
  });
}

// `--build-only`: step 2 alone, then exit (npm test builds before Playwright starts, so a slow build on a busy
// machine is not cut short by the web server's start-up timeout).
const buildOnly = process.argv.includes("--build-only");

// ---------- 1. fresh data dir ----------
fs.mkdirSync(tmp, { recursive: true });
if (!buildOnly) {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
}

// ---------- 2. build when stale ----------
const sourceRoots = ["app", "components", "lib", "db", "next.config.js", "package.json", "package-lock.json", "tsconfig.json", "postcss.config.mjs"];
const skip = /(\.test\.tsx?$|\.int\.test\.tsx?$|^\.|node_modules)/;

function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const e of fs.readdirSync(p)) {
    if (skip.test(e)) continue;
    newest = Math.max(newest, newestMtime(path.join(p, e)));
  }
  return newest;
}

function buildReason() {
  if (process.env.E2E_BUILD === "1") return "E2E_BUILD=1";
  let built;
  try {
    built = fs.statSync(path.join(root, distDir, "BUILD_ID")).mtimeMs;
  } catch {
    return `no ${distDir}/BUILD_ID`;
  }
  for (const r of sourceRoots) {
    if (newestMtime(path.join(root, r)) > built) return `${r} changed since the last build`;
  }
  return null;
}

async function main() {
  const reason = buildReason();
  if (reason) {
    const t0 = Date.now();
    const ci = !!process.env.CI && process.env.CI !== "0" && process.env.CI.toLowerCase() !== "false";
    const typecheck = process.env.E2E_TYPECHECK ? process.env.E2E_TYPECHECK === "1" : ci;
    log(`building (${reason}; type check ${typecheck ? "on" : "off, E2E_TYPECHECK=1 turns it on"}); output in ${path.relative(root, buildLog)}`);
    const env = baseEnv(typecheck ? {} : { GATEHOUSE_SKIP_TYPECHECK: "1" });
    delete env.NODE_ENV;
    await run("next build", [nextBin, "build"], { env, logFile: buildLog });
    log(`built in ${secs(t0)}`);
  } else {
    log("build is up to date (E2E_BUILD=1 forces one)");
  }
  if (buildOnly) return;

  // ---------- 3. seed ----------
  {
    const t0 = Date.now();
    const seedLog = path.join(tmp, "e2e-seed.log");
    await run("seed", [tsxCli, "lib/cli/main.ts", "seed", "--people", people, "--seed", seed], { env: baseEnv({}), logFile: seedLog });
    log(`seeded ${people} people (seed ${seed}) in ${secs(t0)}`);
  }

  // ---------- 4. the OIDC IdP ----------
  {
    const env = baseEnv({ OIDC_CLIENT_SECRET: clientSecret });
    delete env.NODE_ENV; // the IdP runs in development mode (plain HTTP on loopback)
    const idp = track(
      spawn(node, ["--import", "tsx", "scripts/servers/oidc-idp.ts", "--port", String(oidcPort), "--client-id", clientId, "--redirect-uri", `${origin}/api/auth/callback/oidc`, "--title", "Company SSO (test IdP)"], {
        cwd: root,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      }),
      "OIDC IdP",
    );
    await new Promise((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`OIDC IdP did not start within 30 s:\n${out}`)), 30_000);
      const onData = (buf) => {
        out += buf.toString();
        if (out.includes("OIDC IdP listening:")) {
          clearTimeout(timer);
          resolve();
        }
      };
      idp.stdout.on("data", onData);
      // Keep the IdP's warnings (Node version, in-memory adapter) out of the way; real errors still show.
      idp.stderr.on("data", (b) => {
        const s = b.toString();
        out += s;
        for (const line of s.split("\n")) if (line.trim() && !line.startsWith("oidc-provider WARNING")) process.stderr.write(`[oidc-idp] ${line}\n`);
      });
      idp.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`OIDC IdP exited with code ${code} while starting (is port ${oidcPort} in use?):\n${out}`));
      });
    });
    idp.gatehouseLongRunning = true;
    log(`OIDC IdP at ${issuer} (client ${clientId})`);
  }

  // ---------- 5. the portal ----------
  const portal = track(
    spawn(node, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: root,
      env: baseEnv({
        NEXTAUTH_URL: origin,
        NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
        OIDC_ISSUER: issuer,
        OIDC_CLIENT_ID: clientId,
        OIDC_CLIENT_SECRET: clientSecret,
        OIDC_NAME: "Company SSO",
      }),
      stdio: ["ignore", "inherit", "inherit"],
    }),
    "next start",
  );
  portal.gatehouseLongRunning = true;
  log(`portal starting at ${origin} (set up in ${secs(started)})`);
}

main().then(() => {
  if (buildOnly) process.exit(0);
}).catch((err) => {
  console.error(`[e2e-server] ${err instanceof Error ? err.message : String(err)}`);
  void shutdown(1);
});
