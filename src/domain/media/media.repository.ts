// The bytes of a stored file, read a slice at a time: a download never holds a whole file in
// memory. The column is stored uncompressed (STORAGE EXTERNAL, migration
// 20261130100000_media_external_storage), so Postgres fetches only the TOAST chunks a slice
// covers instead of decompressing the value from its start for every slice.
import { statement, type Queryable } from '../../infra/db/statement';

const slice = statement<{ id: string; from: number; length: number }, { bytes: Buffer }>(
  'media-slice',
  `SELECT substring(data FROM :from::int FOR :length::int) AS bytes FROM media WHERE id = :id::uuid`,
);

export const mediaRepository = {
  /** `length` bytes from offset `from` (0-based); undefined once the file is gone. */
  async slice(
    db: Queryable,
    id: string,
    from: number,
    length: number,
  ): Promise<Buffer | undefined> {
    return (await slice.first(db, { id, from: from + 1, length }))?.bytes;
  },
};
