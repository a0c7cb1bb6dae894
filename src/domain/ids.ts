const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name a row (and must not reach Postgres as one). */
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
