/**
 * Storefront catalog reads from memory, correct by construction:
 * - every entry is keyed by everything that changes the answer (the caller builds the key: viewer
 *   tier, query, page; prices are applied per request from the tier's current benefits);
 * - an entry belongs to the catalog version it was loaded under. Admin writes bump the version in the
 *   `catalog_versions` document; this instance sees its own bump at once and every other instance
 *   re-reads the document when its last read is half a second old (in the background; a reader waits
 *   only when it is a full second old), so an edit is visible everywhere within a second;
 * - entries that show stock live at most `maxAgeMs` (1 s) counted from when their load started, so
 *   stock is at most a second stale; order placement reads stock itself and stays authoritative;
 * - one load per key at a time (a stampede of readers waits for the same load), and a load is started
 *   in the background shortly before an entry expires, so a steady stream of readers never waits.
 */
import { model, Schema } from 'mongoose';

const catalogVersionSchema = new Schema(
  { _id: { type: String, required: true }, v: { type: Number, default: 0 } },
  { collection: 'catalog_versions', versionKey: false },
);
const CatalogVersionDoc = model('CatalogVersion', catalogVersionSchema);

const VERSION_ID = 'catalog';
const VERSION_POLL_MS = 1000;

export interface CatalogVersion {
  /** The version to read under: the shared document's value, re-read at most once a second, plus local bumps. */
  current(): Promise<string>;
  /** After a catalog write: every instance sees a new version within a second, this one at once. */
  bump(): Promise<void>;
}

export function createCatalogVersion(): CatalogVersion {
  let shared = 0;
  let local = 0;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let checking: Promise<void> | undefined;
  const check = () => {
    checking ??= (async () => {
      const started = Date.now();
      try {
        const doc = await CatalogVersionDoc.findById(VERSION_ID, { v: 1 }).lean<{ v?: number }>();
        shared = doc?.v ?? 0;
        checkedAt = started;
      } finally {
        checking = undefined;
      }
    })();
    return checking;
  };
  return {
    async current() {
      const age = Date.now() - checkedAt;
      // Re-read in the background after half a second, so a steady stream of readers never waits;
      // wait only when the last read is a full second old.
      if (age >= VERSION_POLL_MS) await check();
      else if (age >= VERSION_POLL_MS / 2) check().catch(() => {});
      return `${shared}.${local}`;
    },
    async bump() {
      local += 1;
      await CatalogVersionDoc.updateOne({ _id: VERSION_ID }, { $inc: { v: 1 } }, { upsert: true });
      checkedAt = Number.NEGATIVE_INFINITY;
    },
  };
}

interface Entry<V> {
  value: V;
  /** When the load that produced it started. */
  at: number;
  version: string;
}

export interface ReadCacheOptions {
  /** An entry older than this is never served. */
  maxAgeMs: number;
  /** A read of an entry at least this old also starts a background reload. */
  refreshAfterMs: number;
  /** Least recently loaded entries go first beyond this. */
  maxEntries: number;
}

export class ReadCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly loading = new Map<string, Promise<V>>();
  /** Loads actually run (for tests and the benchmark's report). */
  loads = 0;

  constructor(
    private readonly version: CatalogVersion,
    private readonly options: ReadCacheOptions,
  ) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const version = await this.version.current();
    const entry = this.entries.get(key);
    const age = entry ? Date.now() - entry.at : Number.POSITIVE_INFINITY;
    if (entry && entry.version === version && age < this.options.maxAgeMs) {
      if (age >= this.options.refreshAfterMs) this.load(key, load, version).catch(() => {});
      return entry.value;
    }
    return this.load(key, load, version);
  }

  clear(): void {
    this.entries.clear();
  }

  private load(key: string, load: () => Promise<V>, version: string): Promise<V> {
    const running = this.loading.get(key);
    if (running) return running;
    const started = Date.now();
    this.loads += 1;
    const promise = load()
      .then((value) => {
        this.entries.delete(key); // re-inserted last: Map order is load order
        this.entries.set(key, { value, at: started, version });
        if (this.entries.size > this.options.maxEntries) {
          const oldest = this.entries.keys().next().value;
          if (oldest !== undefined) this.entries.delete(oldest);
        }
        return value;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, promise);
    return promise;
  }
}
