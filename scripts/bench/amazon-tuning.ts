/**
 * The Amazon Employee Access file (../shared/datasets/amazon-access/train.csv, or GATEHOUSE_SHARED_DIR) split as
 * the risk benchmark splits it (validate.holdoutSplit, default seed): the 80% tuning part that tuning scripts may
 * read (`rows`, `labels`) and the column names. The held-out 20% is not exported: nothing here may be tuned on it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseCsv } from "../../lib/domain/risk/csv";
import { holdoutSplit } from "../../lib/domain/risk/validate";

export function amazonTuningPart() {
  const shared = process.env.GATEHOUSE_SHARED_DIR ?? path.resolve(process.cwd(), "../shared");
  const table = parseCsv(readFileSync(path.resolve(shared, "datasets/amazon-access/train.csv"), "utf8"));
  const li = table.header.indexOf("ACTION");
  const columns = table.header.filter((_, i) => i !== li);
  const allRows = table.rows.map((r) => r.filter((_, i) => i !== li));
  const allLabels = table.rows.map((r) => (r[li] === "1" ? 1 : 0));
  const split = holdoutSplit(allLabels);
  return { columns, rows: split.tune.map((i) => allRows[i]), labels: split.tune.map((i) => allLabels[i]) };
}
