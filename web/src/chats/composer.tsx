// The composer: Enter sends, Shift+Enter starts a new line; "/" lists the bot's commands
// (arrows + Enter pick one, Esc closes); a photo or document goes as base64 in `media`; the
// quoted message (reply) or the message being edited shows above the box.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { isEncrypted, sealFile, sealText, type OpenedText } from '../e2e';
import { toastError } from '../ui/toast';
import type { Chat, Command, Message, User } from '../types';
import { short } from './bubble';
import { IconButton } from './icons';

/** A message being answered or edited, with what it says (opened, when sealed). */
export interface Quoted {
  message: Message;
  opened: OpenedText;
}

export interface ComposerProps {
  chat: Chat;
  me: User;
  replyTo?: Quoted;
  editing?: Quoted;
  onDone: () => void;
}

export function Composer(props: ComposerProps) {
  const { chat, me } = props;
  const [text, setText] = useState('');
  const [pick, setPick] = useState(0);
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  const photo = useRef<HTMLInputElement>(null);
  const doc = useRef<HTMLInputElement>(null);

  // Entering edit mode fills the box with the message's text; a reply focuses the box.
  // A layout effect: it runs before the next keystroke lands, so what is typed is kept.
  useLayoutEffect(() => {
    if (props.editing) setText(props.editing.opened.text);
    box.current?.focus();
  }, [props.editing?.message.id, props.replyTo?.message.id]);

  const commands: Command[] = chat.members.flatMap((m) => (m.is_bot ? (m.commands ?? []) : []));
  const slash = /^\/(\w*)$/.exec(text);
  const matches = slash ? commands.filter((c) => c.command.startsWith(slash[1]!)) : [];
  const menuOpen = matches.length > 0 && !props.editing;

  const seal = async (content: string) =>
    isEncrypted(chat, me) ? await sealText(chat, me, content) : { content, payload: undefined };

  const send = async (content: string) => {
    if (!content.trim()) return;
    setBusy(true);
    try {
      if (props.editing) {
        const { message: m, opened } = props.editing;
        // A sealed file's caption travels in its envelope with the file's key, or the key is lost.
        const sealed = await seal(
          opened.mediaKey
            ? JSON.stringify({
                text: content,
                media_key: opened.mediaKey,
                media_nonce: opened.mediaNonce,
              })
            : content,
        );
        await api('PATCH', `/api/v1/chats/${chat.id}/messages/${m.id}`, {
          content: sealed.content,
          ...(sealed.payload && { payload: sealed.payload }),
        });
      } else {
        const sealed = await seal(content);
        await api('POST', `/api/v1/chats/${chat.id}/messages`, {
          content: sealed.content,
          ...(sealed.payload && { payload: sealed.payload }),
          ...(props.replyTo && { reply_to_message_id: props.replyTo.message.id }),
        });
      }
      setText('');
      props.onDone();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
      box.current?.focus();
    }
  };

  const sendFile = async (file: File, kind: 'photo' | 'document') => {
    setBusy(true);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const dims = kind === 'photo' ? await imageSize(file) : undefined;
      const caption = text.trim();
      let data = toBase64(bytes);
      let sealed: { content: string; payload?: Record<string, unknown> } = { content: caption };
      if (isEncrypted(chat, me)) {
        const f = sealFile(bytes);
        data = f.data;
        const envelope = JSON.stringify({
          text: caption,
          media_key: f.mediaKey,
          media_nonce: f.mediaNonce,
        });
        sealed = await sealText(chat, me, envelope);
      }
      await api('POST', `/api/v1/chats/${chat.id}/messages`, {
        ...(sealed.content && { content: sealed.content }),
        ...(sealed.payload && { payload: sealed.payload }),
        ...(props.replyTo && { reply_to_message_id: props.replyTo.message.id }),
        media: {
          data,
          mime: file.type || 'application/octet-stream',
          kind,
          file_name: file.name.slice(0, 255),
          ...dims,
        },
      });
      setText('');
      props.onDone();
    } catch (err) {
      toastError(err);
    } finally {
      setBusy(false);
    }
  };

  const onKey = (e: KeyboardEvent) => {
    if (menuOpen) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const d = e.key === 'ArrowDown' ? 1 : -1;
        setPick((pick + d + matches.length) % matches.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        const c = matches[Math.min(pick, matches.length - 1)]!;
        setText('');
        void send(`/${c.command}`);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setText('');
        return;
      }
    }
    if (e.key === 'Escape' && (props.editing || props.replyTo)) {
      setText('');
      props.onDone();
    } else if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void send(text);
    }
  };

  return (
    <form class="composer" onSubmit={(e) => (e.preventDefault(), void send(text))}>
      {(props.replyTo || props.editing) && (
        <div class="composer-context" data-testid="composer-context">
          <span>
            {props.editing
              ? 'Editing: '
              : `Replying to ${props.replyTo!.message.sender.username}: `}
            <span class="muted">
              {short((props.editing ?? props.replyTo)!.opened.text || '[attachment]')}
            </span>
          </span>
          <IconButton
            icon="close"
            label={props.editing ? 'Cancel the edit' : 'Cancel the reply'}
            onClick={() => (setText(''), props.onDone())}
          />
        </div>
      )}
      {menuOpen && (
        <ul class="command-menu" role="listbox" aria-label="Commands" id="command-menu">
          {matches.map((c, i) => (
            <li
              key={c.command}
              role="option"
              aria-selected={i === pick}
              class={i === pick ? 'picked' : ''}
              onMouseDown={(e) => (e.preventDefault(), setText(''), void send(`/${c.command}`))}
            >
              <strong>/{c.command}</strong> <span class="muted">{c.description}</span>
            </li>
          ))}
        </ul>
      )}
      <div class="composer-row">
        {!props.editing && (
          <>
            <IconButton icon="image" label="Send a photo" onClick={() => photo.current?.click()} />
            <IconButton icon="clip" label="Send a file" onClick={() => doc.current?.click()} />
          </>
        )}
        <label class="composer-box">
          <span class="visually-hidden">Message</span>
          <textarea
            ref={box}
            rows={1}
            value={text}
            placeholder={commands.length ? 'Message, or / for commands' : 'Message'}
            aria-controls={menuOpen ? 'command-menu' : undefined}
            onInput={(e) => (setText(e.currentTarget.value), setPick(0))}
            onKeyDown={onKey}
          />
        </label>
        <button type="submit" class="primary" disabled={busy || !text.trim()}>
          {props.editing ? 'Save' : 'Send'}
        </button>
      </div>
      <input
        ref={photo}
        type="file"
        accept="image/jpeg,image/png,image/gif,image/webp"
        hidden
        aria-label="Photo to send"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (f) void sendFile(f, 'photo');
        }}
      />
      <input
        ref={doc}
        type="file"
        hidden
        aria-label="File to send"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (f) void sendFile(f, 'document');
        }}
      />
    </form>
  );
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

async function imageSize(file: File): Promise<{ w: number; h: number } | undefined> {
  try {
    const bmp = await createImageBitmap(file);
    const size = { w: bmp.width, h: bmp.height };
    bmp.close();
    return size;
  } catch {
    return undefined;
  }
}
