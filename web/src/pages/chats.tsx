// Chats: the list and the open chat (built in web/src/chats/).
import type { Session, User } from '../types';

export function ChatsPage(props: { session: Session; chatId?: string; onUser: (u: User) => void }) {
  void props;
  return (
    <section aria-labelledby="chats-title">
      <h1 id="chats-title">Chats</h1>
    </section>
  );
}
