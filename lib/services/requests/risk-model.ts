/**
 * The learned approval model over the portal's own decision history (lib/domain/risk), trained lazily and cached
 * per database handle until a new human decision arrives. Below MIN_HISTORY decisions, or when the history has only
 * approvals or only denials, there is no model and the scorecard uses its transparent prior instead.
 * Training on ≤ 20,000 rows with a reduced tree budget takes well under a second for the sizes a portal sees.
 */
import type { Queryable } from "@/db/client";
import { decisionHistory, decisionHistoryStamp, HISTORY_COLUMNS } from "@/db/queries/requests";
import { MIN_HISTORY, type ModelOpinion } from "@/lib/domain/request-risk";
import { explainRequest, trainRiskModel, type RiskModel } from "@/lib/domain/risk/model";

type Cached = { stamp: string; model: RiskModel | null; decisions: number; trainedAt: string | null };
const cache = new WeakMap<object, Cached>();

export type HistoryRecord = { entitlement: string; application: string; department: string; title: string; employment: string; manager: string };

/** When this process last trained the model for this database (null: not trained, e.g. too few decisions). */
export function lastTrainedAt(db: Queryable): string | null {
  return cache.get(db)?.trainedAt ?? null;
}

export async function loadApprovalModel(db: Queryable): Promise<{ model: RiskModel | null; decisions: number }> {
  const s = await decisionHistoryStamp(db);
  const stamp = `${s.n}|${s.latest}`;
  const hit = cache.get(db);
  if (hit && hit.stamp === stamp) return hit;
  let model: RiskModel | null = null;
  if (s.n >= MIN_HISTORY) {
    const rows = await decisionHistory(db);
    const labels = rows.map((r) => (r.status === "denied" ? 0 : 1));
    const approved = labels.reduce<number>((a, b) => a + b, 0);
    if (approved > 0 && approved < labels.length) {
      model = trainRiskModel(
        {
          label: "approved",
          columns: [...HISTORY_COLUMNS],
          rows: rows.map((r) => [`${r.app_name}: ${r.ent_name}`, r.app_name, r.department, r.title, r.employment, r.manager]),
          labels,
        },
        // the pre-selection settings (no stacking, small-leaf trees: minChildSamples 20, lambda 2, one view, their blend): the Amazon-tuned stacking and second view
        // double the training time and were validated only with the Amazon columns' selected groups
        { gbdt: { trees: 60, minChildSamples: 20, lambda: 2 }, innerFolds: 5, stack: "off", treeViews: 1, blend: [-0.044, 0.497, 0.47] },
      );
    }
  }
  const out = { stamp, model, decisions: s.n, trainedAt: model ? new Date().toISOString() : null };
  cache.set(db, out);
  return out;
}

export function opinionFor(model: RiskModel | null, decisions: number, r: HistoryRecord): ModelOpinion | null {
  if (!model) return null;
  const e = explainRequest(model, { ...r, entitlement: `${r.application}: ${r.entitlement}` }, 3);
  return { pApprove: e.pApprove, modelScore: e.riskScore, decisions, reasons: e.reasons.map((x) => x.text) };
}
