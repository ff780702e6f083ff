/**
 * A "Download CSV" button for a CSV route. It fetches the file (so App Bridge adds the session token
 * inside Shopify admin, where a plain link would not be authenticated), shows progress while it
 * downloads and the error inline when it fails.
 */
import { Button, InlineStack, Text } from "@shopify/polaris";
import { useCsvDownload } from "./csv-download";

export function CsvDownloadButton({ url, fileName, label = "Download CSV" }: { url: string; fileName: string; label?: string }) {
  const { download, exporting, exportError } = useCsvDownload();
  return (
    <InlineStack gap="200" blockAlign="center">
      <Button variant="plain" onClick={() => download(url, fileName)} loading={exporting} accessibilityLabel={`${label}: ${fileName}`}>{label}</Button>
      {exportError ? <span role="alert"><Text as="span" tone="critical">{exportError}</Text></span> : null}
    </InlineStack>
  );
}
