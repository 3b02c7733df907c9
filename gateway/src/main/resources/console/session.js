// The operator's session as the console holds it. The access token lives in this module's memory only
// (never in localStorage or a readable cookie); the refresh token stays in its HttpOnly cookie, and a
// refresh is a POST with that cookie and the CSRF header. Refreshes are serialised across the tabs of
// this origin (Web Locks): the server revokes a whole session when one refresh token is used twice.

const REFRESH_LOCK = 'parley-console-refresh';
const EARLY_MS = 60_000;
const channel = 'BroadcastChannel' in self ? new BroadcastChannel('parley-console') : null;

export class SessionEnded extends Error {
  constructor() {
    super('not logged in');
  }
}

export class Session {
  #accessToken = null;
  #expiresAt = 0;
  #refreshing = null;
  #timer = 0;
  #listeners = new Set();

  constructor() {
    channel?.addEventListener('message', (event) => {
      if (event.data === 'logout') {
        this.#forget();
        this.#emit('ended');
      } else if (event.data === 'login' && !this.#accessToken) {
        this.#emit('login');
      }
    });
  }

  /** Listens for 'refreshed' (a new access token), 'ended' (logged out) and 'login' (another tab logged in). */
  on(listener) {
    this.#listeners.add(listener);
  }

  get accessToken() {
    return this.#accessToken;
  }

  get loggedIn() {
    return this.#accessToken !== null;
  }

  /** How long the access token in memory is still good for, in ms (0 without one). */
  get remainingMs() {
    return this.#accessToken === null ? 0 : Math.max(0, this.#expiresAt - Date.now());
  }

  /** Gets an access token from the refresh cookie; false when there is no session to refresh. */
  refresh() {
    if (!this.#refreshing) {
      const run = () => this.#refreshOnce();
      this.#refreshing = (navigator.locks ? navigator.locks.request(REFRESH_LOCK, run) : run())
        .finally(() => { this.#refreshing = null; });
    }
    return this.#refreshing;
  }

  async #refreshOnce() {
    const response = await unsafePost('/api/v1/auth/refresh');
    if (response.status === 401) {
      this.#forget();
      return false;
    }
    if (!response.ok) {
      throw new Error(`refresh answered ${response.status}`);
    }
    const body = await response.json();
    const first = this.#accessToken === null;
    this.#accessToken = body.accessToken;
    this.#expiresAt = Date.now() + body.expiresIn * 1000;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#refreshEarly(), Math.max(5_000, body.expiresIn * 1000 - EARLY_MS));
    if (first) {
      channel?.postMessage('login');
    }
    this.#emit('refreshed');
    return true;
  }

  async #refreshEarly() {
    try {
      if (!(await this.refresh())) {
        this.#emit('ended');
      }
    } catch {
      // a network error: try again soon, the token may still be good for a while
      this.#timer = setTimeout(() => this.#refreshEarly(), 10_000);
    }
  }

  /** Ends this session on the server (its refresh cookie names it) and in every tab. */
  async logout() {
    try {
      await unsafePost('/api/v1/auth/logout');
    } finally {
      this.#forget();
      channel?.postMessage('logout');
      this.#emit('ended');
    }
  }

  /** A GET of the REST API with the access token; one refresh and retry on 401. */
  async get(path) {
    if (!this.#accessToken && !(await this.refresh())) {
      throw new SessionEnded();
    }
    let response = await fetch(path, { headers: { Authorization: `Bearer ${this.#accessToken}` }, cache: 'no-store' });
    if (response.status === 401) {
      if (!(await this.refresh())) {
        throw new SessionEnded();
      }
      response = await fetch(path, { headers: { Authorization: `Bearer ${this.#accessToken}` }, cache: 'no-store' });
    }
    if (!response.ok) {
      throw new Error(`${path} answered ${response.status}`);
    }
    return response.json();
  }

  #forget() {
    this.#accessToken = null;
    this.#expiresAt = 0;
    clearTimeout(this.#timer);
  }

  #emit(what) {
    for (const listener of this.#listeners) {
      listener(what);
    }
  }
}

/** A POST that the server guards with the double-submit CSRF token (any cookie-carrying state change). */
export async function unsafePost(path, json) {
  const headers = {};
  for (let attempt = 0; ; attempt++) {
    const csrf = await fetch('/api/v1/auth/csrf', { cache: 'no-store' });
    if (!csrf.ok) {
      throw new Error(`csrf answered ${csrf.status}`);
    }
    const token = await csrf.json();
    headers[token.headerName] = token.token;
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(path, {
      method: 'POST',
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
      cache: 'no-store',
    });
    // a CSRF cookie that changed under us (another tab, a login) is fetched again once
    if (response.status !== 403 || attempt > 0) {
      return response;
    }
  }
}

/** Where the server lets operators log in: {magicLink, oidc: [{id, start}]}. */
export async function loginMethods() {
  const response = await fetch('/api/v1/auth/methods', { cache: 'no-cache' });
  if (!response.ok) {
    return { magicLink: true, oidc: [] };
  }
  return response.json();
}
