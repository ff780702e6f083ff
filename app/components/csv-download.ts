import { useState } from "react";

/**
 * Downloads a CSV route. Inside Shopify admin a plain link would lose the session token, so the file is
 * fetched (App Bridge adds the token to same-origin fetches) and saved from a blob.
 */
export async function downloadCsv(url: string, fallbackName: string): Promise<void> {
  const response = await fetch(url, { headers: { Accept: "text/csv" } });
  if (!response.ok) throw new Error(`The export failed (${response.status})`);
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const href = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = href;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(href);
}

/**
 * The state every CSV export button needs: `download` fetches the file (see downloadCsv), `exporting`
 * is true meanwhile, `exportError` holds the failure's message until the next try or `clearError`.
 */
export function useCsvDownload() {
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const download = async (url: string, fallbackName: string) => {
    setExporting(true);
    setExportError(null);
    try {
      await downloadCsv(url, fallbackName);
    } catch (error) {
      setExportError(error instanceof Error ? error.message : "The export failed");
    } finally {
      setExporting(false);
    }
  };
  return { download, exporting, exportError, clearError: () => setExportError(null) };
}
