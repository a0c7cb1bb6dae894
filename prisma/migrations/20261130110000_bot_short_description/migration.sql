-- setMyShortDescription / getMyShortDescription: Telegram's 120-character profile line.
ALTER TABLE "bots" ADD COLUMN "short_description" VARCHAR(120) NOT NULL DEFAULT '';
