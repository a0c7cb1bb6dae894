/**
 * The one error type the domain (and the HTTP edge) throws. `reason` is stable and closed:
 * each dialect words it from one table (http/quanta, http/messenger, http/gateway), and
 * nothing ever inspects an error's text. `field` names the offending input; `detail` is the
 * one variable part a wording may show (a limit, a permission, a verb, a validator's words).
 */
export const REASON_STATUS = {
  // The request as a whole
  malformed_json: 400,
  json_too_deep: 400,
  malformed_path: 400,
  malformed_request: 400,
  malformed_multipart: 400,
  request_aborted: 400,
  body_too_large: 413,
  unsupported_encoding: 415,
  unparsable_param: 400,
  missing_attachment: 400,
  unsupported: 400,
  // Input values
  invalid_field: 400,
  missing_field: 400,
  missing_fields: 400,
  unknown_fields: 400,
  text_too_long: 400,
  unstorable_text: 400,
  value_out_of_range: 400,
  value_too_large: 400,
  media_too_large: 413,
  // Who is asking
  missing_bearer_token: 401,
  missing_bot_token: 401,
  invalid_bot_token: 401,
  invalid_user_token: 401,
  bad_credentials: 401,
  missing_permission: 403,
  not_a_member: 403,
  not_own_message: 403,
  not_group_creator: 403,
  init_data_invalid: 403,
  // What is asked about
  route_not_found: 404,
  method_not_found: 404,
  user_not_found: 404,
  bot_not_found: 404,
  chat_not_found: 404,
  message_not_found: 404,
  poll_not_found: 404,
  media_not_found: 404,
  avatar_not_found: 404,
  callback_not_found: 404,
  invitation_not_found: 404,
  webapp_not_set: 404,
  reply_target_not_found: 400,
  // State that refuses the change
  username_taken: 409,
  bot_username_taken: 409,
  too_many_bots: 409,
  not_a_group: 400,
  message_not_editable: 400,
  message_has_no_buttons: 400,
  callback_answered: 409,
  webhook_active: 409,
  poll_superseded: 409,
  group_full: 409,
  init_data_used: 409,
  // The platform
  rate_limited: 429,
  too_many_groups: 429,
  unavailable: 503,
  internal: 500,
} as const satisfies Record<string, number>;

export type Reason = keyof typeof REASON_STATUS;

export interface ErrorDetails {
  /** The input field at fault, as the client named it (`commands[2].command`). */
  field?: string;
  /** The variable part of the wording: a validator's words, a limit, a verb, a permission. */
  detail?: string;
  /** Seconds to wait before retrying (rate_limited). */
  retryAfter?: number;
}

export class AppError extends Error {
  readonly status: number;
  readonly field?: string;
  readonly detail?: string;
  readonly retryAfter?: number;

  constructor(
    readonly reason: Reason,
    details: ErrorDetails = {},
  ) {
    // For logs only: no dialect reads it.
    super([reason, details.field, details.detail].filter(Boolean).join(': '));
    this.name = 'AppError';
    this.status = REASON_STATUS[reason];
    this.field = details.field;
    this.detail = details.detail;
    this.retryAfter = details.retryAfter;
  }
}

/** Shorthand for the common throw: `throw appError('chat_not_found')`. */
export const appError = (reason: Reason, details?: ErrorDetails) => new AppError(reason, details);

/** A bad input value: `field: detail` in the Quanta wording. */
export const invalid = (field: string, detail: string) =>
  new AppError('invalid_field', { field, detail });
