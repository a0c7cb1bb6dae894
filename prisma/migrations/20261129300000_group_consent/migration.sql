-- CreateTable
CREATE TABLE "chat_invitations" (
    "id" UUID NOT NULL,
    "chat_id" UUID NOT NULL,
    "invitee_id" UUID NOT NULL,
    "inviter_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "declined_at" TIMESTAMPTZ(3),

    CONSTRAINT "chat_invitations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "chat_invitations_chat_id_invitee_id_key" ON "chat_invitations"("chat_id", "invitee_id");

-- CreateIndex
CREATE INDEX "chat_invitations_invitee_id_created_at_idx" ON "chat_invitations"("invitee_id", "created_at");

-- CreateIndex
CREATE INDEX "chat_invitations_inviter_id_idx" ON "chat_invitations"("inviter_id");

-- CreateIndex
CREATE INDEX "chats_created_by_id_created_at_idx" ON "chats"("created_by_id", "created_at");

-- AddForeignKey
ALTER TABLE "chat_invitations" ADD CONSTRAINT "chat_invitations_chat_id_fkey" FOREIGN KEY ("chat_id") REFERENCES "chats"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_invitations" ADD CONSTRAINT "chat_invitations_invitee_id_fkey" FOREIGN KEY ("invitee_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chat_invitations" ADD CONSTRAINT "chat_invitations_inviter_id_fkey" FOREIGN KEY ("inviter_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
