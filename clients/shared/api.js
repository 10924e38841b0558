/**
 * The Correspondent HTTP API as the mail-client add-ons use it (plain ES module, no build step).
 *
 * Every failure is one of two kinds, because the offline queue treats them differently:
 * - `Unreachable`: the server did not answer, or answered "try again later" (502/503/504);
 *   the request may be sent again unchanged.
 * - `ApiRefusal`: the server answered and refused (4xx); sending it again would not help.
 *   `message` is the server's own sentence, written for the user.
 */

export const API_PREFIX = "/api/v1";
const RETRY_STATUSES = new Set([502, 503, 504]);

/** The server did not answer or asked to try again later; the request can be repeated. */
export class Unreachable extends Error {
  constructor(message, { status = null, cause = undefined } = {}) {
    super(message, { cause });
    this.name = "Unreachable";
    this.status = status;
  }
}

/** The server refused the request; `status` and `code` are the server's. */
export class ApiRefusal extends Error {
  constructor(message, { status, code = "", details = null }) {
    super(message);
    this.name = "ApiRefusal";
    this.status = status;
    this.code = code;
    this.details = details;
  }

  get signInNeeded() {
    return this.status === 401;
  }
}

/** "https://crm.example.org/" or "crm.example.org:8000" → "https://crm.example.org[:8000]". */
export function normaliseServerAddress(text) {
  const trimmed = String(text ?? "").trim();
  if (!trimmed) throw new TypeError("Enter the address of your Correspondent server.");
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TypeError(`"${trimmed}" is not a web address.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError("The server address must start with https:// (or http:// on your own computer).");
  }
  return url.origin;
}

/** `{type, id}` or "type:id" → "type:id" (the API's RecordRef text). */
export function refText(ref) {
  if (ref == null) return null;
  return typeof ref === "string" ? ref : `${ref.type}:${ref.id}`;
}

export class CorrespondentApi {
  /**
   * @param {object} options
   * @param {string} options.server  the server's origin, e.g. "https://crm.example.org"
   * @param {string} options.token   a personal API token ("cor_…")
   * @param {typeof fetch} [options.fetch]
   * @param {() => unknown} [options.onSignInNeeded]  called (and awaited) when the server
   *   answers 401: the token was revoked or expired, so the add-on shows it is signed out
   */
  constructor({
    server,
    token,
    fetch: fetchImpl = globalThis.fetch.bind(globalThis),
    onSignInNeeded = () => {},
  }) {
    this.server = normaliseServerAddress(server);
    this.token = token;
    this.fetch = fetchImpl;
    this.onSignInNeeded = onSignInNeeded;
  }

  /** The web page of an activity (the web app's address; opened in the user's browser). */
  activityPageUrl(activityId) {
    return `${this.server}/activities/${encodeURIComponent(activityId)}`;
  }

  async request(method, path, { body, contentType, query } = {}) {
    const url = new URL(`${this.server}${API_PREFIX}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value != null && value !== "") url.searchParams.set(key, String(value));
    }
    const headers = { Accept: "application/json", Authorization: `Bearer ${this.token}` };
    let payload = body;
    if (body !== undefined && contentType === undefined) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    } else if (contentType) {
      headers["Content-Type"] = contentType;
    }
    let response;
    try {
      response = await this.fetch(url, { method, headers, body: payload, credentials: "omit" });
    } catch (error) {
      throw new Unreachable(`The Correspondent server at ${this.server} did not answer.`, {
        cause: error,
      });
    }
    if (response.status === 204) return null;
    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (response.ok) return data;
    const error = data?.error ?? {};
    const message = error.message || `The server answered ${response.status}.`;
    if (RETRY_STATUSES.has(response.status)) {
      throw new Unreachable(message, { status: response.status });
    }
    if (response.status === 401) await this.onSignInNeeded();
    throw new ApiRefusal(message, {
      status: response.status,
      code: error.code ?? "",
      details: error.details ?? null,
    });
  }

  /** The signed-in user: `{user: {id, email, name, ...}, privileges}`. */
  me() {
    return this.request("GET", "/me");
  }

  /**
   * Track the original message. `raw` is a Blob/File, ArrayBuffer or Uint8Array of its MIME
   * bytes. Answers `{created, readable, activity, message}`.
   */
  track(raw, { regarding = null } = {}) {
    return this.request("POST", "/track", {
      body: raw,
      contentType: "message/rfc822",
      query: { regarding: refText(regarding) },
    });
  }

  /** Take back this user's tracking of a message sent as for `track` (the activity stays). */
  untrackMessage(raw) {
    return this.request("POST", "/untrack", { body: raw, contentType: "message/rfc822" });
  }

  /** Stop tracking an activity; `deleteActivity` deletes it when nobody else tracks it. */
  untrack(activityId, { deleteActivity = false } = {}) {
    return this.request("POST", `/activities/${activityId}/untrack`, {
      body: { delete_activity: deleteActivity },
    });
  }

  /** Link the activity to a record (`{type, id}`), or to nothing with `null`. */
  setRegarding(activityId, ref) {
    const regarding = ref == null ? null : { type: ref.type, id: Number(ref.id) };
    return this.request("PUT", `/activities/${activityId}/regarding`, { body: { regarding } });
  }

  getActivity(activityId) {
    return this.request("GET", `/activities/${activityId}`);
  }

  /**
   * The activity of a message by its Internet Message-ID (brackets optional); `direction`
   * ("incoming" / "outgoing") picks the copy. Refused with 404 when it is not tracked (or not
   * readable).
   */
  findByMessageId(messageId, { direction = null } = {}) {
    return this.request("GET", "/activities/by-message-id", {
      query: { message_id: messageId, direction },
    });
  }

  /**
   * Create contact / Create lead (`type`) for an unresolved address of the activity; answers
   * `{record, activity}` with the activity's parties resolved again.
   */
  createPartyRecord(activityId, address, type) {
    return this.request("POST", `/activities/${activityId}/party-records`, {
      body: { address, type },
    });
  }

  /** Records of one type matching `text`, most recently modified first. */
  async searchRecords(type, text, { limit = 10 } = {}) {
    const page = await this.request("GET", `/records/${encodeURIComponent(type)}`, {
      query: { q: text || null, sort: "-modified_at", limit, active: true },
    });
    return page.items;
  }
}
