/**
 * Builds one order body: channel and payment, line items, discounts (largest-remainder allocation),
 * per-line taxes, shipping, tip, cancellation and refunds, in integer minor units throughout.
 * Everything random comes from one PRNG stream, consumed in a fixed order, so output is deterministic.
 */
import { allocateLargestRemainder, decimalFormatter, mulDivRound } from "./arithmetic";
import { DAY, HOUR, type ShopClock } from "./calendar";
import { CurrencyConverter, type DemoCatalog, type DemoProduct, type DemoVariant } from "./catalog";
import type {
  RefundRestockType,
  ShopifyAddress,
  ShopifyCancelReason,
  ShopifyDiscountAllocation,
  ShopifyDiscountApplication,
  ShopifyDiscountCode,
  ShopifyFinancialStatus,
  ShopifyLineItem,
  ShopifyMoneySet,
  ShopifyOrderAdjustment,
  ShopifyOrderCustomer,
  ShopifyOrderPayload,
  ShopifyRefund,
  ShopifyRefundLineItem,
  ShopifyRefundShippingLine,
  ShopifyShippingLine,
  ShopifyTaxLine,
} from "./payload";
import type { Customers, Seasons } from "./population";
import { Rng, WeightedPicker } from "./random";
import { FREIGHT, REGIONS, SHIPPING, STORE_TAXES, type Region, type TaxSpec } from "./regions";
import * as rules from "./rules";
import type { TrafficSource } from "./rules";

// Module-level copies: imported bindings can be getters once transpiled (tsx, vitest), and these are
// read on every order.
const {
  DEMO_RATES: RATES, FLAG_BFCM, FLAG_GIFTING, FLAG_SUMMER, SOURCE_DIRECT, SOURCE_EMAIL, SOURCE_GOOGLE, SOURCES,
  TRAIT_ACCOUNT, TRAIT_DEAL, TRAIT_NEWSLETTER, TRAIT_RETURNER, TRAIT_STORE, TRAIT_VIP, TRAIT_WHOLESALE,
} = rules;
const allocate = allocateLargestRemainder;
const mulDiv = mulDivRound;

export type Channel = "web" | "pos" | "shopify_draft_order" | "2329312" | "1424624";

/** Fixed weighted choices, drawn through a cumulative table. */
class Choice<T> {
  private readonly picker: WeightedPicker;
  private readonly values: readonly T[];
  constructor(entries: readonly (readonly [T, number])[]) {
    this.values = entries.map(([value]) => value);
    this.picker = new WeightedPicker(entries.map(([, weight]) => weight));
  }
  pick(rng: Rng): T {
    return this.values[this.picker.pick(rng)];
  }
}

const GUEST_CHANNEL = new Choice<Channel>([["web", 84], ["pos", 11], ["2329312", 4], ["1424624", 1]]);
const CUSTOMER_CHANNEL = new Choice<Channel>([["web", 86], ["2329312", 6], ["1424624", 3], ["shopify_draft_order", 2], ["pos", 3]]);
const LINE_COUNT = new Choice([[1, 52], [2, 26], [3, 12], [4, 6], [5, 3], [6, 1]] as const);
const QUANTITY = new Choice([[1, 86], [2, 10], [3, 3], [4, 1]] as const);
const CANCEL_REASON = new Choice<ShopifyCancelReason>([["customer", 45], ["inventory", 15], ["fraud", 15], ["declined", 10], ["other", 15]]);
type Scenario = "partial" | "full" | "shipping" | "goodwill";
const SCENARIO = new Choice<Scenario>([["partial", 50], ["full", 25], ["shipping", 10], ["goodwill", 15]]);
const RETURN_NOTES = ["Wrong size", "Changed mind", "Damaged in transit", "Not as described", null, null] as const;

const ORDER_BASE = 5_610_000_000_000;
const LINE_BASE = 14_020_000_000_000;
const SHIPPING_LINE_BASE = 4_430_000_000_000;
const REFUND_BASE = 905_000_000_000;
const REFUND_LINE_BASE = 521_000_000_000;
const REFUND_SHIPPING_BASE = 301_000_000_000;
const ADJUSTMENT_BASE = 251_000_000_000;
const TRANSACTION_BASE = 6_950_000_000_000;
const WAREHOUSE_LOCATION_ID = 61_234_567_890;

/** Increasing ids with random gaps (Shopify ids are global, so a shop's ids are not consecutive). */
class IdSequence {
  constructor(
    private value: number,
    private readonly maxStep: number,
  ) {}
  next(rng: Rng): number {
    this.value += 1 + Math.floor(rng.next() * this.maxStep);
    return this.value;
  }
}

