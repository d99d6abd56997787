import { seedXian, startTestApp, userToken, type TestApp } from './support/harness';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
  });
  afterAll(() => t?.close());

  it('lists districts', async () => {
    const token = await userToken(t, 'smoke', '610100', 'ADMIN');
    const res = await t.gql(`{ orgUnits(tier: DISTRICT) { code name parent { code } } }`, {}, { token });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.orgUnits).toHaveLength(13);
  });
});
