-- AlterTable
ALTER TABLE "bots" ADD COLUMN     "numeric_id" BIGSERIAL NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "bots_numeric_id_key" ON "bots"("numeric_id");
