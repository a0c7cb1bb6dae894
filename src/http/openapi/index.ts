// The document of everything the api process serves, assembled from each router's
// registrations under the path it is mounted at (see http/app.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../infra/paths';
import { gatewayDocs } from '../gateway/methods/docs';
import { healthDocs } from '../health.routes';
import { authDocs } from '../messenger/auth.routes';
import { chatDocs } from '../messenger/chats.routes';
import { groupDocs } from '../messenger/groups.routes';
import { messageActionDocs as userMessageActionDocs } from '../messenger/message-actions.routes';
import { botDocs, ownerDocs } from '../quanta/bots.routes';
import { mediaDocs } from '../quanta/media.routes';
import { messageActionDocs as botMessageActionDocs } from '../quanta/message-actions.routes';
import { messagingDocs } from '../quanta/messaging.routes';
import { webhookDocs } from '../quanta/webhook.routes';
import { registryDocs } from '../gateway/registry';
import { webAppDocs } from '../messenger/webapp.routes';
import { botProfileDocs } from '../messenger/bots.routes';
import { webAppScriptDocs } from '../webapp-scripts.routes';
import { consoleDocs } from '../console.routes';
import { buildOpenApi, gatewayError, quantaError, type Surface } from './document';
import { mounted, op } from './operation';

const docsRoutes = [
  op('get', '/openapi.json', 'none', 'This document', {
    answers: { 200: { description: 'OpenAPI 3.1' } },
  }),
  op('get', '/docs', 'none', 'This document, rendered', {
    answers: { 200: { description: 'An HTML page', contentType: 'text/html' } },
  }),
  op('get', '/docs/start.js', 'none', "The rendering page's start-up script", {
    answers: { 200: { description: 'JavaScript', contentType: 'text/javascript' } },
  }),
];

export const SURFACES: readonly Surface[] = [
  {
    tag: 'messenger',
    description: 'People: accounts, chats, messages, button taps, the event feed (JWT).',
    error: quantaError,
    operations: [
      ...mounted('/api/v1/auth', authDocs),
      ...mounted('/api/v1', [
        ...chatDocs,
        ...groupDocs,
        ...userMessageActionDocs,
        ...webAppDocs,
        ...botProfileDocs,
      ]),
    ],
  },
  {
    tag: 'quanta',
    description: 'Bots: the Quanta bot API (X-Bot-Token; the bot registry takes a JWT).',
    error: quantaError,
    operations: mounted('/api/v1/bot', [
      ...ownerDocs,
      ...botDocs,
      ...messagingDocs,
      ...webhookDocs,
      ...mediaDocs,
      ...botMessageActionDocs,
    ]),
  },
  {
    tag: 'gateway',
    description:
      "Bots: Telegram-compatible methods, at GATEWAY_PORT's root and under /gateway on PORT. " +
      'The token in the path (/bot<token>/<method>) or as Authorization: Bearer <token> with ' +
      '/<method>. Parameters as JSON, a form, multipart or the query string; unknown ones are ' +
      'ignored, as Telegram does.',
    error: gatewayError,
    // The Koto registry's routes answer in this surface's envelope too.
    operations: [...mounted('/gateway', gatewayDocs), ...registryDocs],
  },
  {
    tag: 'platform',
    description: 'Health and this documentation.',
    error: quantaError,
    operations: [...healthDocs, ...docsRoutes, ...webAppScriptDocs, ...consoleDocs],
  },
];

const version = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

let built: Record<string, unknown> | undefined;

/** Built on first use and kept: it depends on nothing but the code. */
export function openApiDocument(): Record<string, unknown> {
  return (built ??= buildOpenApi(SURFACES, version));
}