interface LineCalc {
  item: ShopifyLineItem;
  product: DemoProduct;
  quantity: number;
  gross: number;
  discount: number;
  net: number;
  tax: number;
  refunded: number;
}

interface DiscountChoice {
  application: ShopifyDiscountApplication;
  code: ShopifyDiscountCode["type"] | null;
  /** Integer percentage, or a fixed amount in minor units; shipping codes take the whole shipping. */
  percent?: number;
  amount?: number;
  label: string;
}

interface RefundContext {
  orderId: number;
  gateway: string;
  test: boolean;
  saleTransactionId: number;
  transactionSource: string;
  shippingLineId: number;
  shippingNet: number;
  shippingTax: number;
  shippingRefunded: boolean;
}

export interface OrderFactoryOptions {
  seed: number;
  currency: string;
  digits: number;
  startMs: number;
  endMs: number;
  presentmentMoney: boolean;
}

export class OrderFactory {
  private readonly rng: Rng;
  private readonly clock: ShopClock;
  private readonly currency: string;
  private readonly endMs: number;
  private readonly startMs: number;
  private readonly presentment: boolean;
  private readonly format: (minor: number) => string;
  private readonly zero: string;
  private readonly money: CurrencyConverter;
  private readonly ids: {
    order: IdSequence; line: IdSequence; shipping: IdSequence; refund: IdSequence; refundLine: IdSequence;
    refundShipping: IdSequence; adjustment: IdSequence; transaction: IdSequence;
  };
  private readonly regionPicker = new WeightedPicker(REGIONS.map((region) => region.weight));
  private readonly sourcePicker = new WeightedPicker(SOURCES.map((source) => source.weight));
  private readonly regularPicker: WeightedPicker;
  private readonly firstOrderPicker: WeightedPicker;
  private readonly variantPickers = new Map<DemoProduct, WeightedPicker>();
  private readonly giftCardPicker: WeightedPicker;
  private readonly tagCache = new Map<number, string>();
  private readonly priceTexts = new Map<DemoVariant, string>();
  private readonly amounts: {
    save15: number; save15Minimum: number; service: number; tips: number[]; freight: number; freightFreeOver: number;
    zones: Record<string, { standard: number; express: number; freeOver: number }>;
  };
  private sequence = 0;

  constructor(
    options: OrderFactoryOptions,
    private readonly seasons: Seasons,
    private readonly catalog: DemoCatalog,
    private readonly customers: Customers,
  ) {
    this.rng = new Rng(options.seed, 3);
    this.clock = seasons.clock;
    this.currency = options.currency;
    this.endMs = options.endMs;
    this.startMs = options.startMs;
    this.presentment = options.presentmentMoney;
    this.format = decimalFormatter(options.digits);
    this.zero = this.format(0);
    this.money = new CurrencyConverter(options.currency);
    const r = this.rng;
    this.ids = {
      order: new IdSequence(ORDER_BASE + r.int(1, 99_999), 600),
      line: new IdSequence(LINE_BASE + r.int(1, 99_999), 200),
      shipping: new IdSequence(SHIPPING_LINE_BASE + r.int(1, 99_999), 300),
      refund: new IdSequence(REFUND_BASE + r.int(1, 99_999), 500),
      refundLine: new IdSequence(REFUND_LINE_BASE + r.int(1, 99_999), 300),
      refundShipping: new IdSequence(REFUND_SHIPPING_BASE + r.int(1, 99_999), 300),
      adjustment: new IdSequence(ADJUSTMENT_BASE + r.int(1, 99_999), 300),
      transaction: new IdSequence(TRANSACTION_BASE + r.int(1, 99_999), 400),
    };
    this.regularPicker = new WeightedPicker(catalog.merchandise.map((p) => p.popularity));
    this.firstOrderPicker = new WeightedPicker(catalog.merchandise.map((p) => p.popularity * (p.hero ? 4 : 1)));
    for (const product of catalog.products) {
      this.variantPickers.set(product, new WeightedPicker(product.variants.map((v) => v.weight)));
    }
    this.giftCardPicker = new WeightedPicker(catalog.giftCards.map((p) => p.popularity));
    const usd = (cents: number) => this.money.fromUsdCents(cents);
    this.amounts = {
      save15: usd(1500),
      save15Minimum: usd(7500),
      service: usd(1000),
      tips: [100, 200, 300, 500].map(usd),
      freight: usd(FREIGHT.price),
      freightFreeOver: usd(FREIGHT.freeOver),
      zones: Object.fromEntries(Object.entries(SHIPPING).map(([zone, rates]) => [
        zone, { standard: usd(rates.standard.price), express: usd(rates.express.price), freeOver: usd(rates.freeOver) },
      ])),
    };
  }

