import type { Metadata } from "next";
import { Card, PageHeader, Stat } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { CalibrationChart } from "@/components/requests/calibration-chart";
import { can } from "@/lib/auth/can";
import { pageCtx } from "@/lib/services/ctx";
import { modelQuality } from "@/lib/services/requests/model-quality";
import { requireAllowed } from "@/lib/services/run";

export const metadata: Metadata = { title: "Risk model" };
export const dynamic = "force-dynamic";

const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : "–");

export default async function RiskModelPage() {
  const ctx = await pageCtx();
  requireAllowed(can(ctx.actor, "audit.read"));
  const q = await modelQuality({ ctx });
  return (
    <>
      <PageHeader
        title="Risk model"
        subtitle="How well the learned approval model predicts what people decide, measured by cross-validation on the portal's own decision history (automatic approvals are not decisions and are left out)."
      />
      <div className="mb-6 grid grid-cols-2 gap-4 md:grid-cols-4">
        <Stat label="Decisions" value={q.decisions} hint={`${q.approved} approved, ${q.denied} denied`} />
        <Stat label="AUC" value={q.cv ? q.cv.auc.toFixed(3) : "–"} hint="0.5 = guessing, 1 = perfect" />
        <Stat label="Logloss" value={q.cv ? q.cv.logloss.toFixed(3) : "–"} hint={q.cv ? `always-the-average baseline ${q.cv.baselineLogloss.toFixed(3)}` : "lower is better"} />
        <Stat label="Last trained" value={q.lastTrainedAt ? fmtDate(q.lastTrainedAt) : "–"} hint="retrained after each new decision" />
      </div>
      <p role={q.enough ? "status" : "alert"} className={`mb-6 rounded border p-3 text-sm ${q.enough ? "border-slate-200 bg-slate-50 text-slate-700" : "border-amber-200 bg-amber-50 text-amber-900"}`}>
        {q.message}
      </p>
      {q.cv && (
        <>
          <Card title="Calibration: predicted vs observed approval rate" className="mb-6">
            <CalibrationChart points={q.cv.calibration.filter((b) => b.count > 0).map((b) => ({ predicted: b.meanPredicted, observed: b.observed, count: b.count }))} />
          </Card>
          <Card title="Calibration table (10 bins, out-of-fold predictions)">
            <div className="overflow-x-auto"><table className="w-full text-sm">
              <caption className="sr-only">Calibration table</caption>
              <thead className="text-left text-slate-600">
                <tr><th scope="col">Predicted range</th><th scope="col">Decisions</th><th scope="col">Mean predicted</th><th scope="col">Observed approvals</th></tr>
              </thead>
              <tbody>
                {q.cv.calibration.map((b) => (
                  <tr key={b.lo} className="border-t border-slate-100">
                    <td className="py-1.5">{pct(b.lo)}–{pct(b.hi)}</td>
                    <td className="py-1.5">{b.count}</td>
                    <td className="py-1.5">{b.count ? pct(b.meanPredicted) : "–"}</td>
                    <td className="py-1.5">{b.count ? pct(b.observed) : "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table></div>
            <p className="mt-3 text-xs text-slate-600">
              Per fold: {q.cv.perFold.map((f, i) => `fold ${i + 1}: AUC ${Number.isFinite(f.auc) ? f.auc.toFixed(2) : "n/a"} on ${f.rows}`).join(" · ")}
            </p>
          </Card>
        </>
      )}
    </>
  );
}
