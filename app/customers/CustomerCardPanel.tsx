/**
 * The customer card on the Customers page, drawn with Polaris from the same view as the admin block
 * extension (card-view.ts): same figures, same flag labels, reasons and tones.
 */
import { Link as RemixLink } from "@remix-run/react";
import { Badge, BlockStack, Card, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import { customerCardView } from "./card-view";
import type { CustomerCard } from "./contract";

export function CustomerCardPanel({ card }: { card: CustomerCard }) {
  const view = customerCardView(card);
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="h2" variant="headingMd">
            {view.title}
          </Text>
          <InlineStack gap="300">
            <Text as="span" tone="subdued">
              {card.customerId}
            </Text>
            <RemixLink to={`/app/orders?customer=${encodeURIComponent(card.customerId)}`}>All orders</RemixLink>
          </InlineStack>
        </InlineStack>
        {view.metrics.length ? (
          <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
            {view.metrics.map((metric) => (
              <BlockStack key={metric.key} gap="100">
                <Text as="h3" variant="bodySm" tone="subdued">
                  {metric.label}
                </Text>
                <Text as="p" variant="headingLg" numeric tone={metric.tone}>
                  {metric.value}
                </Text>
              </BlockStack>
            ))}
          </InlineGrid>
        ) : null}
        <Text as="p" tone="subdued">
          {view.summary}
        </Text>
        {view.flags.length ? (
          <BlockStack gap="200">
            {view.flags.map((flag) => (
              <InlineStack key={flag.kind} gap="200" blockAlign="start" wrap={false}>
                <div style={{ flexShrink: 0 }}>
                  <Badge tone={flag.tone}>{flag.label}</Badge>
                </div>
                <Text as="p">{flag.reason}</Text>
              </InlineStack>
            ))}
          </BlockStack>
        ) : view.noFlags ? (
          <Text as="p" tone="subdued">
            {view.noFlags}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
