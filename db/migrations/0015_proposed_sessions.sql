ALTER TABLE "courses" ADD COLUMN "review_note" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "proposed" boolean DEFAULT false NOT NULL;