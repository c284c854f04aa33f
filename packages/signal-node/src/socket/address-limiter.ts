import { isIPv6 } from 'node:net';

/**
 * The key under which the limits count a remote address. An IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`, what a dual-stack listener reports) is its IPv4 address. Any other
 * IPv6 address counts by its /64 prefix: one subscriber usually holds a whole /64
 * (RFC 6177, RFC 8273), so counting single addresses would let one client spread over
 * 2^64 of them.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1] !== undefined) {
    return mapped[1];
  }
  const bare = address.replace(/%.*$/, '');
  if (!isIPv6(bare)) {
    return address;
  }
  const [head = '', tail] = bare.split('::');
  const groups = (part: string): string[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => (group.includes('.') ? ['0', '0'] : [group]));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const all = [
    ...front,
    ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'),
    ...back,
  ];
  return `${all
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * Counts live sockets per remote address. Addresses are held in memory only while a
 * socket from them is open and are never logged or stored.
 */
export class AddressLimiter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Counts one more socket from `address`; false (and nothing counted) at the limit. */
  acquire(address: string): boolean {
    const count = this.counts.get(address) ?? 0;
    if (count >= this.limit) {
      return false;
    }
    this.counts.set(address, count + 1);
    return true;
  }

  release(address: string): void {
    const count = this.counts.get(address) ?? 0;
    if (count <= 1) {
      this.counts.delete(address);
    } else {
      this.counts.set(address, count - 1);
    }
  }
}
