// `npm start`: install what is missing, build when needed, migrate, seed the demo
// organisation on first run (embedded database), then serve the portal.
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureBuild, ensureDependencies, root, run, tsxArgs } from "./setup-lib.mjs";

ensureDependencies();
ensureBuild();

const port = process.env.PORT ?? "3000";
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
env.NEXTAUTH_URL ??= `http://localhost:${port}`;

// Migrations always; the demo organisation only into an empty embedded database, unless GATEHOUSE_DEMO=off
// (your own organisation: docs/onboarding.md). On PostgreSQL, seed explicitly: npm run gatehouse -- seed.
run(process.execPath, tsxArgs("lib/cli/main.ts", "db", "migrate"), { env });
const demo = (process.env.GATEHOUSE_DEMO ?? "on").toLowerCase() !== "off";
if (!process.env.DATABASE_URL && demo) run(process.execPath, tsxArgs("lib/cli/main.ts", "seed", "--if-empty"), { env });

console.log(`\nGatehouse is starting on http://localhost:${port}\n`);
const child = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", port], { cwd: root, stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
