/**
 * `gatehouse risk train|predict|cv`: the learned access-request risk model (lib/domain/risk) on CSV files.
 * stdout carries only the requested output (cv metrics); progress and errors go to stderr.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { csvField, parseCsv, type CsvTable } from "../../domain/risk/csv";
import { alignRows, modelFromJson, modelToJson, predictRows, trainRiskModel, type RiskModelJson } from "../../domain/risk/model";
import { crossValidateTable } from "../../domain/risk/validate";

const HELP = `Usage: npm run -s gatehouse -- risk <subcommand> [options]

Subcommands:
  train   --data FILE.csv --label ACTION --out MODEL.json
          Train on a CSV with a header row; every column but the label is a categorical feature.
          The label must be 0/1 (1 = approved).
  predict --model MODEL.json --data FILE.csv --out PREDS.csv
          Write "p_approve" and one probability per data row. Columns are matched by header name;
          a label column is ignored; unseen category values are handled.
  cv      --data FILE.csv --label ACTION [--folds 5]
          Stratified K-fold cross-validation: prints AUC, logloss and a calibration table.

Options:
  --help  show this help`;

class UsageError extends Error {}

function parseFlags(argv: string[], allowed: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new UsageError(`unexpected argument "${a}"`);
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (!allowed.includes(name)) throw new UsageError(`unknown option --${name}`);
    let value: string | undefined = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    out[name] = value;
  }
  return out;
}

function need(flags: Record<string, string>, name: string): string {
  const v = flags[name];
  if (!v) throw new UsageError(`missing --${name}`);
  return v;
}

function readCsv(file: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  return parseCsv(text);
}

function splitLabel(table: CsvTable, label: string, file: string) {
  const li = table.header.indexOf(label);
  if (li < 0) throw new Error(`${file}: no column "${label}" (columns: ${table.header.join(", ")})`);
  const columns = table.header.filter((_, i) => i !== li);
  if (columns.length === 0) throw new Error(`${file}: no feature columns besides "${label}"`);
  const rows: string[][] = [];
  const labels: number[] = [];
  table.rows.forEach((r, k) => {
    if (r.length !== table.header.length) throw new Error(`${file}: row ${k + 2} has ${r.length} fields, header has ${table.header.length}`);
    const v = r[li].trim();
    if (v !== "0" && v !== "1") throw new Error(`${file}: row ${k + 2}: label "${v}" is not 0 or 1`);
    labels.push(v === "1" ? 1 : 0);
    rows.push(r.filter((_, i) => i !== li));
  });
  return { columns, rows, labels };
}

async function train(argv: string[]): Promise<number> {
  const f = parseFlags(argv, ["data", "label", "out"]);
  const data = need(f, "data");
  const label = need(f, "label");
  const out = need(f, "out");
  const { columns, rows, labels } = splitLabel(readCsv(data), label, data);
  const t0 = Date.now();
  const model = trainRiskModel({ label, columns, rows, labels });
  writeFileSync(out, JSON.stringify(modelToJson(model)));
  console.error(`risk: trained on ${rows.length} rows, ${columns.length} columns in ${((Date.now() - t0) / 1000).toFixed(1)} s -> ${out}`);
  return 0;
}

async function predict(argv: string[]): Promise<number> {
  const f = parseFlags(argv, ["model", "data", "out"]);
  const modelFile = need(f, "model");
  const data = need(f, "data");
  const out = need(f, "out");
  let json: RiskModelJson;
  try {
    json = JSON.parse(readFileSync(modelFile, "utf8"));
  } catch (e) {
    throw new Error(`cannot read model ${modelFile}: ${(e as Error).message}`);
  }
  const model = modelFromJson(json);
  const table = readCsv(data);
  const missing = model.columns.filter((c) => !table.header.includes(c));
  if (missing.length === model.columns.length) throw new Error(`${data}: none of the model's columns (${model.columns.join(", ")}) is present`);
  if (missing.length) console.error(`risk: warning: ${data} lacks column(s) ${missing.join(", ")}; treated as unseen values`);
  const p = predictRows(model, alignRows(model, table.header, table.rows));
  const lines = ["p_approve"];
  for (let i = 0; i < p.length; i++) lines.push(String(Number(p[i].toPrecision(8))));
  writeFileSync(out, lines.join("\n") + "\n");
  return 0;
}

async function cv(argv: string[]): Promise<number> {
  const f = parseFlags(argv, ["data", "label", "folds"]);
  const data = need(f, "data");
  const label = need(f, "label");
  const folds = f.folds === undefined ? 5 : Number(f.folds);
  if (!Number.isInteger(folds) || folds < 2) throw new UsageError("--folds must be an integer >= 2");
  const { columns, rows, labels } = splitLabel(readCsv(data), label, data);
  const res = crossValidateTable(columns, rows, labels, folds);
  const out = [`folds: ${folds}`, `rows: ${rows.length}`, `auc: ${res.auc.toFixed(4)}`, `logloss: ${res.logloss.toFixed(4)}`, "calibration (p_approve bin: rows, mean predicted, observed):"];
  for (const b of res.calibration) {
    if (b.count === 0) continue;
    out.push(`  ${b.lo.toFixed(1)}-${b.hi.toFixed(1)}: ${String(b.count).padStart(6)}  ${b.meanPredicted.toFixed(3)}  ${b.observed.toFixed(3)}`);
  }
  console.log(out.join("\n"));
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub) {
    console.error(HELP);
    return 2;
  }
  if (sub === "--help" || sub === "-h" || sub === "help" || rest.includes("--help")) {
    console.log(HELP);
    return 0;
  }
  try {
    if (sub === "train") return await train(rest);
    if (sub === "predict") return await predict(rest);
    if (sub === "cv") return await cv(rest);
    console.error(`risk: unknown subcommand "${sub}"\n\n${HELP}`);
    return 2;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`risk ${sub}: ${e.message}\n\n${HELP}`);
      return 2;
    }
    console.error(`risk ${sub}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
