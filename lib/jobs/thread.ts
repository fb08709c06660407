/**
 * runAnalyticsInThread(task, input, { signal, timeoutMs }): run a CPU-heavy analytics task (lib/jobs/
 * analytics-thread.mjs) on a node:worker_threads thread and resolve with its result. The caller's event loop stays
 * free (a 120 s mining budget in the web process used to stall every request, /api/health included).
 *
 * - `signal` aborts: the thread is terminated at once and the promise rejects with CancelledError;
 * - `timeoutMs` is a hard stop on top of the task's own budget (the thread is terminated, TimeoutError);
 * - an error inside the task comes back with its name and message (CsvError keeps its line and column).
 * The thread file is found from the project root (process.cwd(): `npm start`, `next start` and the tests run
 * there); Next must not bundle it: Node loads it from disk. Turbopack treats `new Worker(…)` of an imported
 * worker_threads as a bundle entry (and then fails on tsx's loader), ignore comments notwithstanding, so the
 * constructor is taken from `process.getBuiltinModule` at run time, which no bundler follows.
 */
import path from "node:path";
import type { AccessReport } from "@/lib/domain/mining/csv-report";
import { CsvError } from "@/lib/domain/csv";
import type { ApproximateOptions, ApproximateResult, GroupAttributes } from "@/lib/domain/mining/approximate";
import type { MineOptions, MineResult } from "@/lib/domain/mining/role-mining";
import type { PdfLine, PdfOptions } from "@/lib/pdf";
import { AppError } from "@/lib/errors";

export class CancelledError extends AppError {
  constructor(message = "Cancelled.") {
    super("cancelled", message, 409);
  }
}

type Tasks = {
  mineRoles: { input: { pairs: ReadonlyArray<readonly [string, string]>; options?: Omit<MineOptions, "clock" | "onProgress"> }; output: MineResult };
  approximateRoles: {
    input: { pairs: ReadonlyArray<readonly [string, string]>; people?: Array<[string, GroupAttributes]>; options?: Omit<ApproximateOptions, "clock"> };
    output: ApproximateResult;
  };
  accessReport: { input: { text: string; options?: { format?: "wide" | "long" | "auto"; timeLimitMs?: number } }; output: AccessReport };
  renderPdf: { input: { lines: PdfLine[]; options?: PdfOptions }; output: Uint8Array };
};

const THREAD_FILE = () => path.join(process.cwd(), "lib", "jobs", "analytics-thread.mjs");
const workerThreads = () => process.getBuiltinModule("node:worker_threads");

export function runAnalyticsInThread<K extends keyof Tasks>(task: K, input: Tasks[K]["input"], opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Tasks[K]["output"]> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new CancelledError());
    const { Worker: Thread } = workerThreads();
    const worker = new Thread(THREAD_FILE(), { workerData: { task, input } });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const stop = (err: Error) => finish(() => {
      void worker.terminate();
      reject(err);
    });
    const onAbort = () => stop(new CancelledError());
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const timer = opts.timeoutMs ? setTimeout(() => stop(new AppError("timeout", `The analysis did not finish within ${Math.round(opts.timeoutMs! / 1000)} s.`, 504)), opts.timeoutMs) : undefined;
    worker.once("message", (m: { ok: true; result: Tasks[K]["output"] } | { ok: false; error: { name: string; message: string; line?: number; column?: string } }) => {
      finish(() => {
        if (m.ok) resolve(m.result);
        else if (m.error.name === "CsvError") reject(new CsvError(m.error.message, m.error.line ?? 1, m.error.column));
        else reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
      });
      void worker.terminate();
    });
    worker.once("error", (e) => finish(() => reject(e)));
    worker.once("exit", (code) => finish(() => reject(new Error(`The analysis thread stopped (exit code ${code}) before answering.`))));
  });
}
