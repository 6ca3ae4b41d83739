import { Injectable } from '@nestjs/common';
import * as dns from 'node:dns';

/** DNS as a port, so the SSRF guards are tested against a fake and never touch the network. */
export abstract class HostResolver {
  /** Every A and AAAA address of `hostname`; rejects when the name does not resolve. */
  abstract resolve(hostname: string): Promise<string[]>;
}

@Injectable()
export class DnsHostResolver extends HostResolver {
  async resolve(hostname: string): Promise<string[]> {
    // The system resolver (as a connection would use it), in the order it answered.
    const records = await dns.promises.lookup(hostname, { all: true, verbatim: true });
    return records.map((record) => record.address);
  }
}
