import { BlockStack, Card, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

/** One headline figure, with the sentence that says how it is computed (every figure is traceable). */
export function MetricCard({ label, value, definition, footer, compact = false }: {
  label: string;
  value: string;
  definition: string;
  footer?: ReactNode;
  /** A smaller figure, for long values such as date ranges. */
  compact?: boolean;
}) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant={compact ? "headingLg" : "heading2xl"} numeric>
          {value}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {definition}
        </Text>
        {footer}
      </BlockStack>
    </Card>
  );
}
