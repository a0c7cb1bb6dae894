import { z } from 'zod';
import { decodeBase64, PUBLIC_KEY_BYTES } from '../crypto/e2e-box';

/** A NaCl box public key: 32 bytes in canonical standard base64. */
export const publicKey = z
  .string()
  .refine(
    (s) => decodeBase64(s)?.length === PUBLIC_KEY_BYTES,
    `must be ${PUBLIC_KEY_BYTES} bytes, standard base64`,
  );

export const setPublicKeyBody = z.object({ public_key: publicKey });
