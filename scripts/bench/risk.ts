/**
 * `npm run bench:risk`: quality and speed of the access-request risk model on the Amazon Employee Access
 * training file (26,215 rows). Prints 5-fold stratified CV AUC / logloss, training seconds on all rows,
 * prediction seconds per 10,000 rows, serialised model size and peak RSS. Wall seconds are printed with
 * this process's CPU seconds and the machine's load average, so runs on a busy machine can be compared.
 * Data: $GATEHOUSE_SHARED_DIR/datasets/amazon-access/train.csv, default ../shared relative to the cwd.
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { parseCsv } from "../../lib/domain/risk/csv";
import { modelFromJson, modelToJson, predictRows, trainRiskModel } from "../../lib/domain/risk/model";
import { crossValidateTable } from "../../lib/domain/risk/validate";

const shared = process.env.GATEHOUSE_SHARED_DIR ?? path.resolve(process.cwd(), "../shared");
const file = path.resolve(shared, "datasets/amazon-access/train.csv");
const table = parseCsv(readFileSync(file, "utf8"));
const li = table.header.indexOf("ACTION");
if (li < 0) throw new Error(`${file}: no ACTION column`);
const columns = table.header.filter((_, i) => i !== li);
const rows = table.rows.map((r) => r.filter((_, i) => i !== li));
const labels = table.rows.map((r) => (r[li] === "1" ? 1 : 0));

let peak = process.memoryUsage().rss;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);

const sec = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const cpuSec = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};
const load0 = loadavg()[0];
let t0 = process.hrtime.bigint();
let c0 = process.cpuUsage();
const cv = crossValidateTable(columns, rows, labels, 5);
const cvSeconds = sec(t0);
const cvCpu = cpuSec(c0);

t0 = process.hrtime.bigint();
c0 = process.cpuUsage();
const model = trainRiskModel({ label: "ACTION", columns, rows, labels });
const trainSeconds = sec(t0);
const trainCpu = cpuSec(c0);
const json = JSON.stringify(modelToJson(model));
t0 = process.hrtime.bigint();
const loaded = modelFromJson(JSON.parse(json));
const loadSeconds = sec(t0);

// prediction speed: 10,000-row batches (data rows, as the CLI would pass them), best of 3
const batch = rows.slice(0, 10_000);
let predictSeconds = Infinity;
let predictCpu = Infinity;
for (let r = 0; r < 3; r++) {
  t0 = process.hrtime.bigint();
  c0 = process.cpuUsage();
  predictRows(loaded, batch);
  predictSeconds = Math.min(predictSeconds, sec(t0));
  predictCpu = Math.min(predictCpu, cpuSec(c0));
}
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(sample);

console.log(`data: ${file} (${rows.length} rows, ${columns.length} feature columns)`);
console.log(`machine: ${cpus().length} cpus, load average (1 min) ${load0.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end`);
console.log(`cv folds: 5 (stratified, seed 42), ${cvSeconds.toFixed(1)} s (cpu ${cvCpu.toFixed(1)} s)`);
console.log(`cv auc: ${cv.auc.toFixed(4)}  (per fold: ${cv.perFold.map((f) => f.auc.toFixed(4)).join(", ")})`);
console.log(`cv logloss: ${cv.logloss.toFixed(4)}  (per fold: ${cv.perFold.map((f) => f.logloss.toFixed(4)).join(", ")})`);
console.log("cv calibration (bin: rows, mean predicted, observed):");
for (const b of cv.calibration) if (b.count) console.log(`  ${b.lo.toFixed(1)}-${b.hi.toFixed(1)}: ${String(b.count).padStart(6)}  ${b.meanPredicted.toFixed(3)}  ${b.observed.toFixed(3)}`);
console.log(`train seconds (all ${rows.length} rows): ${trainSeconds.toFixed(2)} (cpu ${trainCpu.toFixed(2)})`);
console.log(`model load seconds (JSON.parse + modelFromJson): ${loadSeconds.toFixed(3)}`);
console.log(`predict seconds per 10,000 rows: ${predictSeconds.toFixed(3)} (cpu ${predictCpu.toFixed(3)})`);
console.log(`model size: ${(Buffer.byteLength(json) / 1e6).toFixed(2)} MB (JSON)`);
console.log(`peak RSS: ${(peak / 1e6).toFixed(0)} MB`);
