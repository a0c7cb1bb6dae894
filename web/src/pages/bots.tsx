// My bots: register, list, and one bot's key, settings, webhook and deletion (web/src/bots/).
// #/bots is the list, #/bots/<id> one bot. A freshly issued key lives in this component's
// state only: leaving the screen or reloading loses it, as the warning says.
import { useEffect, useState } from 'preact/hooks';
import { BotDetail } from '../bots/bot-detail';
import { BotList } from '../bots/bot-list';
import type { Bot, IssuedKey } from '../bots/bot-types';
import { listBots } from '../bots/bots-api';
import { KeyPanel } from '../bots/key-panel';
import { RegisterForm } from '../bots/register-form';
import { match, useRoute } from '../router';
import type { Session } from '../types';
import '../bots/bots.css';

export function BotsPage(props: { session: Session }) {
  const path = useRoute();
  const botId = match('/bots/:botId', path)?.botId;
  const [bots, setBots] = useState<Bot[]>();
  const [error, setError] = useState<string>();
  const [issued, setIssued] = useState<IssuedKey>();

  useEffect(() => {
    listBots()
      .then(setBots)
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [props.session.user.id]);

  const replace = (b: Bot) => setBots((all) => all?.map((x) => (x.id === b.id ? b : x)));

  if (botId) {
    const bot = bots?.find((b) => b.id === botId);
    return (
      <section aria-labelledby="bot-title">
        {error && <p class="error">{error}</p>}
        {!bots && !error && <p class="muted">Loading…</p>}
        {bots && !bot && (
          <>
            <h1 id="bot-title">Bot not found</h1>
            <p>
              It may have been deleted. <a href="#/bots">Back to your bots</a>
            </p>
          </>
        )}
        {bot && (
          <BotDetail
            bot={bot}
            issued={issued}
            onIssued={(k) => {
              setIssued(k);
              if (k) replace(k.key.bot);
            }}
            onSaved={replace}
            onDeleted={(id) => {
              setBots((all) => all?.filter((x) => x.id !== id));
              setIssued(undefined);
            }}
          />
        )}
      </section>
    );
  }

  return (
    <section aria-labelledby="bots-title" class="bots-page">
      <h1 id="bots-title">My bots</h1>
      {issued && !issued.rotated && (
        <KeyPanel issued={issued.key} onDone={() => setIssued(undefined)} />
      )}
      <RegisterForm
        onRegistered={(r) => {
          setIssued({ key: r, rotated: false });
          setBots((all) => [...(all ?? []), r.bot]);
        }}
      />
      <h2>Your bots</h2>
      {error && <p class="error">{error}</p>}
      <BotList bots={bots} />
    </section>
  );
}
