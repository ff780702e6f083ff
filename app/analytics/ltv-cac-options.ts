/** The LTV:CAC horizons a merchant can pick (months since acquisition); shared by page and server. */
export const LTV_CAC_HORIZONS = [3, 6, 12, 24] as const;
export const DEFAULT_LTV_CAC_HORIZON = 12;
