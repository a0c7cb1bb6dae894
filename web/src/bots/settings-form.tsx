// A bot's settings as its owner edits them: name, descriptions, commands and mini app, saved
// in one PATCH; the avatar is saved as soon as a file is picked (or removed).
import { useState } from 'preact/hooks';
import { toast, toastError } from '../ui/toast';
import type { Command } from '../types';
import type { Bot } from './bot-types';
import { BotAvatar } from './bot-avatar';
import { editBot } from './bots-api';
import { CommandsEditor } from './commands-editor';

/** The schema's 512 KiB of base64 is about 384 KB of image. */
const MAX_AVATAR_BYTES = 380 * 1024;

export function SettingsForm(props: { bot: Bot; onSaved: (b: Bot) => void }) {
  const { bot } = props;
  const [commands, setCommands] = useState<Command[]>(bot.commands);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const field = (n: string) => {
      const v = form.get(n);
      return typeof v === 'string' ? v.trim() : '';
    };
    const url = field('webapp_url');
    setBusy(true);
    setError(undefined);
    try {
      const saved = await editBot(bot.id, {
        name: field('name'),
        description: field('description'),
        short_description: field('short_description'),
        commands: commands.map((c) => ({
          command: c.command.trim(),
          description: c.description.trim(),
        })),
        webapp_url: url || null,
        ...(url && field('webapp_menu_text') && { webapp_menu_text: field('webapp_menu_text') }),
      });
      setCommands(saved.commands);
      props.onSaved(saved);
      toast('Settings saved');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const setAvatar = async (avatar: string | null) => {
    try {
      props.onSaved(await editBot(bot.id, { avatar }));
      toast(avatar ? 'Avatar updated' : 'Avatar removed');
    } catch (err) {
      toastError(err);
    }
  };

  const pick = (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (file.size > MAX_AVATAR_BYTES) {
      toast('The image must be at most 380 KB.', 'error');
      return;
    }
    const reader = new FileReader();
    reader.onload = () => void setAvatar(reader.result as string);
    reader.onerror = () => toast('The file could not be read.', 'error');
    reader.readAsDataURL(file);
  };

  return (
    <>
      <section class="card avatar-edit" aria-labelledby="avatar-title">
        <h2 id="avatar-title">Avatar</h2>
        <div class="avatar-row">
          <BotAvatar bot={bot} size={72} />
          <label class="file">
            <span>
              Upload an image <span class="muted">(JPEG, PNG, GIF or WebP, up to 380 KB)</span>
            </span>
            <input
              type="file"
              accept="image/jpeg,image/png,image/gif,image/webp"
              onChange={(e) => pick(e.currentTarget)}
            />
          </label>
          {bot.avatar && (
            <button type="button" onClick={() => void setAvatar(null)}>
              Remove avatar
            </button>
          )}
        </div>
      </section>
      <form
        class="card settings"
        onSubmit={(e) => void save(e)}
        aria-labelledby="settings-title"
        key={bot.id}
      >
        <h2 id="settings-title">Profile</h2>
        <label>
          Name
          <input name="name" required maxLength={64} defaultValue={bot.name} />
        </label>
        <label>
          <span>
            Description <span class="muted">(what the bot does; up to 512 characters)</span>
          </span>
          <textarea name="description" maxLength={512} rows={3} defaultValue={bot.description} />
        </label>
        <label>
          <span>
            Short description <span class="muted">(up to 120 characters)</span>
          </span>
          <input name="short_description" maxLength={120} defaultValue={bot.short_description} />
        </label>
        <CommandsEditor rows={commands} onChange={setCommands} />
        <fieldset>
          <legend>Mini app</legend>
          <label>
            <span>
              Mini app URL <span class="muted">(https; empty removes it)</span>
            </span>
            <input
              name="webapp_url"
              type="url"
              maxLength={2048}
              placeholder="https://example.com/app"
              defaultValue={bot.webapp_url ?? ''}
            />
          </label>
          <label>
            <span>
              Menu button text <span class="muted">(optional)</span>
            </span>
            <input
              name="webapp_menu_text"
              maxLength={64}
              placeholder="Open app"
              defaultValue={bot.webapp_menu_text ?? ''}
            />
          </label>
        </fieldset>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          Save settings
        </button>
      </form>
    </>
  );
}
