"use client";
import { Bar, BarChart, CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Requests per week, stacked by path (auto, manager, owner + security). */
export function WeeklyPathsChart({ data, height = 280 }: { data: Array<{ week: string; auto: number; manager: number; owner_security: number }>; height?: number }) {
  const description = `Requests per week by path: ${data.map((d) => `week of ${d.week}: ${d.auto} automatic, ${d.manager} manager, ${d.owner_security} owner and security`).join("; ")}.`;
  return (
    <figure role="img" aria-label={description} style={{ width: "100%", height }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="week" fontSize={11} />
          <YAxis allowDecimals={false} fontSize={11} />
          <Tooltip />
          <Legend />
          <Bar dataKey="auto" name="Automatic" stackId="p" fill="#10b981" isAnimationActive={false} />
          <Bar dataKey="manager" name="Manager" stackId="p" fill="#3b82f6" isAnimationActive={false} />
          <Bar dataKey="owner_security" name="Owner + security" stackId="p" fill="#f59e0b" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** Approval rate by department with the overall rate as a reference line; flagged departments in red. */
export function DepartmentRatesChart({ data, overall, height = 280 }: { data: Array<{ department: string; rate: number; flagged: boolean }>; overall: number | null; height?: number }) {
  const rows = data.map((d) => ({ department: d.department, rate: Math.round(d.rate * 1000) / 10, flagged: d.flagged }));
  const description = `Approval rate by department${overall != null ? ` (overall ${Math.round(overall * 100)}%)` : ""}: ${rows.map((r) => `${r.department} ${r.rate}%${r.flagged ? " (flagged)" : ""}`).join("; ")}.`;
  return (
    <figure role="img" aria-label={description} style={{ width: "100%", height }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="department" fontSize={11} />
          <YAxis domain={[0, 100]} unit="%" fontSize={11} />
          <Tooltip formatter={(v) => [`${v}%`, "Approval rate"]} />
          {overall != null && <ReferenceLine y={Math.round(overall * 1000) / 10} stroke="#64748b" strokeDasharray="4 4" label={{ value: "overall", fontSize: 10 }} />}
          <Bar dataKey="rate" name="Approval rate" isAnimationActive={false} fill="#3b82f6" shape={(p: unknown) => {
            const q = p as { x: number; y: number; width: number; height: number; payload: { flagged: boolean } };
            return <rect x={q.x} y={q.y} width={q.width} height={q.height} fill={q.payload.flagged ? "#e11d48" : "#3b82f6"} />;
          }} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
