// The lab's live events (GET /api/events, server-sent events): `result` and `specimen` events,
// keepalive comments every 15 s. EventSource reconnects by itself after a dropped connection (the
// server ends each subscription after a while so that the session is checked again), sending
// Last-Event-ID so that the server replays what was missed; when the server refused the stream
// (an HTTP error: EventSource then gives up), a new one is opened after a growing pause. A new
// stream knows nothing of what happened meanwhile, and a `resync` event says the server cannot
// replay that much: in both cases the listeners get a "reconnected" event and fetch again.

import type { LabEvent } from './types';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

type Listener = (event: LabEvent) => void;

export class LiveEvents {
  private source: EventSource | null = null;
  private listeners = new Set<Listener>();
  private stateListeners = new Set<(state: LiveState) => void>();
  private state: LiveState = 'stopped';
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryMs = 1000;
  private everOpen = false;
  private missedEvents = false;

  constructor(private readonly url = '/api/events') {}

  start(): void {
    if (this.source) return;
    this.open();
  }

  stop(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.source?.close();
    this.source = null;
    this.everOpen = false;
    this.missedEvents = false;
    this.setState('stopped');
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onState(listener: (state: LiveState) => void): void {
    this.stateListeners.add(listener);
    listener(this.state);
  }

  private open(): void {
    this.setState(this.everOpen ? 'reconnecting' : 'connecting');
    const source = new EventSource(this.url, { withCredentials: true });
    this.source = source;
    source.onopen = () => {
      this.retryMs = 1000;
      const resync = this.everOpen && this.missedEvents;
      this.everOpen = true;
      this.missedEvents = false;
      this.setState('live');
      if (resync) this.emit({ type: 'reconnected' });
    };
    source.addEventListener('resync', () => this.emit({ type: 'reconnected' }));
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        this.missedEvents = true;
        // Refused (not a dropped connection): try again later ourselves.
        source.close();
        if (this.source === source) this.source = null;
        this.setState('reconnecting');
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          if (!this.source && this.state !== 'stopped') this.open();
        }, this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 15000);
      } else {
        this.setState('reconnecting');
      }
    };
    for (const type of ['result', 'specimen'] as const) {
      source.addEventListener(type, (message) => {
        let data: Record<string, unknown> = {};
        try {
          data = JSON.parse((message as MessageEvent<string>).data) as Record<string, unknown>;
        } catch {
          // An event whose data is not JSON still means something changed.
        }
        this.emit({ ...(data as Partial<LabEvent>), type });
      });
    }
  }

  private emit(event: LabEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error('live event listener failed', error);
      }
    }
  }

  private setState(state: LiveState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }
}
