// What every screen shares: the signed-in user, the live events, cached catalog reads, and the
// context a screen is rendered with.

import { get } from './api';
import { LiveEvents } from './events';
import type { Route } from './format';
import type { Shortcut } from './shortcuts';
import type { Catalog, LabEvent, SessionInfo, Section } from './types';

export interface ViewContext {
  route: Route;
  main: HTMLElement;
  // False once the user has gone to another screen: late answers must not draw over it.
  alive(): boolean;
  // Runs on every live event while this screen is on view.
  onEvent(listener: (event: LabEvent) => void): void;
  onCleanup(fn: () => void): void;
  shortcuts(title: string, list: Shortcut[]): void;
  // Sets the document title and the heading focus goes to after navigation.
  title(text: string): void;
}

export type View = (ctx: ViewContext) => Promise<void> | void;

class AppState {
  session: SessionInfo | null = null;
  readonly live = new LiveEvents();
  private sectionsPromise: Promise<Section[]> | null = null;
  private catalogPromise: Promise<Catalog> | null = null;

  sections(): Promise<Section[]> {
    if (!this.sectionsPromise) {
      this.sectionsPromise = get<{ sections: Section[] }>('/api/catalog/sections').then((r) => r.sections);
      this.sectionsPromise.catch(() => (this.sectionsPromise = null));
    }
    return this.sectionsPromise;
  }

  catalog(): Promise<Catalog> {
    if (!this.catalogPromise) {
      this.catalogPromise = get<Catalog>('/api/catalog/tests');
      this.catalogPromise.catch(() => (this.catalogPromise = null));
    }
    return this.catalogPromise;
  }

  forget(): void {
    this.session = null;
    this.sectionsPromise = null;
    this.catalogPromise = null;
  }

  get username(): string {
    return this.session?.user.username ?? '';
  }
}

export const app = new AppState();

export function navigate(hash: string): void {
  if (location.hash === hash) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = hash;
  }
}

// Set by main.ts: what the log-in screen calls once the server accepted the user.
export const hooks: { afterLogin: (session: SessionInfo, next: string | undefined) => void } = {
  afterLogin: () => {},
};
