CREATE TABLE "api_key_usage_daily" (
	"key_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"day" timestamp with time zone NOT NULL,
	"method" text NOT NULL,
	"endpoint" text NOT NULL,
	"status_class" integer NOT NULL,
	"requests" bigint NOT NULL,
	"total_duration_ms" bigint NOT NULL,
	CONSTRAINT "api_key_usage_daily_key_id_day_method_endpoint_status_class_pk" PRIMARY KEY("key_id","day","method","endpoint","status_class")
);
--> statement-breakpoint
ALTER TABLE "api_key_usage_daily" ADD CONSTRAINT "api_key_usage_daily_key_id_api_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_keys_org_expires_idx" ON "api_keys" USING btree ("organization_id","expires_at") WHERE "api_keys"."expires_at" is not null;--> statement-breakpoint
CREATE INDEX "api_keys_org_leaked_idx" ON "api_keys" USING btree ("organization_id","leaked_at" DESC NULLS LAST) WHERE "api_keys"."leaked_at" is not null;--> statement-breakpoint
-- Usage flushed before this table existed, summed per UTC day.
INSERT INTO "api_key_usage_daily" ("key_id", "organization_id", "day", "method", "endpoint", "status_class", "requests", "total_duration_ms")
SELECT "key_id", "organization_id", date_trunc('day', "minute" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', "method", "endpoint", "status_class", sum("requests"), sum("total_duration_ms")
FROM "api_key_usage"
GROUP BY 1, 2, 3, 4, 5, 6;
