// Short notices (a bot's answer to a tap, a saved setting, an error), announced to screen
// readers through a polite live region; an alert (show_alert) is a dialog that waits for OK.
import { useEffect, useState } from 'preact/hooks';

interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error';
}

type Listener = (toasts: Toast[]) => void;
let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<Listener>();
const emit = () => listeners.forEach((l) => l(toasts));

export function toast(text: string, kind: Toast['kind'] = 'info', ms = 4000): void {
  const t = { id: nextId++, text, kind };
  toasts = [...toasts, t];
  emit();
  setTimeout(() => {
    toasts = toasts.filter((x) => x.id !== t.id);
    emit();
  }, ms);
}

/** An error as a toast: the server's sentence when there is one. */
export function toastError(err: unknown): void {
  toast(err instanceof Error ? err.message : String(err), 'error', 6000);
}

export function Toasts() {
  const [list, setList] = useState<Toast[]>(toasts);
  useEffect(() => {
    listeners.add(setList);
    return () => void listeners.delete(setList);
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`} data-testid="toast">
          {t.text}
        </div>
      ))}
    </div>
  );
}
