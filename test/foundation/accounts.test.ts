import jwt from 'jsonwebtoken';
import { useTestPlatform } from '../support/platform';
import { registerUser, uniqueName } from '../support/fixtures';

const t = useTestPlatform();

describe('owner accounts', () => {
  it('registers, logs in and answers /me with the same user', async () => {
    const username = uniqueName('Alice_');
    const reg = await t.current.http
      .post('/api/v1/auth/register')
      .send({ username, password: 'correct-horse-1', display_name: 'Alice' })
      .expect(201);
    expect(reg.body.user).toMatchObject({
      username: username.toLowerCase(),
      display_name: 'Alice',
      is_bot: false,
    });
    expect(reg.body.user).not.toHaveProperty('password_hash');

    // Usernames are case-insensitive.
    const login = await t.current.http
      .post('/api/v1/auth/login')
      .send({ username: username.toUpperCase(), password: 'correct-horse-1' })
      .expect(200);
    const me = await t.current.http
      .get('/api/v1/auth/me')
      .set('authorization', `Bearer ${login.body.token}`)
      .expect(200);
    expect(me.body.user.id).toBe(reg.body.user.id);
  });

  it('issues HS256 tokens with sub = user id and an expiry', async () => {
    const u = await registerUser(t.current.http);
    const decoded = jwt.decode(u.token, { complete: true })!;
    expect(decoded.header.alg).toBe('HS256');
    const claims = decoded.payload as jwt.JwtPayload;
    expect(claims.sub).toBe(u.id);
    expect(claims.exp! - claims.iat!).toBe(t.current.config.JWT_TTL);
  });

  it('answers 409 for a taken username, whatever its case', async () => {
    const u = await registerUser(t.current.http);
    const res = await t.current.http
      .post('/api/v1/auth/register')
      .send({ username: u.username.toUpperCase(), password: 'another-pass-1' })
      .expect(409);
    expect(res.body).toEqual({ error: 'username is already taken' });
  });

  it('gives the same 401 for a wrong password and an unknown user', async () => {
    const u = await registerUser(t.current.http);
    const wrong = await t.current.http
      .post('/api/v1/auth/login')
      .send({ username: u.username, password: 'not-the-password-1' })
      .expect(401);
    const unknown = await t.current.http
      .post('/api/v1/auth/login')
      .send({ username: uniqueName('ghost'), password: 'not-the-password-1' })
      .expect(401);
    expect(wrong.body).toEqual({ error: 'invalid username or password' });
    expect(unknown.body).toEqual(wrong.body);
  });

  it.each([
    [{ password: 'long-enough-1' }, 'username is required'],
    [{ username: 'ab', password: 'long-enough-1' }, 'username: must be 3-32'],
    [{ username: '1abc', password: 'long-enough-1' }, 'username: must be 3-32'],
    [{ username: 'a'.repeat(33), password: 'long-enough-1' }, 'username: must be 3-32'],
    [{ username: 'bad name', password: 'long-enough-1' }, 'username: must be 3-32'],
    [{ username: 'okname' }, 'password is required'],
    [{ username: 'okname', password: 'short1' }, 'password: must be at least 8'],
    [{ username: 'okname', password: 'onlyletters' }, 'password: must not be only letters'],
    [{ username: 'okname', password: 'x1'.repeat(65) }, 'password: must be at most 128'],
    [{ username: 42, password: 'long-enough-1' }, 'username: '],
  ])('rejects bad registration %j with 400', async (body, message) => {
    const res = await t.current.http.post('/api/v1/auth/register').send(body).expect(400);
    expect(res.body.error).toContain(message);
  });

  it.each([
    ['no header', undefined],
    ['not bearer', 'Basic abc'],
    ['garbage', 'Bearer not.a.jwt'],
    ['alg none', `Bearer ${jwt.sign({ sub: 'x' }, '', { algorithm: 'none' })}`],
    [
      'wrong secret',
      `Bearer ${jwt.sign({}, 'another-secret-another-secret-xx', { subject: 'x' })}`,
    ],
  ])('rejects /me with %s (401)', async (_name, header) => {
    const req = t.current.http.get('/api/v1/auth/me');
    if (header) req.set('authorization', header);
    const res = await req.expect(401);
    expect(typeof res.body.error).toBe('string');
  });

  it('rejects an expired token', async () => {
    const u = await registerUser(t.current.http);
    const expired = jwt.sign(
      { exp: Math.floor(Date.now() / 1000) - 10 },
      t.current.config.JWT_SECRET,
      {
        subject: u.id,
      },
    );
    await t.current.http
      .get('/api/v1/auth/me')
      .set('authorization', `Bearer ${expired}`)
      .expect(401);
  });
});
