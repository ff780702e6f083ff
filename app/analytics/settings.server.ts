/**
 * Per-shop analytics settings: behaviour-segment thresholds (stored as overrides of the defaults and
 * validated with parseSegmentThresholds on every read and write), the vertical for the benchmarks, and
 * the mapping of marketing channel names to Shopify channels for CAC.
 */
import { z } from "zod";
import type { Db } from "~/db.server";
import type { SegmentThresholds } from "~/domain/analytics";
import { DEFAULT_SEGMENT_THRESHOLDS, parseSegmentThresholds } from "~/domain/analytics";
import { VERTICAL_BENCHMARKS } from "~/domain/economics/vertical-benchmarks";

export interface AnalyticsSettingsValue {
  thresholds: SegmentThresholds;
  vertical: string | null;
  channelMapping: Record<string, string>;
  updatedAt: Date | null;
}

const mappingSchema = z.record(z.string().min(1).max(200), z.string().min(1).max(200));

export const verticalSchema = z.enum(VERTICAL_BENCHMARKS.map((v) => v.vertical) as [string, ...string[]]);

export async function getAnalyticsSettings(db: Db, shopId: string): Promise<AnalyticsSettingsValue> {
  const row = await db.analyticsSettings.findUnique({ where: { shopId } });
  if (!row) return { thresholds: { ...DEFAULT_SEGMENT_THRESHOLDS }, vertical: null, channelMapping: {}, updatedAt: null };
  let thresholds: SegmentThresholds;
  try {
    thresholds = parseSegmentThresholds(JSON.parse(row.thresholds));
  } catch {
    thresholds = { ...DEFAULT_SEGMENT_THRESHOLDS }; // a stored value that no longer validates falls back to the defaults
  }
  const vertical = row.vertical && verticalSchema.safeParse(row.vertical).success ? row.vertical : null;
  const mapping = mappingSchema.safeParse(safeJson(row.channelMapping));
  return { thresholds, vertical, channelMapping: mapping.success ? mapping.data : {}, updatedAt: row.updatedAt };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** Only the values that differ from the defaults are stored, so a changed default reaches every shop. */
function overrides(thresholds: SegmentThresholds): Partial<SegmentThresholds> {
  const out: Partial<SegmentThresholds> = {};
  for (const key of Object.keys(DEFAULT_SEGMENT_THRESHOLDS) as (keyof SegmentThresholds)[]) {
    if (thresholds[key] !== DEFAULT_SEGMENT_THRESHOLDS[key]) out[key] = thresholds[key];
  }
  return out;
}

export async function saveAnalyticsSettings(db: Db, shopId: string,
  input: { thresholds?: SegmentThresholds; vertical?: string | null; channelMapping?: Record<string, string> }): Promise<void> {
  const current = await getAnalyticsSettings(db, shopId);
  const thresholds = parseSegmentThresholds(input.thresholds ?? current.thresholds);
  const vertical = input.vertical === undefined ? current.vertical : input.vertical === null ? null : verticalSchema.parse(input.vertical);
  const channelMapping = mappingSchema.parse(input.channelMapping ?? current.channelMapping);
  const data = { thresholds: JSON.stringify(overrides(thresholds)), vertical, channelMapping: JSON.stringify(channelMapping), updatedAt: new Date() };
  await db.analyticsSettings.upsert({ where: { shopId }, create: { shopId, ...data }, update: data });
}

export interface ChannelOptions {
  /** Channel names used in the marketing spend, sorted. */
  marketingChannels: string[];
  /** Shopify sales channels (order source_name) seen on the shop's orders, most orders first. */
  salesChannels: string[];
}

/** What the Settings page offers for the marketing -> sales channel mapping. */
export async function listChannelOptions(db: Db, shopId: string): Promise<ChannelOptions> {
  const [spend, orders] = await Promise.all([
    db.marketingSpend.findMany({ where: { shopId }, distinct: ["channel"], select: { channel: true }, orderBy: { channel: "asc" } }),
    db.order.groupBy({ by: ["sourceName"], where: { shopId }, _count: { _all: true } }),
  ]);
  return {
    marketingChannels: spend.map((row) => row.channel),
    salesChannels: orders.sort((a, b) => b._count._all - a._count._all || a.sourceName.localeCompare(b.sourceName)).map((row) => row.sourceName),
  };
}

/**
 * The mapping a Settings form submitted: `map:<marketing channel>` fields whose value is a sales channel
 * ("" = use the marketing name as it is). A value that is not one of the shop's sales channels is an error.
 */
export function parseChannelMapping(form: Iterable<[string, FormDataEntryValue]>, options: ChannelOptions):
  { mapping: Record<string, string>; errors: Record<string, string> } {
  const mapping: Record<string, string> = {};
  const errors: Record<string, string> = {};
  const known = new Set(options.salesChannels);
  for (const [key, raw] of form) {
    if (!key.startsWith("map:")) continue;
    const name = key.slice(4);
    const value = String(raw);
    if (!options.marketingChannels.includes(name)) continue; // a channel removed since the page loaded
    if (value === "") continue;
    if (!known.has(value)) errors[name] = "Choose one of your sales channels";
    else mapping[name] = value;
  }
  return { mapping, errors };
}
