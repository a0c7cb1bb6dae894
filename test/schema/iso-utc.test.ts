// Update rows read their time as text (isoUtc): the wire shows it as is, so it must be exactly
// what toISOString gave when the rows were Dates, whatever the session's time zone.
import { isoUtc } from '../../src/infra/db/iso-utc';
import { withAdmin } from '../support/databases';

const instants = [
  '2026-01-04T00:00:00.000Z',
  '2026-11-30T23:59:59.999Z',
  '2027-03-28T01:30:00.050Z',
  '1999-12-31T23:00:00.007Z',
];

test.each(['UTC', 'America/New_York', 'Asia/Kolkata'])(
  'a timestamptz(3) reads as its toISOString, session time zone %s',
  async (zone) => {
    const read = await withAdmin(async (c) => {
      await c.query(`SET TimeZone = '${zone}'`);
      const { rows } = await c.query<{ iso: string }>(
        `SELECT ${isoUtc('t')} AS iso FROM unnest($1::timestamptz(3)[]) WITH ORDINALITY AS x(t, n) ORDER BY n`,
        [instants],
      );
      return rows.map((r) => r.iso);
    });
    expect(read).toEqual(instants.map((i) => new Date(i).toISOString()));
  },
);
