/**
 * Runs jobs one after another per key (per WeChat user), so two messages from one citizen never
 * run as two concurrent turns over the same conversation state, and their customer-service
 * messages leave in order. Keys with nothing queued take no memory.
 */
export class KeyedSerial<K> {
  private readonly tails = new Map<K, Promise<unknown>>();

  run<T>(key: K, job: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(job, job);
    const tail = next.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  get size(): number {
    return this.tails.size;
  }

  /** Resolves when every job queued so far (and any queued meanwhile) has finished. */
  async idle(): Promise<void> {
    while (this.tails.size) await Promise.all([...this.tails.values()]);
  }
}
