import { SettledLoader, andThen } from './settled-loader';

describe('SettledLoader', () => {
  const make = () => {
    const batches: string[][] = [];
    const loader = new SettledLoader<string, string | null>(async (keys) => {
      batches.push([...keys]);
      return keys.map((k) => (k === 'boom' ? new Error('boom') : k === 'none' ? null : k.toUpperCase()));
    });
    return { loader, batches };
  };

  it('answers with a promise until a key is loaded, then with the value itself', async () => {
    const { loader, batches } = make();
    const first = loader.get('a');
    expect(first).toBeInstanceOf(Promise);
    await expect(first).resolves.toBe('A');
    expect(loader.get('a')).toBe('A');
    expect(loader.get('none')).toBeInstanceOf(Promise);
    await loader.load('none');
    expect(loader.get('none')).toBeNull();
    expect(batches).toEqual([['a'], ['none']]);
  });

  it('keeps failures asynchronous and retries nothing the DataLoader would not', async () => {
    const { loader } = make();
    await expect(loader.load('boom')).rejects.toThrow('boom');
    const again = loader.get('boom');
    expect(again).toBeInstanceOf(Promise);
    await expect(again).rejects.toThrow('boom');
  });

  it('getMany gives an array only when every key is loaded', async () => {
    const { loader, batches } = make();
    await loader.loadMany(['a', 'b']);
    expect(loader.getMany(['a', 'b'])).toEqual(['A', 'B']);
    const mixed = loader.getMany(['a', 'c']);
    expect(mixed).toBeInstanceOf(Promise);
    await expect(mixed).resolves.toEqual(['A', 'C']);
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  it('forgets what clear and clearAll drop', async () => {
    const { loader } = make();
    await loader.load('a');
    loader.clear('a');
    expect(loader.get('a')).toBeInstanceOf(Promise);
    await loader.load('b');
    loader.clearAll();
    expect(loader.get('b')).toBeInstanceOf(Promise);
  });

  it('uses the cache key function for composite keys', async () => {
    const loader = new SettledLoader<{ k: string }, string, string>(async (keys) => keys.map((x) => x.k), { cacheKeyFn: (x) => x.k });
    await loader.load({ k: 'x' });
    expect(loader.get({ k: 'x' })).toBe('x');
  });
});

describe('andThen', () => {
  it('applies at once to a value and later to a promise', async () => {
    expect(andThen(2, (n) => n + 1)).toBe(3);
    await expect(andThen(Promise.resolve(2), (n) => n + 1)).resolves.toBe(3);
  });
});
