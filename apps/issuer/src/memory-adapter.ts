import type { Adapter, UnknownObject } from 'oidc-provider';

interface Entry {
  readonly payload: UnknownObject;
  readonly expiresAt: number;
}

/** Most entries kept per model; the oldest go first. JWT access tokens are never stored, so this stays small. */
const MAX_ENTRIES = 10_000;

/**
 * oidc-provider's storage for one provider, in memory and bounded: a factory that gives each model (by name) its own
 * store. This issuer hands out JWT access tokens only, which the provider does not store; what remains is
 * short-lived, so losing it on restart is fine.
 *
 * @example
 * ```ts
 * new Provider(issuer, { adapter: memoryAdapter() });
 * ```
 */
export function memoryAdapter(): (name: string) => Adapter {
  const adapters = new Map<string, MemoryAdapter>();
  return (name) => {
    let adapter = adapters.get(name);
    if (adapter === undefined) {
      adapter = new MemoryAdapter();
      adapters.set(name, adapter);
    }
    return adapter;
  };
}

class MemoryAdapter implements Adapter {
  private readonly store = new Map<string, Entry>();

  upsert(id: string, payload: UnknownObject, expiresIn: number): Promise<void> {
    this.store.delete(id);
    this.store.set(id, { payload: structuredClone(payload), expiresAt: Date.now() + expiresIn * 1000 });
    while (this.store.size > MAX_ENTRIES) {
      const oldest = this.store.keys().next();
      if (oldest.done === true) break;
      this.store.delete(oldest.value);
    }
    return Promise.resolve();
  }

  find(id: string): Promise<UnknownObject | undefined> {
    const entry = this.store.get(id);
    if (entry === undefined) return Promise.resolve(undefined);
    if (entry.expiresAt <= Date.now()) {
      this.store.delete(id);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(structuredClone(entry.payload));
  }

  findByUserCode(userCode: string): Promise<UnknownObject | undefined> {
    return this.findBy('userCode', userCode);
  }

  findByUid(uid: string): Promise<UnknownObject | undefined> {
    return this.findBy('uid', uid);
  }

  consume(id: string): Promise<void> {
    const entry = this.store.get(id);
    if (entry !== undefined) {
      this.store.set(id, { ...entry, payload: { ...entry.payload, consumed: Math.floor(Date.now() / 1000) } });
    }
    return Promise.resolve();
  }

  destroy(id: string): Promise<void> {
    this.store.delete(id);
    return Promise.resolve();
  }

  revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, entry] of this.store) {
      if (entry.payload['grantId'] === grantId) this.store.delete(id);
    }
    return Promise.resolve();
  }

  private findBy(member: string, value: string): Promise<UnknownObject | undefined> {
    for (const [id, entry] of this.store) {
      if (entry.payload[member] === value) return this.find(id);
    }
    return Promise.resolve(undefined);
  }
}
