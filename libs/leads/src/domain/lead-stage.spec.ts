import { LeadStage, classifyTransition } from './lead-stage';

const { LEAD, NEGOTIATING, SIGNED, LANDED, OPERATING, ON_HOLD, LOST } = LeadStage;

describe('classifyTransition', () => {
  it('moves forward one step at a time', () => {
    expect(classifyTransition(LEAD, NEGOTIATING, null).kind).toBe('FORWARD');
    expect(classifyTransition(NEGOTIATING, SIGNED, null).kind).toBe('FORWARD');
    expect(classifyTransition(LANDED, OPERATING, null).kind).toBe('FORWARD');
    expect(classifyTransition(LEAD, SIGNED, null).kind).toBe('INVALID');
    expect(classifyTransition(LEAD, LEAD, null).kind).toBe('INVALID');
  });

  it('holds and loses from open stages only', () => {
    for (const s of [LEAD, NEGOTIATING, SIGNED, LANDED]) {
      expect(classifyTransition(s, ON_HOLD, null).kind).toBe('HOLD');
      expect(classifyTransition(s, LOST, null).kind).toBe('LOSE');
    }
    expect(classifyTransition(OPERATING, ON_HOLD, null).kind).toBe('INVALID');
    expect(classifyTransition(OPERATING, LOST, null).kind).toBe('INVALID');
    expect(classifyTransition(ON_HOLD, LOST, SIGNED).kind).toBe('LOSE');
    expect(classifyTransition(LOST, ON_HOLD, null).kind).toBe('INVALID');
  });

  it('resumes a held lead to the stage it left, not further', () => {
    expect(classifyTransition(ON_HOLD, SIGNED, SIGNED).kind).toBe('RESUME');
    expect(classifyTransition(ON_HOLD, LANDED, SIGNED).kind).toBe('INVALID');
    expect(classifyTransition(ON_HOLD, LEAD, SIGNED).kind).toBe('BACKWARD');
  });

  it('marks backward moves and reopening for managers', () => {
    expect(classifyTransition(SIGNED, NEGOTIATING, null).kind).toBe('BACKWARD');
    expect(classifyTransition(OPERATING, LEAD, null).kind).toBe('BACKWARD');
    expect(classifyTransition(LOST, NEGOTIATING, null).kind).toBe('REOPEN');
  });
});
