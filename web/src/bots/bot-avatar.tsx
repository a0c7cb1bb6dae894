// A bot's picture: an uploaded image is fetched with the session header (an object URL), an
// http(s) one would break the console's CSP, so it and a missing one show the initial.
import { useEffect, useState } from 'preact/hooks';
import { mediaUrl } from '../api';
import type { Bot } from './bot-types';

export function BotAvatar(props: { bot: Bot; size?: number }) {
  const [src, setSrc] = useState<string>();
  const path = props.bot.avatar?.startsWith('/api/') ? props.bot.avatar : undefined;
  useEffect(() => {
    setSrc(undefined);
    if (!path) return;
    let url: string | undefined;
    let live = true;
    mediaUrl(path)
      .then((u) => (live ? setSrc((url = u)) : URL.revokeObjectURL(u)))
      .catch(() => undefined);
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [path]);
  const size = props.size ?? 44;
  const style = { width: `${size}px`, height: `${size}px` };
  return src ? (
    <img class="avatar" src={src} alt="" style={style} />
  ) : (
    <span class="avatar initial" aria-hidden="true" style={style}>
      {props.bot.name.trim().charAt(0).toUpperCase() || '?'}
    </span>
  );
}
