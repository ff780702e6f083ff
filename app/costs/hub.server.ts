/**
 * What the Costs hub shows: each component's version in force now, its history (past, current,
 * scheduled), COGS coverage, the top revenue variants without a cost, service contacts, marketing
 * spend, and whether the stored margins match the configuration.
 */
import type { Db } from "~/db.server";
import { costInForce } from "~/domain/economics/cost-config";
import { marginStatus, type MarginStatus } from "~/margins/schedule.server";
import type { ShopSettings } from "~/shops/shops.server";
import { allComponentVersions, COMPONENT_KEYS, COMPONENT_LABELS, type ComponentKey } from "./components.server";
import { describeVersion, SLUG_OF } from "./forms";
import { formatValidFrom } from "./input";
import { listMarketingSpend } from "./marketing.server";
import { serviceContactSummary } from "./service.server";
import { getCostSettings } from "./settings.server";
import { listVariants, type VariantRow } from "./variants.server";

export interface ComponentSummary {
  key: ComponentKey;
  slug: string;
  label: string;
  current: { description: string; validFrom: string } | null;
  history: { description: string; validFrom: string; state: "past" | "in force" | "scheduled" }[];
}

export interface CogsCoverageSummary {
  known: number;
  estimated: number;
  missing: number;
  /** Computed with this cost version (the last full recompute). */
  costVersion: number;
}

export interface CostsHub {
  components: ComponentSummary[];
  useActualPaymentFees: boolean;
  variants: { total: number; withoutCost: number };
  topWithoutCost: VariantRow[];
  coverage: CogsCoverageSummary | null;
  service: { contacts: number; unattributed: number; first: string | null; last: string | null };
  marketing: { rows: number; months: number; channels: string[]; total: number; first: string | null; last: string | null };
  status: MarginStatus;
}

export async function latestCoverage(db: Db, shopId: string): Promise<CogsCoverageSummary | null> {
  const run = await db.marginRun.findFirst({ where: { shopId, kind: "full", status: "done" }, orderBy: { startedAt: "desc" } });
  if (!run?.coverage) return null;
  return { ...(JSON.parse(run.coverage) as { known: number; estimated: number; missing: number }), costVersion: run.costVersion };
}

export async function costsHub(db: Db, shop: ShopSettings, now = new Date()): Promise<CostsHub> {
  const [versions, settings, all, missing, coverage, service, marketing, status] = await Promise.all([
    allComponentVersions(db, shop.id),
    getCostSettings(db, shop.id),
    listVariants(db, shop.id, { offset: 0, limit: 0, asOf: now }),
    listVariants(db, shop.id, { offset: 0, limit: 10, filter: "missing", asOf: now }),
    latestCoverage(db, shop.id),
    serviceContactSummary(db, shop.id),
    listMarketingSpend(db, shop.id),
    marginStatus(db, shop.id, now),
  ]);
  const zone = shop.ianaTimezone;
  const components = COMPONENT_KEYS.map((key): ComponentSummary => {
    const list = versions[key] as { validFrom: Date }[];
    const current = costInForce(list, now);
    return {
      key, slug: SLUG_OF[key], label: COMPONENT_LABELS[key],
      current: current ? { description: describeVersion(key, current as never, shop), validFrom: formatValidFrom(current.validFrom, zone) } : null,
      history: [...list].reverse().map((version) => ({
        description: describeVersion(key, version as never, shop),
        validFrom: formatValidFrom(version.validFrom, zone),
        state: version === current ? "in force" : version.validFrom.getTime() > now.getTime() ? "scheduled" : "past",
      })),
    };
  });
  const months = [...new Set(marketing.map((row) => row.month))].sort();
  return {
    components,
    useActualPaymentFees: settings.useActualPaymentFees,
    variants: { total: all.total, withoutCost: missing.total },
    topWithoutCost: missing.rows,
    coverage,
    service: { contacts: service.contacts, unattributed: service.unattributed, first: service.first?.toISOString() ?? null, last: service.last?.toISOString() ?? null },
    marketing: {
      rows: marketing.length, months: months.length, channels: [...new Set(marketing.map((row) => row.channel))].sort(),
      total: marketing.reduce((sum, row) => sum + row.amount, 0), first: months[0] ?? null, last: months.at(-1) ?? null,
    },
    status,
  };
}