  // -- formatting ----------------------------------------------------------------------------

  private set(minor: number): ShopifyMoneySet {
    return this.setOf(this.format(minor));
  }

  /** A money set around an already formatted amount. */
  private setOf(amount: string): ShopifyMoneySet {
    return this.presentment
      ? { shop_money: { amount, currency_code: this.currency }, presentment_money: { amount, currency_code: this.currency } }
      : { shop_money: { amount, currency_code: this.currency } };
  }

  /** Shopify's discount application value: "10.0", "15.0", "2000.0". */
  private valueText(minor: number): string {
    const text = this.format(minor);
    if (!text.includes(".")) return `${text}.0`;
    const trimmed = text.replace(/0+$/, "");
    return trimmed.endsWith(".") ? `${trimmed}0` : trimmed;
  }

  private taxLine(spec: TaxSpec, amount: number): ShopifyTaxLine {
    const text = this.format(amount);
    return { title: spec.title, rate: spec.ppm / 1_000_000, price: text, price_set: this.setOf(text) };
  }

  private allocation(amount: number): ShopifyDiscountAllocation {
    const text = this.format(amount);
    return { amount: text, amount_set: this.setOf(text), discount_application_index: 0 };
  }

  private address(region: Region): ShopifyAddress {
    return { country_code: region.countryCode, province_code: region.provinceCode };
  }

  private customerTags(traits: number): string {
    let tags = this.tagCache.get(traits);
    if (tags === undefined) {
      const list: string[] = [];
      if (traits & TRAIT_NEWSLETTER) list.push("newsletter");
      if (traits & TRAIT_VIP) list.push("vip");
      if (traits & TRAIT_WHOLESALE) list.push("wholesale");
      tags = list.join(", ");
      this.tagCache.set(traits, tags);
    }
    return tags;
  }

  // -- the order -----------------------------------------------------------------------------

  private pickVariant(product: DemoProduct): DemoVariant {
    const picker = this.variantPickers.get(product);
    return product.variants[picker ? picker.pick(this.rng) : 0];
  }

  private addLine(lines: LineCalc[], product: DemoProduct, variant: DemoVariant, quantity: number): void {
    const id = this.ids.line.next(this.rng);
    const gross = variant.price * quantity;
    let priceText = this.priceTexts.get(variant);
    if (priceText === undefined) {
      priceText = this.format(variant.price);
      this.priceTexts.set(variant, priceText);
    }
    lines.push({
      item: {
        id,
        admin_graphql_api_id: `gid://shopify/LineItem/${id}`,
        product_id: product.id,
        variant_id: variant.id,
        sku: variant.sku,
        title: product.title,
        variant_title: variant.title,
        quantity,
        current_quantity: quantity,
        price: priceText,
        price_set: this.setOf(priceText),
        gift_card: product.giftCard,
        taxable: product.taxable,
        requires_shipping: product.requiresShipping,
        tax_lines: [],
        discount_allocations: [],
      },
      product,
      quantity,
      gross,
      discount: 0,
      net: gross,
      tax: 0,
      refunded: 0,
    });
  }

