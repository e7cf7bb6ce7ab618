ALTER TABLE "api_tokens" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "pending_line_manager_email" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "pending_manager_token_hash" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "pending_manager_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_pending_manager_token_hash_unique" UNIQUE("pending_manager_token_hash");--> statement-breakpoint
-- An address a person gave as their own manager's was never a manager's: it is dropped.
UPDATE "people" SET "line_manager_email" = NULL WHERE lower(trim("line_manager_email")) = "email";
