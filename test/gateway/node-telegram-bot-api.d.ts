// The few members of node-telegram-bot-api 0.x (which ships no types) the compatibility
// tests use; signatures as its documentation gives them.
declare module 'node-telegram-bot-api' {
  interface Message {
    message_id: string;
    chat: { id: string };
    text?: string;
  }
  interface CallbackQuery {
    id: string;
    data?: string;
    message?: Message;
  }
  interface Options {
    polling?: boolean | { interval?: number; autoStart?: boolean; params?: { timeout?: number } };
    baseApiUrl?: string;
  }
  class TelegramBot {
    constructor(token: string, options?: Options);
    onText(re: RegExp, fn: (msg: Message, match: RegExpExecArray | null) => void): void;
    on(event: 'message', fn: (msg: Message) => void): void;
    on(event: 'callback_query', fn: (q: CallbackQuery) => void): void;
    on(event: 'polling_error', fn: (err: Error) => void): void;
    sendMessage(chatId: string, text: string, form?: object): Promise<Message>;
    sendPhoto(chatId: string, photo: string, options?: object): Promise<Message>;
    answerCallbackQuery(id: string, form?: object): Promise<boolean>;
    editMessageText(text: string, form?: object): Promise<Message | boolean>;
    getMe(): Promise<{ id: string; username: string }>;
    startPolling(): Promise<void>;
    stopPolling(options?: { cancel?: boolean }): Promise<void>;
  }
  export = TelegramBot;
}