  /**
   * The order of `entity` (a customer index; `customers.count` is the guest stream and
   * `customers.count + 1` the test orders) processed at `ms`.
   */
  build(entity: number, ms: number): ShopifyOrderPayload {
    const rng = this.rng;
    const customers = this.customers;
    const isCustomer = entity < customers.count;
    const isTest = entity === customers.count + 1;
    const isGuest = !isCustomer && !isTest;
    const traits = isCustomer ? customers.traits[entity] : 0;
    const firstOrder = isCustomer && customers.placed[entity] === 0;
    if (isCustomer) customers.placed[entity]++;
    const wholesale = (traits & TRAIT_WHOLESALE) !== 0;
    const flags = this.seasons.flags[this.seasons.repeat.cellOf(ms)];
    const region = REGIONS[isCustomer ? customers.region[entity] : isTest ? 0 : this.regionPicker.pick(rng)];

    const orderNumber = 1001 + this.sequence++;
    const orderId = this.ids.order.next(rng);
    const saleTransactionId = this.ids.transaction.next(rng);

    // Channel and payment.
    let channel: Channel;
    if (isTest) channel = "web";
    else if (wholesale) channel = rng.chance(0.75) ? "shopify_draft_order" : "web";
    else if (traits & TRAIT_STORE) channel = rng.chance(firstOrder ? 0.8 : 0.65) ? "pos" : "web";
    else channel = (isGuest ? GUEST_CHANNEL : CUSTOMER_CHANNEL).pick(rng);
    if (channel === "pos" && region.countryCode !== "US") channel = "web";
    const pos = channel === "pos";
    const wholesaleDraft = wholesale && channel === "shopify_draft_order";
    let gateway: string;
    if (isTest) gateway = "bogus";
    else if (pos) gateway = rng.chance(0.35) ? "cash" : "shopify_payments";
    else if (channel === "shopify_draft_order") gateway = rng.chance(0.6) ? "manual" : "shopify_payments";
    else gateway = rng.chance(0.8) ? "shopify_payments" : "paypal";

    // Line items.
    const lines: LineCalc[] = [];
    const giftCardChance = isTest || wholesale || pos ? 0
      : flags & FLAG_GIFTING ? RATES.giftCardLineInGiftingSeason : RATES.giftCardLine;
    const withGiftCard = rng.chance(giftCardChance);
    const giftCardOnly = withGiftCard && rng.chance(0.4);
    const lineCount = giftCardOnly ? 0 : wholesaleDraft ? rng.int(2, 6) : LINE_COUNT.pick(rng);
    const windowShare = (ms - this.startMs) / Math.max(1, this.endMs - this.startMs);
    const picker = firstOrder ? this.firstOrderPicker : this.regularPicker;
    const merchandise = this.catalog.merchandise;
    for (let n = 0; n < lineCount; n++) {
      for (let attempt = 0; attempt < 8; attempt++) {
        const product = merchandise[picker.pick(rng)];
        if (windowShare < product.launchShare || windowShare > product.retireShare) continue;
        const variant = this.pickVariant(product);
        let used = false;
        for (const line of lines) if (line.item.variant_id === variant.id) used = true;
        if (used) continue;
        this.addLine(lines, product, variant, wholesaleDraft ? 6 * rng.int(1, 4) : QUANTITY.pick(rng));
        break;
      }
    }
    if (lines.length === 0 && !withGiftCard) {
      const product = merchandise.find((p) => p.hero) ?? merchandise[0];
      this.addLine(lines, product, product.variants[0], 1);
    }
    if (withGiftCard) {
      const product = this.catalog.giftCards[this.giftCardPicker.pick(rng)];
      this.addLine(lines, product, this.pickVariant(product), 1);
    }

    let shippable = false;
    let eligibleTotal = 0;
    let lineItemsTotal = 0;
    const eligible: LineCalc[] = [];
    for (const line of lines) {
      lineItemsTotal += line.gross;
      if (line.item.requires_shipping && !pos) shippable = true;
      if (!line.item.gift_card) {
        eligible.push(line);
        eligibleTotal += line.gross;
      }
    }

    // Discounts on merchandise.
    const discount = this.chooseDiscount(isTest, isGuest, firstOrder, wholesale, channel, traits, flags, eligibleTotal, shippable);
    const discountApplications: ShopifyDiscountApplication[] = [];
    const discountCodes: ShopifyDiscountCode[] = [];
    let lineDiscount = 0;
    if (discount && discount.application.target_type === "line_item") {
      lineDiscount = discount.percent !== undefined
        ? mulDiv(eligibleTotal, discount.percent, 100)
        : Math.min(discount.amount ?? 0, eligibleTotal);
      const parts = allocate(lineDiscount, eligible.map((line) => line.gross));
      for (let i = 0; i < eligible.length; i++) {
        const line = eligible[i];
        line.discount = parts[i];
        line.net = line.gross - parts[i];
        if (parts[i] > 0) line.item.discount_allocations.push(this.allocation(parts[i]));
      }
      discountApplications.push(discount.application);
      if (discount.code) discountCodes.push({ code: discount.label, amount: this.format(lineDiscount), type: discount.code });
    }

    // Taxes, per line and per tax line, rounded half up.
    const taxes: readonly TaxSpec[] = wholesale ? [] : pos ? STORE_TAXES : region.taxes;
    let lineTax = 0;
    if (taxes.length > 0) {
      for (const line of lines) {
        if (!line.item.taxable) continue;
        for (const spec of taxes) {
          const amount = mulDiv(line.net, spec.ppm, 1_000_000);
          line.item.tax_lines.push(this.taxLine(spec, amount));
          line.tax += amount;
        }
        lineTax += line.tax;
      }
    }

    // Shipping.
    const subtotal = lineItemsTotal - lineDiscount;
    const shippingLines: ShopifyShippingLine[] = [];
    let shippingPrice = 0;
    let shippingDiscount = 0;
    let shippingTax = 0;
    if (shippable) {
      let title: string;
      if (wholesaleDraft) {
        shippingPrice = subtotal >= this.amounts.freightFreeOver ? 0 : this.amounts.freight;
        title = shippingPrice === 0 ? "Free Freight" : FREIGHT.title;
      } else {
        const zone = SHIPPING[region.zone];
        const amounts = this.amounts.zones[region.zone];
        if (rng.chance(zone.expressShare)) {
          shippingPrice = amounts.express;
          title = zone.express.title;
        } else if (subtotal >= amounts.freeOver) {
          title = "Free Shipping";
        } else {
          shippingPrice = amounts.standard;
          title = zone.standard.title;
        }
      }
      const allocations: ShopifyDiscountAllocation[] = [];
      if (discount && discount.application.target_type === "shipping_line" && shippingPrice > 0) {
        shippingDiscount = shippingPrice;
        allocations.push(this.allocation(shippingDiscount));
        discountApplications.push(discount.application);
        discountCodes.push({ code: discount.label, amount: this.format(shippingDiscount), type: "shipping" });
      }
      const taxLines: ShopifyTaxLine[] = [];
      const taxedShipping = shippingPrice - shippingDiscount;
      if (region.shippingTaxable && taxedShipping > 0) {
        for (const spec of taxes) {
          const amount = mulDiv(taxedShipping, spec.ppm, 1_000_000);
          taxLines.push(this.taxLine(spec, amount));
          shippingTax += amount;
        }
      }
      const id = this.ids.shipping.next(rng);
      const shippingText = this.format(shippingPrice);
      shippingLines.push({
        id,
        title,
        price: shippingText,
        price_set: this.setOf(shippingText),
        tax_lines: taxLines,
        discount_allocations: allocations,
      });
    }

    const tip = !isTest && ((pos && rng.chance(0.12)) || (channel === "web" && rng.chance(0.015)))
      ? rng.pick(this.amounts.tips)
      : 0;
    const totalTax = lineTax + shippingTax;
    const shippingNet = shippingPrice - shippingDiscount;
    const totalPrice = subtotal + shippingNet + totalTax + tip;

    // Payment state, cancellation and refunds.
    let financialStatus: ShopifyFinancialStatus = "paid";
    if (gateway === "manual" && ms > this.endMs - 30 * DAY && rng.chance(0.4)) financialStatus = "pending";
    const refunds: ShopifyRefund[] = [];
    let refunded = 0;
    let lastEvent = ms;
    let cancelledMs = -1;
    let cancelReason: ShopifyCancelReason | null = null;
    const context: RefundContext = {
      orderId, gateway, test: isTest, saleTransactionId, transactionSource: pos ? "pos" : "web",
      shippingLineId: shippingLines.length ? shippingLines[0].id : 0, shippingNet, shippingTax, shippingRefunded: false,
    };

    const cancelChance = isTest || tip > 0 ? 0
      : pos ? RATES.posCancelRate
      : isGuest ? RATES.guestCancelRate
      : RATES.cancelRate;
    if (rng.chance(cancelChance)) {
      const delay = Math.min(72 * HOUR, Math.max(10 * 60_000, rng.logNormal(3 * HOUR, 1.2)));
      const at = Math.floor((ms + delay) / 1000) * 1000;
      if (at <= this.endMs) {
        cancelledMs = at;
        lastEvent = at;
        cancelReason = CANCEL_REASON.pick(rng);
        if (financialStatus === "pending" || cancelReason === "declined" || (cancelReason === "fraud" && rng.chance(0.5))) {
          financialStatus = "voided";
        } else {
          const picks = lines.map((line) => ({ line, quantity: line.quantity }));
          refunded += this.refund(refunds, context, at, picks, "cancel", true, 0, null);
        }
      }
    }

    const refundChance = cancelledMs >= 0 || isTest || financialStatus !== "paid" || eligible.length === 0 ? 0
      : traits & TRAIT_RETURNER ? RATES.serialReturnerRefundRate
      : pos || wholesale ? 0.03
      : RATES.refundRate;
    if (rng.chance(refundChance)) {
      let at = ms;
      let rounds = rng.chance(RATES.secondRefund) ? 2 : 1;
      for (let round = 0; round < rounds; round++) {
        let scenario: Scenario = round > 0 ? "partial" : SCENARIO.pick(rng);
        // A goodwill amount settles the order: no return after it (that could refund more than was paid).
        if (scenario === "goodwill") rounds = 1;
        if (scenario === "shipping" && shippingNet === 0) scenario = "partial";
        const delayDays = scenario === "goodwill" ? rng.int(1, 20)
          : scenario === "shipping" ? rng.int(2, 12)
          : round > 0 ? rng.int(3, 30)
          : 4 + Math.min(80, rng.logNormal(9, 0.6));
        at = Math.floor((at + delayDays * DAY + rng.int(0, 86_399) * 1000) / 1000) * 1000;
        if (at > this.endMs) break;
        lastEvent = at;
        if (scenario === "shipping") {
          refunded += this.refund(refunds, context, at, [], "no_restock", true, 0, "Late delivery");
        } else if (scenario === "goodwill") {
          const amount = Math.max(1, mulDiv(subtotal + shippingNet, rng.int(5, 25), 100));
          refunded += this.refund(refunds, context, at, [], "no_restock", false, Math.min(amount, totalPrice - refunded), "Goodwill");
        } else {
          const returnable = eligible.filter((line) => line.refunded < line.quantity);
          if (returnable.length === 0) break;
          const restock: RefundRestockType = rng.chance(0.7) ? "return" : "no_restock";
          let picks: { line: LineCalc; quantity: number }[];
          if (scenario === "full") {
            picks = returnable.map((line) => ({ line, quantity: line.quantity - line.refunded }));
          } else {
            picks = [];
            for (const line of returnable) {
              if (rng.chance(Math.min(0.9, 0.35 + 3 * line.product.returnRate))) {
                picks.push({ line, quantity: rng.int(1, line.quantity - line.refunded) });
              }
            }
            if (picks.length === 0) picks.push({ line: rng.pick(returnable), quantity: 1 });
          }
          const withShipping = scenario === "full" && rng.chance(0.5);
          refunded += this.refund(refunds, context, at, picks, restock, withShipping, 0, rng.pick(RETURN_NOTES));
        }
      }
    }
    if (financialStatus === "paid" && refunded > 0) {
      financialStatus = refunded >= totalPrice ? "refunded" : "partially_refunded";
    }

    // Fulfilment and the snapshot's updated_at (never before the last refund or the cancellation).
    let fulfilled = false;
    let updatedMs: number;
    if (cancelledMs >= 0) {
      updatedMs = lastEvent + rng.int(0, 600) * 1000;
    } else if (shippable) {
      const fulfilledAt = ms + rng.int(2 * 3600, 4 * 86_400) * 1000;
      fulfilled = fulfilledAt <= this.endMs;
      updatedMs = fulfilled ? fulfilledAt : ms + rng.int(0, 600) * 1000;
    } else {
      fulfilled = true;
      updatedMs = ms + rng.int(0, 120) * 1000;
    }
    updatedMs = Math.max(lastEvent, Math.min(updatedMs, this.endMs));
    for (const line of lines) {
      line.item.current_quantity = cancelledMs >= 0 ? 0 : line.quantity - line.refunded;
    }

    const processed = this.clock.iso(ms);
    const cancelledAt = cancelledMs >= 0 ? this.clock.iso(cancelledMs) : null;
    const customer: ShopifyOrderCustomer | null = isCustomer
      ? {
          id: customers.id[entity],
          admin_graphql_api_id: `gid://shopify/Customer/${customers.id[entity]}`,
          created_at: this.clock.iso(customers.createdMs[entity]),
          state: traits & TRAIT_ACCOUNT ? "enabled" : "disabled",
          tax_exempt: wholesale,
          tags: this.customerTags(traits),
          default_address: this.address(region),
        }
      : null;
    let source: TrafficSource | null = null;
    if (channel === "web" || channel === "2329312" || channel === "1424624") {
      if (firstOrder) source = SOURCES[customers.source[entity]];
      else if (isCustomer) source = rng.chance(0.45) ? SOURCE_EMAIL : SOURCES[rng.chance(0.6) ? SOURCE_DIRECT : SOURCE_GOOGLE];
      else source = SOURCES[this.sourcePicker.pick(rng)];
    }
    const f = this.format;
    const lineItemsText = f(lineItemsTotal);
    const discountsText = f(lineDiscount + shippingDiscount);
    const subtotalText = f(subtotal);
    const taxText = f(totalTax);
    const priceText = f(totalPrice);
    const items: ShopifyLineItem[] = new Array(lines.length);
    for (let i = 0; i < lines.length; i++) items[i] = lines[i].item;

    return {
      id: orderId,
      admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
      name: `#${orderNumber}`,
      order_number: orderNumber,
      currency: this.currency,
      presentment_currency: this.currency,
      created_at: processed,
      processed_at: processed,
      updated_at: this.clock.iso(updatedMs),
      cancelled_at: cancelledAt,
      cancel_reason: cancelReason,
      test: isTest,
      source_name: channel,
      landing_site: source ? source.landing : null,
      referring_site: source ? source.referring : null,
      financial_status: financialStatus,
      fulfillment_status: fulfilled ? "fulfilled" : null,
      taxes_included: false,
      tax_exempt: wholesale,
      tags: wholesale ? "wholesale" : "",
      payment_gateway_names: [gateway],
      discount_codes: discountCodes,
      discount_applications: discountApplications,
      total_line_items_price: lineItemsText,
      total_line_items_price_set: this.setOf(lineItemsText),
      total_discounts: discountsText,
      total_discounts_set: this.setOf(discountsText),
      subtotal_price: subtotalText,
      subtotal_price_set: this.setOf(subtotalText),
      total_shipping_price_set: this.set(shippingPrice),
      total_tax: taxText,
      total_tax_set: this.setOf(taxText),
      total_tip_received: tip === 0 ? this.zero : f(tip),
      total_price: priceText,
      total_price_set: this.setOf(priceText),
      total_outstanding: financialStatus === "pending" ? priceText : this.zero,
      billing_address: pos ? null : this.address(region),
      shipping_address: shippable ? this.address(region) : null,
      customer,
      line_items: items,
      shipping_lines: shippingLines,
      refunds,
    };
  }

