// Shared by `npm start` and `npm test`: install what is missing, build when sources changed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...(opts.env ?? {}) } });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

function mtime(p) {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function newest(dir) {
  let m = 0;
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === "node_modules" || e.name.startsWith(".")) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else m = Math.max(m, mtime(p));
    }
  };
  walk(dir);
  return m;
}

/** npm install when node_modules is missing or older than package.json / the lockfile. */
export function ensureDependencies() {
  const marker = path.join(root, "node_modules", ".package-lock.json");
  const need = !fs.existsSync(marker) || mtime(path.join(root, "package.json")) > mtime(marker) || mtime(path.join(root, "package-lock.json")) > mtime(marker);
  if (!need) return;
  console.log("Installing dependencies (npm install)…");
  // `npm ci` fails with lockfiles made on another platform (stack-recipe.md); install honours the lockfile.
  run("npm", ["install", "--no-audit", "--no-fund"], { env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" } });
}

/** next build when there is no build or a source is newer than it. */
export function ensureBuild({ force = false } = {}) {
  const buildId = path.join(root, ".next", "BUILD_ID");
  const built = mtime(buildId);
  const sources = Math.max(
    ...["app", "components", "lib", "db", "public"].map((d) => newest(path.join(root, d))),
    ...["next.config.js", "package.json", "postcss.config.mjs", "tsconfig.json"].map((f) => mtime(path.join(root, f))),
  );
  if (!force && built && built >= sources) return;
  console.log("Building the portal (next build)…");
  run(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"]);
}

export function tsxArgs(...args) {
  return [path.join(root, "node_modules/tsx/dist/cli.mjs"), ...args];
}
