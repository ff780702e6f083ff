/** Polaris pieces shared by the cost pages. */
import { useRevalidator } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { useEffect } from "react";
import type { MarginStatus } from "~/margins/schedule.server";

/** "Recomputing: 42%" while stored margins lag the cost configuration; refreshes itself while a run goes on. */
export function RecomputeStatus({ status, onRecompute, recomputing }: { status: MarginStatus; onRecompute?: () => void; recomputing?: boolean }) {
  const revalidator = useRevalidator();
  const running = status.run?.status === "running" && !status.upToDate;
  const waiting = !status.upToDate && !running;
  useEffect(() => {
    if (!running && !(waiting && recomputing)) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1500);
    return () => clearInterval(timer);
  }, [running, waiting, recomputing, revalidator]);
  if (status.orders === 0) return null;
  if (running && status.run) {
    return (
      <Banner tone="info" title={`Recomputing margins: ${status.run.percent}%`}>
        <BlockStack gap="200">
          <ProgressBar progress={status.run.percent} size="small" />
          <Text as="p" variant="bodySm">
            {status.run.done.toLocaleString("en-US")} of {status.run.total.toLocaleString("en-US")} orders recomputed with the new costs. Figures
            built on margins update when it finishes.
          </Text>
        </BlockStack>
      </Banner>
    );
  }
  if (waiting) {
    const failed = status.run?.status === "failed" || status.run?.status === "stalled";
    return (
      <Banner tone={failed ? "critical" : "warning"} title={failed ? "The margin recompute did not finish" : "Margins are not up to date with these costs"}>
        <InlineStack gap="300" blockAlign="center">
          <Text as="p">
            {status.current.toLocaleString("en-US")} of {status.orders.toLocaleString("en-US")} orders have margins computed with the current costs.
            {failed && status.run?.error ? ` Error: ${status.run.error}` : ""}
          </Text>
          {onRecompute ? <Button onClick={onRecompute} loading={recomputing}>Recompute now</Button> : null}
        </InlineStack>
      </Banner>
    );
  }
  return null;
}

export function CsvErrors({ errors, title = "Nothing was imported" }: { errors: { line: number; message: string }[]; title?: string }) {
  return (
    <Banner tone="critical" title={title}>
      <BlockStack gap="100">
        <Text as="p">Fix these lines and import the file again:</Text>
        <ul style={{ margin: 0, paddingInlineStart: "1.25rem" }}>
          {errors.map((error, index) => (
            <li key={index}>
              <Text as="span" fontWeight="semibold">Line {error.line}:</Text> {error.message}
            </li>
          ))}
        </ul>
      </BlockStack>
    </Banner>
  );
}
