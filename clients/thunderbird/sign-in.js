/**
 * Who the add-on acts for: the server address and a personal API token, kept in
 * `storage.local` (never a password).
 *
 * Signing in goes through the web app (shared/connect.js): `identity.launchWebAuthFlow` opens
 * the server's /connect page in a window of its own, the user signs in there and presses
 * Connect, and the window's last address (`identity.getRedirectURL()#token=…`, which Thunderbird
 * stops before it loads) carries a new personal token. A token made by hand
 * (`correspondent token create`) can be pasted instead. When the server answers 401 (the token
 * was revoked on the Mail client page, or expired) the token is forgotten and the add-on shows
 * it is signed out; the server address is kept for signing in again.
 */

import { CorrespondentApi, Unreachable, normaliseServerAddress } from "./shared/api.js";
import { connectUrl, newState, readConnectAnswer } from "./shared/connect.js";

export const SIGN_IN_KEY = "signIn";
export const SERVER_KEY = "serverAddress";
export const SIGNED_OUT_KEY = "signedOutBecause";

/** `{server, token, user}` or null. */
export async function currentSignIn() {
  const stored = await messenger.storage.local.get(SIGN_IN_KEY);
  return stored[SIGN_IN_KEY] ?? null;
}

/** The server address last used (kept after signing out), or "". */
export async function lastServer() {
  const stored = await messenger.storage.local.get(SERVER_KEY);
  return stored[SERVER_KEY] ?? "";
}

/** Why the add-on is signed out when the server ended it (`"revoked"`), else null. */
export async function signedOutReason() {
  const stored = await messenger.storage.local.get(SIGNED_OUT_KEY);
  return stored[SIGNED_OUT_KEY] ?? null;
}

async function tokenRefused(token) {
  // Only the token that was refused is forgotten: a sign-in made meanwhile stays.
  const signIn = await currentSignIn();
  if (signIn?.token !== token) return;
  await messenger.storage.local.remove(SIGN_IN_KEY);
  await messenger.storage.local.set({ [SIGNED_OUT_KEY]: "revoked" });
}

function apiFor(server, token) {
  return new CorrespondentApi({ server, token, onSignInNeeded: () => tokenRefused(token) });
}

export async function currentApi() {
  const signIn = await currentSignIn();
  return signIn ? apiFor(signIn.server, signIn.token) : null;
}

/**
 * Ask the server whether the stored token still holds (the pane and the options page do when
 * they open). A 401 signs out (see `tokenRefused`); an unreachable server leaves it as it is.
 */
export async function checkSignIn() {
  const api = await currentApi();
  if (!api) return null;
  try {
    await api.me();
  } catch (error) {
    if (!(error instanceof Unreachable) && !error.signInNeeded) throw error;
  }
  return currentSignIn();
}

/** Check the token against the server (`GET /me`) and keep it; throws what the server said. */
export async function signInWithToken(server, token) {
  const api = new CorrespondentApi({ server, token: String(token).trim() });
  const me = await api.me();
  const signIn = {
    server: api.server,
    token: api.token,
    user: { id: me.user.id, email: me.user.email, name: me.user.name },
  };
  await messenger.storage.local.set({ [SIGN_IN_KEY]: signIn, [SERVER_KEY]: api.server });
  await messenger.storage.local.remove(SIGNED_OUT_KEY);
  return signIn;
}

/** Sign in through the web app's /connect page; resolves with the sign-in, as pasting does. */
export async function signInThroughWebApp(server) {
  const origin = normaliseServerAddress(server);
  const redirectUri = messenger.identity.getRedirectURL();
  const state = newState();
  const url = connectUrl(origin, { client: "thunderbird", redirectUri, state });
  // Rejects when the window is closed before the end, or the server cannot be asked.
  const responseUrl = await messenger.identity.launchWebAuthFlow({ url, interactive: true });
  return signInWithToken(origin, readConnectAnswer(responseUrl, { redirectUri, state }));
}

export async function signOut() {
  await messenger.storage.local.remove([SIGN_IN_KEY, SIGNED_OUT_KEY]);
}
