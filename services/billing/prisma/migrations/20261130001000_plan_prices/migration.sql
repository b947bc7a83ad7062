-- AlterTable
ALTER TABLE "organization_subscriptions" ADD COLUMN     "currency" TEXT NOT NULL DEFAULT 'USD';

-- CreateTable
CREATE TABLE "plan_prices" (
    "plan_id" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "seat_price_monthly_minor" INTEGER NOT NULL,

    CONSTRAINT "plan_prices_pkey" PRIMARY KEY ("plan_id","currency")
);

-- AddForeignKey
ALTER TABLE "plan_prices" ADD CONSTRAINT "plan_prices_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- The price lists (data, like the plans): a seat per month in minor units of each currency billing
-- invoices in. Free costs nothing anywhere; Enterprise has no list price (custom, agreed in the
-- organization's currency). Set per market, not converted at a rate: a price stays what it was.
INSERT INTO "plan_prices" ("plan_id", "currency", "seat_price_monthly_minor") VALUES
  ('free', 'USD', 0), ('free', 'EUR', 0), ('free', 'GBP', 0), ('free', 'CAD', 0), ('free', 'AUD', 0),
  ('free', 'NZD', 0), ('free', 'CHF', 0), ('free', 'SEK', 0), ('free', 'NOK', 0), ('free', 'DKK', 0),
  ('basic', 'USD', 2900), ('basic', 'EUR', 2700), ('basic', 'GBP', 2300), ('basic', 'CAD', 3900),
  ('basic', 'AUD', 4500), ('basic', 'NZD', 4900), ('basic', 'CHF', 2600), ('basic', 'SEK', 30000),
  ('basic', 'NOK', 31000), ('basic', 'DKK', 20000),
  ('pro', 'USD', 9900), ('pro', 'EUR', 9200), ('pro', 'GBP', 7900), ('pro', 'CAD', 13500),
  ('pro', 'AUD', 14900), ('pro', 'NZD', 16500), ('pro', 'CHF', 8900), ('pro', 'SEK', 105000),
  ('pro', 'NOK', 108000), ('pro', 'DKK', 69000);
