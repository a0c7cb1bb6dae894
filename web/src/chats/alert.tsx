// A bot's show_alert answer: a modal dialog that waits for OK (Esc closes it too).
import { useEffect, useRef } from 'preact/hooks';

export function AlertDialog(props: { text: string; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} class="alert" aria-label="Message from the bot" onClose={props.onClose}>
      <p>{props.text}</p>
      <form method="dialog">
        <button type="submit" class="primary">
          OK
        </button>
      </form>
    </dialog>
  );
}
