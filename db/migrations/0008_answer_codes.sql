CREATE TABLE "answer_codes" (
	"response_id" uuid NOT NULL,
	"theme_id" uuid NOT NULL,
	"coded_by" uuid,
	"coded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "answer_codes_response_id_theme_id_pk" PRIMARY KEY("response_id","theme_id")
);
--> statement-breakpoint
CREATE TABLE "answer_themes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partnership_id" uuid NOT NULL,
	"name" text NOT NULL,
	"retired" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "impact_responses" ADD COLUMN "featured_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "impact_responses" ADD COLUMN "featured_by" uuid;--> statement-breakpoint
ALTER TABLE "answer_codes" ADD CONSTRAINT "answer_codes_response_id_impact_responses_id_fk" FOREIGN KEY ("response_id") REFERENCES "public"."impact_responses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "answer_codes" ADD CONSTRAINT "answer_codes_theme_id_answer_themes_id_fk" FOREIGN KEY ("theme_id") REFERENCES "public"."answer_themes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "answer_codes" ADD CONSTRAINT "answer_codes_coded_by_people_id_fk" FOREIGN KEY ("coded_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "answer_themes" ADD CONSTRAINT "answer_themes_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "answer_codes_theme" ON "answer_codes" USING btree ("theme_id");--> statement-breakpoint
CREATE UNIQUE INDEX "answer_themes_name_unique" ON "answer_themes" USING btree ("partnership_id",lower("name"));--> statement-breakpoint
ALTER TABLE "impact_responses" ADD CONSTRAINT "impact_responses_featured_by_people_id_fk" FOREIGN KEY ("featured_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
INSERT INTO "answer_themes" ("partnership_id", "name") SELECT "partnerships"."id", "defaults"."name" FROM "partnerships" CROSS JOIN (VALUES ('Information sharing'), ('Joint working'), ('Direct work with children'), ('Early help and referral'), ('Recognising risk'), ('Voice of the child'), ('Professional curiosity')) AS "defaults"("name") ON CONFLICT DO NOTHING;
