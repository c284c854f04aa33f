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
