// The console's connection to /ws/agent (docs/protocol.md, "Agent socket"). It says hello with the
// access token held in memory, and reconnects by itself: at once after 1012, after a token refresh on
// 4401, after retryAfterMs on 4429, with jittered exponential backoff otherwise. Browsers answer the
// server's WebSocket pings themselves but cannot see them, so the link sends the protocol's own ping
// every heartbeat and treats a connection silent for two heartbeats as dead.

const FATAL = new Set([1003, 1007, 1009]);

export class AgentLink {
  #session;
  #workspaceId;
  #on;
  #ws = null;
  #welcomed = false;
  #stopped = true;
  #attempt = 0;
  #timer = 0;
  #pinger = 0;
  #heartbeatMs = 25_000;
  #lastHeard = 0;
  #generation = 0;

  /**
   * on: {welcome(frame), frame(frame), state(kind, detail), ended(), workspaceRefused(reason), failed(reason)}.
   */
  constructor(session, workspaceId, on) {
    this.#session = session;
    this.#workspaceId = workspaceId;
    this.#on = on;
    addEventListener('online', () => {
      if (!this.#stopped && !this.#ws) {
        this.#connect();
      }
    });
  }

  get ready() {
    return this.#welcomed;
  }

  start() {
    this.#stopped = false;
    this.#connect();
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#drop(1000, 'bye');
  }

  /** A new connection now, e.g. with a refreshed token (the server closes a socket at its token's exp). */
  reconnect() {
    if (this.#stopped) {
      return;
    }
    this.#drop(1000, 'new token');
    this.#attempt = 0;
    this.#connect();
  }

  /** Sends a frame when the session is started; false when it is not (the frame is not queued). */
  send(frame) {
    if (!this.#welcomed) {
      return false;
    }
    this.#ws.send(JSON.stringify(frame));
    return true;
  }

  async #connect() {
    clearTimeout(this.#timer);
    const generation = ++this.#generation;
    if (this.#stopped) {
      return;
    }
    if (this.#session.remainingMs < 30_000) {
      try {
        if (!(await this.#session.refresh())) {
          this.#stopped = true;
          this.#on.ended();
          return;
        }
      } catch {
        this.#retry();
        return;
      }
      if (generation !== this.#generation || this.#stopped) {
        return; // another connect started meanwhile
      }
    }
    this.#on.state('connecting');
    const ws = new WebSocket(`wss://${location.host}/ws/agent`, 'parley.v1');
    this.#ws = ws;
    this.#welcomed = false;
    ws.addEventListener('open', () => {
      this.#lastHeard = Date.now();
      const hello = { type: 'hello', accessToken: this.#session.accessToken };
      if (this.#workspaceId) {
        hello.workspaceId = this.#workspaceId;
      }
      ws.send(JSON.stringify(hello));
    });
    ws.addEventListener('message', (event) => {
      if (ws !== this.#ws) {
        return;
      }
      this.#lastHeard = Date.now();
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame.type === 'welcome') {
        this.#welcomed = true;
        this.#attempt = 0;
        this.#heartbeatMs = frame.heartbeatMs || 25_000;
        this.#startPinging();
        this.#on.state('online');
        this.#on.welcome(frame);
      } else if (frame.type !== 'pong') {
        this.#on.frame(frame);
      }
    });
    ws.addEventListener('close', (event) => {
      if (ws === this.#ws) {
        this.#ws = null;
        this.#closed(event.code, event.reason);
      }
    });
  }

  #startPinging() {
    clearInterval(this.#pinger);
    this.#pinger = setInterval(() => {
      if (Date.now() - this.#lastHeard > 2 * this.#heartbeatMs + 5_000) {
        this.#drop(4000, 'silent');
        this.#closed(1006, 'no answer to pings');
      } else if (this.#welcomed) {
        this.#ws.send('{"type":"ping"}');
      }
    }, this.#heartbeatMs);
  }

  #drop(code, reason) {
    clearInterval(this.#pinger);
    const ws = this.#ws;
    this.#ws = null;
    this.#welcomed = false;
    if (ws && ws.readyState <= WebSocket.OPEN) {
      ws.close(code, reason);
    }
  }

  #closed(code, reason) {
    clearInterval(this.#pinger);
    this.#welcomed = false;
    if (this.#stopped) {
      return;
    }
    if (code === 4401) {
      // the token expired or its session ended: a refreshed token, or the login page
      const first = this.#attempt === 0;
      this.#session.refresh()
        .then((ok) => {
          if (!ok) {
            this.#stopped = true;
            this.#on.ended();
          } else if (first) {
            this.#attempt++;
            this.#connect();
          } else {
            this.#retry();
          }
        })
        .catch(() => this.#retry());
    } else if (code === 4403) {
      this.#stopped = true;
      this.#on.workspaceRefused(reason);
    } else if (code === 4429) {
      const wait = /retryAfterMs=(\d+)/.exec(reason);
      this.#retry(wait ? Number(wait[1]) : undefined);
    } else if (code === 1012 && this.#attempt === 0) {
      this.#attempt++;
      this.#connect();
    } else if (FATAL.has(code)) {
      this.#stopped = true;
      this.#on.failed(reason || `closed ${code}`);
    } else {
      this.#retry();
    }
  }

  #retry(delayMs) {
    this.#attempt++;
    const delay = delayMs ?? 250 + Math.random() * Math.min(30_000, 500 * 2 ** this.#attempt);
    this.#on.state('offline', Math.ceil(delay / 1000));
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#connect(), delay);
  }
}
