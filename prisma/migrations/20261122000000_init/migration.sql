-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" DATETIME,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" DATETIME
);

-- CreateTable
CREATE TABLE "Shop" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "currencyDigits" INTEGER NOT NULL DEFAULT 2,
    "ianaTimezone" TEXT NOT NULL DEFAULT 'UTC',
    "isDemo" BOOLEAN NOT NULL DEFAULT false,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastWebhookAt" DATETIME,
    "lastOrderAt" DATETIME
);

-- CreateTable
CREATE TABLE "WebhookReceipt" (
    "shopId" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,

    PRIMARY KEY ("shopId", "webhookId")
);

-- CreateTable
CREATE TABLE "Customer" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "firstSeen" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopId", "id")
);

-- CreateTable
CREATE TABLE "Order" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "customerId" TEXT,
    "customerTags" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL,
    "processedAt" DATETIME NOT NULL,
    "sourceUpdatedAt" DATETIME NOT NULL,
    "cancelledAt" DATETIME,
    "currency" TEXT NOT NULL,
    "sourceName" TEXT NOT NULL,
    "countryCode" TEXT,
    "financialStatus" TEXT,
    "taxesIncluded" BOOLEAN NOT NULL,
    "gateways" TEXT NOT NULL DEFAULT '',
    "tags" TEXT NOT NULL DEFAULT '',
    "discountCodes" TEXT NOT NULL DEFAULT '',
    "grossSales" BIGINT NOT NULL,
    "discounts" BIGINT NOT NULL,
    "netSales" BIGINT NOT NULL,
    "shippingCharged" BIGINT NOT NULL,
    "taxes" BIGINT NOT NULL,
    "duties" BIGINT NOT NULL,
    "tips" BIGINT NOT NULL,
    "giftCardsSold" BIGINT NOT NULL,
    "totalPrice" BIGINT NOT NULL,
    "itemCount" INTEGER NOT NULL,
    "ingestedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopId", "id")
);

-- CreateTable
CREATE TABLE "OrderLine" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "productId" TEXT,
    "variantId" TEXT,
    "sku" TEXT,
    "title" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "currentQuantity" INTEGER NOT NULL,
    "requiresShipping" BOOLEAN NOT NULL,
    "unitPrice" BIGINT NOT NULL,
    "discount" BIGINT NOT NULL,
    "tax" BIGINT NOT NULL,
    "giftCard" BOOLEAN NOT NULL,
    "netSales" BIGINT NOT NULL,

    PRIMARY KEY ("shopId", "id")
);

-- CreateTable
CREATE TABLE "Refund" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "merchandise" BIGINT NOT NULL,
    "shipping" BIGINT NOT NULL,
    "adjustments" BIGINT NOT NULL,
    "taxes" BIGINT NOT NULL,
    "restockedItems" INTEGER NOT NULL,
    "returnedItems" INTEGER NOT NULL,

    PRIMARY KEY ("shopId", "id")
);

-- CreateTable
CREATE TABLE "RefundLine" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "restockType" TEXT NOT NULL,
    "subtotal" BIGINT NOT NULL,
    "tax" BIGINT NOT NULL,

    PRIMARY KEY ("shopId", "id")
);

-- CreateTable
CREATE TABLE "OrderTransaction" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "gateway" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "fee" BIGINT,
    "processedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopId", "id")
);

-- CreateTable
CREATE TABLE "OrderMargin" (
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "customerId" TEXT,
    "processedAt" DATETIME NOT NULL,
    "costVersion" INTEGER NOT NULL,
    "netRevenue" BIGINT NOT NULL,
    "grossMargin" BIGINT NOT NULL,
    "contributionMargin" BIGINT NOT NULL,
    "cogs" BIGINT NOT NULL,
    "cogsEstimated" BIGINT NOT NULL,
    "discounts" BIGINT NOT NULL,
    "breakdown" TEXT NOT NULL,
    "computedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopId", "orderId")
);

-- CreateTable
CREATE TABLE "ValueEvent" (
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "customerId" TEXT,
    "at" DATETIME NOT NULL,
    "revenue" BIGINT NOT NULL,
    "grossMargin" BIGINT NOT NULL,
    "contributionMargin" BIGINT NOT NULL,
    "countsAsPurchase" BOOLEAN NOT NULL,

    PRIMARY KEY ("shopId", "orderId", "seq")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE INDEX "WebhookReceipt_shopId_receivedAt_idx" ON "WebhookReceipt"("shopId", "receivedAt");

-- CreateIndex
CREATE INDEX "Order_shopId_processedAt_idx" ON "Order"("shopId", "processedAt");

-- CreateIndex
CREATE INDEX "Order_shopId_customerId_idx" ON "Order"("shopId", "customerId");

-- CreateIndex
CREATE INDEX "OrderLine_shopId_orderId_idx" ON "OrderLine"("shopId", "orderId");

-- CreateIndex
CREATE INDEX "Refund_shopId_orderId_idx" ON "Refund"("shopId", "orderId");

-- CreateIndex
CREATE INDEX "Refund_shopId_createdAt_idx" ON "Refund"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "RefundLine_shopId_refundId_idx" ON "RefundLine"("shopId", "refundId");

-- CreateIndex
CREATE INDEX "RefundLine_shopId_orderId_idx" ON "RefundLine"("shopId", "orderId");

-- CreateIndex
CREATE INDEX "OrderTransaction_shopId_orderId_idx" ON "OrderTransaction"("shopId", "orderId");

-- CreateIndex
CREATE INDEX "OrderMargin_shopId_customerId_idx" ON "OrderMargin"("shopId", "customerId");

-- CreateIndex
CREATE INDEX "OrderMargin_shopId_costVersion_idx" ON "OrderMargin"("shopId", "costVersion");

-- CreateIndex
CREATE INDEX "ValueEvent_shopId_customerId_at_idx" ON "ValueEvent"("shopId", "customerId", "at");

-- CreateIndex
CREATE INDEX "ValueEvent_shopId_at_idx" ON "ValueEvent"("shopId", "at");

