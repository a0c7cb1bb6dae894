// The bot's command menu as rows of command + description, added and removed in place.
import type { Command } from '../types';

export function CommandsEditor(props: { rows: Command[]; onChange: (rows: Command[]) => void }) {
  const { rows, onChange } = props;
  const set = (i: number, patch: Partial<Command>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset class="commands">
      <legend>Commands</legend>
      {rows.length === 0 && <p class="muted">No commands: the chat’s “/” menu stays empty.</p>}
      {rows.map((r, i) => (
        <div class="command-row" key={i}>
          <label>
            <span class="slash" aria-hidden="true">
              /
            </span>
            <input
              aria-label={`Command ${i + 1}`}
              value={r.command}
              required
              maxLength={32}
              pattern="[a-z0-9_]{1,32}"
              title="1-32 characters of a-z, 0-9 and _"
              placeholder="start"
              onInput={(e) => set(i, { command: e.currentTarget.value.toLowerCase() })}
            />
          </label>
          <label>
            <input
              aria-label={`Description of command ${i + 1}`}
              value={r.description}
              required
              maxLength={256}
              placeholder="What it does"
              onInput={(e) => set(i, { description: e.currentTarget.value })}
            />
          </label>
          <button
            type="button"
            aria-label={`Remove command ${i + 1}`}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        disabled={rows.length >= 100}
        onClick={() => onChange([...rows, { command: '', description: '' }])}
      >
        Add command
      </button>
    </fieldset>
  );
}
