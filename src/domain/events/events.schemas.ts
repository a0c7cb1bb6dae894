import { z } from 'zod';

export const feedQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,18}$/, 'after must be a cursor from a previous answer')
    .optional(),
  timeout: z.coerce
    .number({ error: 'timeout must be an integer' })
    .int('timeout must be an integer')
    .optional(),
});
