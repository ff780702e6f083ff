/**
 * Heatmap colours for cohort cells: green for positive values, red for negative ones, the strength
 * proportional to the value against the largest magnitude shown. Light enough that dark text stays
 * readable at full strength (lightness never below 72%).
 */
export function heatColor(value: number, maxAbs: number): string {
  if (maxAbs <= 0 || value === 0) return "transparent";
  const strength = Math.min(1, Math.abs(value) / maxAbs);
  const lightness = Math.round(97 - strength * 25);
  return value > 0 ? `hsl(145, 55%, ${lightness}%)` : `hsl(0, 75%, ${lightness}%)`;
}
