// The page's state in the URL fragment, so a link reopens the same view, zoom, search and filters.

export function readState(): Record<string, string> {
  const params = new URLSearchParams(window.location.hash.slice(1));
  return Object.fromEntries(params.entries());
}

// Replaces the current history entry (a view's every click is not a page to go Back to); returns the fragment written.
export function writeState(state: Record<string, string | number | boolean | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const hash = params.toString();
  window.history.replaceState(null, "", hash ? `#${hash}` : window.location.pathname + window.location.search);
  return window.location.hash;
}
