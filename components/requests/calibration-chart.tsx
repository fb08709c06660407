"use client";
import { CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from "recharts";

export type CalibrationPoint = { predicted: number; observed: number; count: number };

/** Reliability diagram: mean predicted approval probability per bin against the observed approval rate; the diagonal is perfect calibration. */
export function CalibrationChart({ points, height = 300 }: { points: CalibrationPoint[]; height?: number }) {
  const data = points.map((p) => ({ x: Math.round(p.predicted * 1000) / 10, observed: Math.round(p.observed * 1000) / 10, count: p.count }));
  const diagonal = [{ x: 0, ideal: 0 }, { x: 100, ideal: 100 }];
  const description = `Calibration: ${points.map((p) => `predicted ${Math.round(p.predicted * 100)}%, observed ${Math.round(p.observed * 100)}% (${p.count} decisions)`).join("; ")}.`;
  return (
    <figure role="img" aria-label={description} style={{ width: "100%", height }}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart margin={{ top: 10, right: 20, bottom: 20, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" dataKey="x" domain={[0, 100]} unit="%" fontSize={11} label={{ value: "Predicted approval", position: "insideBottom", offset: -10, fontSize: 11 }} />
          <YAxis type="number" domain={[0, 100]} unit="%" fontSize={11} label={{ value: "Observed", angle: -90, position: "insideLeft", fontSize: 11 }} />
          <Tooltip formatter={(v, name) => [`${v}%`, String(name)]} />
          <Legend verticalAlign="top" />
          <Line data={diagonal} dataKey="ideal" name="Perfect calibration" stroke="#94a3b8" strokeDasharray="4 4" dot={false} isAnimationActive={false} />
          <Line data={data} dataKey="observed" name="Observed approval rate" stroke="#2563eb" strokeWidth={2} isAnimationActive={false} />
          <Scatter data={data} dataKey="observed" name="Bins" fill="#1d4ed8" legendType="none" />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
