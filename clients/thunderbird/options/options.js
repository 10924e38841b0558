/** Options page: the server address and a personal token (see sign-in.js). */

import { localisePage, t } from "../page-text.js";
import { currentSignIn, signInWithToken, signOut } from "../sign-in.js";

const $ = (id) => document.getElementById(id);

function show(signIn) {
  $("signed-in").textContent = signIn
    ? t("signedInAs", [signIn.user.name, signIn.user.email, signIn.server])
    : t("notSignedIn");
  $("sign-out").hidden = !signIn;
  if (signIn) $("server").value = signIn.server;
}

async function start() {
  localisePage();
  show(await currentSignIn());
  $("sign-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      show(await signInWithToken($("server").value, $("token").value));
      $("token").value = "";
    } catch (error) {
      $("signed-in").textContent = t("signInFailed", [error.message]);
    }
  });
  $("sign-out").addEventListener("click", async () => {
    await signOut();
    show(null);
  });
}

start();
