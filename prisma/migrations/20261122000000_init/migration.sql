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

-- CreateTable
CREATE TABLE "CostSettings" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "version" INTEGER NOT NULL DEFAULT 0,
    "useActualPaymentFees" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" DATETIME NOT NULL,
    "marketingUpdatedAt" DATETIME
);

-- CreateTable
CREATE TABLE "VariantCost" (
    "shopId" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "validFrom" DATETIME NOT NULL,
    "sku" TEXT,
    "unitCost" BIGINT NOT NULL,
    "source" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopId", "variantId", "validFrom")
);

-- CreateTable
CREATE TABLE "CostVariant" (
    "shopId" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "productId" TEXT,
    "sku" TEXT,
    "title" TEXT NOT NULL,
    "price" BIGINT,
    "revenue" BIGINT NOT NULL DEFAULT 0,
    "units" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopId", "variantId")
);

-- CreateTable
CREATE TABLE "CostComponentVersion" (
    "shopId" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "validFrom" DATETIME NOT NULL,
    "value" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopId", "component", "validFrom")
);

-- CreateTable
CREATE TABLE "ServiceContact" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "customerId" TEXT,
    "orderName" TEXT,
    "orderId" TEXT,
    "contactedAt" DATETIME NOT NULL,
    "source" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopId", "id")
);

-- CreateTable
CREATE TABLE "MarketingSpend" (
    "shopId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "source" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopId", "month", "channel")
);

-- CreateTable
CREATE TABLE "MarginRun" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "costVersion" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "done" INTEGER NOT NULL,
    "startedAt" DATETIME NOT NULL,
    "heartbeatAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,
    "error" TEXT,
    "coverage" TEXT,

    PRIMARY KEY ("shopId", "id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shopId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "dedupeKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 8,
    "runAt" DATETIME NOT NULL,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "PendingRefund" (
    "shopId" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopId", "refundId")
);

-- CreateTable
CREATE TABLE "OrderTombstone" (
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT 'deleted',
    "deletedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopId", "orderId")
);

-- CreateTable
CREATE TABLE "CustomerMerge" (
    "shopId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "keptCustomerId" TEXT NOT NULL,
    "mergedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopId", "customerId")
);

-- CreateTable
CREATE TABLE "Discount" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "discountType" TEXT NOT NULL,
    "codes" TEXT NOT NULL DEFAULT '[]',
    "codesCount" INTEGER NOT NULL DEFAULT 0,
    "valueType" TEXT,
    "valuePercentage" TEXT,
    "valueAmount" BIGINT,
    "status" TEXT NOT NULL,
    "startsAt" DATETIME,
    "endsAt" DATETIME,
    "sourceCreatedAt" DATETIME,
    "sourceUpdatedAt" DATETIME,
    "deletedAt" DATETIME,
    "fetchedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopId", "id")
);

-- CreateTable
CREATE TABLE "InventoryCostHistory" (
    "shopId" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "variantId" TEXT,
    "unitCost" BIGINT,
    "changedAt" DATETIME NOT NULL,
    "source" TEXT NOT NULL,
    "recordedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("shopId", "inventoryItemId", "changedAt")
);

-- CreateTable
CREATE TABLE "SyncBackfill" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "bulkOperationId" TEXT,
    "resultUrl" TEXT,
    "urlExpiresAt" DATETIME,
    "objectCount" INTEGER NOT NULL DEFAULT 0,
    "fileSize" BIGINT,
    "bytesDone" BIGINT NOT NULL DEFAULT 0,
    "linesDone" INTEGER NOT NULL DEFAULT 0,
    "ordersSeen" INTEGER NOT NULL DEFAULT 0,
    "ordersApplied" INTEGER NOT NULL DEFAULT 0,
    "ordersSkipped" INTEGER NOT NULL DEFAULT 0,
    "refundOrders" INTEGER NOT NULL DEFAULT 0,
    "refundOrdersDone" INTEGER NOT NULL DEFAULT 0,
    "refundsApplied" INTEGER NOT NULL DEFAULT 0,
    "badRecords" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "failedAt" DATETIME,
    "startedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,

    PRIMARY KEY ("shopId", "id")
);

-- CreateTable
CREATE TABLE "SyncPendingOrder" (
    "shopId" TEXT NOT NULL,
    "backfillId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,

    PRIMARY KEY ("shopId", "backfillId", "orderId")
);

-- CreateTable
CREATE TABLE "SyncState" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "watermark" DATETIME,
    "lastReconcileAt" DATETIME,
    "lastReconcileId" TEXT,
    "driftRepaired" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "SyncReconciliation" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "since" DATETIME,
    "until" DATETIME,
    "status" TEXT NOT NULL,
    "checked" INTEGER NOT NULL DEFAULT 0,
    "missing" INTEGER NOT NULL DEFAULT 0,
    "stale" INTEGER NOT NULL DEFAULT 0,
    "repaired" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "startedAt" DATETIME NOT NULL,
    "finishedAt" DATETIME,

    PRIMARY KEY ("shopId", "id")
);

