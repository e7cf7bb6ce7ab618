ALTER TABLE "partnerships" ADD COLUMN "retention_free_text_years" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "partnerships" ADD COLUMN "retention_training_years" integer DEFAULT 6 NOT NULL;--> statement-breakpoint
ALTER TABLE "partnerships" ADD COLUMN "retention_sent_mail_days" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "last_signed_in_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "partnerships" ADD CONSTRAINT "partnerships_retention_free_text_years" CHECK ("partnerships"."retention_free_text_years" between 1 and 10);--> statement-breakpoint
ALTER TABLE "partnerships" ADD CONSTRAINT "partnerships_retention_training_years" CHECK ("partnerships"."retention_training_years" between 1 and 25);--> statement-breakpoint
ALTER TABLE "partnerships" ADD CONSTRAINT "partnerships_retention_sent_mail_days" CHECK ("partnerships"."retention_sent_mail_days" between 0 and 90);