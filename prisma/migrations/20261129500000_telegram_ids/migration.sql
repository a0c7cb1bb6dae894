-- Telegram-form ids: a random positive integer per user and bot (at least 10 digits, below
-- 2^53 so JavaScript clients read it exactly), a chat's integer as a bot sees it, and
-- message numbers per chat. Existing rows get theirs here; new ones from the application.

-- AlterTable
ALTER TABLE "users" ADD COLUMN "tg_id" BIGINT;
UPDATE "users" SET "tg_id" = 1000000000 + floor(random() * (9007199254740991 - 1000000000))::bigint;
ALTER TABLE "users" ALTER COLUMN "tg_id" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "users_tg_id_key" ON "users"("tg_id");

-- AlterTable
ALTER TABLE "chats" ADD COLUMN "tg_id" BIGINT,
ADD COLUMN "last_message_number" INTEGER NOT NULL DEFAULT 0;
-- A private chat is its person's id (bots only ever talk with people); a group is negative.
UPDATE "chats" c SET "tg_id" = CASE WHEN c."type" = 'group'
    THEN -(1000000000 + floor(random() * (9007199254740991 - 1000000000))::bigint)
    ELSE (SELECT u."tg_id" FROM "chat_members" m JOIN "users" u ON u."id" = m."user_id"
           WHERE m."chat_id" = c."id" ORDER BY u."is_bot", m."joined_at" LIMIT 1) END;
UPDATE "chats" SET "tg_id" = 0 WHERE "tg_id" IS NULL;
ALTER TABLE "chats" ALTER COLUMN "tg_id" SET NOT NULL;

-- CreateIndex
CREATE INDEX "chats_tg_id_idx" ON "chats"("tg_id");

-- AlterTable
ALTER TABLE "messages" ADD COLUMN "number" INTEGER;
UPDATE "messages" m SET "number" = n.rn
  FROM (SELECT "id", row_number() OVER (PARTITION BY "chat_id" ORDER BY "seq") AS rn FROM "messages") n
 WHERE n."id" = m."id";
UPDATE "chats" c SET "last_message_number" = coalesce((SELECT max("number") FROM "messages" WHERE "chat_id" = c."id"), 0);
ALTER TABLE "messages" ALTER COLUMN "number" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "messages_chat_id_number_key" ON "messages"("chat_id", "number");

-- The token's digits are now the bot user's tg_id; the sequential numeric_id goes.
-- DropIndex
DROP INDEX "bots_numeric_id_key";

-- AlterTable
ALTER TABLE "bots" DROP COLUMN "numeric_id";
