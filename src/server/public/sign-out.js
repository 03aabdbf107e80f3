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

// A copy older than a long shift was left by someone who never signed out (the session timed out,
// the tab was closed): it is dropped at the next page load on this device, whoever loads it.
const STALE_AFTER_MS = 12 * 3_600_000

function dropStaleTrackerCopies() {
  try {
    for (const key of Object.keys(window.localStorage)) {
      if (!key.startsWith(TRACKER_COPIES)) continue
      let keptAt = 0
      try {
        keptAt = Number(JSON.parse(window.localStorage.getItem(key) ?? '{}').keptAt) || 0
      } catch {
        // Not one of ours as expected: treat it as stale.
      }
      if (Date.now() - keptAt > STALE_AFTER_MS) window.localStorage.removeItem(key)
    }
  } catch {
    // Storage switched off: nothing was kept.
  }
}

dropStaleTrackerCopies()
document.querySelector('form[action="/sign-out"]')?.addEventListener('submit', dropTrackerCopies)
