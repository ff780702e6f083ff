/**
 * A "Download CSV" button for a CSV route. It fetches the file (so App Bridge adds the session token
 * inside Shopify admin, where a plain link would not be authenticated), shows progress while it
 * downloads and the error inline when it fails.
 */
import { Button, InlineStack, Text } from "@shopify/polaris";
import { useState } from "react";
import { downloadCsv } from "./csv-download";

export function CsvDownloadButton({ url, fileName, label = "Download CSV" }: { url: string; fileName: string; label?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      await downloadCsv(url, fileName);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : "The export failed");
    } finally {
      setBusy(false);
    }
  };
  return (
    <InlineStack gap="200" blockAlign="center">
      <Button variant="plain" onClick={download} loading={busy} accessibilityLabel={`${label}: ${fileName}`}>{label}</Button>
      {error ? <span role="alert"><Text as="span" tone="critical">{error}</Text></span> : null}
    </InlineStack>
  );
}
