ALTER TABLE "prospectuses" ADD COLUMN "imported_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "prospectuses" ADD COLUMN "imported_sha256" text;