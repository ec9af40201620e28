/**
 * One AMI message (a response or an event) as the ordered `Key: Value` lines Asterisk sent.
 * Keys repeat in some messages (e.g. `Output:` lines of a `Command` reply), so lookups are by
 * first match or all matches, case-insensitive.
 */
export class AmiMessage {
  /** The lines in order, as [key, value]. */
  readonly fields: ReadonlyArray<readonly [string, string]>;

  constructor(fields: ReadonlyArray<readonly [string, string]>) {
    this.fields = fields;
  }

  /** The first value of `key` (case-insensitive), or undefined. */
  get(key: string): string | undefined {
    const wanted = key.toLowerCase();
    return this.fields.find(([k]) => k.toLowerCase() === wanted)?.[1];
  }

  /** Every value of `key` (case-insensitive), in order. */
  getAll(key: string): string[] {
    const wanted = key.toLowerCase();
    return this.fields.filter(([k]) => k.toLowerCase() === wanted).map(([, v]) => v);
  }

  /** The event name, for an event. */
  get event(): string | undefined {
    return this.get("Event");
  }

  /** `Success`, `Error`, `Goodbye`, … for a response. */
  get response(): string | undefined {
    return this.get("Response");
  }

  /** The fields as an object (first value of each key wins), for logs and tests. */
  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.fields) if (!(k in out)) out[k] = v;
    return out;
  }
}
