import {
  completedSummary,
  delegatingSummary,
  eventPreview,
  listPreview,
  taskPreview,
} from './delegation-text';

describe('delegation previews', () => {
  it('keep short text whole', () => {
    expect(taskPreview('short')).toBe('short');
    expect(eventPreview('short')).toBe('short');
    expect(listPreview('short')).toBe('short');
    expect(completedSummary('short')).toBe('Delegation completed (short)');
    expect(completedSummary('')).toBe('Delegation completed ()');
    expect(delegatingSummary('t-1')).toBe('Delegating to t-1');
  });

  it.each([
    [taskPreview, 100],
    [eventPreview, 200],
    [listPreview, 300],
  ])('cut at their byte budget with "..." (%#)', (preview, bytes) => {
    expect(preview('a'.repeat(bytes))).toBe('a'.repeat(bytes));
    expect(preview('a'.repeat(bytes + 1))).toBe('a'.repeat(bytes) + '...');
  });

  it('count bytes, and never split a character', () => {
    // 'é' is two bytes: 100 bytes hold 50 of them; a 3-byte '€' at byte 99 does not fit.
    expect(taskPreview('é'.repeat(60))).toBe('é'.repeat(50) + '...');
    expect(taskPreview('a'.repeat(99) + '€')).toBe('a'.repeat(99) + '...');
    expect(completedSummary('é'.repeat(41))).toBe(`Delegation completed (${'é'.repeat(40)}...)`);
  });
});
