-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
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
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "id" TEXT NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "currencyDigits" INTEGER NOT NULL DEFAULT 2,
    "ianaTimezone" TEXT NOT NULL DEFAULT 'UTC',
    "isDemo" BOOLEAN NOT NULL DEFAULT false,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastWebhookAt" TIMESTAMP(3),
    "lastOrderAt" TIMESTAMP(3),

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookReceipt" (
    "shopId" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,

    CONSTRAINT "WebhookReceipt_pkey" PRIMARY KEY ("shopId","webhookId")
);

-- CreateTable
CREATE TABLE "Customer" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "firstSeen" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Customer_pkey" PRIMARY KEY ("shopId","id")
);

-- CreateTable
CREATE TABLE "Order" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "customerId" TEXT,
    "customerTags" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL,
    "processedAt" TIMESTAMP(3) NOT NULL,
    "sourceUpdatedAt" TIMESTAMP(3) NOT NULL,
    "cancelledAt" TIMESTAMP(3),
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
    "ingestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("shopId","id")
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

    CONSTRAINT "OrderLine_pkey" PRIMARY KEY ("shopId","id")
);

-- CreateTable
CREATE TABLE "Refund" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "merchandise" BIGINT NOT NULL,
    "shipping" BIGINT NOT NULL,
    "adjustments" BIGINT NOT NULL,
    "taxes" BIGINT NOT NULL,
    "restockedItems" INTEGER NOT NULL,
    "returnedItems" INTEGER NOT NULL,

    CONSTRAINT "Refund_pkey" PRIMARY KEY ("shopId","id")
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

    CONSTRAINT "RefundLine_pkey" PRIMARY KEY ("shopId","id")
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
    "processedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderTransaction_pkey" PRIMARY KEY ("shopId","id")
);

-- CreateTable
CREATE TABLE "OrderMargin" (
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "customerId" TEXT,
    "processedAt" TIMESTAMP(3) NOT NULL,
    "costVersion" INTEGER NOT NULL,
    "netRevenue" BIGINT NOT NULL,
    "grossMargin" BIGINT NOT NULL,
    "contributionMargin" BIGINT NOT NULL,
    "cogs" BIGINT NOT NULL,
    "cogsEstimated" BIGINT NOT NULL,
    "discounts" BIGINT NOT NULL,
    "breakdown" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderMargin_pkey" PRIMARY KEY ("shopId","orderId")
);

-- CreateTable
CREATE TABLE "ValueEvent" (
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "customerId" TEXT,
    "at" TIMESTAMP(3) NOT NULL,
    "revenue" BIGINT NOT NULL,
    "grossMargin" BIGINT NOT NULL,
    "contributionMargin" BIGINT NOT NULL,
    "countsAsPurchase" BOOLEAN NOT NULL,

    CONSTRAINT "ValueEvent_pkey" PRIMARY KEY ("shopId","orderId","seq")
);

-- CreateTable
CREATE TABLE "CostSettings" (
    "shopId" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "useActualPaymentFees" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "marketingUpdatedAt" TIMESTAMP(3),

    CONSTRAINT "CostSettings_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "VariantCost" (
    "shopId" TEXT NOT NULL,
    "variantId" TEXT NOT NULL,
    "validFrom" TIMESTAMP(3) NOT NULL,
    "sku" TEXT,
    "unitCost" BIGINT NOT NULL,
    "source" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VariantCost_pkey" PRIMARY KEY ("shopId","variantId","validFrom")
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
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CostVariant_pkey" PRIMARY KEY ("shopId","variantId")
);

-- CreateTable
CREATE TABLE "CostComponentVersion" (
    "shopId" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "validFrom" TIMESTAMP(3) NOT NULL,
    "value" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CostComponentVersion_pkey" PRIMARY KEY ("shopId","component","validFrom")
);

-- CreateTable
CREATE TABLE "ServiceContact" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "customerId" TEXT,
    "orderName" TEXT,
    "orderId" TEXT,
    "contactedAt" TIMESTAMP(3) NOT NULL,
    "source" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ServiceContact_pkey" PRIMARY KEY ("shopId","id")
);

