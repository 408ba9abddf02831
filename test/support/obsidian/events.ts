/** Obsidian's Events and Component, with the same semantics (errors in handlers are rethrown asynchronously). */

export interface EventRef {
  e: Events;
  name: string;
  fn: (...data: unknown[]) => unknown;
  ctx?: unknown;
}

/** Errors thrown by event handlers; Obsidian rethrows them on a timer, so do we (vitest reports them). */
export const eventHandlerErrors: unknown[] = [];

export class Events {
  private _events: Record<string, EventRef[]> = {};

  on(name: string, callback: (...data: any[]) => unknown, ctx?: any): EventRef {
    const ref: EventRef = { e: this, name, fn: callback, ctx };
    (this._events[name] ??= []).push(ref);
    return ref;
  }

  off(name: string, callback: (...data: any[]) => unknown): void {
    const list = this._events[name];
    if (!list) return;
    this._events[name] = list.filter((r) => r.fn !== callback);
    if (this._events[name].length === 0) delete this._events[name];
  }

  offref(ref: EventRef): void {
    const list = this._events[ref.name];
    if (!list) return;
    this._events[ref.name] = list.filter((r) => r !== ref);
    if (this._events[ref.name]!.length === 0) delete this._events[ref.name];
  }

  trigger(name: string, ...data: unknown[]): void {
    const list = this._events[name];
    if (!list) return;
    for (const ref of list.slice()) this.tryTrigger(ref, data);
  }

  tryTrigger(evt: EventRef, args: unknown[]): void {
    try {
      evt.fn.apply(evt.ctx, args);
    } catch (err) {
      eventHandlerErrors.push(err);
      setTimeout(() => {
        throw err;
      }, 0);
    }
  }

  /** Test helper: how many handlers are registered for an event. */
  listenerCount(name: string): number {
    return this._events[name]?.length ?? 0;
  }
}

export class Component {
  _loaded = false;
  _events: (() => unknown)[] = [];
  _children: Component[] = [];

  load(): void {
    if (this._loaded) return;
    this._loaded = true;
    void this.onload();
    for (const child of this._children.slice()) child.load();
  }

  onload(): void | Promise<void> {}

  unload(): void {
    // Obsidian only unloads a loaded component; tests often call `await plugin.onload()` directly,
    // so registered cleanups also run when anything was registered.
    if (!this._loaded && this._events.length === 0 && this._children.length === 0) return;
    this._loaded = false;
    for (const child of this._children.slice()) child.unload();
    this._children = [];
    this.onunload();
    const cleanups = this._events;
    this._events = [];
    for (const fn of cleanups) fn();
  }

  onunload(): void {}

  addChild<T extends Component>(component: T): T {
    this._children.push(component);
    if (this._loaded) component.load();
    return component;
  }

  removeChild<T extends Component>(component: T): T {
    const i = this._children.indexOf(component);
    if (i >= 0) {
      this._children.splice(i, 1);
      component.unload();
    }
    return component;
  }

  register(cb: () => unknown): void {
    this._events.push(cb);
  }

  registerEvent(eventRef: EventRef): void {
    this.register(() => eventRef.e.offref(eventRef));
  }

  registerDomEvent(
    el: Window | Document | HTMLElement,
    type: string,
    callback: (this: HTMLElement, ev: any) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void {
    el.addEventListener(type, callback as EventListener, options);
    this.register(() => el.removeEventListener(type, callback as EventListener, options));
  }

  registerInterval(id: number): number {
    this.register(() => clearInterval(id));
    return id;
  }
}
