// Micro-batching: callers each submit one item and get their own result, while the work runs for
// many items at once (one database round trip, one signature). A batch goes when it is full or
// when its first item has waited `maxWaitMs`; one batch runs at a time, in submission order.

export interface BatcherOptions<T, R> {
  maxItems: number;
  maxWaitMs: number;
  /** Does the work for a batch; must return one result per item, in order. */
  run(items: T[]): Promise<R[]>;
}

export class Batcher<T, R> {
  private queue: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: BatcherOptions<T, R>) {}

  /** Adds an item; resolves with its result once its batch has run. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.options.maxItems) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), this.options.maxWaitMs);
    });
  }

  /** Runs whatever is queued and waits until everything submitted so far is done. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.running) {
      this.kick();
      await this.running;
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.running || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxItems);
    this.running = this.options
      .run(batch.map((entry) => entry.item))
      .then(
        (results) => batch.forEach((entry, index) => entry.resolve(results[index]!)),
        (error: unknown) => batch.forEach((entry) => entry.reject(error)),
      )
      .finally(() => {
        this.running = undefined;
        // Whatever arrived meanwhile goes next, without waiting for a new timer.
        if (this.queue.length > 0) this.kick();
      });
  }
}
