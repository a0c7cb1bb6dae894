// What a message says, through the end-to-end layer: a sealed message's opened text (and its
// file's key), else the plaintext content.
import { useEffect, useState } from 'preact/hooks';
import { mediaBytes, mediaUrl } from '../api';
import { openFile, openMessage, type OpenedText } from '../e2e';
import type { Media, Message, User } from '../types';

/** Until it is opened a sealed message shows nothing rather than its ciphertext. */
const unopened = (m: Message): OpenedText => ({
  text: typeof m.payload?.nonce === 'string' ? '' : m.content,
});

export function useOpened(m: Message, me: User): OpenedText {
  const [opened, setOpened] = useState<OpenedText>(() => unopened(m));
  useEffect(() => {
    let alive = true;
    setOpened(unopened(m));
    openMessage(m, me)
      .then((o) => alive && o && setOpened(o))
      .catch(() => alive && setOpened({ text: '(this message could not be opened)' }));
    return () => {
      alive = false;
    };
  }, [m.id, m.content, m.edited_at]);
  return opened;
}

/** An object URL for the media's bytes, opened first when the envelope carries a key. */
export function useMediaUrl(
  media: Media | undefined,
  opened: OpenedText,
): { url?: string; failed: boolean } {
  const [url, setUrl] = useState<string>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!media) return;
    let made: string | undefined;
    let alive = true;
    const load = async () => {
      if (opened.mediaKey && opened.mediaNonce) {
        const bytes = openFile(await mediaBytes(media.url), opened.mediaKey, opened.mediaNonce);
        return URL.createObjectURL(new Blob([bytes as BlobPart], { type: media.mime }));
      }
      return mediaUrl(media.url);
    };
    load()
      .then((u) => {
        made = u;
        if (alive) setUrl(u);
        else URL.revokeObjectURL(u);
      })
      .catch(() => alive && setFailed(true));
    return () => {
      alive = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [media?.id, opened.mediaKey]);
  return { url, failed };
}
