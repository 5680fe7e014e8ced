// The phone's own store (IndexedDB "rootzone-field"): the outbox of writes not yet sent, in the
// order they were made (an auto-increment key), and the trees last read, so that a tree can be
// opened and edited while the network is gone. IndexedDB outlives a reload and a closed tab;
// sessionStorage (where the key is) does not, which is why the key is never stored here.
const dbName = 'rootzone-field';
const version = 1;
export const outboxStore = 'outbox';
export const treeStore = 'trees';

let opening: Promise<IDBDatabase> | null = null;

export function openDb(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(dbName, version);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(outboxStore)) db.createObjectStore(outboxStore, { keyPath: 'seq', autoIncrement: true });
      if (!db.objectStoreNames.contains(treeStore)) db.createObjectStore(treeStore, { keyPath: 'id' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opening = null;
      reject(req.error ?? new Error('IndexedDB could not be opened'));
    };
  });
  return opening;
}

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

// One request in its own transaction; the promise resolves when the transaction committed, so a
// write the caller awaited is on disk before the page goes on.
export async function run<T>(store: string, mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  const tx = db.transaction(store, mode);
  const result = done(f(tx.objectStore(store)));
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
  return result;
}

export function getAll<T>(store: string): Promise<T[]> {
  return run(store, 'readonly', (s) => s.getAll() as IDBRequest<T[]>);
}
