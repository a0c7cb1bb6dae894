-- Read markers: the newest message number each member has read in each chat. Unread counts
-- are the messages from others after it, counted on messages(chat_id, number).
ALTER TABLE "chat_members" ADD COLUMN "last_read_number" INTEGER NOT NULL DEFAULT 0;