-- CreateTable
CREATE TABLE "MarketingSpend" (
    "shopId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "source" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MarketingSpend_pkey" PRIMARY KEY ("shopId","month","channel")
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
    "startedAt" TIMESTAMP(3) NOT NULL,
    "heartbeatAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,
    "coverage" TEXT,

    CONSTRAINT "MarginRun_pkey" PRIMARY KEY ("shopId","id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "dedupeKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 8,
    "runAt" TIMESTAMP(3) NOT NULL,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PendingRefund" (
    "shopId" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PendingRefund_pkey" PRIMARY KEY ("shopId","refundId")
);

-- CreateTable
CREATE TABLE "OrderTombstone" (
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT 'deleted',
    "deletedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderTombstone_pkey" PRIMARY KEY ("shopId","orderId")
);

-- CreateTable
CREATE TABLE "CustomerMerge" (
    "shopId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "keptCustomerId" TEXT NOT NULL,
    "mergedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerMerge_pkey" PRIMARY KEY ("shopId","customerId")
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
    "startsAt" TIMESTAMP(3),
    "endsAt" TIMESTAMP(3),
    "sourceCreatedAt" TIMESTAMP(3),
    "sourceUpdatedAt" TIMESTAMP(3),
    "deletedAt" TIMESTAMP(3),
    "fetchedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Discount_pkey" PRIMARY KEY ("shopId","id")
);

-- CreateTable
CREATE TABLE "InventoryCostHistory" (
    "shopId" TEXT NOT NULL,
    "inventoryItemId" TEXT NOT NULL,
    "variantId" TEXT,
    "unitCost" BIGINT,
    "changedAt" TIMESTAMP(3) NOT NULL,
    "source" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InventoryCostHistory_pkey" PRIMARY KEY ("shopId","inventoryItemId","changedAt")
);

-- CreateTable
CREATE TABLE "SyncBackfill" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "bulkOperationId" TEXT,
    "resultUrl" TEXT,
    "urlExpiresAt" TIMESTAMP(3),
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
    "failedAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "SyncBackfill_pkey" PRIMARY KEY ("shopId","id")
);

-- CreateTable
CREATE TABLE "SyncPendingOrder" (
    "shopId" TEXT NOT NULL,
    "backfillId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "SyncPendingOrder_pkey" PRIMARY KEY ("shopId","backfillId","orderId")
);

-- CreateTable
CREATE TABLE "SyncState" (
    "shopId" TEXT NOT NULL,
    "watermark" TIMESTAMP(3),
    "lastReconcileAt" TIMESTAMP(3),
    "lastReconcileId" TEXT,
    "driftRepaired" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SyncState_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "SyncReconciliation" (
    "shopId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "since" TIMESTAMP(3),
    "until" TIMESTAMP(3),
    "status" TEXT NOT NULL,
    "checked" INTEGER NOT NULL DEFAULT 0,
    "missing" INTEGER NOT NULL DEFAULT 0,
    "stale" INTEGER NOT NULL DEFAULT 0,
    "repaired" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "SyncReconciliation_pkey" PRIMARY KEY ("shopId","id")
);

-- CreateTable
CREATE TABLE "SyncDrift" (
    "shopId" TEXT NOT NULL,
    "reconciliationId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "storedUpdatedAt" TIMESTAMP(3),
    "shopifyUpdatedAt" TIMESTAMP(3) NOT NULL,
    "repairedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SyncDrift_pkey" PRIMARY KEY ("shopId","reconciliationId","orderId")
);

-- CreateTable
CREATE TABLE "AnalyticsSnapshot" (
    "shopId" TEXT NOT NULL,
    "view" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,
    "costVersion" INTEGER NOT NULL,
    "watermark" TIMESTAMP(3) NOT NULL,
    "ms" INTEGER NOT NULL,

    CONSTRAINT "AnalyticsSnapshot_pkey" PRIMARY KEY ("shopId","view")
);

-- CreateTable
CREATE TABLE "CohortBase" (
    "shopId" TEXT NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "watermark" TIMESTAMP(3) NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "CohortBase_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "FlaggedChunk" (
    "shopId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "chunk" INTEGER NOT NULL,
    "rows" INTEGER NOT NULL,
    "payload" TEXT NOT NULL,

    CONSTRAINT "FlaggedChunk_pkey" PRIMARY KEY ("shopId","kind","chunk")
);

-- CreateTable
CREATE TABLE "AnalyticsRefresh" (
    "shopId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "AnalyticsRefresh_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "AnalyticsSettings" (
    "shopId" TEXT NOT NULL,
    "thresholds" TEXT NOT NULL DEFAULT '{}',
    "vertical" TEXT,
    "channelMapping" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AnalyticsSettings_pkey" PRIMARY KEY ("shopId")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE INDEX "WebhookReceipt_shopId_receivedAt_idx" ON "WebhookReceipt"("shopId", "receivedAt");

-- CreateIndex
CREATE INDEX "Order_shopId_processedAt_idx" ON "Order"("shopId", "processedAt");

-- CreateIndex
CREATE INDEX "Order_customer_scan_idx" ON "Order"("shopId", "customerId");

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

