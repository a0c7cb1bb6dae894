// The owner's calls behind the My bots screens (JWT: the session's token).
import { api } from '../api';
import type { Bot, BotEdit, RegisteredBot, WebhookState } from './bot-types';

const BASE = '/api/v1/bot';
const id = (botId: string) => encodeURIComponent(botId);

/** Every page of my-bots (an owner has a bounded number; ten pages is far past the cap). */
export async function listBots(): Promise<Bot[]> {
  const all: Bot[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 10; i++) {
    const q: string = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
    const page = await api<{ bots: Bot[]; next_cursor: string | null }>(
      'GET',
      `${BASE}/my-bots${q}`,
    );
    all.push(...page.bots);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return all;
}

export const registerBot = (body: { name: string; username?: string; description?: string }) =>
  api<RegisteredBot>('POST', `${BASE}/register`, body);

export const rotateKey = (botId: string) =>
  api<RegisteredBot>('POST', `${BASE}/${id(botId)}/rotate-key`);

export const deleteBot = (botId: string) =>
  api<{ ok: true }>('DELETE', `${BASE}/delete/${id(botId)}`);

export const editBot = async (botId: string, edit: BotEdit) =>
  (await api<{ bot: Bot }>('PATCH', `${BASE}/profile/${id(botId)}`, edit)).bot;

export const webhookState = (botId: string, signal?: AbortSignal) =>
  api<WebhookState>('GET', `${BASE}/webhook-state/${id(botId)}?limit=20`, undefined, { signal });
