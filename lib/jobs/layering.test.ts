/**
 * Dependencies run one way: the worker (lib/jobs) uses services; services, queries and the domain never import the
 * worker. The only parts of lib/jobs they may use are leaves: the doorbell (lib/jobs/wake.ts), which imports nothing,
 * and the worker-thread runner for CPU-heavy analytics (lib/jobs/thread.ts), which imports only domain code, errors and
 * the PDF renderer (lib/pdf.ts, itself a leaf over pdfkit).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

const importsOf = (file: string) => [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]!);

describe("layering", () => {
  const LEAVES = new Set(["@/lib/jobs/wake", "@/lib/jobs/thread"]);
  it("lib/services, lib/domain, db and app import nothing of lib/jobs but its leaves (doorbell, thread runner)", () => {
    const offenders: string[] = [];
    for (const dir of ["lib/services", "lib/domain", "db", "app"]) {
      for (const f of files(path.join(root, dir))) {
        if (f.endsWith(".test.ts")) continue; // tests may start a worker
        for (const i of importsOf(f)) if (i.startsWith("@/lib/jobs/") && !LEAVES.has(i)) offenders.push(`${path.relative(root, f)} → ${i}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("the doorbell imports nothing; the thread runner imports no service, query or worker code", () => {
    expect(importsOf(path.join(root, "lib/jobs/wake.ts"))).toEqual([]);
    expect(importsOf(path.join(root, "lib/jobs/thread.ts")).filter((i) => !/^(node:|@\/lib\/domain\/|@\/lib\/errors$|@\/lib\/pdf$)/.test(i))).toEqual([]);
  });
});
