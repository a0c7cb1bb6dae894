// The user's box key pair in this browser's IndexedDB, one per account. The secret half
// never leaves the browser (only the public key is published).
import type { BoxKeyPair } from 'tweetnacl';

const DB = 'quanta-e2e';
const STORE = 'keys';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB is not available'));
  });
}

function run<T>(mode: IDBTransactionMode, work: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = work(tx.objectStore(STORE));
        tx.oncomplete = () => {
          db.close();
          resolve(req.result);
        };
        tx.onerror = () => {
          db.close();
          reject(tx.error ?? new Error('IndexedDB transaction failed'));
        };
      }),
  );
}

export async function loadKeyPair(userId: string): Promise<BoxKeyPair | undefined> {
  const v = await run('readonly', (s) => s.get(userId) as IDBRequest<BoxKeyPair | undefined>);
  return v?.publicKey instanceof Uint8Array && v.secretKey instanceof Uint8Array ? v : undefined;
}

export async function saveKeyPair(userId: string, pair: BoxKeyPair): Promise<void> {
  await run('readwrite', (s) => s.put(pair, userId));
}
