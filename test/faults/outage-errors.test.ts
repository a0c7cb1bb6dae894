// The shapes infrastructure failures arrive in, as the fault tests met them (and one a TCP
// proxy cannot produce: PostgreSQL's own "shutting down" error), all answered with 503.
import { toAppError } from '../../src/http/errors';

/** What pg's socket errors look like: an errno in `code`, the message says little. */
const socketError = (code: string, message: string) => Object.assign(new Error(message), { code });

/** pg's DatabaseError: a SQLSTATE in `code`, beside `severity`. */
const pgError = (code: string, message: string) =>
  Object.assign(new Error(message), { code, severity: 'FATAL', name: 'error' });

/** Prisma's wrapping of a driver-adapter failure (its own code is P2010). */
const prismaError = (cause: Record<string, unknown>, message: string) =>
  Object.assign(new Error(message), {
    name: 'PrismaClientKnownRequestError',
    code: 'P2010',
    meta: { driverAdapterError: { name: 'DriverAdapterError', cause } },
  });

describe('infrastructure failures map to 503', () => {
  it.each([
    ['a query whose connection was reset', socketError('ECONNRESET', 'read ECONNRESET')],
    ['a write on a reset connection', socketError('ECONNRESET', 'write ECONNRESET')],
    ['a broken pipe', socketError('EPIPE', 'write EPIPE')],
    ['a refused connection', socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['the connection ending mid-query', new Error('Connection terminated unexpectedly')],
    [
      'Postgres shutting down (57P01)',
      pgError('57P01', 'terminating connection due to administrator command'),
    ],
    ['Postgres starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['too many connections (53300)', pgError('53300', 'sorry, too many clients already')],
    ['a connection exception (08006)', pgError('08006', 'connection failure')],
    [
      'Prisma: connection closed',
      prismaError({ kind: 'ConnectionClosed' }, 'Server has closed the connection.'),
    ],
    [
      'Prisma: not reachable',
      prismaError(
        { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 },
        "Can't reach database server at 127.0.0.1:5432",
      ),
    ],
    [
      'Prisma: Postgres shutting down',
      prismaError({ kind: 'postgres', originalCode: '57P01' }, 'Raw query failed.'),
    ],
    [
      'a wrapper keeping the reset in `cause`',
      Object.assign(new Error('query failed'), { cause: socketError('ECONNRESET', 'read') }),
    ],
  ])('%s', (_name, err) => {
    expect(toAppError(err)?.status).toBe(503);
  });

  it('leaves real bugs alone (a 500 is logged)', () => {
    expect(toAppError(new TypeError('x is undefined'))).toBeUndefined();
    expect(toAppError(pgError('42P01', 'relation "nope" does not exist'))).toBeUndefined();
  });
});
