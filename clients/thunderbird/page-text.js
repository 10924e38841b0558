/** Fills an extension page's text from the message catalogue: each element's data-i18n names its key. */
export function localisePage(root = document) {
  document.documentElement.lang = messenger.i18n.getUILanguage();
  for (const element of root.querySelectorAll("[data-i18n]")) {
    element.textContent = messenger.i18n.getMessage(element.dataset.i18n);
  }
}

export const t = (key, subs) => messenger.i18n.getMessage(key, subs) || key;
