import * as dns from 'node:dns';
import { DnsHostResolver } from './host-resolver';

describe('DnsHostResolver', () => {
  afterEach(() => jest.restoreAllMocks());

  it('asks the system resolver for every A and AAAA address, in its order', async () => {
    const lookup = jest.spyOn(dns.promises, 'lookup').mockResolvedValue([
      { address: '2606:4700:4700::1111', family: 6 },
      { address: '1.1.1.1', family: 4 },
    ] as never);

    await expect(new DnsHostResolver().resolve('one.example')).resolves.toEqual([
      '2606:4700:4700::1111',
      '1.1.1.1',
    ]);
    expect(lookup).toHaveBeenCalledWith('one.example', { all: true, verbatim: true });
  });

  it('rejects when the name does not resolve', async () => {
    const error = Object.assign(new Error('getaddrinfo ENOTFOUND nope.invalid'), {
      code: 'ENOTFOUND',
    });
    jest.spyOn(dns.promises, 'lookup').mockRejectedValue(error);

    await expect(new DnsHostResolver().resolve('nope.invalid')).rejects.toBe(error);
  });
});
