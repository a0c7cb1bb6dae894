-- End-to-end encryption keys (issue 13): a NaCl box public key per user (people and bot
-- identities alike), the bot's custody of its secret half, and the managed secrets sealed
-- with GATEWAY_KEY in a table of their own, so bot rows (cached, passed around) never carry them.

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "public_key" VARCHAR(44);

-- AlterTable
ALTER TABLE "bots" ADD COLUMN     "key_custody" VARCHAR(8);

-- CreateTable
CREATE TABLE "bot_secret_keys" (
    "bot_id" UUID NOT NULL,
    "secret_key_sealed" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bot_secret_keys_pkey" PRIMARY KEY ("bot_id")
);

-- AddForeignKey
ALTER TABLE "bot_secret_keys" ADD CONSTRAINT "bot_secret_keys_bot_id_fkey" FOREIGN KEY ("bot_id") REFERENCES "bots"("id") ON DELETE CASCADE ON UPDATE CASCADE;
