/*
 * telegram-web-app.js (appended to koto-webapp.js when served): window.Telegram.WebApp over
 * the KotoWebApp bridge, so a mini app written for Telegram runs unmodified. What has no
 * counterpart here (haptics, the back button, header colours) is accepted and does nothing.
 */
(function (window) {
  'use strict';
  var koto = window.KotoWebApp;
  if (!koto || (window.Telegram && window.Telegram.WebApp)) return;

  var VERSION = '7.0';
  var noop = function () {};

  var mainButton = {
    get text() {
      return koto.MainButton.text;
    },
    get isVisible() {
      return koto.MainButton.isVisible;
    },
    get isActive() {
      return koto.MainButton.isActive;
    },
    color: '#2481cc',
    textColor: '#ffffff',
    isProgressVisible: false,
    setText: function (text) {
      koto.MainButton.setText(text);
      return mainButton;
    },
    show: function () {
      koto.MainButton.show();
      return mainButton;
    },
    hide: function () {
      koto.MainButton.hide();
      return mainButton;
    },
    enable: function () {
      koto.MainButton.enable();
      return mainButton;
    },
    disable: function () {
      koto.MainButton.disable();
      return mainButton;
    },
    showProgress: function () {
      mainButton.isProgressVisible = true;
      return mainButton;
    },
    hideProgress: function () {
      mainButton.isProgressVisible = false;
      return mainButton;
    },
    onClick: function (cb) {
      koto.MainButton.onClick(cb);
      return mainButton;
    },
    offClick: function (cb) {
      koto.MainButton.offClick(cb);
      return mainButton;
    },
    setParams: function (p) {
      p = p || {};
      if (p.color) mainButton.color = p.color;
      if (p.text_color) mainButton.textColor = p.text_color;
      if (p.text !== undefined) koto.MainButton.setText(p.text);
      if (p.is_active === true) koto.MainButton.enable();
      if (p.is_active === false) koto.MainButton.disable();
      if (p.is_visible === true) koto.MainButton.show();
      if (p.is_visible === false) koto.MainButton.hide();
      return mainButton;
    },
  };

  function chain(target) {
    return function () {
      return target;
    };
  }
  var backButton = { isVisible: false };
  backButton.show = backButton.hide = chain(backButton);
  backButton.onClick = backButton.offClick = chain(backButton);
  var haptics = {};
  haptics.impactOccurred = haptics.notificationOccurred = haptics.selectionChanged = chain(haptics);

  function themeVariables() {
    var style = document.documentElement.style;
    Object.keys(koto.themeParams).forEach(function (key) {
      style.setProperty('--tg-theme-' + key.replace(/_/g, '-'), String(koto.themeParams[key]));
    });
    style.setProperty('--tg-color-scheme', koto.colorScheme);
  }

  var webApp = {
    get initData() {
      return koto.initData;
    },
    get initDataUnsafe() {
      return koto.initDataUnsafe;
    },
    get platform() {
      return koto.platform;
    },
    get themeParams() {
      return koto.themeParams;
    },
    get colorScheme() {
      return koto.colorScheme;
    },
    get isExpanded() {
      return koto.isExpanded;
    },
    version: VERSION,
    viewportHeight: window.innerHeight,
    viewportStableHeight: window.innerHeight,
    headerColor: '#ffffff',
    backgroundColor: '#ffffff',
    isClosingConfirmationEnabled: false,
    MainButton: mainButton,
    BackButton: backButton,
    HapticFeedback: haptics,
    ready: function () {
      koto.ready();
    },
    expand: function () {
      koto.expand();
    },
    close: function () {
      koto.close();
    },
    sendData: function (data) {
      koto.sendData(data);
    },
    openLink: function (url) {
      koto.openLink(url);
    },
    openTelegramLink: function (url) {
      koto.openLink(url);
    },
    isVersionAtLeast: function (v) {
      var a = String(v).split('.').map(Number);
      var b = VERSION.split('.').map(Number);
      for (var i = 0; i < Math.max(a.length, b.length); i++) {
        if ((b[i] || 0) !== (a[i] || 0)) return (b[i] || 0) > (a[i] || 0);
      }
      return true;
    },
    onEvent: function (name, cb) {
      koto.onEvent(name, cb);
    },
    offEvent: function (name, cb) {
      koto.offEvent(name, cb);
    },
    setHeaderColor: noop,
    setBackgroundColor: noop,
    enableClosingConfirmation: noop,
    disableClosingConfirmation: noop,
  };

  themeVariables();
  koto.onEvent('ready', themeVariables);
  koto.onEvent('themeChanged', themeVariables);
  window.Telegram = window.Telegram || {};
  window.Telegram.WebApp = webApp;
})(window);
