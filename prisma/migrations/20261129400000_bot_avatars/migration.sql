-- Bot avatars leave the bot row (which bot auth loads and caches): uploaded images move to
-- bot_avatars, http(s) URLs to bots.avatar_url.

-- CreateTable
CREATE TABLE "bot_avatars" (
    "bot_id" UUID NOT NULL,
    "mime" VARCHAR(255) NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "data" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bot_avatars_pkey" PRIMARY KEY ("bot_id")
);

-- AddForeignKey
ALTER TABLE "bot_avatars" ADD CONSTRAINT "bot_avatars_bot_id_fkey" FOREIGN KEY ("bot_id") REFERENCES "bots"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "bots" ADD COLUMN "avatar_url" VARCHAR(2048),
ADD COLUMN "avatar_sha256" CHAR(64);

-- Move the data. A stored value that is not decodable base64 of a JPEG, PNG, GIF or WebP
-- image (the only types now accepted) is dropped rather than failing the migration.
CREATE FUNCTION pg_temp.avatar_bytes(t TEXT) RETURNS BYTEA LANGUAGE plpgsql AS $$
BEGIN
  RETURN decode(regexp_replace(t, '^data:[^,]*,', ''), 'base64');
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;

UPDATE "bots" SET "avatar_url" = "avatar" WHERE "avatar" ~ '^https?://' AND length("avatar") <= 2048;

INSERT INTO "bot_avatars" ("bot_id", "mime", "size", "sha256", "data")
SELECT id, mime, length(data), encode(sha256(data), 'hex'), data
  FROM (
    SELECT id, data,
           CASE
             WHEN substring(data FROM 1 FOR 3) = '\xffd8ff'::bytea THEN 'image/jpeg'
             WHEN substring(data FROM 1 FOR 8) = '\x89504e470d0a1a0a'::bytea THEN 'image/png'
             WHEN substring(data FROM 1 FOR 4) = '\x47494638'::bytea THEN 'image/gif'
             WHEN substring(data FROM 1 FOR 4) = '\x52494646'::bytea
              AND substring(data FROM 9 FOR 4) = '\x57454250'::bytea THEN 'image/webp'
           END AS mime
      FROM (SELECT id, pg_temp.avatar_bytes("avatar") AS data
              FROM "bots" WHERE "avatar" IS NOT NULL AND "avatar" !~ '^https?://') decoded
  ) typed
 WHERE mime IS NOT NULL;

UPDATE "bots" b SET "avatar_sha256" = a."sha256" FROM "bot_avatars" a WHERE a."bot_id" = b."id";

DROP FUNCTION pg_temp.avatar_bytes(TEXT);

ALTER TABLE "bots" DROP COLUMN "avatar";
