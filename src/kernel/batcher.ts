// Micro-batching: callers each submit one item and get their own result, while the work runs for
// many items at once (one database round trip, one signature). A batch goes when it is full or
// when its first item has waited `maxWaitMs`; one batch runs at a time, in submission order.
// With `maxWaitMs: 0` nothing waits for a timer: a batch starts once the current turn of the event
// loop is over, and whatever arrives while it runs forms the next one (group commit). Under load
// batches grow by themselves; an idle system pays no delay.
// A batch that fails is run again one item at a time, so an item that cannot be written fails
// alone: nothing one caller submits can fail another caller's item.

export interface BatcherOptions<T, R> {
  maxItems: number;
  maxWaitMs: number;
  /** Does the work for a batch; must return one result per item, in order. */
  run(items: T[]): Promise<R[]>;
}

export class Batcher<T, R> {
  private queue: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private timer: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: BatcherOptions<T, R>) {}

  /** Adds an item; resolves with its result once its batch has run. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.options.maxItems) this.kick();
      else if (!this.timer && !this.running) this.timer = this.schedule();
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

  /** After a failed batch: each item on its own, in order, each settling with its own outcome. */
  private async runAlone(batch: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[]): Promise<void> {
    for (const entry of batch) {
      try {
        const [result] = await this.options.run([entry.item]);
        entry.resolve(result!);
      } catch (error) {
        entry.reject(error);
      }
    }
  }

  /** Arms the start of the next batch; returns how to disarm it. */
  private schedule(): () => void {
    if (this.options.maxWaitMs <= 0) {
      const immediate = setImmediate(() => this.kick());
      return () => clearImmediate(immediate);
    }
    const timeout = setTimeout(() => this.kick(), this.options.maxWaitMs);
    return () => clearTimeout(timeout);
  }

  private kick(): void {
    if (this.timer) {
      this.timer();
      this.timer = undefined;
    }
    if (this.running || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxItems);
    this.running = this.options
      .run(batch.map((entry) => entry.item))
      .then(
        (results) => batch.forEach((entry, index) => entry.resolve(results[index]!)),
        (error: unknown) => (batch.length === 1 ? batch[0]!.reject(error) : this.runAlone(batch)),
      )
      .finally(() => {
        this.running = undefined;
        // Whatever arrived meanwhile goes next, without waiting for a new timer.
        if (this.queue.length > 0) this.kick();
      });
  }
}
