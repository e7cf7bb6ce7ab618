CREATE TABLE "e_learning_completions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partnership_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"completed_on" text NOT NULL,
	"source" text DEFAULT 'import' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partnership_id" uuid NOT NULL,
	"booking_id" uuid NOT NULL,
	"outcomes_met" jsonb NOT NULL,
	"relevance" integer NOT NULL,
	"delivery" integer NOT NULL,
	"confidence_before" integer NOT NULL,
	"confidence_after" integer NOT NULL,
	"will_do_differently" text DEFAULT '' NOT NULL,
	"comments" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_booking_id_unique" UNIQUE("booking_id")
);
--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "walk_in" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "attendance_recorded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "attendance_recorded_by" uuid;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "certificate_code" text;--> statement-breakpoint
ALTER TABLE "partnerships" ADD COLUMN "attendance_lock_days" integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE "partnerships" ADD COLUMN "certificate_needs_feedback" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "partnerships" ADD COLUMN "non_attendance_charge_half_day_pence" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "partnerships" ADD COLUMN "non_attendance_charge_full_day_pence" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "partnerships" ADD COLUMN "charge_exempt_sectors" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "e_learning_completions" ADD CONSTRAINT "e_learning_completions_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "e_learning_completions" ADD CONSTRAINT "e_learning_completions_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "e_learning_completions" ADD CONSTRAINT "e_learning_completions_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "e_learning_completions_once" ON "e_learning_completions" USING btree ("person_id","course_id","completed_on");--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_attendance_recorded_by_people_id_fk" FOREIGN KEY ("attendance_recorded_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_certificate_code_unique" UNIQUE("certificate_code");