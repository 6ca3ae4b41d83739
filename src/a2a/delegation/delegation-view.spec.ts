import { DelegationRow } from './delegation.repository';
import { toDelegationEntry } from './delegation-view';

const at = new Date('2026-04-05T10:00:00Z');
const row = (fields: Partial<DelegationRow> = {}): DelegationRow => ({
  id: 'row-1',
  activity_type: 'delegation',
  source_id: 'src',
  target_id: 'tgt',
  summary: 'Delegating to tgt',
  status: 'pending',
  error_detail: null,
  created_at: at,
  delegation_id: null,
  response_json: null,
  ...fields,
});

describe('toDelegationEntry', () => {
  it('always has the base fields; NULL text columns read as ""', () => {
    expect(
      toDelegationEntry(row({ source_id: null, target_id: null, summary: null, status: null })),
    ).toEqual({
      id: 'row-1',
      type: 'delegation',
      source_id: '',
      target_id: '',
      summary: '',
      status: '',
      created_at: at,
    });
  });

  it('adds delegation_id and error only when non-empty', () => {
    expect(toDelegationEntry(row({ delegation_id: 'd-1', error_detail: 'boom' }))).toMatchObject({
      delegation_id: 'd-1',
      error: 'boom',
    });
    const entry = toDelegationEntry(row({ delegation_id: '', error_detail: '' }));
    expect(entry).not.toHaveProperty('delegation_id');
    expect(entry).not.toHaveProperty('error');
  });

  it('previews the reply text, cut at 300 bytes', () => {
    const json = JSON.stringify({ text: 'x'.repeat(301), delegation_id: 'd' });
    expect(toDelegationEntry(row({ response_json: json })).response_preview).toBe(
      'x'.repeat(300) + '...',
    );
  });

  it('previews a body without text as its stored JSON (queued rows, as in the reference)', () => {
    const json = '{"queued": true, "delegation_id": "d-1"}';
    expect(toDelegationEntry(row({ response_json: json })).response_preview).toBe(json);
  });

  it('has no preview for an empty text, no body, or a body that only links the delegation', () => {
    for (const response_json of ['{"text": ""}', null, '{"delegation_id": "d-1"}']) {
      expect(toDelegationEntry(row({ response_json }))).not.toHaveProperty('response_preview');
    }
  });
});
