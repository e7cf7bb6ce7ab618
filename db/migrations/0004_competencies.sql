CREATE TABLE "competency_confirmations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partnership_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"competency_id" uuid NOT NULL,
	"confirmed_by_email" text NOT NULL,
	"confirmed_by" uuid,
	"note" text DEFAULT '' NOT NULL,
	"confirmed_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "competency_confirmations_not_self" CHECK ("competency_confirmations"."confirmed_by" is null or "competency_confirmations"."confirmed_by" <> "competency_confirmations"."person_id")
);
--> statement-breakpoint
ALTER TABLE "competencies" ADD COLUMN "refresh_months" integer;--> statement-breakpoint
ALTER TABLE "competencies" ADD COLUMN "continues_competency_id" uuid;--> statement-breakpoint
ALTER TABLE "competency_frameworks" ADD COLUMN "default_refresh_months" integer DEFAULT 36 NOT NULL;--> statement-breakpoint
ALTER TABLE "competency_confirmations" ADD CONSTRAINT "competency_confirmations_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "competency_confirmations" ADD CONSTRAINT "competency_confirmations_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "competency_confirmations" ADD CONSTRAINT "competency_confirmations_competency_id_competencies_id_fk" FOREIGN KEY ("competency_id") REFERENCES "public"."competencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "competency_confirmations" ADD CONSTRAINT "competency_confirmations_confirmed_by_people_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "competency_confirmations_person" ON "competency_confirmations" USING btree ("person_id","competency_id");--> statement-breakpoint
ALTER TABLE "competencies" ADD CONSTRAINT "competencies_continues_competency_id_competencies_id_fk" FOREIGN KEY ("continues_competency_id") REFERENCES "public"."competencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "competencies" ADD CONSTRAINT "competencies_refresh_positive" CHECK ("competencies"."refresh_months" is null or "competencies"."refresh_months" > 0);--> statement-breakpoint
ALTER TABLE "competencies" ADD CONSTRAINT "competencies_continues_another" CHECK ("competencies"."continues_competency_id" is null or "competencies"."continues_competency_id" <> "competencies"."id");--> statement-breakpoint
ALTER TABLE "competency_frameworks" ADD CONSTRAINT "competency_frameworks_refresh_positive" CHECK ("competency_frameworks"."default_refresh_months" > 0);--> statement-breakpoint
-- A framework's refresh period was kept in years; it is now months, read from here.
UPDATE "competency_frameworks" SET "default_refresh_months" = "refresh_years" * 12;
