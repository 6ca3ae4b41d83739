import { orgTokenProvenance } from './org-token-provenance';

const ORG = '3b0c6a52-8f0e-4d8a-9d35-6c1e7e0f4a21';

describe('orgTokenProvenance', () => {
  it('an org-token caller: org-token:<prefix>, anchored to its org', () => {
    const auth = { via: 'org-token', orgTokenPrefix: 'abcdefgh', orgId: ORG } as const;
    expect(orgTokenProvenance(auth, 'session=1')).toEqual({
      createdBy: 'org-token:abcdefgh',
      orgId: ORG,
    });
  });

  it('an unanchored org token mints unanchored', () => {
    const auth = { via: 'org-token', orgTokenPrefix: 'abcdefgh' } as const;
    expect(orgTokenProvenance(auth, undefined)).toEqual({
      createdBy: 'org-token:abcdefgh',
      orgId: null,
    });
  });

  it('any Cookie header: session', () => {
    expect(orgTokenProvenance({ via: 'admin-token' }, 'a=b')).toEqual({
      createdBy: 'session',
      orgId: null,
    });
  });

  it('otherwise admin-token (fresh install, ADMIN_TOKEN, workspace token)', () => {
    for (const via of ['fresh-install', 'admin-token', 'workspace-token'] as const) {
      expect(orgTokenProvenance({ via }, undefined)).toEqual({
        createdBy: 'admin-token',
        orgId: null,
      });
      expect(orgTokenProvenance({ via }, '')).toEqual({ createdBy: 'admin-token', orgId: null });
    }
  });
});
