// My bots: register, list, settings, keys, webhook status (built in web/src/bots/).
import type { Session } from '../types';

export function BotsPage(props: { session: Session }) {
  void props;
  return (
    <section aria-labelledby="bots-title">
      <h1 id="bots-title">My bots</h1>
    </section>
  );
}
