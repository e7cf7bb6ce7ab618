CREATE TABLE "year_review_reports" (
	"review_id" uuid PRIMARY KEY NOT NULL,
	"paragraphs" jsonb NOT NULL,
	"edited_by" uuid,
	"edited_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "year_review_reports" ADD CONSTRAINT "year_review_reports_review_id_year_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "public"."year_reviews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "year_review_reports" ADD CONSTRAINT "year_review_reports_edited_by_people_id_fk" FOREIGN KEY ("edited_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;