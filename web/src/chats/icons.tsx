// Small line icons (currentColor), so the controls draw the same without an emoji font.
import type { JSX } from 'preact';

const PATHS = {
  reply: 'M9 14 4 9l5-5M4 9h10a6 6 0 0 1 6 6v4',
  smile: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM8 14s1.5 2 4 2 4-2 4-2M9 9h.01M15 9h.01',
  edit: 'M12 20h9M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z',
  trash: 'M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6M10 11v6M14 11v6',
  pin: 'M12 17v5M9 3h6l-1 6 4 4H6l4-4z',
  image: 'M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M15 9h.01',
  clip: 'M21 11 12 20a5.5 5.5 0 0 1-8-8l9-9a3.7 3.7 0 0 1 5 5l-9 9a1.8 1.8 0 0 1-3-3l8-8',
  lock: 'M5 11h14v10H5zM8 11V7a4 4 0 0 1 8 0v4',
  close: 'M6 6l12 12M18 6 6 18',
  file: 'M14 3H6v18h12V7zM14 3v4h4',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon(props: { name: IconName; size?: number }): JSX.Element {
  const s = props.size ?? 18;
  return (
    <svg
      width={s}
      height={s}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
      class="icon-svg"
    >
      <path d={PATHS[props.name]} />
    </svg>
  );
}

/** A button that is only an icon: its label is what screen readers say and the tooltip shows. */
export function IconButton(props: {
  icon: IconName;
  label: string;
  onClick: () => void;
  expanded?: boolean;
}): JSX.Element {
  return (
    <button
      type="button"
      class="icon"
      aria-label={props.label}
      title={props.label}
      aria-expanded={props.expanded}
      onClick={props.onClick}
    >
      <Icon name={props.icon} />
    </button>
  );
}
