/*
 * koto-webapp.js: the page side of a Quanta/Koto mini app. No dependencies.
 *
 * The host (the messenger) opens the app in an iframe whose URL fragment carries
 *   kotoWebAppData     the signed init data (query string)
 *   kotoWebAppHost     the host's origin: the only one this page talks to
 *   kotoWebAppPlatform, kotoWebAppTheme (JSON of theme colours)
 * and both sides talk with postMessage, each checking the other's origin. Messages are
 * objects {kotoWebApp: 1, type, ...}; docs/mini-apps.md lists them.
 */
(function (window) {
  'use strict';
  if (window.KotoWebApp) return;

  var MAX_DATA_BYTES = 4096;
  var hash = new URLSearchParams(window.location.hash.slice(1));
  var hostOrigin = hash.get('kotoWebAppHost') || '';
  var ancestors = window.location.ancestorOrigins;
  // The fragment names the host; where the browser tells who framed us, it must agree.
  if (ancestors && ancestors.length > 0 && ancestors[0] !== hostOrigin) hostOrigin = '';
  if (window.parent === window) hostOrigin = '';

  function parseJson(text, fallback) {
    try {
      return text ? JSON.parse(text) : fallback;
    } catch {
      return fallback;
    }
  }

  function unsafeOf(initData) {
    var out = {};
    new URLSearchParams(initData).forEach(function (value, key) {
      if (key === 'user' || key === 'receiver' || key === 'chat') out[key] = parseJson(value, null);
      else if (key === 'auth_date') out[key] = Number(value);
      else out[key] = value;
    });
    return out;
  }

  function post(type, fields) {
    if (!hostOrigin) return false;
    var message = { kotoWebApp: 1, type: type };
    for (var k in fields)
      if (Object.prototype.hasOwnProperty.call(fields, k)) message[k] = fields[k];
    window.parent.postMessage(message, hostOrigin);
    return true;
  }

  var handlers = {};
  function emit(name, arg) {
    (handlers[name] || []).slice().forEach(function (cb) {
      try {
        cb.call(app, arg);
      } catch (e) {
        setTimeout(function () {
          throw e;
        });
      }
    });
  }

  function applyTheme(theme) {
    app.themeParams = theme || {};
    var style = document.documentElement.style;
    Object.keys(app.themeParams).forEach(function (key) {
      style.setProperty('--koto-' + key.replace(/_/g, '-'), String(app.themeParams[key]));
    });
  }

  var mainButton = {
    text: 'Continue',
    isVisible: false,
    isActive: true,
    setText: function (text) {
      mainButton.text = String(text);
      return sync();
    },
    show: function () {
      mainButton.isVisible = true;
      return sync();
    },
    hide: function () {
      mainButton.isVisible = false;
      return sync();
    },
    enable: function () {
      mainButton.isActive = true;
      return sync();
    },
    disable: function () {
      mainButton.isActive = false;
      return sync();
    },
    onClick: function (cb) {
      app.onEvent('mainButtonClicked', cb);
      return mainButton;
    },
    offClick: function (cb) {
      app.offEvent('mainButtonClicked', cb);
      return mainButton;
    },
  };
  function sync() {
    post('mainButton', {
      text: mainButton.text,
      visible: mainButton.isVisible,
      active: mainButton.isActive,
    });
    return mainButton;
  }

  var initData = hash.get('kotoWebAppData') || '';
  var app = {
    initData: initData,
    initDataUnsafe: unsafeOf(initData),
    platform: hash.get('kotoWebAppPlatform') || 'unknown',
    colorScheme: 'light',
    themeParams: {},
    isExpanded: false,
    MainButton: mainButton,
    /** The page has loaded: the host answers with the theme and platform. */
    ready: function () {
      post('ready', {});
    },
    /** Sends `data` (a string, at most 4096 bytes) to the bot; the host then closes the app. */
    sendData: function (data) {
      if (typeof data !== 'string' || data.length === 0) {
        throw new TypeError('KotoWebApp.sendData: data must be a non-empty string');
      }
      if (new TextEncoder().encode(data).length > MAX_DATA_BYTES) {
        throw new RangeError('KotoWebApp.sendData: data must be at most 4096 bytes');
      }
      post('sendData', { data: data });
    },
    close: function () {
      post('close', {});
    },
    expand: function () {
      app.isExpanded = true;
      post('expand', {});
    },
    /** Opens an http(s) URL in the user's browser, outside the app. */
    openLink: function (url) {
      var parsed = new URL(String(url), window.location.href);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
        throw new TypeError('KotoWebApp.openLink: only http(s) URLs');
      }
      post('openLink', { url: parsed.href });
    },
    /** Events: ready, themeChanged, mainButtonClicked. */
    onEvent: function (name, cb) {
      if (typeof cb !== 'function') return;
      (handlers[name] = handlers[name] || []).push(cb);
    },
    offEvent: function (name, cb) {
      handlers[name] = (handlers[name] || []).filter(function (h) {
        return h !== cb;
      });
    },
  };

  function setScheme(scheme) {
    if (scheme === 'dark' || scheme === 'light') app.colorScheme = scheme;
  }

  applyTheme(parseJson(hash.get('kotoWebAppTheme'), {}));

  window.addEventListener('message', function (event) {
    // Only our host, from its own window.
    if (!hostOrigin || event.origin !== hostOrigin || event.source !== window.parent) return;
    var m = event.data;
    if (!m || m.kotoWebApp !== 1 || typeof m.type !== 'string') return;
    if (m.type === 'init') {
      if (typeof m.platform === 'string') app.platform = m.platform;
      setScheme(m.colorScheme);
      applyTheme(m.themeParams);
      emit('ready');
    } else if (m.type === 'themeChanged') {
      setScheme(m.colorScheme);
      applyTheme(m.themeParams);
      emit('themeChanged');
    } else if (m.type === 'mainButtonClicked') {
      if (mainButton.isActive) emit('mainButtonClicked');
    }
  });

  window.KotoWebApp = app;
  window.QuantaWebApp = app;
})(window);
