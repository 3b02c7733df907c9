// The console's connection to /ws/agent (docs/protocol.md, "Agent socket"). It says hello with the
// access token held in memory, and reconnects by itself: at once after 1012, after a token refresh on
// 4401, after retryAfterMs on 4429, with jittered exponential backoff otherwise.
//
// A socket lives only as long as the token it started with, so after each token refresh the link
// renews: a new socket says hello while the old one keeps working, and the old one is closed only when
// the new one is welcomed. Browsers answer the server's WebSocket pings themselves but cannot see them,
// so the link sends the protocol's own ping every heartbeat and treats two silent heartbeats as a dead
// connection.

const FATAL = new Set([1003, 1007, 1009]);

export class AgentLink {
  #session;
  #workspaceId;
  #on;
  /** The welcomed socket: frames are sent on it. */
  #live = null;
  /** A socket saying hello, to become the live one. */
  #pending = null;
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
      if (!this.#stopped && !this.#live && !this.#pending) {
        this.#connect();
      }
    });
  }

  get ready() {
    return this.#live !== null;
  }

  start() {
    this.#stopped = false;
    this.#connect();
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearInterval(this.#pinger);
    const sockets = [this.#pending, this.#live];
    this.#pending = null;
    this.#live = null;
    sockets.forEach((ws) => close(ws, 1000, 'bye'));
  }

  /** A new socket with the current token, the live one working on until the new one is welcomed. */
  renew() {
    if (!this.#stopped && this.#live && !this.#pending) {
      this.#connect();
    }
  }

  /** Sends a frame on the live socket; false when there is none (the frame is not queued). */
  send(frame) {
    if (!this.#live) {
      return false;
    }
    this.#live.send(JSON.stringify(frame));
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
          this.stop();
          this.#on.ended();
          return;
        }
      } catch {
        this.#failed(1006, 'refresh failed');
        return;
      }
      if (generation !== this.#generation || this.#stopped) {
        return; // another connect started meanwhile
      }
    }
    if (!this.#live) {
      this.#on.state('connecting');
    }
    close(this.#pending, 1000, 'superseded');
    const ws = new WebSocket(`wss://${location.host}/ws/agent`, 'parley.v1');
    this.#pending = ws;
    ws.addEventListener('open', () => {
      const hello = { type: 'hello', accessToken: this.#session.accessToken };
      if (this.#workspaceId) {
        hello.workspaceId = this.#workspaceId;
      }
      ws.send(JSON.stringify(hello));
    });
    ws.addEventListener('message', (event) => this.#received(ws, event.data));
    ws.addEventListener('close', (event) => {
      if (ws === this.#pending) {
        this.#pending = null;
        if (!this.#live) {
          this.#failed(event.code, event.reason);
        } else if (!this.#stopped) {
          // a renewal that did not work: the live socket goes on, try again in a while
          this.#timer = setTimeout(() => this.renew(), backoff(++this.#attempt));
        }
      } else if (ws === this.#live) {
        this.#live = null;
        clearInterval(this.#pinger);
        if (!this.#pending) {
          this.#failed(event.code, event.reason);
        }
      }
    });
  }

  #received(ws, data) {
    if (ws !== this.#live && ws !== this.#pending) {
      return;
    }
    this.#lastHeard = Date.now();
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (frame.type === 'welcome' && ws === this.#pending) {
      const previous = this.#live;
      this.#live = ws;
      this.#pending = null;
      this.#attempt = 0;
      close(previous, 1000, 'renewed');
      this.#heartbeatMs = frame.heartbeatMs || 25_000;
      this.#startPinging();
      this.#on.state('online');
      this.#on.welcome(frame);
    } else if (frame.type !== 'pong') {
      this.#on.frame(frame);
    }
  }

  #startPinging() {
    clearInterval(this.#pinger);
    this.#pinger = setInterval(() => {
      const live = this.#live;
      if (!live) {
        return;
      }
      if (Date.now() - this.#lastHeard > 2 * this.#heartbeatMs + 5_000) {
        this.#live = null;
        clearInterval(this.#pinger);
        close(live, 4000, 'silent');
        if (!this.#pending) {
          this.#failed(1006, 'no answer to pings');
        }
      } else {
        live.send('{"type":"ping"}');
      }
    }, this.#heartbeatMs);
  }

  /** No socket is left: what the close code asks for (docs/protocol.md, "Close codes"). */
  #failed(code, reason) {
    if (this.#stopped) {
      return;
    }
    if (code === 4401) {
      // the token expired or its session ended: a refreshed token, or the login page
      const first = this.#attempt === 0;
      this.#session.refresh()
        .then((ok) => {
          if (!ok) {
            this.stop();
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
      this.stop();
      this.#on.workspaceRefused(reason);
    } else if (code === 4429) {
      const wait = /retryAfterMs=(\d+)/.exec(reason);
      this.#retry(wait ? Number(wait[1]) : undefined);
    } else if (code === 1012 && this.#attempt === 0) {
      this.#attempt++;
      this.#connect();
    } else if (FATAL.has(code)) {
      this.stop();
      this.#on.failed(reason || `closed ${code}`);
    } else {
      this.#retry();
    }
  }

  #retry(delayMs) {
    const delay = delayMs ?? backoff(++this.#attempt);
    this.#on.state('offline', Math.ceil(delay / 1000));
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#connect(), delay);
  }
}

/** Full jitter over an exponential ceiling of 30 s. */
function backoff(attempt) {
  return 250 + Math.random() * Math.min(30_000, 500 * 2 ** attempt);
}

function close(ws, code, reason) {
  if (ws && ws.readyState <= WebSocket.OPEN) {
    ws.close(code, reason);
  }
}
