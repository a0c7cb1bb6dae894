// The bridge scripts as served, run in a stand-in window: the API the reference lists, the
// postMessage protocol, and the origin check both ways. test/browser/ runs them in Chromium.
import vm from 'node:vm';
import { useTestPlatform } from '../support/platform';

const t = useTestPlatform();
const HOST = 'https://messenger.example.com';

interface Posted {
  message: Record<string, unknown>;
  target: string;
}

/** Runs `source` as a page framed by HOST (or `framedBy`); returns its window and posts. */
function runPage(source: string, fragment: string, framedBy = HOST) {
  const posted: Posted[] = [];
  const listeners: ((e: unknown) => void)[] = [];
  const css = new Map<string, string>();
  const parent = {
    postMessage: (message: never, target: string) => posted.push({ message, target }),
  };
  const window: Record<string, unknown> = {
    location: {
      hash: `#${fragment}`,
      href: 'https://app.example.com/',
      ancestorOrigins: [framedBy],
    },
    parent,
    addEventListener: (_type: string, fn: (e: unknown) => void) => listeners.push(fn),
    innerHeight: 600,
  };
  const document = {
    documentElement: { style: { setProperty: (k: string, v: string) => css.set(k, v) } },
  };
  vm.runInNewContext(source, { window, document, URL, URLSearchParams, TextEncoder, setTimeout });
  const deliver = (data: unknown, origin = HOST, source: unknown = parent) =>
    listeners.forEach((fn) => fn({ data, origin, source }));
  return { window, posted, deliver, css };
}

// The page's globals as a script sees them: untyped JavaScript objects.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Untyped = any;

const fragment = (initData: string, host = HOST) =>
  new URLSearchParams({
    kotoWebAppData: initData,
    kotoWebAppHost: host,
    kotoWebAppPlatform: 'web',
    kotoWebAppTheme: JSON.stringify({ bg_color: '#ffffff' }),
  }).toString();

const INIT = new URLSearchParams({
  query_id: 'q1',
  user: JSON.stringify({ id: 7, first_name: 'Ann', username: 'ann' }),
  auth_date: '1700000000',
  hash: 'ab',
}).toString();

describe('GET /koto-webapp.js, /quanta-webapp.js, /telegram-web-app.js', () => {
  it('serves the scripts cross-origin as JavaScript', async () => {
    const koto = await t.current.http.get('/koto-webapp.js').expect(200);
    expect(koto.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(koto.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const quanta = await t.current.http.get('/quanta-webapp.js').expect(200);
    expect(quanta.text).toBe(koto.text);
    const tg = await t.current.http.get('/telegram-web-app.js').expect(200);
    expect(tg.text.startsWith(koto.text)).toBe(true);
    await t.current.http
      .get('/koto-webapp.js')
      .set('if-none-match', koto.headers.etag!)
      .expect(304);
  });
});

describe('the KotoWebApp bridge', () => {
  let source: string;
  beforeAll(async () => {
    source = (await t.current.http.get('/koto-webapp.js')).text;
  });

  it('exposes init data, the theme as CSS variables, and talks to its host only', () => {
    const page = runPage(source, fragment(INIT));
    const app = page.window.KotoWebApp as Untyped;
    expect(page.window.QuantaWebApp).toBe(app);
    expect(app.initData).toBe(INIT);
    expect(app.initDataUnsafe).toEqual({
      query_id: 'q1',
      user: { id: 7, first_name: 'Ann', username: 'ann' },
      auth_date: 1700000000,
      hash: 'ab',
    });
    expect(app.platform).toBe('web');
    expect(page.css.get('--koto-bg-color')).toBe('#ffffff');

    const events: string[] = [];
    app.onEvent('ready', () => events.push('ready'));
    app.onEvent('themeChanged', () => events.push('theme'));
    app.ready();
    app.MainButton.setText('Done').show();
    app.expand();
    expect(page.posted.map((p) => [p.message.type, p.target])).toEqual([
      ['ready', HOST],
      ['mainButton', HOST],
      ['mainButton', HOST],
      ['expand', HOST],
    ]);
    expect(page.posted[2]!.message).toMatchObject({ text: 'Done', visible: true, active: true });

    const clicks: number[] = [];
    app.MainButton.onClick(() => clicks.push(1));
    // Another origin, or another window of the right origin: ignored.
    page.deliver({ kotoWebApp: 1, type: 'mainButtonClicked' }, 'https://evil.example.com');
    page.deliver({ kotoWebApp: 1, type: 'mainButtonClicked' }, HOST, {});
    expect(clicks).toEqual([]);
    page.deliver({ kotoWebApp: 1, type: 'mainButtonClicked' });
    expect(clicks).toEqual([1]);
    page.deliver({
      kotoWebApp: 1,
      type: 'init',
      platform: 'desktop',
      themeParams: { bg_color: '#000' },
      colorScheme: 'dark',
    });
    page.deliver({ kotoWebApp: 1, type: 'themeChanged', themeParams: { text_color: '#111' } });
    expect(events).toEqual(['ready', 'theme']);
    expect(app.platform).toBe('desktop');
    expect(app.colorScheme).toBe('dark');
    expect(page.css.get('--koto-text-color')).toBe('#111');

    app.sendData('{"ok":true}');
    expect(page.posted.at(-1)).toEqual({
      message: { kotoWebApp: 1, type: 'sendData', data: '{"ok":true}' },
      target: HOST,
    });
    expect(() => app.sendData('x'.repeat(4097))).toThrow('at most 4096 bytes');
    expect(() => app.openLink('javascript:alert(1)')).toThrow('only http(s) URLs');
    app.openLink('https://example.com/docs');
    expect(page.posted.at(-1)!.message).toEqual({
      kotoWebApp: 1,
      type: 'openLink',
      url: 'https://example.com/docs',
    });
  });

  it('stays silent when the framing page is not the host the fragment names', () => {
    const page = runPage(source, fragment(INIT), 'https://evil.example.com');
    const app = page.window.KotoWebApp as Untyped;
    app.ready();
    app.sendData('secret');
    expect(page.posted).toEqual([]);
  });
});

describe('window.Telegram.WebApp', () => {
  it('runs a Telegram-style app over the same bridge', async () => {
    const source = (await t.current.http.get('/telegram-web-app.js')).text;
    const page = runPage(source, fragment(INIT));
    const tg = (page.window.Telegram as Untyped).WebApp;
    expect(tg.initData).toBe(INIT);
    expect(tg.initDataUnsafe.user.username).toBe('ann');
    expect(tg.isVersionAtLeast('6.0')).toBe(true);
    expect(page.css.get('--tg-theme-bg-color')).toBe('#ffffff');
    tg.HapticFeedback.impactOccurred('light').notificationOccurred('success');
    tg.ready();
    tg.MainButton.setParams({ text: 'Pay', is_visible: true });
    const clicked: string[] = [];
    tg.onEvent('mainButtonClicked', () => clicked.push('event'));
    tg.MainButton.onClick(() => clicked.push('button'));
    page.deliver({ kotoWebApp: 1, type: 'mainButtonClicked' });
    expect(clicked).toEqual(['event', 'button']);
    tg.sendData('paid');
    tg.close();
    expect(page.posted.map((p) => p.message.type)).toEqual([
      'ready',
      'mainButton',
      'mainButton',
      'sendData',
      'close',
    ]);
    expect(page.posted.every((p) => p.target === HOST)).toBe(true);
  });
});
