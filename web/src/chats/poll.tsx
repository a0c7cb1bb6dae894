// A poll: options as buttons until I vote, then results with counts and bars; I can retract.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { toastError } from '../ui/toast';
import type { Message, Poll, User } from '../types';

export function PollView(props: { message: Message; poll: Poll; me: User }) {
  const { poll, message } = props;
  const [picked, setPicked] = useState<number[]>([]);
  const [voted, setVoted] = useState<boolean | undefined>(undefined);
  // Non-anonymous polls say who voted; an anonymous one only knows what I did here.
  const mine = poll.options.some((o) => o.voter_ids?.includes(props.me.id));
  const hasVoted = voted ?? mine;
  const vote = (ids: number[]) =>
    api('POST', `/api/v1/chats/${message.chat_id}/polls/${message.id}/votes`, { option_ids: ids })
      .then(() => {
        setVoted(ids.length > 0);
        setPicked([]);
      })
      .catch(toastError);
  const total = poll.total_voter_count;
  return (
    <fieldset class="poll">
      <legend>{poll.question}</legend>
      {hasVoted ? (
        <>
          <ul class="poll-results">
            {poll.options.map((o) => {
              const pct = total ? Math.round((o.voter_count / total) * 100) : 0;
              return (
                <li key={o.id}>
                  <span class="poll-line">
                    <span>{o.text}</span>
                    <span class="muted">
                      {o.voter_count} · {pct}%
                    </span>
                  </span>
                  <span class="bar" aria-hidden="true">
                    <span style={{ width: `${pct}%` }} />
                  </span>
                </li>
              );
            })}
          </ul>
          <p class="muted poll-total">
            {total} {total === 1 ? 'vote' : 'votes'}{' '}
            <button type="button" class="link" onClick={() => void vote([])}>
              Retract vote
            </button>
          </p>
        </>
      ) : poll.allows_multiple_answers ? (
        <>
          {poll.options.map((o) => (
            <label key={o.id} class="poll-check">
              <input
                type="checkbox"
                checked={picked.includes(o.id)}
                onChange={(e) =>
                  setPicked(
                    e.currentTarget.checked ? [...picked, o.id] : picked.filter((x) => x !== o.id),
                  )
                }
              />
              {o.text}
            </label>
          ))}
          <button type="button" disabled={!picked.length} onClick={() => void vote(picked)}>
            Vote
          </button>
        </>
      ) : (
        <div class="poll-options">
          {poll.options.map((o) => (
            <button key={o.id} type="button" onClick={() => void vote([o.id])}>
              {o.text}
            </button>
          ))}
        </div>
      )}
    </fieldset>
  );
}
