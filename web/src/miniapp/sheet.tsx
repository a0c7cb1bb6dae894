// A bot's mini app in a sandboxed iframe sheet, speaking the bridge's postMessage protocol
// (docs/mini-apps.md): POST /chats/:id/webapp for the URL and init data, sendData back.
import type { Chat } from '../types';

export interface MiniAppSheetProps {
  chat: Chat;
  /** The message whose web_app button was tapped; absent for the menu button. */
  messageId?: string;
  /** A web_app button's own URL (absent: the bot's menu app). */
  url?: string;
  onClose: () => void;
}

export function MiniAppSheet(props: MiniAppSheetProps) {
  return (
    <div role="dialog" aria-label="Mini app" class="sheet">
      <p>Mini apps are not built yet.</p>
      <button type="button" onClick={props.onClose}>
        Close
      </button>
    </div>
  );
}
