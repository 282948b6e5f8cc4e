// VS Code–shaped Event/Emitter/Disposable for the plain-Node core. The UI layer
// subscribes to these directly (their shapes are assignable to vscode.Event), so the
// core never imports `vscode`.

export interface IDisposable {
  dispose(): void;
}

export type Event<T> = (
  listener: (e: T) => unknown,
  thisArgs?: unknown,
  disposables?: IDisposable[] | DisposableStore,
) => IDisposable;

export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose() {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

export class DisposableStore implements IDisposable {
  private readonly items = new Set<IDisposable>();
  private disposed = false;

  add<T extends IDisposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.items.add(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const d of this.items) {
      try {
        d.dispose();
      } catch (e) {
        errors.push(e);
      }
    }
    this.items.clear();
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'several disposables failed');
  }
}

/** Base class with `_register()`, as in vscode-pull-request-github's lifecycle.ts. */
export abstract class Disposable implements IDisposable {
  private readonly _store = new DisposableStore();
  protected _register<T extends IDisposable>(d: T): T {
    return this._store.add(d);
  }
  dispose(): void {
    this._store.dispose();
  }
}

export class Emitter<T> implements IDisposable {
  private listeners: Array<{ fn: (e: T) => unknown; thisArgs: unknown }> = [];
  private disposed = false;

  /** `onListenerError` sees a listener's exception; the default reports it on stderr. */
  constructor(private readonly onListenerError: (err: unknown) => void = (err) => console.error(err)) {}

  readonly event: Event<T> = (fn, thisArgs, disposables) => {
    if (this.disposed) return toDisposable(() => undefined);
    const entry = { fn, thisArgs };
    this.listeners.push(entry);
    const d = toDisposable(() => {
      this.listeners = this.listeners.filter((l) => l !== entry);
    });
    if (disposables instanceof DisposableStore) disposables.add(d);
    else if (Array.isArray(disposables)) disposables.push(d);
    return d;
  };

  /** Delivers synchronously, in subscription order. A throwing listener never stops the others. */
  fire(e: T): void {
    for (const l of [...this.listeners]) {
      try {
        l.fn.call(l.thisArgs, e);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  get hasListeners(): boolean {
    return this.listeners.length > 0;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners = [];
  }
}

/** Resolves with the next value the event fires. */
export function onceEvent<T>(event: Event<T>, predicate: (e: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const d = event((e) => {
      if (predicate(e)) {
        d.dispose();
        resolve(e);
      }
    });
  });
}
