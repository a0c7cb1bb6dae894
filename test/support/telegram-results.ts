// Checks every result the gateway sends on the Telegram form (`/bot<token>/<method>`, on
// either port) against Telegram's types (telegram-types.ts), whoever made the call: supertest,
// grammY, telegraf or node-telegram-bot-api. Express's response prototype is wrapped once per
// test file; what does not conform is collected, and test/setup/telegram-results.ts fails the
// test that saw it. The Koto form has its own ids and fields and is not checked here.
import express, { type Response } from 'express';
import { z } from 'zod';
import { METHOD_RESULTS } from './telegram-types';

const BY_NAME = new Map(Object.entries(METHOD_RESULTS).map(([k, v]) => [k.toLowerCase(), v]));
const TELEGRAM_CALL = /^(?:\/gateway)?\/bot[^/]+\/([^/?]+)\/?(?:\?|$)/;

const violations: string[] = [];
let installed = false;

function check(url: string, body: unknown): void {
  const call = TELEGRAM_CALL.exec(url);
  if (!call || typeof body !== 'object' || body === null) return;
  const { ok, result } = body as { ok?: unknown; result?: unknown };
  if (ok !== true) return;
  const name = call[1]!.toLowerCase();
  const schema = BY_NAME.get(name);
  if (!schema) {
    violations.push(`${name}: no Telegram result schema in test/support/telegram-types.ts`);
    return;
  }
  const parsed = schema.safeParse(result);
  if (!parsed.success) {
    const shown = JSON.stringify(result).slice(0, 1500);
    violations.push(
      `${name} result is not Telegram's type:\n${z.prettifyError(parsed.error)}\n${shown}`,
    );
  }
}

export function checkTelegramResults(): void {
  if (installed) return;
  installed = true;
  const proto = express.response as { json: (this: Response, body: unknown) => Response };
  const json = proto.json;
  proto.json = function (this: Response, body: unknown) {
    check(this.req.originalUrl, body);
    return json.call(this, body);
  };
}

/** What failed since the last call, emptied. */
export function takeViolations(): string[] {
  return violations.splice(0);
}
