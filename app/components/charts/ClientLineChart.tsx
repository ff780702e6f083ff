/**
 * A line chart rendered in the browser only: Polaris Viz needs `window` (and a provider), so the
 * server renders a placeholder of the same height, and the chart replaces it after hydration with no
 * layout shift.
 */
import { lazy, Suspense, useEffect, useState } from "react";

export interface LineSeries {
  name: string;
  points: { key: string; value: number | null }[];
}

const LineChartClient = lazy(() => import("./LineChartClient"));

export function ClientLineChart({ series, height = 320, yFormat, label }: {
  series: LineSeries[];
  height?: number;
  yFormat: (value: number) => string;
  label: string;
}) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const placeholder = <div style={{ height }} aria-busy="true" aria-label={`${label} (loading)`} data-chart-placeholder />;
  return (
    <div style={{ height }} role="figure" aria-label={label}>
      {mounted ? <Suspense fallback={placeholder}><LineChartClient series={series} height={height} yFormat={yFormat} /></Suspense> : placeholder}
    </div>
  );
}
