-- CreateTable
CREATE TABLE "botkoto_sessions" (
    "user_id" UUID NOT NULL,
    "step" VARCHAR(32) NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "handled_update_id" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "botkoto_sessions_pkey" PRIMARY KEY ("user_id")
);

-- AddForeignKey
ALTER TABLE "botkoto_sessions" ADD CONSTRAINT "botkoto_sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
