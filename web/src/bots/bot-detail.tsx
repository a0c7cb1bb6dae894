// One bot: its key (rotate), its settings, its webhook, and deleting it.
import { useState } from 'preact/hooks';
import { navigate } from '../router';
import { toast } from '../ui/toast';
import type { Bot, IssuedKey } from './bot-types';
import { BotAvatar } from './bot-avatar';
import { custodyLabel } from './bot-list';
import { deleteBot, rotateKey } from './bots-api';
import { ConfirmDialog } from './confirm-dialog';
import { KeyPanel } from './key-panel';
import { SettingsForm } from './settings-form';
import { WebhookPanel } from './webhook-panel';

export interface BotDetailProps {
  bot: Bot;
  /** A key issued here (rotate) or just before (register): shown until dismissed. */
  issued: IssuedKey | undefined;
  onIssued: (k: IssuedKey | undefined) => void;
  onSaved: (b: Bot) => void;
  onDeleted: (botId: string) => void;
}

export function BotDetail(props: BotDetailProps) {
  const { bot, issued } = props;
  const [asking, setAsking] = useState<'rotate' | 'delete'>();

  return (
    <div class="bot-detail">
      <p>
        <a href="#/bots">← All bots</a>
      </p>
      <header class="bot-head">
        <BotAvatar bot={bot} size={56} />
        <div>
          <h1 id="bot-title">{bot.name}</h1>
          <p class="muted">
            @{bot.username} · {custodyLabel(bot.key_custody)}
          </p>
        </div>
      </header>

      {issued && issued.key.bot.id === bot.id && (
        <KeyPanel
          issued={issued.key}
          rotated={issued.rotated}
          onDone={() => props.onIssued(undefined)}
        />
      )}

      <section class="card keys" aria-labelledby="keys-title">
        <h2 id="keys-title">Key</h2>
        <p class="muted">
          The key was shown once, when the bot was registered. Rotating makes a new one and the old
          one stops working at once.
        </p>
        <button type="button" onClick={() => setAsking('rotate')}>
          Rotate key…
        </button>
      </section>

      <SettingsForm bot={bot} onSaved={props.onSaved} />
      <WebhookPanel botId={bot.id} />

      <section class="card danger-zone" aria-labelledby="danger-title">
        <h2 id="danger-title">Delete</h2>
        <p class="muted">Its key stops working and its @username is free again.</p>
        <button type="button" class="danger" onClick={() => setAsking('delete')}>
          Delete bot…
        </button>
      </section>

      {asking === 'rotate' && (
        <ConfirmDialog
          title={`Rotate the key of ${bot.name}?`}
          confirmLabel="Rotate key"
          onClose={() => setAsking(undefined)}
          onConfirm={async () => {
            try {
              const r = await rotateKey(bot.id);
              props.onIssued({ key: r, rotated: true });
              setAsking(undefined);
              toast('New key issued: copy it now');
            } catch (err) {
              toast(err instanceof Error ? err.message : String(err), 'error');
            }
          }}
        >
          <p>
            Programs using the current key stop working at once; the new key is shown only once.
          </p>
        </ConfirmDialog>
      )}
      {asking === 'delete' && (
        <ConfirmDialog
          title={`Delete ${bot.name} (@${bot.username})?`}
          confirmLabel={`Delete ${bot.name}`}
          danger
          onClose={() => setAsking(undefined)}
          onConfirm={async () => {
            try {
              await deleteBot(bot.id);
              setAsking(undefined);
              props.onDeleted(bot.id);
              toast(`${bot.name} deleted`);
              navigate('/bots');
            } catch (err) {
              toast(err instanceof Error ? err.message : String(err), 'error');
            }
          }}
        >
          <p>
            This cannot be undone: the bot’s key stops working and @{bot.username} becomes free for
            anyone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
