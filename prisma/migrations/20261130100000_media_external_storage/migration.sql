-- Downloads read a file in slices (substring); uncompressed out-of-line storage lets each
-- slice fetch only its own TOAST chunks. Photos and documents are mostly compressed already.
-- Rows written from now on are stored this way; older rows stay readable as they are.
ALTER TABLE "media" ALTER COLUMN "data" SET STORAGE EXTERNAL;
