import { orderBody } from "../support/orders";

export const SHOP = "overview-shop.myshopify.com";

/**
 * A store small enough to check by hand (shop time zone America/New_York):
 *  #1 customer 501, 2026-01-10 02:00Z (Jan 9 in New York): 2 x 40.00 - 8.00 discount, shipping 6.00;
 *     refund on Feb 2 of one item, 36.00
 *  #2 customer 501, 2026-02-15: 25.50
 *  #3 customer 502, 2026-02-20: 100.00, shipping 10.00 fully discounted
 *  #4 guest, 2026-03-01: 50.00 + a 25.00 gift card (not revenue), 4.00 tax (not revenue)
 *  #5 customer 503, cancelled: left out; #6 a test order: never stored
 * Orders 4; customers 2 (501, 502); repeat 1/2; gross 255.50; discounts 8.00; net sales 247.50;
 * shipping 6.00; refunds 36.00; net revenue 217.50; AOV 217.50 / 4 = 54.375 -> 54.38.
 */
export const STORE = [
  orderBody({ id: 1, customerId: 501, processedAt: "2026-01-10T02:00:00Z",
    lines: [{ id: 11, price: "40.00", quantity: 2, discount: "8.00" }], shipping: "6.00",
    refunds: [{ id: 91, createdAt: "2026-02-02T12:00:00Z", lines: [{ id: 911, lineItemId: 11, quantity: 1, subtotal: "36.00" }] }] }),
  orderBody({ id: 2, customerId: 501, processedAt: "2026-02-15T15:00:00Z", lines: [{ id: 21, price: "25.50" }] }),
  orderBody({ id: 3, customerId: 502, processedAt: "2026-02-20T15:00:00Z", lines: [{ id: 31, price: "100.00" }],
    shipping: "10.00", shippingDiscount: "10.00" }),
  orderBody({ id: 4, customerId: null, processedAt: "2026-03-01T18:30:00Z", tax: "4.00",
    lines: [{ id: 41, price: "50.00", tax: "4.00" }, { id: 42, price: "25.00", giftCard: true }] }),
  orderBody({ id: 5, customerId: 503, processedAt: "2026-03-02T15:00:00Z", cancelledAt: "2026-03-03T15:00:00Z",
    lines: [{ id: 51, price: "60.00" }] }),
  orderBody({ id: 6, customerId: 504, processedAt: "2026-03-04T15:00:00Z", test: true, lines: [{ id: 61, price: "70.00" }] }),
];

