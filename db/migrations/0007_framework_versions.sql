CREATE TABLE "planned_course_competencies" (
	"course_id" uuid NOT NULL,
	"competency_id" uuid NOT NULL,
	CONSTRAINT "planned_course_competencies_course_id_competency_id_pk" PRIMARY KEY("course_id","competency_id")
);
--> statement-breakpoint
ALTER TABLE "competency_frameworks" ADD COLUMN "published_at" timestamp with time zone;--> statement-breakpoint
-- Every version made so far was published when it was made (the partnership set-up makes version 1 current).
UPDATE "competency_frameworks" SET "published_at" = "created_at";--> statement-breakpoint
ALTER TABLE "workforce_groups" ADD COLUMN "outside_scheme" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "planned_course_competencies" ADD CONSTRAINT "planned_course_competencies_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "planned_course_competencies" ADD CONSTRAINT "planned_course_competencies_competency_id_competencies_id_fk" FOREIGN KEY ("competency_id") REFERENCES "public"."competencies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "competency_frameworks_one_draft" ON "competency_frameworks" USING btree ("partnership_id") WHERE "competency_frameworks"."published_at" is null;--> statement-breakpoint
ALTER TABLE "competency_frameworks" DROP COLUMN "refresh_years";--> statement-breakpoint
ALTER TABLE "competency_frameworks" ADD CONSTRAINT "competency_frameworks_current_published" CHECK (not "competency_frameworks"."current" or "competency_frameworks"."published_at" is not null);