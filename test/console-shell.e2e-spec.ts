import { seedXian, startTestApp, userToken, type TestApp } from './support/harness';
import { launchBrowser, loginInBrowser, screenshot, type TestBrowser } from './support/browser';

/** The console shell in real Chromium: served at `/` beside the api, login, role menu, logout. */
describe('web console: shell', () => {
  let t: TestApp;
  let b: TestBrowser;
  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    await userToken(t, 'shell_zone', '610115-Z1', 'OFFICER');
    await userToken(t, 'shell_viewer', '610115-Z1', 'VIEWER');
    b = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  it('serves the console at / and client routes, never shadowing the api', async () => {
    const html = { accept: 'text/html,application/xhtml+xml' };
    const root = await fetch(`${t.baseUrl}/`, { headers: html });
    expect(root.status).toBe(200);
    expect(root.headers.get('content-security-policy')).toContain("script-src 'self'");
    const body = await root.text();
    expect(body).toContain('<div id="root">');
    // No CDN, no external font or script: every src/href is a path on this origin.
    for (const m of body.matchAll(/(?:src|href)="([^"]+)"/g)) expect(m[1]).toMatch(/^\/(?!\/)/);
    expect((await fetch(`${t.baseUrl}/leads/123/edit`, { headers: html })).status).toBe(200);
    // The api's own paths keep answering as before.
    expect((await fetch(`${t.baseUrl}/health`, { headers: html })).headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${t.baseUrl}/graphql`, { headers: html })).headers.get('content-security-policy')).not.toBe(root.headers.get('content-security-policy'));
    // Not a browser navigation: the api's 404, not the console.
    expect((await fetch(`${t.baseUrl}/no-such-page`)).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/assets/no-such-file.js`)).status).toBe(404);
  });

  it('logs in, shows the workbench and the menu of the role, switches language, logs out', async () => {
    const { page } = await b.newPage(t.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('/workbench');
    // Not logged in: the login page.
    await page.getByLabel('用户名').waitFor();
    await page.getByLabel('用户名').fill('shell_zone');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    // The api's refusal, in Chinese.
    await page.getByRole('alert').filter({ hasText: /[\u4e00-\u9fff]/ }).waitFor();
    await screenshot(page, 'login');

    await loginInBrowser(page, 'shell_zone');
    await page.getByTestId('current-user').filter({ hasText: 'shell_zone' }).waitFor();
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: '登记项目' }).waitFor();
    expect(await nav.getByRole('link', { name: '系统管理' }).count()).toBe(0);
    await screenshot(page, 'workbench');

    await page.getByRole('button', { name: 'language' }).click();
    await page.getByRole('heading', { name: 'Workbench' }).waitFor();
    await page.getByRole('button', { name: 'language' }).click();
    await page.getByRole('heading', { name: '工作台' }).waitFor();

    await page.getByRole('button', { name: /退出登录/ }).click();
    await page.getByLabel('用户名').waitFor();
    expect(await page.evaluate('localStorage.getItem("zs.token")')).toBeNull();
    expect(errors).toEqual([]);
  });

  it('a VIEWER gets no menu entry for posting leads', async () => {
    const { page } = await b.newPage(t.baseUrl);
    await loginInBrowser(page, 'shell_viewer');
    await page.getByRole('navigation').getByRole('link', { name: '项目检索' }).waitFor();
    expect(await page.getByRole('navigation').getByRole('link', { name: '登记项目' }).count()).toBe(0);
  });
});
