// The owner's bots: picture, name, @username, who holds its keys, its mini app; each opens
// the bot's settings.
import type { Bot } from './bot-types';
import { BotAvatar } from './bot-avatar';

export const custodyLabel = (c: Bot['key_custody']) =>
  c === 'self' ? 'Self custody (you hold the key pair)' : 'Managed keys (the platform holds them)';

export function BotList(props: { bots: Bot[] | undefined }) {
  if (!props.bots) return <p class="muted">Loading your bots…</p>;
  if (props.bots.length === 0) {
    return <p class="muted">No bots yet: register one above.</p>;
  }
  return (
    <ul class="bot-list" aria-label="Your bots">
      {props.bots.map((b) => (
        <li key={b.id}>
          <a class="bot-row" href={`#/bots/${b.id}`}>
            <BotAvatar bot={b} />
            <span class="bot-main">
              <strong class="bot-name">{b.name}</strong>
              <span class="muted">@{b.username}</span>
            </span>
            <span class="bot-meta">
              <span class="badge">
                {b.key_custody === 'self' ? 'Self custody' : 'Managed keys'}
              </span>
              <span class="muted mini">
                {b.webapp_url ? `Mini app: ${b.webapp_url}` : 'No mini app'}
              </span>
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