-- CreateTable
CREATE TABLE "SyncDrift" (
    "shopId" TEXT NOT NULL,
    "reconciliationId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "storedUpdatedAt" DATETIME,
    "shopifyUpdatedAt" DATETIME NOT NULL,
    "repairedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shopId", "reconciliationId", "orderId")
);

-- CreateTable
CREATE TABLE "AnalyticsSnapshot" (
    "shopId" TEXT NOT NULL,
    "view" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "asOf" DATETIME NOT NULL,
    "computedAt" DATETIME NOT NULL,
    "costVersion" INTEGER NOT NULL,
    "watermark" DATETIME NOT NULL,
    "ms" INTEGER NOT NULL,

    PRIMARY KEY ("shopId", "view")
);

-- CreateTable
CREATE TABLE "CohortBase" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "asOf" DATETIME NOT NULL,
    "watermark" DATETIME NOT NULL,
    "computedAt" DATETIME NOT NULL,
    "data" BLOB NOT NULL
);

-- CreateTable
CREATE TABLE "FlaggedChunk" (
    "shopId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "chunk" INTEGER NOT NULL,
    "rows" INTEGER NOT NULL,
    "payload" TEXT NOT NULL,

    PRIMARY KEY ("shopId", "kind", "chunk")
);

-- CreateTable
CREATE TABLE "AnalyticsRefresh" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL,
    "requestedAt" DATETIME,
    "startedAt" DATETIME,
    "heartbeatAt" DATETIME,
    "finishedAt" DATETIME,
    "error" TEXT
);

-- CreateTable
CREATE TABLE "AnalyticsSettings" (
    "shopId" TEXT NOT NULL PRIMARY KEY,
    "thresholds" TEXT NOT NULL DEFAULT '{}',
    "vertical" TEXT,
    "channelMapping" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE INDEX "WebhookReceipt_shopId_receivedAt_idx" ON "WebhookReceipt"("shopId", "receivedAt");

-- CreateIndex
CREATE INDEX "Order_shopId_processedAt_idx" ON "Order"("shopId", "processedAt");

-- CreateIndex
CREATE INDEX "Order_customer_scan_idx" ON "Order"("shopId", "customerId", "processedAt", "id", "grossSales", "discounts", "cancelledAt", "sourceName", "countryCode", "discountCodes", "customerTags", "sourceUpdatedAt", "netSales", "shippingCharged");

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
CREATE INDEX "ValueEvent_customer_scan_idx" ON "ValueEvent"("shopId", "customerId", "at", "orderId", "seq", "revenue", "grossMargin", "contributionMargin", "countsAsPurchase");

-- CreateIndex
CREATE INDEX "ValueEvent_shopId_at_idx" ON "ValueEvent"("shopId", "at");

-- CreateIndex
CREATE INDEX "VariantCost_shopId_sku_idx" ON "VariantCost"("shopId", "sku");

-- CreateIndex
CREATE INDEX "VariantCost_shopId_createdAt_idx" ON "VariantCost"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "CostVariant_shopId_sku_idx" ON "CostVariant"("shopId", "sku");

-- CreateIndex
CREATE INDEX "CostVariant_shopId_revenue_idx" ON "CostVariant"("shopId", "revenue");

-- CreateIndex
CREATE INDEX "ServiceContact_shopId_customerId_idx" ON "ServiceContact"("shopId", "customerId");

-- CreateIndex
CREATE INDEX "ServiceContact_shopId_orderId_idx" ON "ServiceContact"("shopId", "orderId");

-- CreateIndex
CREATE INDEX "MarginRun_shopId_startedAt_idx" ON "MarginRun"("shopId", "startedAt");

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- CreateIndex
CREATE INDEX "Job_shopId_status_runAt_idx" ON "Job"("shopId", "status", "runAt");

-- CreateIndex
CREATE UNIQUE INDEX "Job_shopId_dedupeKey_key" ON "Job"("shopId", "dedupeKey");

-- CreateIndex
CREATE INDEX "PendingRefund_shopId_orderId_idx" ON "PendingRefund"("shopId", "orderId");

-- CreateIndex
CREATE INDEX "CustomerMerge_shopId_keptCustomerId_idx" ON "CustomerMerge"("shopId", "keptCustomerId");

-- CreateIndex
CREATE INDEX "InventoryCostHistory_shopId_variantId_changedAt_idx" ON "InventoryCostHistory"("shopId", "variantId", "changedAt");

-- CreateIndex
CREATE INDEX "SyncBackfill_shopId_startedAt_idx" ON "SyncBackfill"("shopId", "startedAt");

-- CreateIndex
CREATE INDEX "SyncReconciliation_shopId_startedAt_idx" ON "SyncReconciliation"("shopId", "startedAt");

-- CreateIndex
CREATE INDEX "SyncDrift_shopId_repairedAt_idx" ON "SyncDrift"("shopId", "repairedAt");

