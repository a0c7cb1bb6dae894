-- "Sign out everywhere": each JWT carries the version it was issued under (`ver`); bumping
-- the account's version retires every older token. Existing tokens (no `ver`) count as 0.
-- AlterTable
ALTER TABLE "users" ADD COLUMN "token_version" INTEGER NOT NULL DEFAULT 0;
