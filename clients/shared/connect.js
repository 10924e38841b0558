/**
 * Signing in through the web app, as every add-on does it (plain ES module, no build step).
 *
 * The add-on opens `<server>/connect?client=…&redirect_uri=…&state=…` in a browser window
 * (Thunderbird: `identity.launchWebAuthFlow`; Outlook: an Office dialog). The user signs in to
 * the web app there if needed and presses Connect; the server sends the window to
 * `redirect_uri#token=…&state=…` (or `#error=access_denied&state=…` on Cancel). The add-on
 * reads that address, checks the state it made, and keeps the personal token: it never sees
 * the password. Which redirect addresses the server accepts: src/correspondent/web/client_apps.py.
 */

import { normaliseServerAddress } from "./api.js";

/** The user pressed Cancel on the web page (or closed the window). */
export class ConnectCancelled extends Error {
  constructor(message) {
    super(message);
    this.name = "ConnectCancelled";
  }
}

/** The answer did not come from the request this add-on made (or carried no token). */
export class ConnectFailed extends Error {
  constructor(message) {
    super(message);
    this.name = "ConnectFailed";
  }
}

/** A random value binding the answer to this request (URL-safe, 43 characters). */
export function newState(random = globalThis.crypto) {
  const bytes = random.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** The web app's approval page for this client. */
export function connectUrl(server, { client, redirectUri, state }) {
  const url = new URL(`${normaliseServerAddress(server)}/connect`);
  url.searchParams.set("client", client);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("state", state);
  return url.href;
}

/**
 * The token from the address the window was sent to. Throws ConnectCancelled when the user
 * cancelled, ConnectFailed when the state is not ours or there is no token.
 */
export function readConnectAnswer(responseUrl, { redirectUri, state }) {
  if (!String(responseUrl).startsWith(redirectUri)) {
    throw new ConnectFailed("The sign-in ended at an unexpected address.");
  }
  const fragment = new URL(responseUrl).hash.replace(/^#/, "");
  const answer = new URLSearchParams(fragment);
  if (answer.get("state") !== state) {
    throw new ConnectFailed("The sign-in answer does not belong to this request; sign in again.");
  }
  if (answer.get("error") === "access_denied") {
    throw new ConnectCancelled("Connecting was cancelled in Correspondent.");
  }
  const token = answer.get("token");
  if (!token) throw new ConnectFailed("Correspondent sent no token; sign in again.");
  return token;
}
