import { seedXian, startTestApp, userToken, type TestApp } from './support/harness';
import { launchBrowser, loginInBrowser, screenshot, type TestBrowser } from './support/browser';
import type { INestApplication } from '@nestjs/common';
import { ok } from './support/gql';
import { startWorker } from './notify-support';

/** The inbox in real Chromium: a referral made through the api shows in the open console's badge live. */
describe('web console: notifications', () => {
  let t: TestApp;
  let b: TestBrowser;
  let zone1: string;
  // The worker turns the api's events into notifications (as in production).
  let worker: INestApplication;
  beforeAll(async () => {
    t = await startTestApp();
    await seedXian(t.app);
    zone1 = await userToken(t, 'inbox_z1', '610115-Z1', 'OFFICER');
    await userToken(t, 'inbox_z2', '610115-Z2', 'OFFICER');
    worker = await startWorker(t);
    b = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await worker?.close();
    await t?.close();
  });

  it('the unread badge rises live when a lead is referred to my unit; the inbox shows it and marks it read', async () => {
    const { page } = await b.newPage(t.baseUrl);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await loginInBrowser(page, 'inbox_z2');
    const badge = page.getByRole('navigation').getByTestId('unread-badge');
    // Zero renders an empty (hidden) badge: attached, with the count in its label.
    await badge.and(page.getByLabel('消息通知: 0')).waitFor({ state: 'attached' });

    const lead = ok(
      await t.gql(
        `mutation($input: CreateLeadInput!) { createLead(input: $input) { id } }`,
        { input: { title: '收件箱测试项目', industryCode: 'IC', investor: { name: '收件箱测试有限公司' } } },
        { token: zone1 },
      ),
    ).createLead as { id: string };
    ok(await t.gql(`mutation($id: ID!) { referLead(id: $id, toUnitCode: "610115-Z2", note: "请接洽") { id } }`, { id: lead.id }, { token: zone1 }));

    // No reload: the subscription brings the new count.
    await badge.and(page.getByLabel('消息通知: 1')).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: /消息通知/ }).click();
    const item = page.getByTestId('inbox-item').filter({ hasText: '收件箱测试项目' });
    await item.waitFor();
    await item.getByText('未读').waitFor();
    await screenshot(page, 'notifications');
    await item.getByRole('button', { name: /标为已读/ }).click();
    await item.getByText('已读', { exact: true }).waitFor();
    await badge.and(page.getByLabel('消息通知: 0')).waitFor({ state: 'attached' });
    expect(errors).toEqual([]);
  });
});
