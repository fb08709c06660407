// Runs one CPU-heavy analytics task (role mining, the access report) on a worker thread, so the web process's
// event loop keeps answering while it computes (see lib/jobs/thread.ts, which starts it).
//
// Plain ESM on purpose: Next bundles the server code, but this file is loaded by Node from disk, so it registers
// tsx (a runtime dependency, also used by `npm start`) and imports the TypeScript domain modules directly. The
// domain modules import only relative paths, no framework.
//
// Input (workerData): { task: "mineRoles" | "approximateRoles" | "accessReport" | "renderPdf", input }. Output: one message { ok: true, result } or
// { ok: false, error: { name, message, line, column } }; the thread then ends.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();

const tasks = {
  mineRoles: async ({ pairs, options }) => (await import("../domain/mining/role-mining.ts")).mineRoles(pairs, options ?? {}),
  approximateRoles: async ({ pairs, people, options }) => (await import("../domain/mining/approximate.ts")).approximateRoles(pairs, new Map(people ?? []), options ?? {}),
  accessReport: async ({ text, options }) => (await import("../domain/mining/csv-report.ts")).buildAccessReport(text, options ?? {}),
  // A long PDF (evidence of a large campaign): pdfkit shapes every word with fontkit, seconds to minutes of CPU.
  renderPdf: async ({ lines, options }) => (await import("../pdf.ts")).renderPdf(lines, options ?? {}),
};

try {
  const run = tasks[workerData?.task];
  if (!run) throw new Error(`Unknown analytics task "${String(workerData?.task)}"`);
  parentPort.postMessage({ ok: true, result: await run(workerData.input) });
} catch (e) {
  parentPort.postMessage({ ok: false, error: { name: e?.name ?? "Error", message: String(e?.message ?? e), line: e?.line, column: e?.column } });
}
