// A bot's mini app in a sandboxed iframe sheet, speaking the bridge's postMessage protocol
// (docs/mini-apps.md): POST /chats/:id/webapp for the URL and init data, sendData back.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { toast, toastError } from '../ui/toast';
import type { Chat } from '../types';
import { Icon } from '../chats/icons';

export interface MiniAppSheetProps {
  chat: Chat;
  /** The message whose web_app button was tapped; absent for the menu button. */
  messageId?: string;
  /** A web_app button's own URL (absent: the bot's menu app). */
  url?: string;
  onClose: () => void;
}

interface Opened {
  url: string;
  init_data: string;
}

interface MainButton {
  text: string;
  visible: boolean;
  active: boolean;
}

export function MiniAppSheet(props: MiniAppSheetProps) {
  const { chat } = props;
  const [opened, setOpened] = useState<Opened>();
  const [status, setStatus] = useState('Opening the app…');
  const [main, setMain] = useState<MainButton>({ text: '', visible: false, active: true });
  const [tall, setTall] = useState(false);
  const frame = useRef<HTMLIFrameElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  const close = useRef(props.onClose);
  close.current = props.onClose;

  useEffect(() => {
    // A message's button names its app; the menu button of a group names which bot's.
    const menuBot = chat.members.find((m) => m.is_bot && m.webapp_url);
    api<Opened>('POST', `/api/v1/chats/${chat.id}/webapp`, {
      ...(props.messageId
        ? { message_id: props.messageId }
        : chat.type === 'group' && menuBot?.bot_id && { bot_id: menuBot.bot_id }),
    })
      .then(setOpened)
      .catch((err) => {
        toastError(err);
        close.current();
      });
  }, [chat.id, props.messageId]);

  const theme = themeParams();
  const appOrigin = opened ? new URL(opened.url).origin : undefined;
  const src = opened
    ? `${opened.url.split('#')[0]}#${new URLSearchParams({
        kotoWebAppData: opened.init_data,
        kotoWebAppHost: location.origin,
        kotoWebAppPlatform: 'web',
        kotoWebAppTheme: JSON.stringify(theme),
      }).toString()}`
    : undefined;

  const toApp = (type: string, fields: Record<string, unknown> = {}) =>
    appOrigin &&
    frame.current?.contentWindow?.postMessage({ kotoWebApp: 1, type, ...fields }, appOrigin);

  useEffect(() => {
    if (!opened || !appOrigin) return;
    const onMessage = (event: MessageEvent) => {
      // Only the app we opened, from its own origin.
      if (event.origin !== appOrigin || event.source !== frame.current?.contentWindow) return;
      const m = event.data as Record<string, unknown> | null;
      if (!m || m.kotoWebApp !== 1) return;
      switch (m.type) {
        case 'ready':
          toApp('init', { platform: 'web', colorScheme: scheme(), themeParams: themeParams() });
          setStatus('');
          break;
        case 'mainButton':
          setMain({
            text: typeof m.text === 'string' ? m.text : '',
            visible: Boolean(m.visible),
            active: m.active !== false,
          });
          break;
        case 'sendData':
          api('POST', `/api/v1/chats/${chat.id}/webapp-data`, {
            data: String(m.data),
            init_data: opened.init_data,
          })
            .then(() => toast('Sent to the bot.'))
            .catch(toastError)
            .finally(() => close.current());
          break;
        case 'close':
          close.current();
          break;
        case 'expand':
          setTall(true);
          break;
        case 'openLink':
          if (typeof m.url === 'string' && /^https?:/.test(m.url))
            window.open(m.url, '_blank', 'noopener');
          break;
      }
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [opened]);

  // Focus moves into the sheet, and back to what opened it on close.
  useEffect(() => {
    const before = document.activeElement;
    dialog.current?.focus();
    return () => {
      if (before instanceof HTMLElement) before.focus();
    };
  }, []);

  const bot = chat.members.find((m) => m.is_bot);
  return (
    <div class="sheet-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        ref={dialog}
        role="dialog"
        aria-modal="true"
        aria-label={`Mini app${bot ? ` of ${bot.display_name || bot.username}` : ''}`}
        class={`sheet miniapp ${tall ? 'tall' : ''}`}
        tabIndex={-1}
        onKeyDown={(e) => e.key === 'Escape' && props.onClose()}
      >
        <div class="sheet-head">
          <strong>{bot?.display_name || bot?.username || 'Mini app'}</strong>
          <button type="button" class="icon" aria-label="Close the app" onClick={props.onClose}>
            <Icon name="close" />
          </button>
        </div>
        {status && <p class="muted">{status}</p>}
        {src && (
          <iframe
            ref={frame}
            src={src}
            title="Mini app"
            sandbox="allow-scripts allow-same-origin allow-forms"
          />
        )}
        {main.visible && (
          <button
            type="button"
            class="primary main-button"
            disabled={!main.active}
            onClick={() => toApp('mainButtonClicked')}
          >
            {main.text}
          </button>
        )}
      </div>
    </div>
  );
}

/** The console's own colours, so the app matches the theme in use. */
function themeParams(): Record<string, string> {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    bg_color: v('--bg'),
    secondary_bg_color: v('--panel'),
    text_color: v('--text'),
    hint_color: v('--muted'),
    link_color: v('--accent'),
    button_color: v('--accent'),
    button_text_color: v('--accent-text'),
  };
}

function scheme(): 'light' | 'dark' {
  return getComputedStyle(document.documentElement).colorScheme.includes('dark') ? 'dark' : 'light';
}
