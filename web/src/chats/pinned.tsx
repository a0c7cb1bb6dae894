// The pinned message, in a bar at the top of the chat: tap it to scroll to the message.
import type { Message, User } from '../types';
import { short } from './bubble';
import { useOpened } from './opened';
import { Icon } from './icons';

export function PinnedBar(props: { message: Message; me: User; onJump: () => void }) {
  const opened = useOpened(props.message, props.me);
  const m = props.message;
  return (
    <button type="button" class="pinned-bar" onClick={props.onJump} data-testid="pinned">
      <Icon name="pin" />
      <span>
        <strong>Pinned message</strong>{' '}
        <span class="muted">
          {short(opened.text || (m.media ? `[${m.media.kind}]` : m.poll ? m.poll.question : ''))}
        </span>
      </span>
    </button>
  );
}
