CREATE TYPE "public"."usage_refill" AS ENUM('never', 'daily', 'monthly');--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "usage_limit" integer;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "usage_refill" "usage_refill" DEFAULT 'never' NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "usage_remaining" integer;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "usage_period" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "usage_version" integer DEFAULT 0 NOT NULL;