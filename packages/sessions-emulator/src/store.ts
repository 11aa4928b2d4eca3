import { compareFor, matches, queryKey, type Filters, type Search } from './query.js';
import type { Dataset, SessionRecord } from './model.js';

const CACHED_QUERIES = 16;

/** The sessions the emulator serves, indexed by id, with recent search results cached until the next change. */
export class Store {
  readonly dataset: Dataset;
  readonly #byId = new Map<string, SessionRecord>();
  readonly #results = new Map<string, SessionRecord[]>();
  readonly #orders = new Map<string, SessionRecord[]>();

  constructor(dataset: Dataset) {
    this.dataset = dataset;
    for (const record of dataset.records) this.#byId.set(record.session.sessionId, record);
  }

  /** The record of a session id, or undefined. */
  get(sessionId: string): SessionRecord | undefined {
    return this.#byId.get(sessionId);
  }

  /** Every matching record, in search order. Paging a large export reuses one computed result. */
  search(search: Omit<Search, 'pageNumber' | 'pageSize'>): SessionRecord[] {
    const key = queryKey(search);
    const cached = this.#results.get(key);
    if (cached !== undefined) return cached;
    // Filtering a list already in order keeps the order: each new query costs one pass, not a sort.
    const result = this.#ordered(search).filter((record) => matches(record, search));
    if (this.#results.size >= CACHED_QUERIES) {
      const oldest = this.#results.keys().next().value;
      if (oldest !== undefined) this.#results.delete(oldest);
    }
    this.#results.set(key, result);
    return result;
  }

  #ordered(order: Pick<Search, 'orderBy' | 'sortDirection'>): SessionRecord[] {
    const key = `${order.orderBy} ${order.sortDirection}`;
    let ordered = this.#orders.get(key);
    if (ordered === undefined) {
      ordered = [...this.dataset.records].sort(compareFor(order));
      this.#orders.set(key, ordered);
    }
    return ordered;
  }

  /** Every matching record, in dataset order. */
  filter(filters: Filters): SessionRecord[] {
    return this.dataset.records.filter((record) => matches(record, filters));
  }

  /** Call after any change to records: registers new ones and drops cached results. */
  changed(): void {
    for (const record of this.dataset.records) {
      if (!this.#byId.has(record.session.sessionId)) this.#byId.set(record.session.sessionId, record);
    }
    this.#results.clear();
    this.#orders.clear();
  }
}
