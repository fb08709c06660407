/**
 * `npm run bench:risk`: quality and speed of the access-request risk model on the Amazon Employee Access
 * training file (26,215 rows). Quality is measured two ways, without leakage:
 *  - a held-out split: a fixed stratified 20% of the file (validate.holdoutSplit, seed 2013) that no setting was
 *    tuned on (scripts/bench/risk-tune.ts cross-validates on the other 80% only); the model is trained on the 80%
 *    and scored on the 20%: the honest estimate;
 *  - repeated stratified K-fold CV (3 x 5 by default; RISK_BENCH_REPEATS / RISK_BENCH_FOLDS) on the 80% tuning part:
 *    mean +- sd of the per-fold AUC and logloss. Every model sees only its training rows (target statistics included).
 * Then training seconds on all rows, prediction seconds per 10,000 rows, serialised model size and peak RSS. Wall
 * seconds are printed with this process's CPU seconds and the machine's load average, so runs on a busy machine
 * can be compared.
 * Data: $GATEHOUSE_SHARED_DIR/datasets/amazon-access/train.csv, default ../shared relative to the cwd.
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { parseCsv } from "../../lib/domain/risk/csv";
import { calibrationTable } from "../../lib/domain/risk/metrics";
import { modelFromJson, modelToJson, predictRows, trainRiskModel } from "../../lib/domain/risk/model";
import { evaluateHoldout, holdoutSplit, repeatedCrossValidateTable } from "../../lib/domain/risk/validate";

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
const folds = Number(process.env.RISK_BENCH_FOLDS ?? 5);
const repeats = Number(process.env.RISK_BENCH_REPEATS ?? 3);
const split = holdoutSplit(labels, 0.2, 2013);
const tuneRows = split.tune.map((i) => rows[i]);
const tuneLabels = split.tune.map((i) => labels[i]);

console.log(`data: ${file} (${rows.length} rows, ${columns.length} feature columns)`);
console.log(`machine: ${cpus().length} cpus, load average (1 min) ${load0.toFixed(2)} at start`);
// figures are printed as soon as they are measured (the repeated CV comes last: it takes longest)
let t0 = process.hrtime.bigint();
let c0 = process.cpuUsage();
const held = evaluateHoldout(columns, rows, labels, split);
console.log(`held-out: trained on ${held.trainRows} rows, scored on ${held.holdoutRows} rows never used in tuning (stratified 20%, seed 2013), ${sec(t0).toFixed(1)} s (cpu ${cpuSec(c0).toFixed(1)} s)`);
console.log(`held-out auc: ${held.auc.toFixed(4)}  logloss: ${held.logloss.toFixed(4)}`);
console.log("held-out calibration (p_approve bin: rows, mean predicted, observed):");
const heldCal = calibrationTable(held.p, split.holdout.map((i) => labels[i]), 10);
for (const b of heldCal) if (b.count) console.log(`  ${b.lo.toFixed(1)}-${b.hi.toFixed(1)}: ${String(b.count).padStart(6)}  ${b.meanPredicted.toFixed(3)}  ${b.observed.toFixed(3)}`);

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
console.log(`train seconds (all ${rows.length} rows): ${trainSeconds.toFixed(2)} (cpu ${trainCpu.toFixed(2)})`);
console.log(`model load seconds (JSON.parse + modelFromJson): ${loadSeconds.toFixed(3)}`);
console.log(`predict seconds per 10,000 rows: ${predictSeconds.toFixed(3)} (cpu ${predictCpu.toFixed(3)})`);
console.log(`model size: ${(Buffer.byteLength(json) / 1e6).toFixed(2)} MB (JSON)`);

t0 = process.hrtime.bigint();
c0 = process.cpuUsage();
const cv = repeatedCrossValidateTable(columns, tuneRows, tuneLabels, { folds, repeats, seed: 42 });
console.log(`cv: ${repeats} x ${folds}-fold stratified on the ${tuneRows.length}-row tuning part (fold seeds ${cv.runs.map((r) => r.seed).join(", ")}), ${sec(t0).toFixed(1)} s (cpu ${cpuSec(c0).toFixed(1)} s)`);
console.log(`cv auc: ${cv.auc.mean.toFixed(4)} +- ${cv.auc.sd.toFixed(4)}  (pooled per repeat: ${cv.runs.map((r) => r.auc.toFixed(4)).join(", ")})`);
console.log(`cv logloss: ${cv.logloss.mean.toFixed(4)} +- ${cv.logloss.sd.toFixed(4)}  (pooled per repeat: ${cv.runs.map((r) => r.logloss.toFixed(4)).join(", ")})`);
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(sample);
console.log(`load average (1 min) at end: ${loadavg()[0].toFixed(2)}`);
console.log(`peak RSS: ${(peak / 1e6).toFixed(0)} MB`);
