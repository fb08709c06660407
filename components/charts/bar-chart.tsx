"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

type Series = { key: string; name: string; color: string };

/** A labelled bar chart; `description` is read by screen readers in place of the graphic. */
export function SimpleBarChart({ data, xKey, series, description, height = 260, layout = "horizontal" }: {
  data: Array<Record<string, string | number>>; xKey: string; series: Series[]; description: string; height?: number; layout?: "horizontal" | "vertical";
}) {
  return (
    <figure role="img" aria-label={description} style={{ width: "100%", height }}>
      <ResponsiveContainer width="100%" height="100%">
        {layout === "vertical" ? (
          <BarChart data={data} layout="vertical" margin={{ left: 40, right: 10 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" allowDecimals={false} fontSize={11} />
            <YAxis type="category" dataKey={xKey} width={110} fontSize={11} />
            <Tooltip />
            {series.length > 1 && <Legend />}
            {series.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} stackId="a" />
            ))}
          </BarChart>
        ) : (
          <BarChart data={data}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey={xKey} fontSize={11} />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip />
            {series.length > 1 && <Legend />}
            {series.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} />
            ))}
          </BarChart>
        )}
      </ResponsiveContainer>
    </figure>
  );
}
