-- CreateTable
CREATE TABLE "bot_inboxes" (
    "bot_id" UUID NOT NULL,
    "last_update_id" BIGINT NOT NULL DEFAULT 0,
    "acked_update_id" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "bot_inboxes_pkey" PRIMARY KEY ("bot_id")
);

-- CreateTable
CREATE TABLE "updates" (
    "id" UUID NOT NULL,
    "bot_id" UUID NOT NULL,
    "update_id" BIGINT NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "updates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_inboxes" (
    "user_id" UUID NOT NULL,
    "last_seq" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "event_inboxes_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "user_events" (
    "user_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    "type" VARCHAR(32) NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_events_pkey" PRIMARY KEY ("user_id","seq")
);

-- CreateTable
CREATE TABLE "callback_queries" (
    "id" UUID NOT NULL,
    "bot_id" UUID NOT NULL,
    "chat_id" UUID NOT NULL,
    "message_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "data" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answered_at" TIMESTAMPTZ(3),
    "answer_text" VARCHAR(200),
    "show_alert" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "callback_queries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "updates_created_at_idx" ON "updates"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "updates_bot_id_update_id_key" ON "updates"("bot_id", "update_id");

-- CreateIndex
CREATE INDEX "user_events_created_at_idx" ON "user_events"("created_at");

-- CreateIndex
CREATE INDEX "callback_queries_bot_id_idx" ON "callback_queries"("bot_id");

-- CreateIndex
CREATE INDEX "callback_queries_created_at_idx" ON "callback_queries"("created_at");

-- AddForeignKey
ALTER TABLE "bot_inboxes" ADD CONSTRAINT "bot_inboxes_bot_id_fkey" FOREIGN KEY ("bot_id") REFERENCES "bots"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "updates" ADD CONSTRAINT "updates_bot_id_fkey" FOREIGN KEY ("bot_id") REFERENCES "bots"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_inboxes" ADD CONSTRAINT "event_inboxes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_events" ADD CONSTRAINT "user_events_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "callback_queries" ADD CONSTRAINT "callback_queries_bot_id_fkey" FOREIGN KEY ("bot_id") REFERENCES "bots"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "callback_queries" ADD CONSTRAINT "callback_queries_chat_id_fkey" FOREIGN KEY ("chat_id") REFERENCES "chats"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "callback_queries" ADD CONSTRAINT "callback_queries_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "callback_queries" ADD CONSTRAINT "callback_queries_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
