CREATE TABLE "competency_confirmation_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partnership_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"competency_id" uuid NOT NULL,
	"manager_email" text NOT NULL,
	"note" text NOT NULL,
	"token_hash" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"decision" text,
	"decided_at" timestamp with time zone,
	"manager_note" text DEFAULT '' NOT NULL,
	"confirmation_id" uuid,
	CONSTRAINT "competency_confirmation_requests_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "workforce_group_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partnership_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"from_group_id" uuid,
	"workforce_group_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"decision" text,
	"decided_at" timestamp with time zone,
	"decided_by" uuid,
	"decline_reason" text DEFAULT '' NOT NULL,
	CONSTRAINT "workforce_group_requests_not_self" CHECK ("workforce_group_requests"."decided_by" is null or "workforce_group_requests"."decided_by" <> "workforce_group_requests"."person_id")
);
--> statement-breakpoint
ALTER TABLE "partnerships" ADD COLUMN "manager_confirmations" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "competency_confirmation_requests" ADD CONSTRAINT "competency_confirmation_requests_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "competency_confirmation_requests" ADD CONSTRAINT "competency_confirmation_requests_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "competency_confirmation_requests" ADD CONSTRAINT "competency_confirmation_requests_competency_id_competencies_id_fk" FOREIGN KEY ("competency_id") REFERENCES "public"."competencies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "competency_confirmation_requests" ADD CONSTRAINT "competency_confirmation_requests_confirmation_id_competency_confirmations_id_fk" FOREIGN KEY ("confirmation_id") REFERENCES "public"."competency_confirmations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workforce_group_requests" ADD CONSTRAINT "workforce_group_requests_partnership_id_partnerships_id_fk" FOREIGN KEY ("partnership_id") REFERENCES "public"."partnerships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workforce_group_requests" ADD CONSTRAINT "workforce_group_requests_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workforce_group_requests" ADD CONSTRAINT "workforce_group_requests_from_group_id_workforce_groups_id_fk" FOREIGN KEY ("from_group_id") REFERENCES "public"."workforce_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workforce_group_requests" ADD CONSTRAINT "workforce_group_requests_workforce_group_id_workforce_groups_id_fk" FOREIGN KEY ("workforce_group_id") REFERENCES "public"."workforce_groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workforce_group_requests" ADD CONSTRAINT "workforce_group_requests_decided_by_people_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "competency_confirmation_requests_one_open" ON "competency_confirmation_requests" USING btree ("person_id","competency_id") WHERE "competency_confirmation_requests"."decision" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "workforce_group_requests_one_open" ON "workforce_group_requests" USING btree ("person_id") WHERE "workforce_group_requests"."decision" is null;