  private chooseDiscount(isTest: boolean, isGuest: boolean, firstOrder: boolean, wholesale: boolean, channel: Channel,
    traits: number, flags: number, eligibleTotal: number, shippable: boolean): DiscountChoice | null {
    const rng = this.rng;
    if (isTest) return null;
    if (channel === "shopify_draft_order") {
      if (wholesale && eligibleTotal > 0) return this.discount("manual", "Wholesale pricing", 30, undefined);
      if (eligibleTotal > 0 && rng.chance(0.2)) return this.discount("manual", "Customer service credit", undefined, this.amounts.service);
      return null;
    }
    if (wholesale) return null;
    const seeker = (traits & TRAIT_DEAL) !== 0;
    const factor = channel === "pos" ? 0.3 : 1;
    const merchandise = eligibleTotal > 0;
    if (merchandise && flags & FLAG_BFCM && rng.chance(((firstOrder ? 0.5 : 0.4) + (seeker ? 0.3 : 0)) * factor)) {
      return this.discount("code", "BFCM25", 25, undefined);
    }
    if (merchandise && firstOrder && rng.chance((RATES.welcomeOnFirstOrder + (seeker ? 0.25 : 0)) * factor)) {
      return this.discount("code", "WELCOME10", 10, undefined);
    }
    if (merchandise && isGuest && rng.chance(0.08 * factor)) return this.discount("code", "WELCOME10", 10, undefined);
    if (merchandise && flags & FLAG_SUMMER && rng.chance((0.18 + (seeker ? 0.3 : 0)) * factor)) {
      return this.discount("code", "SUMMER20", 20, undefined);
    }
    if (merchandise && traits & TRAIT_VIP && rng.chance(0.25)) return this.discount("code", "VIP15", 15, undefined);
    if (eligibleTotal >= this.amounts.save15Minimum && rng.chance((0.03 + (seeker ? 0.1 : 0)) * factor)) {
      return this.discount("code", "SAVE15", undefined, this.amounts.save15);
    }
    if (shippable && rng.chance(0.025 + (seeker ? 0.05 : 0))) {
      return {
        application: {
          target_type: "shipping_line", type: "discount_code", value: "100.0", value_type: "percentage",
          allocation_method: "each", target_selection: "all", code: "FREESHIP",
        },
        code: "shipping",
        label: "FREESHIP",
      };
    }
    return null;
  }

