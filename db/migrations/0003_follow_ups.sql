CREATE TABLE "follow_up_links" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"survey_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "follow_up_surveys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partnership_id" uuid NOT NULL,
	"booking_id" uuid NOT NULL,
	"respondent" text NOT NULL,
	"manager_email" text,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"reminders_sent" integer DEFAULT 0 NOT NULL,
	"next_reminder_at" timestamp with time zone,
	"closes_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "follow_up_surveys_manager_email" CHECK (("follow_up_surveys"."respondent" = 'manager') = ("follow_up_surveys"."manager_email" is not null))
);
--> statement-breakpoint
CREATE TABLE "impact_responses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partnership_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"practice_changed" text NOT NULL,
	"practice_change_how" text DEFAULT '' NOT NULL,
	"outcome_example" text DEFAULT '' NOT NULL,
	"shared_learning" boolean NOT NULL,
	"shared_how" text DEFAULT '' NOT NULL,
	"barriers" text DEFAULT '' NOT NULL,
	"confidence_now" integer NOT NULL,
	"competencies" jsonb NOT NULL,
	"quotation_consent" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "impact_responses_survey_id_unique" UNIQUE("survey_id")
);
--> statement-breakpoint
CREATE TABLE "manager_responses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partnership_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"seen_change" text NOT NULL,
	"example" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "manager_responses_survey_id_unique" UNIQUE("survey_id")
);
--> statement-breakpoint
ALTER TABLE "courses" ADD COLUMN "asks_manager_follow_up" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "clear_after_sending" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "follow_up_links" ADD CONSTRAINT "follow_up_links_survey_id_follow_up_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."follow_up_surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_surveys" ADD CONSTRAINT "follow_up_surveys_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_up_surveys" ADD CONSTRAINT "follow_up_surveys_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "impact_responses" ADD CONSTRAINT "impact_responses_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "impact_responses" ADD CONSTRAINT "impact_responses_survey_id_follow_up_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."follow_up_surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "manager_responses" ADD CONSTRAINT "manager_responses_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "manager_responses" ADD CONSTRAINT "manager_responses_survey_id_follow_up_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."follow_up_surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "follow_up_links_survey" ON "follow_up_links" USING btree ("survey_id");--> statement-breakpoint
CREATE UNIQUE INDEX "follow_up_surveys_once" ON "follow_up_surveys" USING btree ("booking_id","respondent");--> statement-breakpoint
CREATE INDEX "follow_up_surveys_due" ON "follow_up_surveys" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "follow_up_surveys_reminders" ON "follow_up_surveys" USING btree ("status","next_reminder_at");--> statement-breakpoint
-- Attendances recorded before follow-up surveys existed get theirs, due three months after the session.
INSERT INTO "follow_up_surveys" ("partnership_id", "booking_id", "respondent", "due_at")
SELECT b."partnership_id", b."id", 'attendee', s."ends_at" + p."follow_up_delay_days" * interval '1 day'
FROM "bookings" b
JOIN "sessions" s ON s."id" = b."session_id"
JOIN "partnerships" p ON p."id" = b."partnership_id"
WHERE b."status" IN ('attended', 'partly attended');
