/** The Polaris Viz line chart itself: imported only in the browser (see ClientLineChart). */
import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import "@shopify/polaris-viz/build/esm/styles.css";
import type { LineSeries } from "./ClientLineChart";

export default function LineChartClient({ series, height, yFormat }: { series: LineSeries[]; height: number; yFormat: (value: number) => string }) {
  return (
    <PolarisVizProvider>
      <div style={{ height }}>
        <LineChart
          theme="Light"
          data={series.map((s) => ({ name: s.name, data: s.points.map((p) => ({ key: p.key, value: p.value })) }))}
          yAxisOptions={{ labelFormatter: (value) => yFormat(Number(value ?? 0)) }}
          xAxisOptions={{ labelFormatter: (value) => `M${value}` }}
          tooltipOptions={{ valueFormatter: (value) => yFormat(Number(value ?? 0)) }}
        />
      </div>
    </PolarisVizProvider>
  );
}
