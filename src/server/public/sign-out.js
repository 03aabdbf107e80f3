// Signing out drops every engagement-tracker answer kept on this device (tracker.js keeps them while
// the server lacks them), whoever kept them: on a shared tablet the next user must not be offered the
// last user's unsaved answers about a victim. Loaded on every page; tracker.js imports the prefix.

export const TRACKER_COPIES = 'provide.tracker.'

function dropTrackerCopies() {
  for (const area of ['localStorage', 'sessionStorage']) {
    try {
      const storage = window[area]
      for (const key of Object.keys(storage)) if (key.startsWith(TRACKER_COPIES)) storage.removeItem(key)
    } catch {
      // Storage switched off: nothing was kept.
    }
  }
}

document.querySelector('form[action="/sign-out"]')?.addEventListener('submit', dropTrackerCopies)
