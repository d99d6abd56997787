import DataLoader from 'dataloader';

/**
 * A DataLoader that also answers synchronously for keys this request has already loaded. graphql-js
 * completes a field whose resolver returns a plain value without allocating promises for it and its
 * parents, which on a page of 100 leads is most of the garbage a request makes.
 */
export class SettledLoader<K, V, C = K> extends DataLoader<K, V, C> {
  private readonly settled: Map<C, V>;
  private readonly keyOf: (key: K) => C;

  constructor(batch: DataLoader.BatchLoadFn<K, V>, options?: DataLoader.Options<K, V, C>) {
    const keyOf = options?.cacheKeyFn ?? ((key: K) => key as unknown as C);
    const settled = new Map<C, V>();
    super(async (keys) => {
      const values = await batch(keys);
      keys.forEach((key, i) => {
        const value = values[i];
        if (!(value instanceof Error)) settled.set(keyOf(key), value as V);
      });
      return values;
    }, options);
    this.settled = settled;
    this.keyOf = keyOf;
  }

  /** The loaded value itself when there is one, else the promise `load` gives. */
  get(key: K): V | Promise<V> {
    const ck = this.keyOf(key);
    return this.settled.has(ck) ? (this.settled.get(ck) as V) : this.load(key);
  }

  /** As `loadMany`, but an array rather than a promise when every key is loaded already. */
  getMany(keys: readonly K[]): (V | Error)[] | Promise<(V | Error)[]> {
    const values: V[] = [];
    for (const key of keys) {
      const ck = this.keyOf(key);
      if (!this.settled.has(ck)) return this.loadMany(keys);
      values.push(this.settled.get(ck) as V);
    }
    return values;
  }

  override clear(key: K): this {
    this.settled.delete(this.keyOf(key));
    return super.clear(key);
  }

  override clearAll(): this {
    this.settled.clear();
    return super.clearAll();
  }
}

/** Applies `f` now to a plain value, or later to a promised one: keeps a settled field synchronous. */
export function andThen<T, R>(value: T | Promise<T>, f: (value: T) => R | Promise<R>): R | Promise<R> {
  return value instanceof Promise ? value.then(f) : f(value);
}
