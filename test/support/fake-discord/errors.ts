// Discord-shaped HTTP errors. discord.js turns any 4xx JSON body with a `code` into a DiscordAPIError,
// so matching Discord's codes and messages lets bot code (and its tests) branch on them as in production.

/** Discord's nested form-error tree: `{ embeds: { 0: { title: { _errors: [{ code, message }] } } } }`. */
export interface FormErrorTree {
  _errors?: { code: string; message: string }[];
  [key: string]: FormErrorTree | { code: string; message: string }[] | undefined;
}

export interface DiscordErrorBody {
  code: number;
  message: string;
  errors?: FormErrorTree;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: DiscordErrorBody,
  ) {
    super(`${status} ${body.message} (code ${body.code})`);
  }
}

const make = (status: number, code: number, message: string) => () =>
  new HttpError(status, { code, message });

export const Errors = {
  unauthorized: make(401, 0, '401: Unauthorized'),
  notFound: make(404, 0, '404: Not Found'),
  methodNotAllowed: make(405, 0, '405: Method Not Allowed'),
  unknownChannel: make(404, 10003, 'Unknown Channel'),
  unknownMessage: make(404, 10008, 'Unknown Message'),
  unknownWebhook: make(404, 10015, 'Unknown Webhook'),
  unknownInteraction: make(404, 10062, 'Unknown interaction'),
  notAuthorizedForApplication: make(
    403,
    20012,
    'You are not authorized to perform this action on this application',
  ),
  missingAccess: make(403, 50001, 'Missing Access'),
  emptyMessage: make(400, 50006, 'Cannot send an empty message'),
  invalidWebhookToken: make(401, 50027, 'Invalid Webhook Token'),
  invalidApiVersion: make(400, 50041, 'Invalid API version provided.'),
  alreadyAcknowledged: make(400, 40060, 'Interaction has already been acknowledged.'),
  badJson: make(400, 50109, 'The request body contains invalid JSON.'),
};

/** Collects field errors and throws them as one 50035 "Invalid Form Body", like Discord does. */
export class FormErrors {
  private readonly tree: FormErrorTree = {};
  private count = 0;

  add(path: readonly (string | number)[], code: string, message: string): void {
    let node = this.tree;
    for (const key of path) {
      node = (node[String(key)] ??= {}) as FormErrorTree;
    }
    (node._errors ??= []).push({ code, message });
    this.count++;
  }

  maxLength(
    path: readonly (string | number)[],
    value: string | readonly unknown[] | undefined | null,
    max: number,
  ) {
    if (value != null && value.length > max) {
      this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
    }
  }

  lengthBetween(
    path: readonly (string | number)[],
    value: string | undefined | null,
    min: number,
    max: number,
  ) {
    if (value == null || value.length < min || value.length > max) {
      this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
    }
  }

  throwIfAny(): void {
    if (this.count > 0) {
      throw new HttpError(400, { code: 50035, message: 'Invalid Form Body', errors: this.tree });
    }
  }
}
