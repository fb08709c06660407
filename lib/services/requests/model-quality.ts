/**
 * How good is the learned approval model (risk-model.ts) on the portal's own decision history? For admins,
 * security and auditors: 5-fold stratified cross-validation (lib/domain/risk crossValidateTable, same columns and
 * tree budget as the live model): AUC, logloss, the 10-bin calibration table (mean predicted vs observed approval
 * rate), the number of decisions and when the live model was last trained. Below MIN_HISTORY (50) decisions, or with
 * only approvals or only denials, there is no model and the answer says so in plain words instead of numbers.
 * The cross-validation is cached per database until a new decision arrives (same stamp as the live model).
 */
import type { Queryable } from "@/db/client";
import { decisionHistory, decisionHistoryStamp, HISTORY_COLUMNS } from "@/db/queries/requests";
import { can } from "@/lib/auth/can";
import { MIN_HISTORY } from "@/lib/domain/request-risk";
import type { CalibrationBin } from "@/lib/domain/risk/metrics";
import { crossValidateTable } from "@/lib/domain/risk/validate";
import { ForbiddenError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { lastTrainedAt, loadApprovalModel } from "./risk-model";

export const CV_FOLDS = 5;

export type ModelQuality = {
  decisions: number;
  approved: number;
  denied: number;
  minDecisions: number;
  /** false: no numbers; `message` says why. */
  enough: boolean;
  message: string;
  lastTrainedAt: string | null;
  latestDecisionAt: string | null;
  cv: null | {
    folds: number;
    auc: number;
    logloss: number;
    /** Logloss of always predicting the overall approval rate: the model should beat it. */
    baselineLogloss: number;
    calibration: CalibrationBin[];
    perFold: { auc: number; logloss: number; rows: number }[];
  };
};

const cache = new WeakMap<object, { stamp: string; value: ModelQuality["cv"] }>();

export async function modelQuality({ ctx }: { ctx: Ctx }): Promise<ModelQuality> {
  if (!can(ctx.actor, "audit.read")) throw new ForbiddenError("Only admins, security and auditors can see the risk model's quality.");
  return computeModelQuality(ctx.db);
}

async function computeModelQuality(db: Queryable): Promise<ModelQuality> {
  const s = await decisionHistoryStamp(db);
  const base = { decisions: s.n, minDecisions: MIN_HISTORY, latestDecisionAt: s.latest || null };
  if (s.n < MIN_HISTORY) {
    const { approved, denied } = s.n ? countLabels(await decisionHistory(db)) : { approved: 0, denied: 0 };
    return {
      ...base, approved, denied, enough: false, lastTrainedAt: null, cv: null,
      message: `Too few decisions to learn from: ${s.n} people-made decision${s.n === 1 ? "" : "s"} so far, the model needs at least ${MIN_HISTORY}. Until then risk scores use the transparent scorecard only.`,
    };
  }
  const rows = await decisionHistory(db);
  const labels = rows.map((r) => (r.status === "denied" ? 0 : 1));
  const { approved, denied } = countLabels(rows);
  if (!approved || !denied) {
    return {
      ...base, approved, denied, enough: false, lastTrainedAt: null, cv: null,
      message: `All ${rows.length} decisions went the same way (${approved ? "all approved" : "all denied"}), so there is nothing to learn to tell them apart. Risk scores use the scorecard only.`,
    };
  }
  // Make sure the live model exists for this history, so "last trained" is meaningful.
  await loadApprovalModel(db);
  const stamp = `${s.n}|${s.latest}`;
  let hit = cache.get(db);
  if (!hit || hit.stamp !== stamp) {
    const cv = crossValidateTable(
      [...HISTORY_COLUMNS],
      rows.map((r) => [`${r.app_name}: ${r.ent_name}`, r.app_name, r.department, r.title, r.employment, r.manager]),
      labels,
      CV_FOLDS,
      { gbdt: { trees: 60 }, innerFolds: 5 },
    );
    const p = approved / labels.length;
    const baselineLogloss = -(p * Math.log(p) + (1 - p) * Math.log(1 - p));
    hit = { stamp, value: { folds: cv.folds, auc: cv.auc, logloss: cv.logloss, baselineLogloss, calibration: cv.calibration, perFold: cv.perFold } };
    cache.set(db, hit);
  }
  return {
    ...base, approved, denied, enough: true, lastTrainedAt: lastTrainedAt(db), cv: hit.value,
    message: `Cross-validated on ${rows.length} people-made decisions (${CV_FOLDS} folds): AUC ${hit.value!.auc.toFixed(3)}, logloss ${hit.value!.logloss.toFixed(3)}.`,
  };
}

function countLabels(rows: Array<{ status: string }>) {
  const denied = rows.filter((r) => r.status === "denied").length;
  return { approved: rows.length - denied, denied };
}
