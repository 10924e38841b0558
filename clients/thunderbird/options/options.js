/** Options page: the server address, then sign in through the web app (or paste a token). */

import { localisePage, t } from "../page-text.js";
import { ConnectCancelled } from "../shared/connect.js";
import {
  SIGN_IN_KEY,
  checkSignIn,
  currentSignIn,
  lastServer,
  signInThroughWebApp,
  signInWithToken,
  signOut,
  signedOutReason,
} from "../sign-in.js";

const $ = (id) => document.getElementById(id);

async function show(signIn) {
  const reason = signIn ? null : await signedOutReason();
  $("signed-in").textContent = signIn
    ? t("signedInAs", [signIn.user.name, signIn.user.email, signIn.server])
    : reason === "revoked"
      ? t("signedOutRevoked")
      : t("notSignedIn");
  $("signed-in").dataset.status = signIn ? "signed-in" : "signed-out";
  $("sign-out").hidden = !signIn;
  $("server").value = signIn?.server ?? ($("server").value || (await lastServer()));
}

async function signIn(withToken) {
  const server = $("server").value;
  if (withToken) {
    const signedIn = await signInWithToken(server, $("token").value);
    $("token").value = "";
    return signedIn;
  }
  $("signed-in").textContent = t("signInWaiting");
  return signInThroughWebApp(server);
}

async function start() {
  localisePage();
  await show(await checkSignIn());
  $("sign-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    const withToken = event.submitter?.id === "sign-in-token";
    if (withToken && !$("token").value.trim()) {
      $("signed-in").textContent = t("tokenMissing");
      return;
    }
    try {
      await show(await signIn(withToken));
    } catch (error) {
      $("signed-in").textContent =
        error instanceof ConnectCancelled ? t("signInCancelled") : t("signInFailed", [error.message]);
    }
  });
  $("sign-out").addEventListener("click", async () => {
    await signOut();
    await show(null);
  });
  // Signed out elsewhere (the pane found the token revoked) or in: show it while open.
  messenger.storage.local.onChanged.addListener(async (changes) => {
    if (SIGN_IN_KEY in changes) await show(await currentSignIn());
  });
  // Coming back to the page (Add-ons and Themes reopened): ask the server again.
  document.addEventListener("visibilitychange", async () => {
    if (document.visibilityState === "visible") await show(await checkSignIn());
  });
}

start();
