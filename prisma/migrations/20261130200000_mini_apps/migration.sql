-- Mini apps: the bot's web app URL (and its menu button's text), and the key its init data
-- is signed with: HMAC-SHA256("WebAppData", the bot's Telegram-shaped token), sealed with
-- MASTER_KEY. Only the key is kept, never the token; bots from before this migration get it
-- when they next set their URL or rotate their key.

-- AlterTable
ALTER TABLE "bots" ADD COLUMN "webapp_url" VARCHAR(2048),
ADD COLUMN "webapp_menu_text" VARCHAR(64),
ADD COLUMN "webapp_secret_sealed" BYTEA;
