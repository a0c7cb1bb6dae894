// Every test: the gateway's Telegram-form results it caused must be Telegram's types.
import { checkTelegramResults, takeViolations } from '../support/telegram-results';

checkTelegramResults();

const failIfAny = () => {
  const seen = takeViolations();
  if (seen.length > 0) throw new Error(seen.join('\n\n'));
};
afterEach(failIfAny);
afterAll(failIfAny);