  private discount(kind: "code" | "manual", label: string, percent: number | undefined, amount: number | undefined): DiscountChoice {
    const value = percent !== undefined ? `${percent}.0` : this.valueText(amount ?? 0);
    const valueType = percent !== undefined ? "percentage" : "fixed_amount";
    return {
      application: kind === "code"
        ? { target_type: "line_item", type: "discount_code", value, value_type: valueType, allocation_method: "across", target_selection: "all", code: label }
        : { target_type: "line_item", type: "manual", value, value_type: valueType, allocation_method: "across", target_selection: "all", title: label, description: label },
      code: kind === "manual" ? null : percent !== undefined ? "percentage" : "fixed_amount",
      percent,
      amount,
      label,
    };
  }

  /**
   * Appends one refund and returns the money it gives back. `picks` are units of lines; their
   * subtotal and tax are taken cumulatively (round(net x refunded / quantity) minus what earlier
   * refunds took), so all refunds of a line add up to exactly its net amount and tax.
   */
  private refund(refunds: ShopifyRefund[], context: RefundContext, atMs: number, picks: { line: LineCalc; quantity: number }[],
    restockType: RefundRestockType, refundShipping: boolean, goodwill: number, note: string | null): number {
    const rng = this.rng;
    const refundId = this.ids.refund.next(rng);
    const at = this.clock.iso(atMs);
    let amount = 0;
    const lineItems: ShopifyRefundLineItem[] = [];
    for (const { line, quantity } of picks) {
      if (quantity <= 0) continue;
      const before = line.refunded;
      const after = before + quantity;
      const subtotal = mulDiv(line.net, after, line.quantity) - mulDiv(line.net, before, line.quantity);
      const tax = mulDiv(line.tax, after, line.quantity) - mulDiv(line.tax, before, line.quantity);
      line.refunded = after;
      amount += subtotal + tax;
      const item = line.item;
      const type: RefundRestockType = item.gift_card && restockType === "return" ? "no_restock" : restockType;
      const subtotalText = this.format(subtotal);
      const taxText = this.format(tax);
      lineItems.push({
        id: this.ids.refundLine.next(rng),
        line_item_id: item.id,
        line_item: {
          id: item.id,
          admin_graphql_api_id: item.admin_graphql_api_id,
          product_id: item.product_id,
          variant_id: item.variant_id,
          sku: item.sku,
          title: item.title,
          variant_title: item.variant_title,
          quantity: item.quantity,
          price: item.price,
          price_set: item.price_set,
          gift_card: item.gift_card,
        },
        location_id: type === "no_restock" ? null : WAREHOUSE_LOCATION_ID,
        quantity,
        restock_type: type,
        subtotal: Number(subtotalText),
        subtotal_set: this.setOf(subtotalText),
        total_tax: Number(taxText),
        total_tax_set: this.setOf(taxText),
      });
    }
    const shippingLines: ShopifyRefundShippingLine[] = [];
    const adjustments: ShopifyOrderAdjustment[] = [];
    if (refundShipping && !context.shippingRefunded && context.shippingNet + context.shippingTax > 0) {
      context.shippingRefunded = true;
      shippingLines.push({
        id: this.ids.refundShipping.next(rng),
        shipping_line_id: context.shippingLineId,
        subtotal_amount_set: this.set(context.shippingNet),
        tax_amount_set: this.set(context.shippingTax),
      });
      // Shopify records the same shipping refund as a negative "shipping_refund" adjustment too.
      adjustments.push(this.adjustment(context.orderId, refundId, "shipping_refund", "Shipping refund", -context.shippingNet, -context.shippingTax));
      amount += context.shippingNet + context.shippingTax;
    }
    if (goodwill > 0) {
      adjustments.push(this.adjustment(context.orderId, refundId, "refund_discrepancy", "Refund discrepancy", -goodwill, 0));
      amount += goodwill;
    }
    if (lineItems.length === 0 && amount === 0) return 0;
    const transactionId = this.ids.transaction.next(rng);
    refunds.push({
      id: refundId,
      admin_graphql_api_id: `gid://shopify/Refund/${refundId}`,
      order_id: context.orderId,
      created_at: at,
      processed_at: at,
      note,
      restock: restockType !== "no_restock" && lineItems.length > 0,
      refund_line_items: lineItems,
      refund_shipping_lines: shippingLines,
      order_adjustments: adjustments,
      transactions: amount > 0
        ? [{
            id: transactionId,
            admin_graphql_api_id: `gid://shopify/OrderTransaction/${transactionId}`,
            order_id: context.orderId,
            parent_id: context.saleTransactionId,
            kind: "refund",
            gateway: context.gateway,
            status: "success",
            amount: this.format(amount),
            currency: this.currency,
            created_at: at,
            processed_at: at,
            test: context.test,
            source_name: context.transactionSource,
          }]
        : [],
    });
    return amount;
  }

  private adjustment(orderId: number, refundId: number, kind: ShopifyOrderAdjustment["kind"], reason: string,
    amount: number, tax: number): ShopifyOrderAdjustment {
    const amountText = this.format(amount);
    const taxText = this.format(tax);
    return {
      id: this.ids.adjustment.next(this.rng),
      order_id: orderId,
      refund_id: refundId,
      kind,
      reason,
      amount: amountText,
      amount_set: this.setOf(amountText),
      tax_amount: taxText,
      tax_amount_set: this.setOf(taxText),
    };
  }
}
