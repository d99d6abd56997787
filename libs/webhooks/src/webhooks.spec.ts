import { loadConfig, ConfigValidationError } from '@zs/config';
import { DomainEventType } from '@zs/outbox';
import { retryDelayMs } from './webhook-delivery.service';
import { WebhookEventType, webhookEventOf } from './webhook-event-type';
import { verifyWebhookSignature, webhookSignature } from './webhook-signature';
import { TargetRefusedError, isBlockedAddress, resolveTarget, urlProblem } from './webhook-target';
import { createHmac } from 'node:crypto';

describe('SSRF rule', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::a9fe:a9fe',
    'not-an-address',
  ])('refuses %s', (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });

  it('checks the URL form', () => {
    expect(urlProblem('https://partner.example.com/hook?x=1')).toBeNull();
    expect(urlProblem('ftp://partner.example.com/')).toBe('must be an absolute http or https URL');
    expect(urlProblem('/relative')).toBe('must be an absolute http or https URL');
    expect(urlProblem('https://user:pw@partner.example.com/')).toBe('must not contain credentials');
    expect(urlProblem(`https://p.example.com/${'a'.repeat(2000)}`)).toBe('must be at most 2000 characters');
  });

  it('resolves IP literals and names, and honours the allow-list', async () => {
    await expect(resolveTarget('http://127.0.0.1:9/x', [])).rejects.toThrow(TargetRefusedError);
    await expect(resolveTarget('http://[::1]:9/x', [])).rejects.toThrow(/loopback, private or link-local/);
    await expect(resolveTarget('http://localhost:9/x', [])).rejects.toThrow(/resolves to/);
    const allowed = await resolveTarget('http://127.0.0.1:9/x', ['127.0.0.1']);
    expect(allowed).toMatchObject({ address: '127.0.0.1', family: 4 });
    expect((await resolveTarget('http://[::1]:9/x', ['::1'])).family).toBe(6);
    // The allow-list names hosts, not addresses behind other names.
    await expect(resolveTarget('http://localhost:9/x', ['127.0.0.1'])).rejects.toThrow(/resolves to/);
  });
});

describe('signature', () => {
  it('is v1= hex HMAC-SHA256 over timestamp.body', () => {
    const body = '{"id":"e1"}';
    const sig = webhookSignature('whsec_test', '1700000000', body);
    expect(sig).toBe(`v1=${createHmac('sha256', 'whsec_test').update(`1700000000.${body}`).digest('hex')}`);
    expect(verifyWebhookSignature('whsec_test', '1700000000', body, sig)).toBe(true);
    expect(verifyWebhookSignature('whsec_test', '1700000001', body, sig)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', '1700000000', body, sig)).toBe(false);
    expect(verifyWebhookSignature('whsec_test', '1700000000', body, 'v1=00')).toBe(false);
  });
});

describe('retry schedule', () => {
  it('doubles from the base up to the cap, with ±20% jitter', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 60_000, 21_600_000, mid))).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(retryDelayMs(20, 60_000, 21_600_000, mid)).toBe(21_600_000);
    expect(retryDelayMs(1, 60_000, 21_600_000, () => 0)).toBe(48_000);
    expect(retryDelayMs(1, 60_000, 21_600_000, () => 1)).toBe(72_000);
  });

  it('spans about a day with the defaults (13 attempts)', () => {
    const c = loadConfig({}).webhooks;
    const mid = () => 0.5;
    let total = 0;
    for (let n = 1; n < c.maxAttempts; n++) total += retryDelayMs(n, c.retryBaseMs, c.retryMaxMs, mid);
    expect(total / 3_600_000).toBeGreaterThan(20);
    expect(total / 3_600_000).toBeLessThan(30);
  });
});

describe('event types', () => {
  it('maps lead events and never conflicts or activities', () => {
    expect(webhookEventOf(DomainEventType.LeadStageChanged)).toBe(WebhookEventType.LEAD_STAGE_CHANGED);
    expect(webhookEventOf(DomainEventType.ConflictDetected)).toBeNull();
    expect(webhookEventOf(DomainEventType.LeadActivityAdded)).toBeNull();
    for (const t of Object.values(WebhookEventType)) expect(Object.values(DomainEventType)).toContain(t);
  });
});

describe('webhook configuration', () => {
  it('has defaults and reads WEBHOOK_*', () => {
    expect(loadConfig({}).webhooks).toEqual({
      allowedHosts: [],
      timeoutMs: 10000,
      maxResponseBytes: 65536,
      maxAttempts: 13,
      retryBaseMs: 60000,
      retryMaxMs: 21600000,
    });
    const c = loadConfig({
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1, Partner.Local ,[::1]',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_MAX_RESPONSE_BYTES: '4096',
      WEBHOOK_MAX_ATTEMPTS: '4',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_RETRY_MAX_MS: '200',
    }).webhooks;
    expect(c).toEqual({ allowedHosts: ['127.0.0.1', 'partner.local', '::1'], timeoutMs: 2000, maxResponseBytes: 4096, maxAttempts: 4, retryBaseMs: 50, retryMaxMs: 200 });
  });

  it('reports every bad WEBHOOK_* value at once', () => {
    let err: unknown;
    try {
      loadConfig({ WEBHOOK_ALLOWED_HOSTS: 'a b', WEBHOOK_TIMEOUT_MS: '0', WEBHOOK_MAX_ATTEMPTS: 'x', WEBHOOK_RETRY_BASE_MS: '500', WEBHOOK_RETRY_MAX_MS: '100' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect((err as ConfigValidationError).problems.map((p) => p.split(' ')[0]).sort()).toEqual([
      'WEBHOOK_ALLOWED_HOSTS',
      'WEBHOOK_MAX_ATTEMPTS',
      'WEBHOOK_RETRY_MAX_MS',
      'WEBHOOK_TIMEOUT_MS',
    ]);
  });
});
