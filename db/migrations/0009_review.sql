CREATE TABLE "year_review_decisions" (
	"review_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"changes" text DEFAULT '' NOT NULL,
	"merge_into_course_id" uuid,
	"note" text DEFAULT '' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone NOT NULL,
	CONSTRAINT "year_review_decisions_review_id_course_id_pk" PRIMARY KEY("review_id","course_id"),
	CONSTRAINT "year_review_decisions_revise_says_what" CHECK ("year_review_decisions"."decision" <> 'revise' or "year_review_decisions"."changes" <> ''),
	CONSTRAINT "year_review_decisions_merge_target" CHECK (("year_review_decisions"."decision" = 'merge') = ("year_review_decisions"."merge_into_course_id" is not null)),
	CONSTRAINT "year_review_decisions_not_into_itself" CHECK ("year_review_decisions"."merge_into_course_id" is null or "year_review_decisions"."merge_into_course_id" <> "year_review_decisions"."course_id")
);
--> statement-breakpoint
CREATE TABLE "year_review_gaps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"review_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"decision" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "year_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partnership_id" uuid NOT NULL,
	"prospectus_id" uuid NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"agreed_at" timestamp with time zone,
	"agreed_by" uuid,
	"next_prospectus_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "year_reviews_agreed_when" CHECK (("year_reviews"."status" = 'agreed') = ("year_reviews"."agreed_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "year_review_decisions" ADD CONSTRAINT "year_review_decisions_review_id_year_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "public"."year_reviews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_review_decisions" ADD CONSTRAINT "year_review_decisions_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_review_decisions" ADD CONSTRAINT "year_review_decisions_merge_into_course_id_courses_id_fk" FOREIGN KEY ("merge_into_course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_review_decisions" ADD CONSTRAINT "year_review_decisions_decided_by_people_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_review_gaps" ADD CONSTRAINT "year_review_gaps_review_id_year_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "public"."year_reviews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_review_gaps" ADD CONSTRAINT "year_review_gaps_decided_by_people_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_reviews" ADD CONSTRAINT "year_reviews_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_reviews" ADD CONSTRAINT "year_reviews_prospectus_id_prospectuses_id_fk" FOREIGN KEY ("prospectus_id") REFERENCES "public"."prospectuses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_reviews" ADD CONSTRAINT "year_reviews_agreed_by_people_id_fk" FOREIGN KEY ("agreed_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_reviews" ADD CONSTRAINT "year_reviews_next_prospectus_id_prospectuses_id_fk" FOREIGN KEY ("next_prospectus_id") REFERENCES "public"."prospectuses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "year_review_gaps_once" ON "year_review_gaps" USING btree ("review_id","kind","key");--> statement-breakpoint
CREATE UNIQUE INDEX "year_reviews_prospectus_unique" ON "year_reviews" USING btree ("partnership_id","prospectus_id");