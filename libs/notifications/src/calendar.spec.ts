import { addDays, dayIn, stableEventId, startOfDay } from './calendar';
import { isUuid } from '@zs/common';

describe('notification calendar helpers', () => {
  it('takes calendar days in the digest time zone', () => {
    // 2026-12-03 17:30 UTC is already 2026-12-04 in Shanghai (UTC+8).
    expect(dayIn(new Date('2026-12-03T17:30:00Z'), 'Asia/Shanghai')).toBe('2026-12-04');
    expect(dayIn(new Date('2026-12-03T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-12-03');
    expect(startOfDay('2026-12-04', 'Asia/Shanghai').toISOString()).toBe('2026-12-03T16:00:00.000Z');
    expect(startOfDay('2026-07-01', 'Europe/Berlin').toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('derives one stable uuid per scheduled notification', () => {
    const a = stableEventId('digest', 'u1', '2026-12-04');
    expect(isUuid(a)).toBe(true);
    expect(stableEventId('digest', 'u1', '2026-12-04')).toBe(a);
    expect(stableEventId('digest', 'u1', '2026-12-05')).not.toBe(a);
    expect(stableEventId('digest', 'u1:2026', '12-04')).not.toBe(stableEventId('digest', 'u1', '2026:12-04'));
  });
});
