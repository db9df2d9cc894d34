-- A cancelled order gives its stock back: stock_status 'Released' (was left 'Reserved').
ALTER TABLE "orders"."orders" DROP CONSTRAINT "orders_stock_status_valid";
ALTER TABLE "orders"."orders" ADD CONSTRAINT "orders_stock_status_valid" CHECK ("stock_status" IN ('Pending', 'Reserved', 'Rejected', 'Released'));
-- Orders cancelled before this migration whose reservation was given back.
UPDATE "orders"."orders" SET "stock_status" = 'Released' WHERE "status" = 'Cancelled' AND "stock_status" IN ('Pending', 'Reserved');
